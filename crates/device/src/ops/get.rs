//! `<get>`: the running configuration (as text) and EXEC command output
//! (`oper-data-format-text-block` with `<show>` and `<exec>` items).

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, config_filter, running_text, write_config};
use crate::exec::{self, ExecCaller};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let filter = req.operation.child("filter");
    let oper = filter.and_then(|f| f.child("oper-data-format-text-block"));
    // `get` is configuration plus state: without a config-format element
    // the whole running-config comes first (clients add a filter that
    // matches nothing to avoid it). A user below privilege 15 gets only the
    // EXEC items, each checked against its own level.
    let (format, spec) =
        config_filter(filter)?.unwrap_or((super::TextFormat::Block, String::new()));
    let wants_config = oper.is_none() || ctx.caller.privilege >= 15;
    if oper.is_none() {
        ctx.require_privilege_15()?;
    }
    let mut reply = req.data();
    if wants_config {
        let text = running_text(ctx.device, &spec);
        write_config(&mut reply.writer, ctx.device, &text, format);
    }
    if let Some(oper) = oper {
        let caller = ExecCaller {
            session: Some(ctx.caller.session),
            user: ctx.caller.user.clone(),
            privilege: ctx.caller.privilege,
            line: None,
        };
        let eol = ctx.device.profile().text_eol.as_str();
        let w = &mut reply.writer;
        w.start("cli-oper-data-block");
        for item in oper.child_elements() {
            let text = item.text();
            let command = match &*item.name {
                "show" => format!("show {}", text.trim()),
                "exec" => text.trim().to_owned(),
                other => return Err(RpcError::operation_not_supported(other)),
            };
            let out = exec::run(ctx.device, &caller, &command);
            w.start("item");
            w.text_element(&item.name, &text);
            w.start("response");
            for line in out.text.split_inclusive('\n') {
                // The response starts with a line break, as on IOS.
                w.raw(eol);
                w.text(line.trim_end_matches('\n'));
            }
            w.end("response");
            w.end("item");
        }
        w.end("cli-oper-data-block");
    }
    Ok(reply.finish())
}
