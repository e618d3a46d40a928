//! RFC 6242 message framing: end-of-message `]]>]]>` (base:1.0) and
//! chunked `\n#<len>\n…\n##\n` (base:1.1).
//!
//! [`FrameDecoder`] is incremental and consumes bytes from a `BytesMut`, so
//! it drops into the sans-I/O session and, with the `codec` feature, into a
//! `tokio_util::codec::FramedRead` (`NetconfCodec`) alike. Its framing can be switched between two
//! messages without losing bytes already buffered.

use bytes::{Buf, Bytes, BytesMut};
use memchr::memmem;

/// The end-of-message marker of base:1.0.
pub const EOM_MARKER: &[u8] = b"]]>]]>";

/// Largest chunk size RFC 6242 allows.
pub const MAX_CHUNK_SIZE: u64 = 4_294_967_295;

/// The two framings of RFC 6242.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// `]]>]]>` after each message (base:1.0, RFC 4742).
    EndOfMessage,
    /// Chunked framing (base:1.1).
    Chunked,
}

/// What the decoder yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete message (leading whitespace removed in end-of-message framing).
    Message(Bytes),
    /// A message longer than the limit; its bytes were discarded as they
    /// arrived. `size` is its full length.
    TooBig {
        /// Length of the discarded message in bytes.
        size: u64,
    },
}

/// A framing error: the stream can no longer be split into messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("framing error at byte {offset}: {kind}")]
pub struct FramingError {
    /// Offset of the offending byte from the start of the stream.
    pub offset: u64,
    /// What was expected.
    pub kind: FramingErrorKind,
}

/// The kinds of [`FramingError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingErrorKind {
    /// A chunk header must start with LF.
    #[error("expected LF starting a chunk header, found {}", show(*.found))]
    ExpectedLf {
        /// The byte found.
        found: u8,
    },
    /// LF must be followed by `#`.
    #[error("expected '#' in chunk header, found {}", show(*.found))]
    ExpectedHash {
        /// The byte found.
        found: u8,
    },
    /// The chunk size is not a decimal number ending in LF.
    #[error("expected a chunk-size digit or LF, found {}", show(*.found))]
    InvalidChunkSize {
        /// The byte found.
        found: u8,
    },
    /// After `#`, neither a size nor `#`.
    #[error("expected a chunk size (1-9) or '#' after '#', found {}", show(*.found))]
    ExpectedSizeOrEnd {
        /// The byte found.
        found: u8,
    },
    /// Chunk sizes start with 1-9: zero and leading zeros are not allowed.
    #[error("chunk size must not start with '0'")]
    ZeroChunkSize,
    /// Larger than 4294967295.
    #[error("chunk size exceeds 4294967295")]
    ChunkSizeTooLarge,
    /// End-of-chunks `\n##\n` must end in LF.
    #[error("expected LF ending the end-of-chunks marker, found {}", show(*.found))]
    ExpectedLfAfterEnd {
        /// The byte found.
        found: u8,
    },
    /// End-of-chunks with no chunk before it.
    #[error("end-of-chunks marker before any chunk")]
    EmptyMessage,
    /// The stream ended in the middle of a message.
    #[error("stream ended inside a message")]
    Truncated,
}

fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}' (0x{b:02x})", b as char)
    } else {
        format!("0x{b:02x}")
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between messages in end-of-message framing.
    EomIdle,
    /// Inside an end-of-message framed message; `scanned` bytes of the
    /// buffer are known to hold no marker start.
    EomBody { scanned: usize },
    /// Discarding an oversized end-of-message framed message.
    EomDiscard,
    /// Before a chunk header: whitespace may be skipped, `saw_lf` says whether
    /// an LF was seen (a header must start with LF). `first` is true before
    /// the first chunk of a message.
    ChunkStart { saw_lf: bool, first: bool },
    /// After `\n#`.
    ChunkHash,
    /// Reading chunk-size digits.
    ChunkSize { value: u64 },
    /// Inside chunk data.
    ChunkData { remaining: u64 },
    /// After `\n##`, expecting LF.
    ChunkEnd,
}

/// What one state's step did.
enum Step {
    /// The state changed; go on with the bytes left.
    Continue,
    /// More bytes are needed.
    NeedMore,
    /// A frame is complete.
    Frame(Frame),
}

/// Incremental NETCONF frame decoder.
#[derive(Debug)]
pub struct FrameDecoder {
    framing: Framing,
    max_message_size: Option<u64>,
    state: State,
    /// Stream offset of the first byte of the caller's buffer.
    offset: u64,
    /// Size of the message being read (discarded bytes included).
    size: u64,
    /// Chunks of the message being read (chunked framing).
    parts: Vec<Bytes>,
    /// Whether the current message is being discarded.
    discarding: bool,
    /// Hold a chunk back until all of it is buffered, reserving its
    /// declared size up to this many bytes (see
    /// [`FrameDecoder::set_whole_chunks`]).
    whole_chunks: Option<usize>,
    finder: memmem::Finder<'static>,
}

impl FrameDecoder {
    /// A decoder in the given framing with no size limit.
    pub fn new(framing: Framing) -> Self {
        FrameDecoder {
            framing,
            max_message_size: None,
            state: idle_state(framing),
            offset: 0,
            size: 0,
            parts: Vec::new(),
            discarding: false,
            whole_chunks: None,
            finder: memmem::Finder::new(EOM_MARKER),
        }
    }

    /// Takes each chunk of up to `limit` bytes whole: its declared size is
    /// reserved in the caller's buffer when its header arrives, and it
    /// comes out once complete, so a message sent as one chunk is received
    /// into one allocation and never copied. For clients, which trust the
    /// server's chunk sizes up to the limit; a server keeps the default
    /// (`None`: chunks are taken as their bytes arrive).
    pub fn set_whole_chunks(&mut self, limit: Option<usize>) {
        self.whole_chunks = limit;
    }

    /// Sets the largest message accepted (`None`: unlimited). Larger messages
    /// come out as [`Frame::TooBig`] and are never held in memory.
    pub fn set_max_message_size(&mut self, max: Option<u64>) {
        self.max_message_size = max;
    }

    /// The size limit in force.
    pub fn max_message_size(&self) -> Option<u64> {
        self.max_message_size
    }

    /// The framing in force.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Switches framing. Takes effect at the next message; call it between
    /// messages (after the hello), bytes already buffered are kept.
    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
        if self.is_idle() {
            self.state = idle_state(framing);
        }
    }

    /// True between messages.
    pub fn is_idle(&self) -> bool {
        matches!(
            self.state,
            State::EomIdle | State::ChunkStart { first: true, .. }
        ) && self.parts.is_empty()
    }

    /// Bytes of the current message held by the decoder itself.
    pub fn buffered(&self) -> usize {
        self.parts.iter().map(Bytes::len).sum()
    }

    /// Stream offset of the next byte the decoder will read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn err(&self, at: usize, kind: FramingErrorKind) -> FramingError {
        FramingError {
            offset: self.offset + at as u64,
            kind,
        }
    }

    fn consume(&mut self, buf: &mut BytesMut, n: usize) {
        buf.advance(n);
        self.offset += n as u64;
    }

    fn take(&mut self, buf: &mut BytesMut, n: usize) -> Bytes {
        self.offset += n as u64;
        buf.split_to(n).freeze()
    }

    fn over_limit(&self, size: u64) -> bool {
        self.max_message_size.is_some_and(|m| size > m)
    }

    /// Decodes the next frame from `buf`, consuming what it uses.
    /// `Ok(None)` means more bytes are needed. One method per state.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        loop {
            let step = match self.state {
                State::EomIdle => self.eom_idle(buf)?,
                State::EomBody { scanned } => self.eom_body(buf, scanned)?,
                State::EomDiscard => self.eom_discard(buf)?,
                State::ChunkStart { saw_lf, first } => self.chunk_start(buf, saw_lf, first)?,
                State::ChunkHash => self.chunk_hash(buf)?,
                State::ChunkSize { value } => self.chunk_size(buf, value)?,
                State::ChunkData { remaining } => self.chunk_data(buf, remaining)?,
                State::ChunkEnd => self.chunk_end(buf)?,
            };
            match step {
                Step::Continue => {}
                Step::NeedMore => return Ok(None),
                Step::Frame(frame) => return Ok(Some(frame)),
            }
        }
    }

    /// Between messages in end-of-message framing: skips whitespace, then
    /// a message starts (or a chunk header, from a peer that switched
    /// early).
    fn eom_idle(&mut self, buf: &mut BytesMut) -> Result<Step, FramingError> {
        let ws = buf.iter().take_while(|b| is_space(**b)).count();
        self.consume(buf, ws);
        match buf.first() {
            None => return Ok(Step::NeedMore),
            // A chunk header where a message should start: a peer
            // that switched to chunked framing one message early.
            // (XML cannot start with '#', so this is unambiguous.)
            Some(b'#') => {
                self.state = State::ChunkStart {
                    saw_lf: true,
                    first: true,
                };
            }
            Some(_) => {
                self.size = 0;
                self.state = State::EomBody { scanned: 0 };
            }
        }
        Ok(Step::Continue)
    }

    /// Inside an end-of-message framed message: looks for the marker past
    /// what is already scanned.
    fn eom_body(&mut self, buf: &mut BytesMut, scanned: usize) -> Result<Step, FramingError> {
        if let Some(pos) = self.finder.find(&buf[scanned..]) {
            let len = scanned + pos;
            self.state = idle_state(self.framing);
            if self.over_limit(len as u64) {
                self.consume(buf, len + EOM_MARKER.len());
                return Ok(Step::Frame(Frame::TooBig { size: len as u64 }));
            }
            let msg = self.take(buf, len);
            self.consume(buf, EOM_MARKER.len());
            return Ok(Step::Frame(Frame::Message(msg)));
        }
        // The last bytes may be the start of a split marker, so
        // only the bytes before them surely belong to the message.
        let keep = buf.len().min(EOM_MARKER.len() - 1);
        if self.over_limit((buf.len() - keep) as u64) {
            let drop = buf.len() - keep;
            self.size = drop as u64;
            self.consume(buf, drop);
            self.state = State::EomDiscard;
            return Ok(Step::Continue);
        }
        self.state = State::EomBody {
            scanned: buf.len() - keep,
        };
        Ok(Step::NeedMore)
    }

    /// Discarding an oversized end-of-message framed message up to its
    /// marker.
    fn eom_discard(&mut self, buf: &mut BytesMut) -> Result<Step, FramingError> {
        if let Some(pos) = self.finder.find(buf) {
            let size = self.size + pos as u64;
            self.consume(buf, pos + EOM_MARKER.len());
            self.state = idle_state(self.framing);
            return Ok(Step::Frame(Frame::TooBig { size }));
        }
        let keep = buf.len().min(EOM_MARKER.len() - 1);
        let drop = buf.len() - keep;
        self.size += drop as u64;
        self.consume(buf, drop);
        Ok(Step::NeedMore)
    }

    /// Before a chunk header (`\n#`).
    fn chunk_start(
        &mut self,
        buf: &mut BytesMut,
        saw_lf: bool,
        first: bool,
    ) -> Result<Step, FramingError> {
        let Some(&b) = buf.first() else {
            return Ok(Step::NeedMore);
        };
        match b {
            b'\n' => {
                self.consume(buf, 1);
                self.state = State::ChunkStart {
                    saw_lf: true,
                    first,
                };
            }
            // Between messages, tolerate stray whitespace (a CR
            // or a newline after the previous message).
            b' ' | b'\t' | b'\r' if first => {
                self.consume(buf, 1);
            }
            b'#' if saw_lf => {
                if first {
                    self.size = 0;
                    self.discarding = false;
                }
                self.consume(buf, 1);
                self.state = State::ChunkHash;
            }
            b'#' => return Err(self.err(0, FramingErrorKind::ExpectedLf { found: b })),
            _ if saw_lf => {
                return Err(self.err(0, FramingErrorKind::ExpectedHash { found: b }));
            }
            _ => return Err(self.err(0, FramingErrorKind::ExpectedLf { found: b })),
        }
        Ok(Step::Continue)
    }

    /// After `\n#`: a chunk size, or `#` for the end of the message.
    fn chunk_hash(&mut self, buf: &mut BytesMut) -> Result<Step, FramingError> {
        let Some(&b) = buf.first() else {
            return Ok(Step::NeedMore);
        };
        match b {
            b'#' => {
                if self.parts.is_empty() && self.size == 0 {
                    return Err(self.err(0, FramingErrorKind::EmptyMessage));
                }
                self.consume(buf, 1);
                self.state = State::ChunkEnd;
            }
            b'1'..=b'9' => {
                self.consume(buf, 1);
                self.state = State::ChunkSize {
                    value: u64::from(b - b'0'),
                };
            }
            b'0' => return Err(self.err(0, FramingErrorKind::ZeroChunkSize)),
            _ => {
                return Err(self.err(0, FramingErrorKind::ExpectedSizeOrEnd { found: b }));
            }
        }
        Ok(Step::Continue)
    }

    /// Reading chunk-size digits up to their LF.
    fn chunk_size(&mut self, buf: &mut BytesMut, value: u64) -> Result<Step, FramingError> {
        let Some(&b) = buf.first() else {
            return Ok(Step::NeedMore);
        };
        match b {
            b'0'..=b'9' => {
                let v = value * 10 + u64::from(b - b'0');
                if v > MAX_CHUNK_SIZE {
                    return Err(self.err(0, FramingErrorKind::ChunkSizeTooLarge));
                }
                self.consume(buf, 1);
                self.state = State::ChunkSize { value: v };
            }
            b'\n' => {
                self.consume(buf, 1);
                self.size += value;
                if !self.discarding && self.over_limit(self.size) {
                    self.discarding = true;
                    self.parts.clear();
                }
                self.state = State::ChunkData { remaining: value };
            }
            _ => {
                return Err(self.err(0, FramingErrorKind::InvalidChunkSize { found: b }));
            }
        }
        Ok(Step::Continue)
    }

    /// Inside chunk data.
    fn chunk_data(&mut self, buf: &mut BytesMut, remaining: u64) -> Result<Step, FramingError> {
        if let Some(limit) = self.whole_chunks
            && !self.discarding
            && remaining <= limit as u64
        {
            let need = remaining as usize;
            if buf.len() < need {
                // Once: reserving again could move what arrived.
                if buf.capacity() < need {
                    buf.reserve(need - buf.len());
                }
                return Ok(Step::NeedMore);
            }
            let part = self.take(buf, need);
            self.parts.push(part);
            self.state = State::ChunkStart {
                saw_lf: false,
                first: false,
            };
            return Ok(Step::Continue);
        }
        if buf.is_empty() {
            return Ok(Step::NeedMore);
        }
        let n = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        if self.discarding {
            self.consume(buf, n);
        } else {
            let part = self.take(buf, n);
            self.parts.push(part);
        }
        let left = remaining - n as u64;
        if left > 0 {
            self.state = State::ChunkData { remaining: left };
            return Ok(Step::NeedMore);
        }
        self.state = State::ChunkStart {
            saw_lf: false,
            first: false,
        };
        Ok(Step::Continue)
    }

    /// After `\n##`: the LF that ends the message.
    fn chunk_end(&mut self, buf: &mut BytesMut) -> Result<Step, FramingError> {
        let Some(&b) = buf.first() else {
            return Ok(Step::NeedMore);
        };
        if b != b'\n' {
            return Err(self.err(0, FramingErrorKind::ExpectedLfAfterEnd { found: b }));
        }
        self.consume(buf, 1);
        self.state = idle_state(self.framing);
        if self.discarding {
            self.discarding = false;
            return Ok(Step::Frame(Frame::TooBig { size: self.size }));
        }
        let parts = std::mem::take(&mut self.parts);
        let msg = if parts.len() == 1 {
            parts.into_iter().next().unwrap_or_default()
        } else {
            let mut m = BytesMut::with_capacity(self.size as usize);
            parts.iter().for_each(|p| m.extend_from_slice(p));
            m.freeze()
        };
        Ok(Step::Frame(Frame::Message(msg)))
    }

    /// Call at end of stream: an error if a message was cut off. Whitespace
    /// after the last end-of-message marker is not an error.
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        let ws = buf.iter().take_while(|b| is_space(**b)).count();
        if buf.len() > ws || !self.is_idle() {
            return Err(self.err(buf.len(), FramingErrorKind::Truncated));
        }
        Ok(None)
    }
}

fn idle_state(framing: Framing) -> State {
    match framing {
        Framing::EndOfMessage => State::EomIdle,
        Framing::Chunked => State::ChunkStart {
            saw_lf: false,
            first: true,
        },
    }
}

/// How chunked messages are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chunking {
    /// One chunk per message (some old clients cannot reassemble more).
    #[default]
    OnePerMessage,
    /// Chunks of at most this many bytes.
    MaxSize(u32),
}

/// Byte-level output options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameStyle {
    /// In end-of-message framing, write `\n` before `]]>]]>` (Cisco devices
    /// do not; many RFC servers do).
    pub newline_before_eom: bool,
    /// How chunked messages are cut.
    pub chunking: Chunking,
}

/// Room reserved at the front of a message buffer for its chunk header
/// (`\n#4294967295\n` is 13 bytes), so a body built in place can be framed
/// without a copy.
pub const HEADER_ROOM: usize = 13;

/// Frames a message body built in place: `buf` holds [`HEADER_ROOM`] bytes of
/// room followed by the body. Returns the framed message as one or more
/// `Bytes` that share `buf`'s allocation (no copy of the body).
pub fn frame_in_place(buf: Vec<u8>, framing: Framing, style: FrameStyle) -> Vec<Bytes> {
    frame(buf, framing, style, true)
}

/// Frames one part of a message sent in parts, built in place as for
/// [`frame_in_place`]: chunks in chunked framing, the bytes as they are in
/// end-of-message framing. The last part is framed with
/// [`frame_in_place`], which adds the end of the message.
pub fn frame_part(buf: Vec<u8>, framing: Framing, style: FrameStyle) -> Vec<Bytes> {
    frame(buf, framing, style, false)
}

fn frame(mut buf: Vec<u8>, framing: Framing, style: FrameStyle, last: bool) -> Vec<Bytes> {
    let room = HEADER_ROOM.min(buf.len());
    let body_len = buf.len() - room;
    match framing {
        Framing::EndOfMessage => {
            if last {
                if style.newline_before_eom {
                    buf.push(b'\n');
                }
                buf.extend_from_slice(EOM_MARKER);
            }
            vec![Bytes::from(buf).slice(room..)]
        }
        Framing::Chunked => {
            let max = match style.chunking {
                Chunking::OnePerMessage => MAX_CHUNK_SIZE as usize,
                Chunking::MaxSize(n) => n.max(1) as usize,
            };
            let end: &[u8] = if last { b"\n##\n" } else { b"" };
            if body_len == 0 {
                // RFC 6242 has no empty chunk; an empty body is never sent
                // (the last part of a reply always holds its end tag).
                return vec![Bytes::from(buf).slice(room..)];
            }
            if body_len <= max && room == HEADER_ROOM {
                let header = format!("\n#{body_len}\n");
                let start = HEADER_ROOM - header.len();
                buf[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
                buf.extend_from_slice(end);
                return vec![Bytes::from(buf).slice(start..)];
            }
            let body = Bytes::from(buf).slice(room..);
            let mut headers = BytesMut::new();
            let mut spans = Vec::new();
            let mut at = 0;
            while at < body.len() {
                let n = max.min(body.len() - at);
                let h0 = headers.len();
                headers.extend_from_slice(format!("\n#{n}\n").as_bytes());
                spans.push((h0, headers.len(), at, at + n));
                at += n;
            }
            let h_end0 = headers.len();
            headers.extend_from_slice(end);
            let headers = headers.freeze();
            let mut out = Vec::with_capacity(spans.len() * 2 + 1);
            for (h0, h1, b0, b1) in spans {
                out.push(headers.slice(h0..h1));
                out.push(body.slice(b0..b1));
            }
            if last {
                out.push(headers.slice(h_end0..));
            }
            out
        }
    }
}

/// Frames a complete body (copies it once into the output).
pub fn encode(body: &[u8], framing: Framing, style: FrameStyle, out: &mut BytesMut) {
    let mut buf = Vec::with_capacity(HEADER_ROOM + body.len() + 16);
    buf.resize(HEADER_ROOM, 0);
    buf.extend_from_slice(body);
    for part in frame_in_place(buf, framing, style) {
        out.extend_from_slice(&part);
    }
}

/// `tokio_util` codec over [`FrameDecoder`]; encodes whole bodies.
#[cfg(feature = "codec")]
#[derive(Debug)]
pub struct NetconfCodec {
    decoder: FrameDecoder,
    /// Output style for [`tokio_util::codec::Encoder`].
    pub style: FrameStyle,
}

#[cfg(feature = "codec")]
impl NetconfCodec {
    /// A codec starting in end-of-message framing (as every session does).
    pub fn new() -> Self {
        NetconfCodec {
            decoder: FrameDecoder::new(Framing::EndOfMessage),
            style: FrameStyle::default(),
        }
    }

    /// The decoder, to switch framing or set the size limit.
    pub fn decoder_mut(&mut self) -> &mut FrameDecoder {
        &mut self.decoder
    }

    /// Switches both directions to `framing`.
    pub fn set_framing(&mut self, framing: Framing) {
        self.decoder.set_framing(framing);
    }
}

#[cfg(feature = "codec")]
impl Default for NetconfCodec {
    fn default() -> Self {
        NetconfCodec::new()
    }
}

/// Errors from [`NetconfCodec`].
#[cfg(feature = "codec")]
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The byte stream is not framed correctly.
    #[error(transparent)]
    Framing(#[from] FramingError),
    /// The underlying I/O failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

#[cfg(feature = "codec")]
impl tokio_util::codec::Decoder for NetconfCodec {
    type Item = Frame;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, CodecError> {
        Ok(self.decoder.decode(src)?)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, CodecError> {
        Ok(self.decoder.decode_eof(src)?)
    }
}

#[cfg(feature = "codec")]
impl<T: AsRef<[u8]>> tokio_util::codec::Encoder<T> for NetconfCodec {
    type Error = CodecError;

    fn encode(&mut self, item: T, dst: &mut BytesMut) -> Result<(), CodecError> {
        encode(item.as_ref(), self.decoder.framing(), self.style, dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(dec: &mut FrameDecoder, input: &[u8]) -> Result<Vec<Frame>, FramingError> {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(f) = dec.decode(&mut buf)? {
            out.push(f);
        }
        Ok(out)
    }

    /// Feeds `input` in two reads, cut at `split`, and collects the frames.
    fn decode_split(mut dec: FrameDecoder, input: &[u8], split: usize) -> Vec<Frame> {
        let mut buf = BytesMut::from(&input[..split]);
        let mut frames = Vec::new();
        while let Ok(Some(f)) = dec.decode(&mut buf) {
            frames.push(f);
        }
        buf.extend_from_slice(&input[split..]);
        while let Ok(Some(f)) = dec.decode(&mut buf) {
            frames.push(f);
        }
        frames
    }

    fn msg(s: &str) -> Frame {
        Frame::Message(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// RFC 6242 section 4.2's example.
    const RFC_CHUNKED: &[u8] = b"\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#79\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>\n##\n";

    #[test]
    fn rfc_example_decodes_at_every_split() {
        let expected = "<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>";
        for split in 0..=RFC_CHUNKED.len() {
            let frames = decode_split(FrameDecoder::new(Framing::Chunked), RFC_CHUNKED, split);
            assert_eq!(frames, vec![msg(expected)], "split at {split}");
        }
    }

    #[test]
    fn whole_chunks_decode_the_same_at_every_split_and_reserve_once() {
        let expected = "<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>";
        for split in 0..=RFC_CHUNKED.len() {
            let mut dec = FrameDecoder::new(Framing::Chunked);
            dec.set_whole_chunks(Some(64));
            let frames = decode_split(dec, RFC_CHUNKED, split);
            assert_eq!(frames, vec![msg(expected)], "split at {split}");
        }
        // One large chunk: its size is reserved when the header arrives and
        // the message comes out as one piece of that allocation.
        let body = vec![b'x'; 100_000];
        let mut dec = FrameDecoder::new(Framing::Chunked);
        dec.set_whole_chunks(Some(1 << 20));
        let mut buf = BytesMut::from(&b"\n#100000\n"[..]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert!(buf.capacity() >= 100_000);
        let ptr = buf.as_ptr();
        for piece in body.chunks(7_000) {
            buf.extend_from_slice(piece);
            assert_eq!(dec.decode(&mut buf), Ok(None));
        }
        buf.extend_from_slice(b"\n##\n");
        match dec.decode(&mut buf) {
            Ok(Some(Frame::Message(m))) => {
                assert_eq!(m.len(), 100_000);
                // The bytes where they were received: no copy, no regrowth.
                assert_eq!(m.as_ptr(), ptr);
            }
            other => panic!("{other:?}"),
        }
        // Over the limit, chunks are taken as they come (and still decode).
        let mut dec = FrameDecoder::new(Framing::Chunked);
        dec.set_whole_chunks(Some(10));
        assert_eq!(decode_all(&mut dec, RFC_CHUNKED).map(|f| f.len()), Ok(1));
    }

    #[test]
    fn eom_with_surrounding_whitespace() {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        let got = decode_all(&mut dec, b"\n <a/>]]>]]>\n<b/>\n]]>]]>  \n");
        assert_eq!(got, Ok(vec![msg("<a/>"), msg("<b/>\n")]));
        assert!(dec.is_idle());
        assert_eq!(dec.decode_eof(&mut BytesMut::from(&b" \n"[..])), Ok(None));
    }

    #[test]
    fn switch_keeps_buffered_bytes() {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        let mut buf = BytesMut::from(&b"<hello/>]]>]]>\n#5\n<rpc/\n#1\n>\n##\n"[..]);
        assert_eq!(dec.decode(&mut buf), Ok(Some(msg("<hello/>"))));
        dec.set_framing(Framing::Chunked);
        assert_eq!(dec.decode(&mut buf), Ok(Some(msg("<rpc/>"))));
        assert!(buf.is_empty());
    }

    #[test]
    fn chunk_framed_hello_in_eom_mode_is_accepted() {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        let got = decode_all(&mut dec, b"\n#8\n<hello/>\n##\n<rpc/>]]>]]>");
        assert_eq!(got, Ok(vec![msg("<hello/>"), msg("<rpc/>")]));
    }

    #[test]
    fn oversized_eom_message_is_discarded_while_streaming() {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        dec.set_max_message_size(Some(10));
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        // 1 MB in 1000-byte pieces: the buffer never holds more than one piece.
        for _ in 0..1000 {
            buf.extend_from_slice(&[b'x'; 1000]);
            while let Ok(Some(f)) = dec.decode(&mut buf) {
                frames.push(f);
            }
            assert!(buf.len() < 1006, "held {} bytes", buf.len());
        }
        buf.extend_from_slice(b"]]>]]><ok/>]]>]]>");
        while let Ok(Some(f)) = dec.decode(&mut buf) {
            frames.push(f);
        }
        assert_eq!(
            frames,
            vec![Frame::TooBig { size: 1_000_000 }, msg("<ok/>")]
        );
    }

    #[test]
    fn oversized_chunked_message_is_discarded() {
        let mut dec = FrameDecoder::new(Framing::Chunked);
        dec.set_max_message_size(Some(5));
        let got = decode_all(&mut dec, b"\n#3\nabc\n#3\ndef\n##\n\n#2\nok\n##\n");
        assert_eq!(got, Ok(vec![Frame::TooBig { size: 6 }, msg("ok")]));
        assert_eq!(dec.buffered(), 0);
    }

    #[test]
    fn limit_is_inclusive() {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        dec.set_max_message_size(Some(5));
        let got = decode_all(&mut dec, b"12345]]>]]>123456]]>]]>");
        assert_eq!(got, Ok(vec![msg("12345"), Frame::TooBig { size: 6 }]));
    }

    fn chunk_err(input: &[u8]) -> Result<Vec<Frame>, FramingError> {
        decode_all(&mut FrameDecoder::new(Framing::Chunked), input)
    }

    #[test]
    fn chunk_errors_name_the_byte_and_the_expectation() {
        use FramingErrorKind::*;
        let e = |offset, kind| Err(FramingError { offset, kind });
        assert_eq!(chunk_err(b"<rpc/>"), e(0, ExpectedLf { found: b'<' }));
        assert_eq!(chunk_err(b"\nx"), e(1, ExpectedHash { found: b'x' }));
        assert_eq!(chunk_err(b"\n#0\n"), e(2, ZeroChunkSize));
        assert_eq!(chunk_err(b"\n#05\n"), e(2, ZeroChunkSize));
        assert_eq!(
            chunk_err(b"\n#x\n"),
            e(2, ExpectedSizeOrEnd { found: b'x' })
        );
        assert_eq!(
            chunk_err(b"\n#12a\n"),
            e(4, InvalidChunkSize { found: b'a' })
        );
        assert_eq!(chunk_err(b"\n#4294967296\n"), e(11, ChunkSizeTooLarge));
        assert_eq!(chunk_err(b"\n##\n"), e(2, EmptyMessage));
        assert_eq!(
            chunk_err(b"\n#1\na\n##x"),
            e(8, ExpectedLfAfterEnd { found: b'x' })
        );
        assert_eq!(chunk_err(b"\n#1\naX"), e(5, ExpectedLf { found: b'X' }));
        assert_eq!(chunk_err(b"\n#1\na\nX"), e(6, ExpectedHash { found: b'X' }));
        let ok = chunk_err(b"\n#4294967295\n");
        assert_eq!(ok, Ok(vec![]));
    }

    #[test]
    fn truncation_is_reported_at_eof() {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        let mut buf = BytesMut::from(&b"<rpc>"[..]);
        let r = dec.decode_eof(&mut buf);
        assert_eq!(
            r,
            Err(FramingError {
                offset: 5,
                kind: FramingErrorKind::Truncated
            })
        );
        let mut dec = FrameDecoder::new(Framing::Chunked);
        let mut buf = BytesMut::from(&b"\n#5\nab"[..]);
        assert!(dec.decode_eof(&mut buf).is_err());
    }

    #[cfg(feature = "codec")]
    #[test]
    fn codec_switches_framing_between_messages() {
        use tokio_util::codec::{Decoder, Encoder};
        let mut codec = NetconfCodec::new();
        let mut buf = BytesMut::from(&b"<hello/>]]>]]>\n#6\n<rpc/>\n##\n"[..]);
        assert_eq!(codec.decode(&mut buf).ok().flatten(), Some(msg("<hello/>")));
        codec.set_framing(Framing::Chunked);
        assert_eq!(codec.decode(&mut buf).ok().flatten(), Some(msg("<rpc/>")));
        assert!(codec.decode_eof(&mut buf).is_ok_and(|f| f.is_none()));
        let mut out = BytesMut::new();
        assert!(codec.encode(b"<ok/>", &mut out).is_ok());
        assert_eq!(&out[..], b"\n#5\n<ok/>\n##\n");
        let mut bad = BytesMut::from(&b"\n#0\n"[..]);
        assert!(matches!(
            codec.decode(&mut bad),
            Err(CodecError::Framing(_))
        ));
    }

    #[test]
    fn encode_styles() {
        let mut out = BytesMut::new();
        encode(
            b"<a/>",
            Framing::EndOfMessage,
            FrameStyle::default(),
            &mut out,
        );
        assert_eq!(&out[..], b"<a/>]]>]]>");
        out.clear();
        let nl = FrameStyle {
            newline_before_eom: true,
            ..FrameStyle::default()
        };
        encode(b"<a/>", Framing::EndOfMessage, nl, &mut out);
        assert_eq!(&out[..], b"<a/>\n]]>]]>");
        out.clear();
        encode(b"<a/>", Framing::Chunked, FrameStyle::default(), &mut out);
        assert_eq!(&out[..], b"\n#4\n<a/>\n##\n");
        out.clear();
        let fixed = FrameStyle {
            chunking: Chunking::MaxSize(3),
            ..FrameStyle::default()
        };
        encode(b"<abc/>!", Framing::Chunked, fixed, &mut out);
        assert_eq!(&out[..], b"\n#3\n<ab\n#3\nc/>\n#1\n!\n##\n");
    }
}
