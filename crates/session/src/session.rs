//! The NETCONF session state machine, sans I/O (in the manner of quinn):
//! bytes in through [`Session::handle_input`], bytes out through
//! [`Session::poll_transmit`], events out through [`Session::poll_event`],
//! time in through [`Session::handle_timeout`], deadlines out through
//! [`Session::poll_timeout`]. The driver calls the `poll_*` methods after
//! every input.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use ironconf_proto::capability;
use ironconf_proto::framing::frame_in_place;
use ironconf_proto::message::{
    DataWriter, HelloStyle, Message, MessageError, ReplyBuilder, ReplyStyle, Rpc, write_hello,
};
use ironconf_proto::xml::{Attribute, Element, Limits};
use ironconf_proto::{
    ErrorTag, ErrorType, Frame, FrameDecoder, FramedMessage, Framing, FramingError, RpcError,
};

/// What to do with an `<rpc>` that has no `message-id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingMessageId {
    /// Answer `missing-attribute` (RFC 6241).
    #[default]
    Reject,
    /// Process it and reply without a `message-id` (as IOS does).
    Accept,
}

/// Session parameters; a device profile fills them in.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// This session's id, sent in the hello.
    pub session_id: u32,
    /// Capabilities sent in the hello.
    pub capabilities: Vec<String>,
    /// How the hello is written.
    pub hello_style: HelloStyle,
    /// How replies are written.
    pub reply_style: ReplyStyle,
    /// Close with `no-hello` if the client's hello has not arrived in time.
    pub hello_timeout: Option<Duration>,
    /// Close a session with no rpc in progress after this long without input.
    pub idle_timeout: Option<Duration>,
    /// Largest message accepted, in bytes (IOS `netconf max-message` × 1024).
    pub max_message_size: Option<u64>,
    /// Most rpcs handed out and not yet answered; input waits beyond it.
    pub max_pending_rpcs: usize,
    /// Most bytes buffered while input waits; the session closes beyond it.
    /// Also the hard cap on one message's size.
    pub max_input_buffer: usize,
    /// XML parser limits.
    pub xml_limits: Limits,
    /// What to do with an `<rpc>` without `message-id`.
    pub missing_message_id: MissingMessageId,
    /// Tag for messages that cannot be parsed: `malformed-message` (RFC
    /// 6241) or `operation-failed` (RFC 4741 devices, which lack the former).
    pub malformed_tag: ErrorTag,
    /// Close the session when the client's hello carries a `<session-id>`
    /// (RFC 6241); IOS ignores it.
    pub reject_client_session_id: bool,
}

impl SessionConfig {
    /// RFC defaults with the given id and capabilities.
    pub fn new(session_id: u32, capabilities: Vec<String>) -> Self {
        SessionConfig {
            session_id,
            capabilities,
            hello_style: HelloStyle::default(),
            reply_style: ReplyStyle::default(),
            hello_timeout: None,
            idle_timeout: None,
            max_message_size: None,
            max_pending_rpcs: 64,
            max_input_buffer: 64 * 1024 * 1024,
            xml_limits: Limits::default(),
            missing_message_id: MissingMessageId::Reject,
            malformed_tag: ErrorTag::MalformedMessage,
            reject_client_session_id: true,
        }
    }
}

/// Identifies an rpc within its session, in arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// An rpc for the device to answer.
#[derive(Debug, Clone)]
pub struct Request {
    /// Its id, to pass back with the reply.
    pub id: RequestId,
    /// `message-id`, if the client sent one.
    pub message_id: Option<String>,
    /// The operation element.
    pub operation: Element,
    attributes: Vec<Attribute>,
    framing: Framing,
    style: ReplyStyle,
}

impl Request {
    /// The operation's local name.
    pub fn operation_name(&self) -> &str {
        &self.operation.name
    }

    /// Every attribute of the `<rpc>`.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    fn builder(&self) -> ReplyBuilder {
        ReplyBuilder::new(self.framing, self.style, &self.attributes)
    }

    /// An `<ok/>` reply.
    pub fn ok(&self) -> Reply {
        Reply {
            message: self.builder().ok(),
            stream: None,
            errors: Vec::new(),
        }
    }

    /// An error reply.
    pub fn errors(&self, errors: &[RpcError]) -> Reply {
        Reply {
            message: self.builder().errors(errors),
            stream: None,
            errors: errors.iter().map(|e| e.error_tag).collect(),
        }
    }

    /// A `<data>` reply, written in place.
    pub fn data(&self) -> DataReply {
        DataReply {
            writer: self.builder().data(),
        }
    }
}

/// A `<data>` reply being written.
#[derive(Debug)]
pub struct DataReply {
    /// The content writer.
    pub writer: DataWriter,
}

impl DataReply {
    /// Closes and frames the reply.
    pub fn finish(self) -> Reply {
        Reply {
            message: self.writer.finish(),
            stream: None,
            errors: Vec::new(),
        }
    }

    /// Sends what has been written, then what `source` writes, a part at
    /// a time as the reply is sent ([`Session::poll_transmit`]): a reply
    /// whose size the request decides is never whole in memory.
    pub fn stream(self, source: Box<dyn DataSource>) -> Reply {
        Reply {
            message: Vec::new(),
            stream: Some(Stream {
                writer: self.writer,
                source,
            }),
            errors: Vec::new(),
        }
    }
}

/// The rest of a `<data>` reply, written while it is sent.
pub trait DataSource: Send {
    /// Writes the next piece of the content into `w`; returns false once
    /// there is nothing left to write (the reply is then closed).
    fn write_next(&mut self, w: &mut DataWriter) -> bool;
}

/// A reply being written as it is sent.
struct Stream {
    writer: DataWriter,
    source: Box<dyn DataSource>,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("written", &self.writer.len())
            .finish_non_exhaustive()
    }
}

/// How much of a streamed reply is written before it is framed and sent.
const STREAM_PART: usize = 32 * 1024;

/// A reply, ready to be queued with [`Session::send_reply`].
#[derive(Debug)]
pub struct Reply {
    message: FramedMessage,
    /// The rest of a reply written as it is sent, after `message`.
    stream: Option<Stream>,
    errors: Vec<ErrorTag>,
}

impl Reply {
    /// The error tags it carries (empty for success).
    pub fn error_tags(&self) -> &[ErrorTag] {
        &self.errors
    }

    /// Its length on the wire, as far as it is written (a streamed reply
    /// is written while it is sent).
    pub fn len(&self) -> usize {
        self.message.iter().map(Bytes::len).sum::<usize>()
            + self.stream.as_ref().map_or(0, |s| s.writer.len())
    }

    /// True if it has no bytes (never, for a real reply).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What waits to be sent.
#[derive(Debug)]
enum Out {
    Bytes(Bytes),
    Stream(Stream),
}

/// Why a session ended before a valid hello exchange (`no-hello`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoHello {
    /// The hello did not arrive within the hello timeout.
    Timeout,
    /// An `<rpc>` came first.
    RpcBeforeHello,
    /// The client offers no base version the server speaks.
    NoCommonBase,
    /// The client's hello carries a `<session-id>`.
    ClientSessionId,
    /// The first message is not a readable hello.
    BadHello(String),
    /// The input ended first.
    EndOfInput,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// No valid hello exchange; counted as `no-hello`.
    NoHello(NoHello),
    /// The client sent `<close-session>` and got its reply.
    CloseSession,
    /// Killed (`kill-session`, `clear netconf sessions`, shutdown).
    Killed,
    /// The byte stream could not be split into messages.
    Framing(FramingError),
    /// The client closed its side and every reply was sent.
    EndOfInput,
    /// The client sent more than [`SessionConfig::max_input_buffer`] while
    /// rpcs were pending.
    InputOverflow,
    /// No input for [`SessionConfig::idle_timeout`].
    IdleTimeout,
}

/// What the session tells its driver and device.
#[derive(Debug, Clone)]
pub enum Event {
    /// The hello exchange completed.
    HelloReceived {
        /// The client's capabilities.
        capabilities: Vec<String>,
        /// The negotiated framing.
        framing: Framing,
    },
    /// An rpc to answer with [`Session::send_reply`].
    Rpc(Request),
    /// A reply was queued for sending, the session's own (to a malformed
    /// message) included: the errors it carries, none for success.
    Replied {
        /// The `error-tag`s of its `<rpc-error>`s.
        errors: Vec<ErrorTag>,
    },
    /// The session is over; send what [`Session::poll_transmit`] still
    /// yields, then close the transport.
    Closed(CloseReason),
}

/// Counters kept by the session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// Messages received after the hello (rpcs, malformed ones included).
    pub rpcs_received: u64,
    /// Replies sent without `<rpc-error>`.
    pub replies_ok: u64,
    /// Replies sent with at least one `<rpc-error>`.
    pub replies_error: u64,
    /// Errors sent, by tag (indexed by [`ErrorTag::index`]).
    pub error_tags: [u64; 20],
    /// Bytes received.
    pub bytes_in: u64,
    /// Bytes queued for sending.
    pub bytes_out: u64,
    /// Notifications queued for sending.
    pub notifications: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    AwaitingHello,
    Established,
    /// `<close-session>` was accepted; closing once its reply is flushed.
    Closing,
    Closed,
}

/// An error from [`Session::send_reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendReplyError {
    /// No rpc with that id awaits a reply.
    #[error("no pending rpc with id {0:?}")]
    UnknownRequest(RequestId),
}

/// One NETCONF session, server side.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    phase: Phase,
    framing: Framing,
    decoder: FrameDecoder,
    inbuf: BytesMut,
    /// Ids of rpcs handed out and not yet answered.
    outstanding: BTreeMap<RequestId, ()>,
    /// Replies ready but waiting for an earlier one.
    ready: BTreeMap<RequestId, Reply>,
    next_id: u64,
    next_to_send: u64,
    close_after: Option<RequestId>,
    /// Input has ended (EOF or an unrecoverable framing error): close with
    /// this reason once every rpc already received is answered, so the
    /// outcome does not depend on how the input was split into packets.
    draining: Option<CloseReason>,
    output: VecDeque<Out>,
    events: VecDeque<Event>,
    started: Instant,
    last_input: Instant,
    stats: SessionStats,
}

impl Session {
    /// Starts a session: its hello is queued for sending at once.
    pub fn new(config: SessionConfig, now: Instant) -> Self {
        // The configured message limit applies after the hello; the hello
        // itself is bounded only by the input buffer.
        let mut decoder = FrameDecoder::new(Framing::EndOfMessage);
        decoder.set_max_message_size(Some(config.max_input_buffer as u64));
        let mut session = Session {
            phase: Phase::AwaitingHello,
            framing: Framing::EndOfMessage,
            decoder,
            inbuf: BytesMut::new(),
            outstanding: BTreeMap::new(),
            ready: BTreeMap::new(),
            next_id: 0,
            next_to_send: 0,
            close_after: None,
            draining: None,
            output: VecDeque::new(),
            events: VecDeque::new(),
            started: now,
            last_input: now,
            stats: SessionStats::default(),
            config,
        };
        let mut body = vec![0; ironconf_proto::framing::HEADER_ROOM];
        write_hello(
            &mut body,
            &session.config.capabilities,
            Some(session.config.session_id),
            session.config.hello_style,
        );
        let framed = frame_in_place(
            body,
            Framing::EndOfMessage,
            session.config.reply_style.frame,
        );
        session.push_output(framed);
        session
    }

    /// The session id.
    pub fn id(&self) -> u32 {
        self.config.session_id
    }

    /// The framing in force (end-of-message until the hello exchange).
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// True once the hello exchange is done (and until the session closes).
    pub fn is_established(&self) -> bool {
        matches!(self.phase, Phase::Established | Phase::Closing)
    }

    /// True once the session has ended.
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// Counters.
    pub fn stats(&self) -> &SessionStats {
        &self.stats
    }

    /// Rpcs handed out and not yet answered.
    pub fn pending(&self) -> usize {
        self.outstanding.len()
    }

    /// Bytes of input held (buffered plus any partial message).
    pub fn buffered_input(&self) -> usize {
        self.inbuf.len() + self.decoder.buffered()
    }

    /// Bytes queued for sending (a streamed reply counts what it has
    /// written so far).
    pub fn buffered_output(&self) -> usize {
        self.output
            .iter()
            .map(|o| match o {
                Out::Bytes(b) => b.len(),
                Out::Stream(s) => s.writer.len(),
            })
            .sum()
    }

    /// Changes the message size limit for the next messages (the device's
    /// `netconf max-message` may change while the session runs).
    pub fn set_max_message_size(&mut self, max: Option<u64>) {
        self.config.max_message_size = max;
        if self.phase != Phase::AwaitingHello {
            self.decoder
                .set_max_message_size(Some(effective_limit(&self.config)));
        }
    }

    /// Bytes from the client.
    pub fn handle_input(&mut self, data: &[u8], now: Instant) {
        if !self.accepts_input() {
            return;
        }
        self.stats.bytes_in += data.len() as u64;
        self.last_input = now;
        self.inbuf.extend_from_slice(data);
        self.process(now);
    }

    /// The client closed its side of the stream.
    pub fn handle_eof(&mut self, now: Instant) {
        if !self.accepts_input() {
            return;
        }
        self.process(now);
        if self.phase == Phase::Closed {
            return;
        }
        let reason = match self.decoder.decode_eof(&mut self.inbuf) {
            Ok(Some(frame)) => {
                self.on_frame(frame, now);
                CloseReason::EndOfInput
            }
            Ok(None) => CloseReason::EndOfInput,
            Err(e) => CloseReason::Framing(e),
        };
        if self.phase == Phase::AwaitingHello {
            let reason = match reason {
                CloseReason::Framing(e) => CloseReason::Framing(e),
                _ => CloseReason::NoHello(NoHello::EndOfInput),
            };
            return self.close(reason);
        }
        self.drain_then_close(reason);
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The next bytes to send, if any. A streamed reply is written here,
    /// a part at a time, as the driver asks for it.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        loop {
            match self.output.pop_front()? {
                Out::Bytes(b) => return Some(b),
                Out::Stream(mut s) => {
                    let mut more = true;
                    while more && s.writer.len() < STREAM_PART {
                        more = s.source.write_next(&mut s.writer);
                    }
                    let parts = if more {
                        let parts = s.writer.take_part();
                        self.output.push_front(Out::Stream(s));
                        parts
                    } else {
                        s.writer.finish()
                    };
                    for p in parts.into_iter().rev() {
                        self.stats.bytes_out += p.len() as u64;
                        self.output.push_front(Out::Bytes(p));
                    }
                }
            }
        }
    }

    /// The next deadline the driver must call [`Session::handle_timeout`] at.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::AwaitingHello => self.config.hello_timeout.map(|t| self.started + t),
            Phase::Established if self.outstanding.is_empty() => {
                self.config.idle_timeout.map(|t| self.last_input + t)
            }
            _ => None,
        }
    }

    /// Time has passed.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            let reason = match self.phase {
                Phase::AwaitingHello => CloseReason::NoHello(NoHello::Timeout),
                _ => CloseReason::IdleTimeout,
            };
            self.close(reason);
        }
    }

    /// Ends the session now (kill-session, clear, shutdown). Unsent output
    /// is dropped.
    pub fn kill(&mut self) {
        if self.phase != Phase::Closed {
            self.output.clear();
            self.close(CloseReason::Killed);
        }
    }

    /// Queues a notification: `xml`, a whole `<notification>` document, is
    /// framed as the session frames its messages and goes out after what is
    /// already queued (never inside a reply). False when the session is not
    /// established or is closing: nothing is queued.
    pub fn send_notification(&mut self, xml: &[u8]) -> bool {
        if self.phase != Phase::Established || self.draining.is_some() {
            return false;
        }
        let mut body = Vec::with_capacity(ironconf_proto::framing::HEADER_ROOM + xml.len());
        body.resize(ironconf_proto::framing::HEADER_ROOM, 0);
        body.extend_from_slice(xml);
        let framed = frame_in_place(body, self.framing, self.config.reply_style.frame);
        self.stats.notifications += 1;
        self.push_output(framed);
        true
    }

    /// Queues the reply to an rpc. Replies leave in request order, whatever
    /// order they are given in.
    pub fn send_reply(&mut self, id: RequestId, reply: Reply) -> Result<(), SendReplyError> {
        if self.outstanding.remove(&id).is_none() {
            return Err(SendReplyError::UnknownRequest(id));
        }
        if self.phase == Phase::Closed {
            return Ok(());
        }
        self.ready.insert(id, reply);
        self.flush_ready();
        // Answering may unblock input held back by the pending limit.
        if self.accepts_input() && !self.inbuf.is_empty() {
            let now = self.last_input;
            self.process(now);
        }
        self.maybe_finish();
        Ok(())
    }

    fn accepts_input(&self) -> bool {
        matches!(self.phase, Phase::AwaitingHello | Phase::Established) && self.draining.is_none()
    }

    /// Stops reading; closes once every received rpc is answered.
    fn drain_then_close(&mut self, reason: CloseReason) {
        if self.phase == Phase::AwaitingHello {
            return self.close(reason);
        }
        if self.draining.is_none() {
            self.draining = Some(reason);
        }
        self.inbuf = BytesMut::new();
        self.maybe_finish();
    }

    fn process(&mut self, now: Instant) {
        while self.accepts_input() && self.outstanding.len() < self.config.max_pending_rpcs.max(1) {
            match self.decoder.decode(&mut self.inbuf) {
                Ok(Some(frame)) => self.on_frame(frame, now),
                Ok(None) => break,
                Err(e) => return self.drain_then_close(CloseReason::Framing(e)),
            }
        }
        if self.accepts_input() && self.inbuf.len() > self.config.max_input_buffer {
            self.close(CloseReason::InputOverflow);
        }
    }

    fn on_frame(&mut self, frame: Frame, now: Instant) {
        if self.phase == Phase::AwaitingHello {
            return self.on_hello_frame(frame);
        }
        self.stats.rpcs_received += 1;
        let bytes = match frame {
            Frame::TooBig { size } => {
                let limit = effective_limit(&self.config);
                let e = RpcError::new(ErrorTag::TooBig)
                    .force_type(ErrorType::Rpc)
                    .message(format!(
                        "message of {size} bytes exceeds the limit of {limit} bytes"
                    ));
                return self.session_error(&[], e);
            }
            Frame::Message(b) => b,
        };
        match ironconf_proto::parse_message(&bytes, &self.config.xml_limits) {
            Ok(Message::Rpc(el)) => self.on_rpc(el, now),
            Ok(Message::Hello(_)) => {
                // A second hello is ignored, as IOS does.
                self.stats.rpcs_received -= 1;
                tracing::debug!(session = self.config.session_id, "second hello ignored");
            }
            Ok(Message::RpcReply(_) | Message::Notification(_)) => {
                let e = self.malformed("a client may only send <rpc>");
                self.session_error(&[], e);
            }
            Err(MessageError::UnknownNamespace { name, namespace }) => {
                let e = RpcError::new(ErrorTag::UnknownNamespace)
                    .bad_element(name)
                    .bad_namespace(namespace.clone())
                    .message(format!("unknown namespace '{namespace}'"));
                self.session_error(&[], e);
            }
            Err(err) => {
                let e = self.malformed(&err.to_string());
                self.session_error(&[], e);
            }
        }
    }

    fn on_hello_frame(&mut self, frame: Frame) {
        let bytes = match frame {
            Frame::TooBig { size } => {
                return self.close(CloseReason::NoHello(NoHello::BadHello(format!(
                    "hello of {size} bytes exceeds the message size limit"
                ))));
            }
            Frame::Message(b) => b,
        };
        let hello = match ironconf_proto::parse_message(&bytes, &self.config.xml_limits) {
            Ok(Message::Hello(h)) => h,
            Ok(Message::Rpc(_)) => {
                return self.close(CloseReason::NoHello(NoHello::RpcBeforeHello));
            }
            Ok(_) => {
                return self.close(CloseReason::NoHello(NoHello::BadHello(
                    "first message is not <hello>".into(),
                )));
            }
            Err(e) => return self.close(CloseReason::NoHello(NoHello::BadHello(e.to_string()))),
        };
        if hello.session_id.is_some() && self.config.reject_client_session_id {
            return self.close(CloseReason::NoHello(NoHello::ClientSessionId));
        }
        let ours = self.config.capabilities.iter().map(String::as_str);
        let Some(framing) =
            capability::negotiate(ours, hello.capabilities.iter().map(String::as_str))
        else {
            return self.close(CloseReason::NoHello(NoHello::NoCommonBase));
        };
        self.framing = framing;
        self.decoder.set_framing(framing);
        self.decoder
            .set_max_message_size(Some(effective_limit(&self.config)));
        self.phase = Phase::Established;
        self.events.push_back(Event::HelloReceived {
            capabilities: hello.capabilities,
            framing,
        });
    }

    fn on_rpc(&mut self, el: Element, _now: Instant) {
        let rpc = match Rpc::from_element(el) {
            Ok(rpc) => rpc,
            Err(env) => return self.session_error(&env.attributes, env.error),
        };
        if rpc.message_id.is_none() && self.config.missing_message_id == MissingMessageId::Reject {
            let e = RpcError::new(ErrorTag::MissingAttribute)
                .force_type(ErrorType::Rpc)
                .bad_attribute("message-id")
                .bad_element("rpc")
                .message("<rpc> has no message-id attribute");
            return self.session_error(&rpc.attributes, e);
        }
        let id = self.allocate();
        let request = Request {
            id,
            message_id: rpc.message_id,
            operation: rpc.operation,
            attributes: rpc.attributes,
            framing: self.framing,
            style: self.config.reply_style,
        };
        if &*request.operation.name == "close-session"
            && ironconf_proto::message::is_base_namespace(request.operation.namespace.as_deref())
        {
            // Reply in order, then close; nothing after it is read.
            let reply = request.ok();
            self.close_after = Some(id);
            self.phase = Phase::Closing;
            self.outstanding.remove(&id);
            self.ready.insert(id, reply);
            self.flush_ready();
            self.maybe_finish();
            return;
        }
        self.events.push_back(Event::Rpc(request));
    }

    fn malformed(&self, why: &str) -> RpcError {
        RpcError::new(self.config.malformed_tag)
            .force_type(ErrorType::Rpc)
            .message(why.to_owned())
    }

    /// An error the session answers itself, in order with the device's replies.
    fn session_error(&mut self, attributes: &[Attribute], e: RpcError) {
        let id = self.allocate();
        self.outstanding.remove(&id);
        let reply = Reply {
            message: ReplyBuilder::new(self.framing, self.config.reply_style, attributes)
                .errors(std::slice::from_ref(&e)),
            stream: None,
            errors: vec![e.error_tag],
        };
        self.ready.insert(id, reply);
        self.flush_ready();
    }

    fn allocate(&mut self) -> RequestId {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        self.outstanding.insert(id, ());
        id
    }

    fn flush_ready(&mut self) {
        while let Some(mut reply) = self.ready.remove(&RequestId(self.next_to_send)) {
            if reply.errors.is_empty() {
                self.stats.replies_ok += 1;
            } else {
                self.stats.replies_error += 1;
                for t in &reply.errors {
                    self.stats.error_tags[t.index()] += 1;
                }
            }
            self.events.push_back(Event::Replied {
                errors: std::mem::take(&mut reply.errors),
            });
            self.push_output(reply.message);
            if let Some(stream) = reply.stream {
                self.output.push_back(Out::Stream(stream));
            }
            let sent = RequestId(self.next_to_send);
            self.next_to_send += 1;
            if self.close_after == Some(sent) {
                self.close(CloseReason::CloseSession);
                return;
            }
        }
    }

    fn maybe_finish(&mut self) {
        if self.outstanding.is_empty()
            && self.ready.is_empty()
            && self.phase != Phase::Closed
            && let Some(reason) = self.draining.take()
        {
            self.close(reason);
        }
    }

    fn push_output(&mut self, parts: FramedMessage) {
        for p in parts {
            self.stats.bytes_out += p.len() as u64;
            self.output.push_back(Out::Bytes(p));
        }
    }

    fn close(&mut self, reason: CloseReason) {
        if self.phase == Phase::Closed {
            return;
        }
        tracing::debug!(session = self.config.session_id, ?reason, "session closed");
        self.phase = Phase::Closed;
        self.inbuf = BytesMut::new();
        self.outstanding.clear();
        self.ready.clear();
        self.events.push_back(Event::Closed(reason));
    }
}

fn effective_limit(config: &SessionConfig) -> u64 {
    let cap = config.max_input_buffer as u64;
    config.max_message_size.map_or(cap, |m| m.min(cap))
}
