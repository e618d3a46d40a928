//! `<get>`: the running configuration (as text) and, later, EXEC output.

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, config_filter, running_text, write_config};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    ctx.require_privilege_15()?;
    let filter = req.operation.child("filter");
    if filter.is_some_and(|f| f.child("oper-data-format-text-block").is_some()) {
        // EXEC output over NETCONF comes with the device's EXEC CLI.
        return Err(RpcError::operation_not_supported(
            "oper-data-format-text-block",
        ));
    }
    let mut reply = req.data();
    if let Some((format, spec)) = config_filter(filter)? {
        let text = running_text(ctx.device, &spec);
        write_config(&mut reply.writer, ctx.device, &text, format);
    }
    Ok(reply.finish())
}
