//! The client side of a NETCONF session without I/O: our hello, the
//! server's hello and the framing switch, rpc envelopes with message-ids,
//! and the messages read from the server's bytes.

use bytes::{Bytes, BytesMut};
use ironconf_proto::capability::{self, BASE_1_0, BASE_1_1};
use ironconf_proto::message::{BASE_NS, HelloStyle, write_hello};
use ironconf_proto::xml::{Limits, escape_attr_into};
use ironconf_proto::{Frame, FrameDecoder, FrameStyle, Framing, Hello, Message, parse_message};

use crate::error::ClientError;
use crate::reply::Reply;

/// Largest chunk received into one reserved allocation (a server's chunk
/// size is trusted up to this).
const WHOLE_CHUNK_LIMIT: usize = 1 << 30;

/// An input buffer larger than this is given up after each message, so
/// the message keeps the allocation to itself.
const DETACH_ABOVE: usize = 256 * 1024;

/// A message from the server.
#[derive(Debug)]
pub enum Incoming {
    /// An `<rpc-reply>`.
    Reply(Reply),
    /// A `<notification>`, as text.
    Notification(String),
}

/// The session state a client keeps.
#[derive(Debug)]
pub struct ClientSession {
    capabilities: Vec<String>,
    decoder: FrameDecoder,
    server: Option<Hello>,
    framing: Framing,
}

/// Our default capabilities: both bases, so the server picks the framing.
pub fn default_capabilities() -> Vec<String> {
    vec![BASE_1_0.to_owned(), BASE_1_1.to_owned()]
}

impl ClientSession {
    /// A session that will offer `capabilities`.
    pub fn new(capabilities: Vec<String>) -> Self {
        let mut decoder = FrameDecoder::new(Framing::EndOfMessage);
        decoder.set_whole_chunks(Some(WHOLE_CHUNK_LIMIT));
        ClientSession {
            capabilities,
            decoder,
            server: None,
            framing: Framing::EndOfMessage,
        }
    }

    /// A copy for the sending side: same hellos and framing, no input.
    pub fn encoder(&self) -> ClientSession {
        ClientSession {
            capabilities: self.capabilities.clone(),
            decoder: FrameDecoder::new(self.framing),
            server: self.server.clone(),
            framing: self.framing,
        }
    }

    /// Our hello, framed (always end-of-message, RFC 6242).
    pub fn hello(&self) -> Bytes {
        let mut body = Vec::new();
        write_hello(&mut body, &self.capabilities, None, HelloStyle::default());
        let mut out = BytesMut::new();
        ironconf_proto::framing::encode(
            &body,
            Framing::EndOfMessage,
            FrameStyle {
                newline_before_eom: true,
                ..FrameStyle::default()
            },
            &mut out,
        );
        out.freeze()
    }

    /// The server's hello, once read.
    pub fn server_hello(&self) -> Option<&Hello> {
        self.server.as_ref()
    }

    /// The framing in use (end-of-message until the hellos say otherwise).
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Reads the server's hello from `buf`: `Ok(true)` once it is read,
    /// `Ok(false)` when more bytes are needed.
    pub fn read_hello(&mut self, buf: &mut BytesMut) -> Result<bool, ClientError> {
        let Some(frame) = self.decoder.decode(buf)? else {
            return Ok(false);
        };
        let Frame::Message(body) = frame else {
            return Err(ClientError::Hello("server hello too large".into()));
        };
        let hello = match parse_message(&body, &Limits::default())? {
            Message::Hello(h) => h,
            other => {
                return Err(ClientError::Hello(format!(
                    "expected <hello>, got {}",
                    kind(&other)
                )));
            }
        };
        let framing = capability::negotiate(
            self.capabilities.iter().map(String::as_str),
            hello.capabilities.iter().map(String::as_str),
        )
        .ok_or_else(|| {
            ClientError::Hello(format!(
                "no common base version (server offers: {})",
                hello
                    .capabilities
                    .iter()
                    .filter(|c| c.contains(":base:"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        self.framing = framing;
        self.decoder.set_framing(framing);
        self.server = Some(hello);
        Ok(true)
    }

    /// Reads the next message after the hello from `buf`, if complete.
    pub fn receive(&mut self, buf: &mut BytesMut) -> Result<Option<Incoming>, ClientError> {
        let Some(frame) = self.decoder.decode(buf)? else {
            return Ok(None);
        };
        let Frame::Message(body) = frame else {
            return Err(ClientError::Reply("message too large".into()));
        };
        // The message shares its allocation with the input buffer; moving
        // what is left of the input elsewhere lets the message become a
        // String without a copy (a 100 MB reply is held once).
        if buf.capacity() > DETACH_ABOVE {
            *buf = BytesMut::from(&buf[..]);
        }
        let text = String::from_utf8(Vec::from(body))
            .map_err(|e| ClientError::Reply(format!("not UTF-8: {e}")))?;
        if is_notification(&text) {
            return Ok(Some(Incoming::Notification(text)));
        }
        Ok(Some(Incoming::Reply(Reply::parse(text)?)))
    }

    /// Frames `<rpc message-id="ID">OPERATION</rpc>` into `out`.
    pub fn encode_rpc(&self, message_id: &str, operation: &str, out: &mut BytesMut) {
        let mut body = Vec::with_capacity(operation.len() + 96);
        body.extend_from_slice(b"<rpc xmlns=\"");
        body.extend_from_slice(BASE_NS.as_bytes());
        body.extend_from_slice(b"\" message-id=\"");
        escape_attr_into(message_id, &mut body);
        body.extend_from_slice(b"\">");
        body.extend_from_slice(operation.as_bytes());
        body.extend_from_slice(b"</rpc>");
        self.encode_raw(&body, out);
    }

    /// Frames a message given whole.
    pub fn encode_raw(&self, message: &[u8], out: &mut BytesMut) {
        ironconf_proto::framing::encode(message, self.framing, FrameStyle::default(), out);
    }
}

fn kind(m: &Message) -> &'static str {
    match m {
        Message::Hello(_) => "<hello>",
        Message::Rpc(_) => "<rpc>",
        Message::RpcReply(_) => "<rpc-reply>",
        Message::Notification(_) => "<notification>",
    }
}

/// True when the root element is `<notification>` (looked up without a
/// parse: replies can be large).
fn is_notification(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    let name = tag
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .next()
        .unwrap_or("");
    name.rsplit(':').next() == Some("notification")
}

/// The local name of a message's root element and its `message-id`, read
/// from the first start tag only.
pub fn root_of(message: &str) -> Option<(String, Option<String>)> {
    let mut r = quick_xml::Reader::from_str(message);
    loop {
        match r.read_event().ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let id = e.attributes().flatten().find_map(|a| {
                    (a.key.local_name().as_ref() == "message-id")
                        .then(|| {
                            a.normalized_value(quick_xml::XmlVersion::default())
                                .ok()
                                .map(|v| v.into_owned())
                        })
                        .flatten()
                });
                return Some((e.local_name().as_ref().to_owned(), id));
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
    }
}

/// The `message-id` attribute of a whole `<rpc>` given as text, if any.
pub fn message_id_of(rpc: &str) -> Option<String> {
    root_of(rpc).and_then(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_switches_to_chunked_when_both_offer_base_1_1() {
        let mut s = ClientSession::new(default_capabilities());
        let hello = String::from_utf8_lossy(&s.hello()).into_owned();
        assert!(
            hello.contains(BASE_1_1) && hello.ends_with("\n]]>]]>"),
            "{hello}"
        );
        let mut buf = BytesMut::from(
            &b"<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities><session-id>5</session-id></hello>]]>]]>\n#10"[..],
        );
        assert!(matches!(s.read_hello(&mut buf), Ok(true)));
        assert_eq!(s.framing(), Framing::Chunked);
        assert_eq!(s.server_hello().and_then(|h| h.session_id), Some(5));
        let rest = " message-id=\"1\"><ok/></rpc-reply>";
        buf.extend_from_slice(format!("\n<rpc-reply\n#{}\n{rest}\n##\n", rest.len()).as_bytes());
        match s.receive(&mut buf) {
            Ok(Some(Incoming::Reply(r))) => assert_eq!(r.message_id(), Some("1")),
            other => panic!("{other:?}"),
        }
        let mut out = BytesMut::new();
        s.encode_rpc("a\"b", "<get/>", &mut out);
        assert!(out.starts_with(b"\n#"), "{out:?}");
        assert!(String::from_utf8_lossy(&out).contains("message-id=\"a&quot;b\""));
    }

    #[test]
    fn hello_errors_are_precise() {
        let mut s = ClientSession::new(vec![BASE_1_1.to_owned()]);
        let mut buf = BytesMut::from(
            &b"<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"[..],
        );
        assert!(
            matches!(s.read_hello(&mut buf), Err(ClientError::Hello(m)) if m.contains("no common base"))
        );
        let mut s = ClientSession::new(default_capabilities());
        let mut buf = BytesMut::from(&b"<rpc-reply message-id=\"1\"><ok/></rpc-reply>]]>]]>"[..]);
        assert!(
            matches!(s.read_hello(&mut buf), Err(ClientError::Hello(m)) if m.contains("<rpc-reply>"))
        );
    }

    #[test]
    fn notifications_and_message_ids_are_found_without_a_parse() {
        assert!(is_notification(
            "<?xml version=\"1.0\"?><!-- x --><notification xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\"/>"
        ));
        assert!(!is_notification("<rpc-reply/>"));
        assert_eq!(
            message_id_of("<rpc message-id=\"42\"><get/></rpc>").as_deref(),
            Some("42")
        );
        assert_eq!(message_id_of("<rpc><get/></rpc>"), None);
    }
}
