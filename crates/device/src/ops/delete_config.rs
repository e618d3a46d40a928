//! `<delete-config>` of startup (`erase startup-config`) and of a `<url>`
//! naming a file on the flash.

use crate::fs::Location;
use crate::locks::Datastore;
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::{Ctx, Endpoint, endpoint};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    match endpoint(ctx.device, &req.operation, "target")? {
        Endpoint::Datastore(Datastore::Startup) | Endpoint::Url(Location::Startup) => {
            ctx.device
                .check_write(Datastore::Startup, ctx.caller.session)?;
            ctx.device
                .erase_startup()
                .map_err(|e| RpcError::new(ErrorTag::OperationFailed).message(e.to_string()))?;
            Ok(req.ok())
        }
        Endpoint::Url(Location::Flash(p)) if !p.is_empty() => {
            let name = ctx.device.location_name(&Location::Flash(p.clone()));
            ctx.device.flash_remove(&p).map_err(|e| {
                RpcError::new(ErrorTag::OperationFailed)
                    .bad_element("url")
                    .message(format!("%Error deleting {name} ({})", e.as_str()))
            })?;
            Ok(req.ok())
        }
        Endpoint::Url(other) => Err(RpcError::operation_not_supported("url").message(format!(
            "{} cannot be deleted",
            ctx.device.location_name(&other)
        ))),
        Endpoint::Config(_) => Err(RpcError::new(ErrorTag::InvalidValue)
            .bad_element("config")
            .message("<config> is not a delete-config target")),
        Endpoint::Datastore(other) => Err(RpcError::operation_not_supported(other.as_str())
            .message(format!(
                "the {} configuration cannot be deleted",
                other.as_str()
            ))),
    }
}
