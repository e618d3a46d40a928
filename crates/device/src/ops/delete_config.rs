//! `<delete-config>` of startup (`erase startup-config`).

use crate::locks::Datastore;
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::{Ctx, datastore};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    ctx.require_privilege_15()?;
    match datastore(&req.operation, "target")? {
        Datastore::Startup => {
            ctx.device.state().locks.check_write(
                Datastore::Startup,
                ctx.caller.session,
                ctx.now,
            )?;
            ctx.device
                .erase_startup()
                .map_err(|e| RpcError::new(ErrorTag::OperationFailed).message(e.to_string()))?;
            Ok(req.ok())
        }
        other => Err(
            RpcError::operation_not_supported(other.as_str()).message(format!(
                "the {} configuration cannot be deleted",
                other.as_str()
            )),
        ),
    }
}
