//! `<lock>` and `<unlock>` of running or startup, with IOS lock-time.

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, datastore};

pub(crate) fn lock(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let ds = datastore(&req.operation, "target")?;
    ctx.device
        .state()
        .locks
        .lock(ds, ctx.caller.session, ctx.now)?;
    Ok(req.ok())
}

pub(crate) fn unlock(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let ds = datastore(&req.operation, "target")?;
    ctx.device
        .state()
        .locks
        .unlock(ds, ctx.caller.session, ctx.now)?;
    Ok(req.ok())
}
