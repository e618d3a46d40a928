//! `<copy-config>`: running to startup (`copy running-config
//! startup-config`) and startup to running.

use ironconf_ios::config::ItemChange;
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Datastore, Reply, Request};

use super::{Ctx, datastore};

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
            let cat = device.catalogue();
            let cfg = device.startup_config();
            let mut st = device.state();
            st.locks
                .check_write(Datastore::Running, ctx.caller.session, ctx.now)?;
            let before = st.running.render(cat, &[]);
            st.running = cfg;
            let after = st.running.render(cat, &[]);
            if before != after {
                let change = ItemChange {
                    before: before.lines().map(str::to_owned).collect(),
                    after: after.lines().map(str::to_owned).collect(),
                };
                st.note_change(cat, &ctx.caller.user, vec![change]);
            }
            Ok(req.ok())
        }
        (s, t) => Err(RpcError::new(ErrorTag::InvalidValue).message(format!(
            "copying {} to {} is not supported",
            s.as_str(),
            t.as_str()
        ))),
    }
}
