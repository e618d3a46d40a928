//! `<rpc-reply>` as the client keeps it: the message text once, and what
//! was found in one scan of its top level (`message-id`, `<ok/>`, each
//! `<rpc-error>`, where `<data>` lies). The data is read from that text
//! on demand, so a 100 MB reply is held once, never as a tree beside it.

use std::io::Write;
use std::ops::Range;

use ironconf_proto::xml::{self, Element, Limits};
use ironconf_proto::{ErrorSeverity, RpcError};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::error::ClientError;

/// An `<rpc-reply>`.
#[derive(Debug, Clone)]
pub struct Reply {
    text: String,
    message_id: Option<String>,
    ok: bool,
    errors: Vec<RpcError>,
    data: Option<Range<usize>>,
    /// `xmlns` attributes of the root, so parts can be read on their own.
    namespaces: Vec<(String, String)>,
}

/// One command's output from `oper-data-format-text-block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// The command as run (`<show>X</show>` is `show X`).
    pub command: String,
    /// What it printed.
    pub response: String,
}

fn bad(e: impl std::fmt::Display) -> ClientError {
    ClientError::Reply(e.to_string())
}

impl Reply {
    /// Reads a reply from its message text.
    pub fn parse(text: String) -> Result<Reply, ClientError> {
        let mut message_id = None;
        let mut ok = false;
        let mut errors = Vec::new();
        let mut data = None;
        let mut namespaces = Vec::new();
        let mut r = Reader::from_str(&text);
        // The root.
        let (root, has_children) = loop {
            match r.read_event().map_err(bad)? {
                Event::Start(e) => break (e, true),
                Event::Empty(e) => break (e, false),
                Event::Eof => return Err(bad("no <rpc-reply> element")),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::Text(_) => {}
                other => return Err(bad(format!("unexpected {other:?} before <rpc-reply>"))),
            }
        };
        if root.local_name().as_ref() != "rpc-reply" {
            return Err(bad(format!(
                "root is <{}>, not <rpc-reply>",
                root.name().as_ref()
            )));
        }
        for a in root.attributes() {
            let a = a.map_err(bad)?;
            let key = a.key.as_ref().to_owned();
            let value = a
                .normalized_value(quick_xml::XmlVersion::default())
                .map_err(bad)?
                .into_owned();
            if key == "xmlns" || key.starts_with("xmlns:") {
                namespaces.push((key, value));
            } else if a.key.local_name().as_ref() == "message-id" {
                message_id = Some(value);
            }
        }
        let mut reply = Reply {
            text: String::new(),
            message_id,
            ok: false,
            errors: Vec::new(),
            data: None,
            namespaces,
        };
        if has_children {
            loop {
                let at = r.buffer_position() as usize;
                match r.read_event().map_err(bad)? {
                    Event::Start(e) => {
                        let span = r.read_to_end(e.name()).map_err(bad)?;
                        match e.local_name().as_ref() {
                            "ok" => ok = true,
                            "data" => data = Some(span.start as usize..span.end as usize),
                            "rpc-error" => {
                                let end = r.buffer_position() as usize;
                                let part = text.get(at..end).ok_or_else(|| bad("rpc-error"))?;
                                let e = reply.parse_part(part)?;
                                errors.push(RpcError::from_element(&e).map_err(bad)?);
                            }
                            _ => {}
                        }
                    }
                    Event::Empty(e) => match e.local_name().as_ref() {
                        "ok" => ok = true,
                        "data" => {
                            let end = r.buffer_position() as usize;
                            data = Some(end..end);
                        }
                        _ => {}
                    },
                    Event::End(_) => break,
                    Event::Eof => return Err(bad("message ends inside <rpc-reply>")),
                    _ => {}
                }
            }
        }
        reply.ok = ok;
        reply.errors = errors;
        reply.data = data;
        reply.text = text;
        Ok(reply)
    }

    /// Parses a fragment of this reply as an element, with the root's
    /// namespace declarations in scope.
    fn parse_part(&self, part: &str) -> Result<Element, ClientError> {
        let mut wrapped = String::with_capacity(part.len() + 64);
        wrapped.push_str("<w");
        for (k, v) in &self.namespaces {
            wrapped.push(' ');
            wrapped.push_str(k);
            wrapped.push_str("=\"");
            wrapped.push_str(&xml::escape_text(v).replace('"', "&quot;"));
            wrapped.push('"');
        }
        wrapped.push('>');
        wrapped.push_str(part);
        wrapped.push_str("</w>");
        let limits = Limits {
            max_depth: 4096,
            ..Limits::default()
        };
        let w = xml::parse(wrapped.as_bytes(), &limits).map_err(bad)?;
        w.child_elements()
            .next()
            .cloned()
            .ok_or_else(|| bad("empty element"))
    }

    /// `message-id`, if the server sent one.
    pub fn message_id(&self) -> Option<&str> {
        self.message_id.as_deref()
    }

    /// True for `<ok/>`, or for data, without an error-severity `<rpc-error>`.
    pub fn is_ok(&self) -> bool {
        (self.ok || self.data.is_some())
            && !self
                .errors
                .iter()
                .any(|e| e.error_severity == ErrorSeverity::Error)
    }

    /// True when the reply holds `<ok/>`.
    pub fn has_ok(&self) -> bool {
        self.ok
    }

    /// Every `<rpc-error>` (warnings included).
    pub fn errors(&self) -> &[RpcError] {
        &self.errors
    }

    /// `Ok(self)` when [`Reply::is_ok`], else the errors as [`ClientError::Rpc`].
    pub fn into_result(self) -> Result<Reply, ClientError> {
        if self.is_ok() {
            Ok(self)
        } else if self.errors.is_empty() {
            Err(bad("neither <ok/>, <data> nor <rpc-error>"))
        } else {
            Err(ClientError::Rpc(self.errors))
        }
    }

    /// The whole message text.
    pub fn xml(&self) -> &str {
        &self.text
    }

    /// The markup inside `<data>`, if any.
    pub fn data_xml(&self) -> Option<&str> {
        self.text.get(self.data.clone()?)
    }

    /// The `<data>` content as elements (for small replies; large ones are
    /// better read with [`Reply::write_config_text`]).
    pub fn data_elements(&self) -> Result<Vec<Element>, ClientError> {
        let Some(data) = self.data_xml() else {
            return Ok(Vec::new());
        };
        let w = self.parse_part(&format!("<data>{data}</data>"))?;
        Ok(w.child_elements().cloned().collect())
    }

    /// Writes the configuration text of a `cli-config-data` (each `<cmd>`
    /// a line) or `cli-config-data-block` reply, reading the message text
    /// as it goes. Returns the bytes written.
    pub fn write_config_text(&self, out: &mut impl Write) -> Result<u64, ClientError> {
        let Some(data) = self.data_xml() else {
            return Err(bad("the reply has no <data>"));
        };
        let mut r = Reader::from_str(data);
        let mut line = String::new();
        let mut inside: Option<&'static str> = None;
        let mut written = 0u64;
        loop {
            match r.read_event().map_err(bad)? {
                Event::Start(e) => {
                    inside = match e.local_name().as_ref() {
                        "cmd" => Some("cmd"),
                        "cli-config-data-block" => Some("block"),
                        _ => inside,
                    };
                    line.clear();
                }
                Event::Text(t) if inside.is_some() => line.push_str(&t.xml10_content()),
                Event::CData(t) if inside.is_some() => line.push_str(&t.xml10_content()),
                Event::GeneralRef(g) if inside.is_some() => line.push(resolve(&g)?),
                Event::End(e) => {
                    let name = e.local_name();
                    let kind = match name.as_ref() {
                        "cmd" => "cmd",
                        "cli-config-data-block" => "block",
                        _ => continue,
                    };
                    if inside == Some(kind) {
                        if kind == "cmd" || !line.ends_with('\n') {
                            line.push('\n');
                        }
                        out.write_all(line.as_bytes())?;
                        written += line.len() as u64;
                        line.clear();
                        inside = None;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(written)
    }

    /// The configuration text (see [`Reply::write_config_text`]).
    pub fn config_text(&self) -> Result<String, ClientError> {
        let mut out = Vec::new();
        self.write_config_text(&mut out)?;
        String::from_utf8(out).map_err(bad)
    }

    /// The outputs of `oper-data-format-text-block` commands, in order.
    pub fn exec_outputs(&self) -> Result<Vec<ExecOutput>, ClientError> {
        let mut outputs = Vec::new();
        for block in self.data_elements()? {
            if &*block.name != "cli-oper-data-block" {
                continue;
            }
            for item in block.child_elements() {
                let mut command = String::new();
                let mut response = String::new();
                for c in item.child_elements() {
                    match &*c.name {
                        "show" => command = format!("show {}", c.text().trim()),
                        "exec" => command = c.text().trim().to_owned(),
                        "response" => response = c.text().into_owned(),
                        _ => {}
                    }
                }
                outputs.push(ExecOutput { command, response });
            }
        }
        Ok(outputs)
    }
}

/// The character a reference stands for.
fn resolve(g: &BytesRef<'_>) -> Result<char, ClientError> {
    if let Some(c) = g.resolve_char_ref().map_err(bad)? {
        return Ok(c);
    }
    Ok(match &**g {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        other => return Err(bad(format!("undeclared entity &{other};"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_proto::ErrorTag;

    fn reply(s: &str) -> Reply {
        match Reply::parse(s.to_owned()) {
            Ok(r) => r,
            Err(e) => panic!("{e}: {s}"),
        }
    }

    #[test]
    fn ok_errors_and_message_id() {
        let r = reply(
            r#"<?xml version="1.0" encoding="UTF-8"?><rpc-reply message-id="7" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok /></rpc-reply>"#,
        );
        assert_eq!(r.message_id(), Some("7"));
        assert!(r.is_ok() && r.has_ok());
        let r = reply(
            r#"<nc:rpc-reply xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:message-id="x"><nc:rpc-error><nc:error-type>protocol</nc:error-type><nc:error-tag>lock-denied</nc:error-tag><nc:error-severity>error</nc:error-severity><nc:error-info><nc:session-id>12</nc:session-id></nc:error-info></nc:rpc-error></nc:rpc-reply>"#,
        );
        assert_eq!(r.message_id(), Some("x"));
        assert!(!r.is_ok());
        assert_eq!(r.errors()[0].error_tag, ErrorTag::LockDenied);
        assert_eq!(r.errors()[0].error_info.session_id, Some(12));
        assert!(matches!(r.into_result(), Err(ClientError::Rpc(e)) if e.len() == 1));
        assert!(Reply::parse("<hello/>".into()).is_err());
        assert!(Reply::parse("<rpc-reply><ok/>".into()).is_err());
    }

    #[test]
    fn config_text_from_cmds_and_blocks() {
        let r = reply(
            "<rpc-reply message-id=\"1\"><data><cli-config-data><cmd>!</cmd>\n<cmd>interface Loopback1</cmd>\n<cmd> description a &amp; b &lt;x&gt;&#33;</cmd></cli-config-data></data></rpc-reply>",
        );
        assert_eq!(
            r.config_text().ok().as_deref(),
            Some("!\ninterface Loopback1\n description a & b <x>!\n")
        );
        let r = reply(
            "<rpc-reply><data><cli-config-data-block>hostname r1\n!\nend</cli-config-data-block></data></rpc-reply>",
        );
        assert_eq!(
            r.config_text().ok().as_deref(),
            Some("hostname r1\n!\nend\n")
        );
        let r = reply("<rpc-reply><data/></rpc-reply>");
        assert_eq!(r.data_xml(), Some(""));
        assert!(r.is_ok());
    }

    #[test]
    fn exec_outputs_in_order() {
        let r = reply(
            "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><data><cli-oper-data-block><item><show>version</show><response>\nCisco IOS</response></item><item><exec>show clock</exec><response>\n*10:00</response></item></cli-oper-data-block></data></rpc-reply>",
        );
        let out = r.exec_outputs().unwrap_or_default();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].command, "show version");
        assert_eq!(out[0].response, "\nCisco IOS");
        assert_eq!(out[1].command, "show clock");
    }
}
