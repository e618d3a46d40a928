//! `<lock>` and `<unlock>` of running or startup, with IOS lock-time.

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, datastore};

pub(crate) fn lock(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let ds = datastore(&req.operation, "target")?;
    ctx.device.lock_datastore(ds, ctx.caller.session)?;
    Ok(req.ok())
}

pub(crate) fn unlock(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let ds = datastore(&req.operation, "target")?;
    ctx.device.unlock_datastore(ds, ctx.caller.session)?;
    Ok(req.ok())
}
