//! `<get>`: the running configuration (as text) and EXEC command output
//! (`oper-data-format-text-block` with `<show>` and `<exec>` items), or
//! show output as XML-PI data (`oper-data-format-xml`, for the commands
//! that have an XML form here: `show ip interface brief`).

use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::parse::parse_line;
use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, config_filter, running_text, write_config};
use crate::exec::{self, ExecCaller};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let filter = req.operation.child("filter");
    let oper = filter.and_then(|f| f.child("oper-data-format-text-block"));
    let oper_xml = filter.and_then(|f| f.child("oper-data-format-xml"));
    let xml_items = oper_xml
        .map(|o| xml_items(ctx.device.catalogue(), o))
        .transpose()?;
    // `get` is configuration plus state: without a config-format element
    // the whole running-config comes first (clients add a filter that
    // matches nothing to avoid it). A user below privilege 15 gets only the
    // EXEC items, each checked against its own level.
    let (format, spec) =
        config_filter(filter)?.unwrap_or((super::TextFormat::Block, String::new()));
    let any_oper = oper.is_some() || oper_xml.is_some();
    let wants_config = !any_oper || ctx.caller.privilege >= 15;
    if !any_oper {
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
    if let Some(items) = xml_items {
        let w = &mut reply.writer;
        w.start("xml-oper-data");
        for (asked, command) in items {
            w.start("item");
            w.text_element("show", &asked);
            w.start("response");
            match command {
                XmlShow::IpInterfaceBrief => {
                    w.start("ShowIpInterfaceBrief");
                    w.start("IPInterfaces");
                    for row in ctx.device.ip_interface_brief() {
                        w.start("entry");
                        w.text_element("Interface", &row.interface);
                        w.text_element("IP-Address", &row.address);
                        w.text_element("Status", row.status);
                        w.text_element("Method", row.method);
                        w.text_element("Protocol", row.protocol);
                        w.end("entry");
                    }
                    w.end("IPInterfaces");
                    w.end("ShowIpInterfaceBrief");
                }
            }
            w.end("response");
            w.end("item");
        }
        w.end("xml-oper-data");
    }
    Ok(reply.finish())
}

/// Show commands with an XML form.
#[derive(Debug, Clone, Copy)]
enum XmlShow {
    IpInterfaceBrief,
}

/// The `<show>` items of an `oper-data-format-xml` filter, checked before
/// any output is written.
fn xml_items(
    cat: &Catalogue,
    oper: &ironconf_proto::Element,
) -> Result<Vec<(String, XmlShow)>, RpcError> {
    oper.child_elements()
        .map(|item| {
            if &*item.name != "show" {
                return Err(RpcError::operation_not_supported(&item.name));
            }
            let asked = item.text();
            // Read by the EXEC parser, so IOS abbreviations work as at the
            // CLI (`ip int br`).
            let command = format!("show {}", asked.trim());
            let tokens = cat
                .mode_by_name("exec")
                .and_then(|mode| parse_line(cat, mode, &command, false).ok())
                .map(|p| p.tokens)
                .unwrap_or_default();
            match tokens.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                ["show", "ip", "interface", "brief"] => {
                    Ok((asked.to_string(), XmlShow::IpInterfaceBrief))
                }
                _ => Err(RpcError::new(ironconf_proto::ErrorTag::OperationNotSupported)
                    .bad_element("show")
                    .message(format!(
                        "'{command}' has no XML form on this device; use oper-data-format-text-block"
                    ))),
            }
        })
        .collect()
}
