//! NETCONF messages: reading `<hello>`, `<rpc>`, `<rpc-reply>` and
//! `<notification>`, and writing hellos and replies in a device's style.

use bytes::Bytes;

use crate::error::{ErrorStyle, RpcError};
use crate::framing::{FrameStyle, Framing, HEADER_ROOM, frame_in_place, frame_part};
use crate::xml::{self, Attribute, Element, Limits, Node, XmlError};

/// The base namespace (RFC 6241).
pub const BASE_NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
/// A misspelling of the base namespace seen from real clients ("rs" for "ns").
pub const TYPO_BASE_NS: &str = "urn:ietf:params:xml:rs:netconf:base:1.0";
/// The capability URN that some IOS images used as the reply namespace.
pub const LEGACY_REPLY_NS: &str = "urn:ietf:params:netconf:base:1.0";
/// RFC 5277 notification namespace.
pub const NOTIFICATION_NS: &str = "urn:ietf:params:xml:ns:netconf:notification:1.0";
/// Cisco's E-DI / XML-PI payload namespace (payload is matched by local name).
pub const CISCO_CPI_NS: &str = "http://www.cisco.com/cpi_10/schema";

/// True for the namespaces accepted as NETCONF base on input: the real one,
/// its typo, the old capability-URN namespace, and none at all.
pub fn is_base_namespace(ns: Option<&str>) -> bool {
    matches!(ns, None | Some(BASE_NS | TYPO_BASE_NS | LEGACY_REPLY_NS))
}

/// A parsed message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// `<hello>`
    Hello(Hello),
    /// `<rpc>` (its envelope; the operation is checked by [`Rpc::from_element`]).
    Rpc(Element),
    /// `<rpc-reply>`
    RpcReply(RpcReply),
    /// `<notification>`
    Notification(Notification),
}

/// Why a message is not a NETCONF message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// Not well-formed, or refused by the XML rules.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The root is not a NETCONF message element.
    #[error("<{name}> is not a NETCONF message (namespace {})", .namespace.as_deref().unwrap_or("none"))]
    UnknownRoot {
        /// Local name of the root.
        name: String,
        /// Its namespace.
        namespace: Option<String>,
    },
    /// A NETCONF message element in a foreign namespace.
    #[error("<{name}> in unknown namespace '{namespace}'")]
    UnknownNamespace {
        /// Local name of the root.
        name: String,
        /// The namespace found.
        namespace: String,
    },
    /// A `<hello>` that cannot be read.
    #[error("bad hello: {0}")]
    BadHello(String),
    /// An `<rpc-reply>` that cannot be read.
    #[error("bad rpc-reply: {0}")]
    BadReply(String),
}

/// Parses one framed message.
pub fn parse_message(input: &[u8], limits: &Limits) -> Result<Message, MessageError> {
    let root = xml::parse(input, limits)?;
    let ns = root.namespace.as_deref();
    let expected_ns_ok = match &*root.name {
        "hello" | "rpc" | "rpc-reply" => is_base_namespace(ns),
        "notification" => ns == Some(NOTIFICATION_NS) || is_base_namespace(ns),
        _ => {
            return Err(MessageError::UnknownRoot {
                name: root.name.to_string(),
                namespace: root.namespace.map(|n| n.to_string()),
            });
        }
    };
    if !expected_ns_ok {
        return Err(MessageError::UnknownNamespace {
            name: root.name.to_string(),
            namespace: ns.unwrap_or_default().to_owned(),
        });
    }
    Ok(match &*root.name {
        "hello" => Message::Hello(Hello::from_element(&root)?),
        "rpc" => Message::Rpc(root),
        "rpc-reply" => Message::RpcReply(RpcReply::from_element(root)?),
        _ => Message::Notification(Notification::from_element(root)),
    })
}

/// `<hello>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// Capability URIs, trimmed, in order.
    pub capabilities: Vec<String>,
    /// `<session-id>` (servers send one; a client's is an error per RFC 6241).
    pub session_id: Option<u32>,
}

impl Hello {
    /// Reads a `<hello>` element.
    pub fn from_element(e: &Element) -> Result<Self, MessageError> {
        let caps = e
            .child("capabilities")
            .ok_or_else(|| MessageError::BadHello("no <capabilities>".into()))?;
        let capabilities: Vec<String> = caps
            .child_elements()
            .filter(|c| &*c.name == "capability")
            .map(|c| c.text().trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        if capabilities.is_empty() {
            return Err(MessageError::BadHello("no <capability>".into()));
        }
        let session_id = match e.child("session-id") {
            None => None,
            Some(s) => {
                let t = s.text();
                let id = t
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| {
                        MessageError::BadHello(format!(
                            "session-id '{}' is not 1..4294967295",
                            t.trim()
                        ))
                    })?;
                Some(id)
            }
        };
        Ok(Hello {
            capabilities,
            session_id,
        })
    }
}

/// How a hello is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelloStyle {
    /// Write `<?xml version="1.0" encoding="UTF-8"?>` first.
    pub xml_declaration: bool,
    /// Put `xmlns` on `<hello>` (old IOS switches did not).
    pub namespace: bool,
}

impl Default for HelloStyle {
    fn default() -> Self {
        HelloStyle {
            xml_declaration: true,
            namespace: true,
        }
    }
}

/// The XML declaration every message starts with where the style asks.
pub const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// Writes a hello body (unframed), in one line as IOS does.
pub fn write_hello(
    out: &mut Vec<u8>,
    capabilities: &[String],
    session_id: Option<u32>,
    style: HelloStyle,
) {
    if style.xml_declaration {
        out.extend_from_slice(XML_DECLARATION.as_bytes());
    }
    if style.namespace {
        out.extend_from_slice(b"<hello xmlns=\"");
        out.extend_from_slice(BASE_NS.as_bytes());
        out.extend_from_slice(b"\">");
    } else {
        out.extend_from_slice(b"<hello>");
    }
    out.extend_from_slice(b"<capabilities>");
    for c in capabilities {
        out.extend_from_slice(b"<capability>");
        xml::escape_text_into(c, out);
        out.extend_from_slice(b"</capability>");
    }
    out.extend_from_slice(b"</capabilities>");
    if let Some(id) = session_id {
        out.extend_from_slice(format!("<session-id>{id}</session-id>").as_bytes());
    }
    out.extend_from_slice(b"</hello>");
}

/// A checked `<rpc>`: attributes and exactly one operation element.
#[derive(Debug, Clone, PartialEq)]
pub struct Rpc {
    /// `message-id`, if present.
    pub message_id: Option<String>,
    /// Every attribute of `<rpc>` as received (echoed on the reply).
    pub attributes: Vec<Attribute>,
    /// The operation element (`<get-config>`, `<edit-config>`, …).
    pub operation: Element,
}

/// An `<rpc>` whose envelope is wrong; the attributes are kept so the error
/// reply can still echo them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct RpcEnvelopeError {
    /// The attributes of `<rpc>`.
    pub attributes: Vec<Attribute>,
    /// The error to answer with.
    pub error: RpcError,
}

impl Rpc {
    /// Checks an `<rpc>` element: it must hold exactly one operation element
    /// and no text.
    pub fn from_element(rpc: Element) -> Result<Rpc, RpcEnvelopeError> {
        let attributes = rpc.attributes;
        let message_id = attributes
            .iter()
            .find(|a| a.qname == "message-id")
            .map(|a| a.value.clone());
        let mut operation = None;
        for child in rpc.children {
            match child {
                Node::Text(t) if t.trim().is_empty() => {}
                Node::Text(_) => {
                    let error = RpcError::new(crate::error::ErrorTag::MalformedMessage)
                        .message("text is not allowed directly inside <rpc>");
                    return Err(RpcEnvelopeError { attributes, error });
                }
                Node::Element(e) => {
                    if operation.is_some() {
                        let error = RpcError::new(crate::error::ErrorTag::UnknownElement)
                            .bad_element(e.name.to_string())
                            .message("more than one operation in <rpc>");
                        return Err(RpcEnvelopeError { attributes, error });
                    }
                    operation = Some(e);
                }
            }
        }
        match operation {
            Some(operation) => Ok(Rpc {
                message_id,
                attributes,
                operation,
            }),
            None => {
                let error = RpcError::new(crate::error::ErrorTag::MissingElement)
                    .bad_element("rpc")
                    .message("<rpc> holds no operation");
                Err(RpcEnvelopeError { attributes, error })
            }
        }
    }
}

/// An `<rpc-reply>` as a client reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcReply {
    /// `message-id`, if present.
    pub message_id: Option<String>,
    /// True when the reply holds `<ok/>`.
    pub ok: bool,
    /// `<data>`, if present.
    pub data: Option<Element>,
    /// Every `<rpc-error>`.
    pub errors: Vec<RpcError>,
    /// The whole reply element, for anything else.
    pub element: Element,
}

impl RpcReply {
    /// Reads an `<rpc-reply>` element.
    pub fn from_element(element: Element) -> Result<Self, MessageError> {
        let message_id = element.attribute("message-id").map(str::to_owned);
        let mut ok = false;
        let mut data = None;
        let mut errors = Vec::new();
        for c in element.child_elements() {
            match &*c.name {
                "ok" => ok = true,
                "data" => data = Some(c.clone()),
                "rpc-error" => errors.push(
                    RpcError::from_element(c).map_err(|e| MessageError::BadReply(e.to_string()))?,
                ),
                _ => {}
            }
        }
        Ok(RpcReply {
            message_id,
            ok,
            data,
            errors,
            element,
        })
    }
}

/// A `<notification>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// `<eventTime>` text.
    pub event_time: Option<String>,
    /// The event elements (all children but `eventTime`).
    pub content: Vec<Element>,
}

impl Notification {
    fn from_element(e: Element) -> Self {
        let mut event_time = None;
        let mut content = Vec::new();
        for c in e.children {
            if let Node::Element(c) = c {
                if &*c.name == "eventTime" {
                    event_time = Some(c.text().trim().to_owned());
                } else {
                    content.push(c);
                }
            }
        }
        Notification {
            event_time,
            content,
        }
    }
}

/// The namespace written on replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplyNamespace {
    /// `urn:ietf:params:xml:ns:netconf:base:1.0`
    #[default]
    Base,
    /// `urn:ietf:params:netconf:base:1.0`, as some old IOS images wrote it.
    LegacyCapabilityUrn,
}

impl ReplyNamespace {
    /// The URI.
    pub fn uri(self) -> &'static str {
        match self {
            ReplyNamespace::Base => BASE_NS,
            ReplyNamespace::LegacyCapabilityUrn => LEGACY_REPLY_NS,
        }
    }
}

/// How `<ok/>` is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OkStyle {
    /// `<ok/>`
    #[default]
    Compact,
    /// `<ok />`, as IOS writes it (scripts string-match it).
    Spaced,
}

/// Everything about how a device writes replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyStyle {
    /// XML declaration on every reply.
    pub xml_declaration: bool,
    /// Namespace of `<rpc-reply>`.
    pub namespace: ReplyNamespace,
    /// Write `xmlns` before the echoed attributes.
    pub namespace_first: bool,
    /// `<ok/>` or `<ok />`.
    pub ok: OkStyle,
    /// Full or minimal `<rpc-error>`.
    pub errors: ErrorStyle,
    /// Byte-level framing options.
    pub frame: FrameStyle,
}

impl Default for ReplyStyle {
    fn default() -> Self {
        ReplyStyle {
            xml_declaration: true,
            namespace: ReplyNamespace::Base,
            namespace_first: false,
            ok: OkStyle::Compact,
            errors: ErrorStyle::Rfc,
            frame: FrameStyle::default(),
        }
    }
}

/// A framed message ready to send: one or more byte slices, in order.
pub type FramedMessage = Vec<Bytes>;

/// Builds one `<rpc-reply>` in place: the envelope is written first, the
/// body appended, and framing added without copying the body.
#[derive(Debug)]
pub struct ReplyBuilder {
    buf: Vec<u8>,
    framing: Framing,
    style: ReplyStyle,
}

impl ReplyBuilder {
    /// Starts a reply echoing `attributes` (the request's, as received).
    pub fn new(framing: Framing, style: ReplyStyle, attributes: &[Attribute]) -> Self {
        let mut buf = Vec::with_capacity(256);
        buf.resize(HEADER_ROOM, 0);
        if style.xml_declaration {
            buf.extend_from_slice(XML_DECLARATION.as_bytes());
        }
        buf.extend_from_slice(b"<rpc-reply");
        let write_ns = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(b" xmlns=\"");
            buf.extend_from_slice(style.namespace.uri().as_bytes());
            buf.push(b'"');
        };
        if style.namespace_first {
            write_ns(&mut buf);
        }
        for a in attributes.iter().filter(|a| a.qname != "xmlns") {
            buf.push(b' ');
            buf.extend_from_slice(a.qname.as_bytes());
            buf.extend_from_slice(b"=\"");
            xml::escape_attr_into(&a.value, &mut buf);
            buf.push(b'"');
        }
        if !style.namespace_first {
            write_ns(&mut buf);
        }
        buf.push(b'>');
        ReplyBuilder {
            buf,
            framing,
            style,
        }
    }

    /// `<ok/>`
    pub fn ok(mut self) -> FramedMessage {
        self.buf.extend_from_slice(match self.style.ok {
            OkStyle::Compact => b"<ok/>".as_slice(),
            OkStyle::Spaced => b"<ok />".as_slice(),
        });
        self.finish()
    }

    /// One `<rpc-error>` per error.
    pub fn errors(mut self, errors: &[RpcError]) -> FramedMessage {
        for e in errors {
            e.write(&mut self.buf, self.style.errors);
        }
        self.finish()
    }

    /// Starts `<data>`; write the content through the returned writer.
    pub fn data(mut self) -> DataWriter {
        self.buf.extend_from_slice(b"<data>");
        DataWriter { reply: self }
    }

    /// Any other body, as raw markup.
    pub fn raw(mut self, markup: &str) -> FramedMessage {
        self.buf.extend_from_slice(markup.as_bytes());
        self.finish()
    }

    fn finish(mut self) -> FramedMessage {
        self.buf.extend_from_slice(b"</rpc-reply>");
        frame_in_place(self.buf, self.framing, self.style.frame)
    }
}

/// Writes the content of `<data>`.
#[derive(Debug)]
pub struct DataWriter {
    reply: ReplyBuilder,
}

impl DataWriter {
    /// Appends markup as is.
    pub fn raw(&mut self, markup: &str) -> &mut Self {
        self.reply.buf.extend_from_slice(markup.as_bytes());
        self
    }

    /// Appends escaped character data.
    pub fn text(&mut self, text: &str) -> &mut Self {
        xml::escape_text_into(text, &mut self.reply.buf);
        self
    }

    /// `<name>`
    pub fn start(&mut self, name: &str) -> &mut Self {
        let b = &mut self.reply.buf;
        b.push(b'<');
        b.extend_from_slice(name.as_bytes());
        b.push(b'>');
        self
    }

    /// `</name>`
    pub fn end(&mut self, name: &str) -> &mut Self {
        let b = &mut self.reply.buf;
        b.extend_from_slice(b"</");
        b.extend_from_slice(name.as_bytes());
        b.push(b'>');
        self
    }

    /// `<name>text</name>`, text escaped.
    pub fn text_element(&mut self, name: &str, text: &str) -> &mut Self {
        self.start(name).text(text).end(name)
    }

    /// Appends an element tree.
    pub fn element(&mut self, e: &Element) -> &mut Self {
        e.write_to(&mut self.reply.buf);
        self
    }

    /// The output buffer, for bulk writers.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.reply.buf
    }

    /// Bytes written and not yet taken.
    pub fn len(&self) -> usize {
        self.reply.buf.len() - HEADER_ROOM
    }

    /// True when nothing has been written since the last part was taken.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frames what has been written so far as one part of a reply sent in
    /// parts, and goes on writing into a new buffer: a reply too large to
    /// hold is written and sent a part at a time. [`DataWriter::finish`]
    /// frames the last part.
    pub fn take_part(&mut self) -> FramedMessage {
        let mut next = Vec::with_capacity(self.reply.buf.capacity().min(64 * 1024));
        next.resize(HEADER_ROOM, 0);
        let part = std::mem::replace(&mut self.reply.buf, next);
        frame_part(part, self.reply.framing, self.reply.style.frame)
    }

    /// Closes `<data>` and the reply, and frames it.
    pub fn finish(mut self) -> FramedMessage {
        self.reply.buf.extend_from_slice(b"</data>");
        self.reply.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorTag;

    fn parse(s: &str) -> Result<Message, MessageError> {
        parse_message(s.as_bytes(), &Limits::default())
    }

    fn join(parts: FramedMessage) -> String {
        parts
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[test]
    fn hellos_in_every_namespace_form() {
        for h in [
            r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"#,
            r#"<nc:hello xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><nc:capabilities><nc:capability>urn:ietf:params:netconf:base:1.0</nc:capability></nc:capabilities></nc:hello>"#,
            "<hello><capabilities>\n   <capability>\n      urn:ietf:params:netconf:base:1.0\n   </capability>\n</capabilities></hello>",
            r#"<hello xmlns="urn:ietf:params:xml:rs:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"#,
        ] {
            let m = parse(h);
            assert_eq!(
                m,
                Ok(Message::Hello(Hello {
                    capabilities: vec!["urn:ietf:params:netconf:base:1.0".into()],
                    session_id: None
                })),
                "{h}"
            );
        }
        assert!(matches!(
            parse(r#"<hello xmlns="urn:other"><capabilities/></hello>"#),
            Err(MessageError::UnknownNamespace { .. })
        ));
        assert!(matches!(parse("<hello/>"), Err(MessageError::BadHello(_))));
        assert!(matches!(
            parse(
                "<hello><capabilities><capability>a</capability></capabilities><session-id>x</session-id></hello>"
            ),
            Err(MessageError::BadHello(_))
        ));
        assert!(matches!(
            parse("<foo/>"),
            Err(MessageError::UnknownRoot { .. })
        ));
    }

    #[test]
    fn rpc_envelope_checks() {
        let rpc = |s: &str| match parse(s) {
            Ok(Message::Rpc(e)) => Rpc::from_element(e).map_err(|e| e.error.error_tag),
            other => panic!("{other:?}"),
        };
        let ok = rpc(
            r#"<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"> <get/> </rpc>"#,
        );
        assert_eq!(
            ok.map(|r| (r.message_id, r.operation.name.to_string())),
            Ok((Some("1".into()), "get".into()))
        );
        assert_eq!(
            rpc("<rpc message-id=\"1\"></rpc>").err(),
            Some(ErrorTag::MissingElement)
        );
        assert_eq!(
            rpc("<rpc message-id=\"1\"><get/><get/></rpc>").err(),
            Some(ErrorTag::UnknownElement)
        );
        assert_eq!(
            rpc("<rpc message-id=\"1\">x<get/></rpc>").err(),
            Some(ErrorTag::MalformedMessage)
        );
    }

    #[test]
    fn reply_styles() {
        let attrs = vec![
            Attribute {
                qname: "message-id".into(),
                namespace: None,
                value: "a\"<".into(),
            },
            Attribute {
                qname: "xmlns".into(),
                namespace: None,
                value: BASE_NS.into(),
            },
            Attribute {
                qname: "xmlns:ex".into(),
                namespace: None,
                value: "urn:ex".into(),
            },
            Attribute {
                qname: "ex:user".into(),
                namespace: Some("urn:ex".into()),
                value: "fred".into(),
            },
        ];
        let rfc = ReplyBuilder::new(Framing::EndOfMessage, ReplyStyle::default(), &attrs).ok();
        assert_eq!(
            join(rfc),
            format!(
                r#"{XML_DECLARATION}<rpc-reply message-id="a&quot;&lt;" xmlns:ex="urn:ex" ex:user="fred" xmlns="{BASE_NS}"><ok/></rpc-reply>]]>]]>"#
            )
        );
        let cisco = ReplyStyle {
            namespace_first: true,
            ok: OkStyle::Spaced,
            errors: ErrorStyle::CiscoMinimal,
            ..ReplyStyle::default()
        };
        let r = ReplyBuilder::new(Framing::EndOfMessage, cisco, &attrs[..1]).ok();
        assert_eq!(
            join(r),
            format!(
                r#"{XML_DECLARATION}<rpc-reply xmlns="{BASE_NS}" message-id="a&quot;&lt;"><ok /></rpc-reply>]]>]]>"#
            )
        );
        let mut d = ReplyBuilder::new(
            Framing::Chunked,
            ReplyStyle {
                xml_declaration: false,
                ..ReplyStyle::default()
            },
            &[],
        )
        .data();
        d.text_element("cli-config-data-block", "a & b");
        let body = format!(
            r#"<rpc-reply xmlns="{BASE_NS}"><data><cli-config-data-block>a &amp; b</cli-config-data-block></data></rpc-reply>"#
        );
        assert_eq!(join(d.finish()), format!("\n#{}\n{body}\n##\n", body.len()));
    }

    #[test]
    fn replies_parse_back() {
        let e = RpcError::lock_denied(9);
        let framed = ReplyBuilder::new(
            Framing::EndOfMessage,
            ReplyStyle::default(),
            &[Attribute {
                qname: "message-id".into(),
                namespace: None,
                value: "7".into(),
            }],
        )
        .errors(std::slice::from_ref(&e));
        let text = join(framed);
        let body = text.trim_end_matches("]]>]]>");
        match parse(body) {
            Ok(Message::RpcReply(r)) => {
                assert_eq!(r.message_id.as_deref(), Some("7"));
                assert_eq!(r.errors, vec![e]);
                assert!(!r.ok);
            }
            other => panic!("{other:?}"),
        }
        let mut h = Vec::new();
        write_hello(
            &mut h,
            &["urn:ietf:params:netconf:base:1.0".into()],
            Some(373835280),
            HelloStyle {
                xml_declaration: true,
                namespace: false,
            },
        );
        assert_eq!(
            parse(&String::from_utf8_lossy(&h)),
            Ok(Message::Hello(Hello {
                capabilities: vec!["urn:ietf:params:netconf:base:1.0".into()],
                session_id: Some(373835280)
            }))
        );
    }

    #[test]
    fn notifications_parse() {
        let n = parse(
            r#"<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2009-03-01T07:44:37Z</eventTime><config-change-event/></notification>"#,
        );
        assert_eq!(
            n.map(|m| match m {
                Message::Notification(n) => (n.event_time, n.content.len()),
                _ => (None, 0),
            }),
            Ok((Some("2009-03-01T07:44:37Z".into()), 1))
        );
    }
}
