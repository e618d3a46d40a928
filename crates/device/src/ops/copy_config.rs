//! `<copy-config>`: running to startup (`copy running-config
//! startup-config`) and startup to running.

use crate::locks::Datastore;
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::{Ctx, datastore, refused};
use crate::configure::Changer;

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    ctx.require_privilege_15()?;
    let source = datastore(&req.operation, "source")?;
    let target = datastore(&req.operation, "target")?;
    let device = ctx.device;
    match (source, target) {
        (Datastore::Running, Datastore::Startup) => {
            device
                .state()
                .locks
                .check_write(Datastore::Startup, ctx.caller.session, ctx.now)?;
            device.save_startup().map_err(|e| {
                tracing::error!(%e, "copy running-config startup-config");
                RpcError::new(ErrorTag::OperationFailed).message(e.to_string())
            })?;
            Ok(req.ok())
        }
        (Datastore::Startup, Datastore::Running) => {
            let cfg = device.startup_config();
            let who = Changer {
                user: &ctx.caller.user,
                session: Some(ctx.caller.session),
            };
            device.replace_running(who, cfg).map_err(refused)?;
            Ok(req.ok())
        }
        (s, t) => Err(RpcError::new(ErrorTag::InvalidValue).message(format!(
            "copying {} to {} is not supported",
            s.as_str(),
            t.as_str()
        ))),
    }
}
