//! How replies are printed: plain text for people, the reply's XML
//! (indented), or JSON for programs.

use std::io::Write;

use clap::ValueEnum;
use ironconf_client::{ClientError, Reply, RpcError};
use quick_xml::events::Event;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Configuration and command output as text, `ok`, errors as `% …`.
    Text,
    /// The rpc-reply, indented.
    Xml,
    /// One JSON object per reply.
    Json,
}

/// What a reply's text form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Configuration text (`cli-config-data`), else the data as XML.
    Config,
    /// EXEC command outputs.
    Exec,
    /// `<ok/>`.
    Ok,
    /// Whatever came: data as XML, or ok.
    Any,
}

/// Prints `reply` in `format`.
pub(crate) fn print_reply(
    out: &mut impl Write,
    reply: &Reply,
    format: Format,
    shape: Shape,
) -> Result<(), ClientError> {
    match format {
        Format::Xml => {
            write_pretty_xml(out, reply.xml())?;
            out.write_all(b"\n")?;
        }
        Format::Json => {
            let v = reply_json(reply, shape)?;
            serde_json::to_writer_pretty(&mut *out, &v).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            for e in reply.errors() {
                writeln!(out, "{}", error_line(e))?;
            }
            match shape {
                Shape::Config if is_cli_config(reply) => {
                    reply.write_config_text(out)?;
                }
                Shape::Exec => {
                    for o in reply.exec_outputs()? {
                        let text = o.response.strip_prefix('\n').unwrap_or(&o.response);
                        out.write_all(text.as_bytes())?;
                        if !text.ends_with('\n') && !text.is_empty() {
                            out.write_all(b"\n")?;
                        }
                    }
                }
                _ => match reply.data_xml() {
                    Some(d) if !d.trim().is_empty() => {
                        out.write_all(pretty_xml(d).as_bytes())?;
                        out.write_all(b"\n")?;
                    }
                    Some(_) => {}
                    None if reply.has_ok() => out.write_all(b"ok\n")?,
                    None => {}
                },
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn is_cli_config(reply: &Reply) -> bool {
    reply.data_xml().is_some_and(|d| {
        let d = d.trim_start();
        d.starts_with("<cli-config-data") || d.contains("cli-config-data")
    })
}

/// `% rpc-error TAG (TYPE): MESSAGE`
pub(crate) fn error_line(e: &RpcError) -> String {
    let mut s = format!(
        "% rpc-error {} ({}, {})",
        e.error_tag.as_str(),
        e.error_type.as_str(),
        e.error_severity.as_str()
    );
    if let Some(m) = &e.error_message {
        s.push_str(": ");
        s.push_str(m.text.trim());
    }
    if let Some(id) = e.error_info.session_id {
        s.push_str(&format!(" [session-id {id}]"));
    }
    s
}

fn error_json(e: &RpcError) -> Value {
    json!({
        "type": e.error_type.as_str(),
        "tag": e.error_tag.as_str(),
        "severity": e.error_severity.as_str(),
        "app_tag": e.error_app_tag,
        "path": e.error_path,
        "message": e.error_message.as_ref().map(|m| m.text.trim().to_owned()),
        "session_id": e.error_info.session_id,
        "bad_element": e.error_info.bad_element,
    })
}

fn reply_json(reply: &Reply, shape: Shape) -> Result<Value, ClientError> {
    let mut v = json!({
        "message_id": reply.message_id(),
        "ok": reply.is_ok(),
        "errors": reply.errors().iter().map(error_json).collect::<Vec<_>>(),
    });
    match shape {
        Shape::Config if is_cli_config(reply) => v["config"] = json!(reply.config_text()?),
        Shape::Exec if reply.data_xml().is_some() => {
            v["outputs"] = reply
                .exec_outputs()?
                .into_iter()
                .map(|o| json!({"command": o.command, "response": o.response}))
                .collect();
        }
        _ => {
            if let Some(d) = reply.data_xml() {
                v["data"] = json!(d);
            }
        }
    }
    Ok(v)
}

/// The JSON printed for a failure, so programs always get an object.
pub(crate) fn failure_json(e: &ClientError) -> Value {
    match e {
        ClientError::Rpc(errors) => json!({
            "ok": false,
            "errors": errors.iter().map(error_json).collect::<Vec<_>>(),
        }),
        other => json!({"ok": false, "error": other.to_string()}),
    }
}

/// XML indented two spaces per level; text is kept as it is (a
/// configuration line's leading spaces matter).
pub(crate) fn pretty_xml(xml: &str) -> String {
    let mut out = Vec::with_capacity(xml.len() + xml.len() / 4);
    match write_pretty_xml(&mut out, xml) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| xml.to_owned()),
        Err(_) => xml.to_owned(),
    }
}

/// Writes `xml` indented into `out` as it reads it (a large reply is not
/// copied into a second string); text that is not XML is written as is.
pub(crate) fn write_pretty_xml(out: &mut impl Write, xml: &str) -> std::io::Result<()> {
    // A first pass that writes nothing: broken XML goes out untouched.
    let mut check = quick_xml::Reader::from_str(xml);
    loop {
        match check.read_event() {
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => return out.write_all(xml.as_bytes()),
        }
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut writer = quick_xml::Writer::new_with_indent(out, b' ', 2);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(Event::Text(t)) if t.trim().is_empty() => {}
            Ok(e) => writer.write_event(e)?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_xml_indents_and_keeps_text() {
        assert_eq!(
            pretty_xml("<a><b> x</b><c/></a>"),
            "<a>\n  <b> x</b>\n  <c/>\n</a>"
        );
        assert_eq!(pretty_xml("not <xml"), "not <xml");
    }
}
