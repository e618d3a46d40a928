//! The packet: header, body length, and the body's obfuscation with the
//! shared key (RFC 8907 §4.5).

use thiserror::Error;

/// Bytes in a header.
pub const HEADER_LEN: usize = 12;
/// The longest body taken (RFC 8907 allows 2^32; no real packet comes
/// near this).
pub const MAX_BODY: usize = 64 * 1024;

/// Why a packet or body was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes than a header or than the length it gives.
    #[error("packet of {got} bytes, {want} expected")]
    Truncated {
        /// Bytes needed.
        want: usize,
        /// Bytes there.
        got: usize,
    },
    /// A body longer than [`MAX_BODY`].
    #[error("body of {0} bytes, longer than taken")]
    TooLong(usize),
    /// Not TACACS+ (major version 0xc).
    #[error("version 0x{0:02x} is not TACACS+")]
    Version(u8),
    /// A packet type that is not authentication, authorization or
    /// accounting.
    #[error("packet type {0}")]
    Type(u8),
    /// The server sent the body in clear: refused (RFC 8907 §4.5).
    #[error("body not obfuscated")]
    Unobfuscated,
    /// A body whose fields do not add up (most often: another key).
    #[error("malformed {0} body (shared key differs?)")]
    Body(&'static str),
    /// A field longer than its length byte allows.
    #[error("field of {0} bytes, longer than 255")]
    FieldTooLong(usize),
}

/// What a packet is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketType {
    /// Authentication.
    Authentication = 1,
    /// Authorization.
    Authorization = 2,
    /// Accounting.
    Accounting = 3,
}

/// A packet header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// 0xc0 (minor version 0) or 0xc1 (PAP and CHAP authentication).
    pub version: u8,
    /// Its type.
    pub kind: PacketType,
    /// 1 for the first packet of a session, +1 for each after.
    pub seq_no: u8,
    /// TAC_PLUS_SINGLE_CONNECT_FLAG and the like.
    pub flags: u8,
    /// The session's random identifier.
    pub session_id: u32,
    /// Length of the body.
    pub length: u32,
}

/// `flags`: the connection carries more than one session.
pub const SINGLE_CONNECT: u8 = 0x04;
const UNENCRYPTED: u8 = 0x01;

impl Header {
    /// A header of minor version 0 (`pap`: 1), `single` connection when
    /// asked.
    pub fn new(kind: PacketType, seq_no: u8, session_id: u32, pap: bool) -> Header {
        Header {
            version: if pap { 0xc1 } else { 0xc0 },
            kind,
            seq_no,
            flags: 0,
            session_id,
            length: 0,
        }
    }

    /// Marks the connection as carrying more than one session.
    pub fn single_connection(mut self, on: bool) -> Header {
        if on {
            self.flags |= SINGLE_CONNECT;
        } else {
            self.flags &= !SINGLE_CONNECT;
        }
        self
    }

    /// Reads a header (the first [`HEADER_LEN`] bytes).
    pub fn decode(bytes: &[u8]) -> Result<Header, Error> {
        if bytes.len() < HEADER_LEN {
            return Err(Error::Truncated {
                want: HEADER_LEN,
                got: bytes.len(),
            });
        }
        if bytes[0] >> 4 != 0xc {
            return Err(Error::Version(bytes[0]));
        }
        let kind = match bytes[1] {
            1 => PacketType::Authentication,
            2 => PacketType::Authorization,
            3 => PacketType::Accounting,
            t => return Err(Error::Type(t)),
        };
        let length = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if length as usize > MAX_BODY {
            return Err(Error::TooLong(length as usize));
        }
        Ok(Header {
            version: bytes[0],
            kind,
            seq_no: bytes[2],
            flags: bytes[3],
            session_id: u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
            length,
        })
    }

    /// The body's length, once the header has been read.
    pub fn body_len(&self) -> usize {
        self.length as usize
    }

    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0] = self.version;
        h[1] = self.kind as u8;
        h[2] = self.seq_no;
        h[3] = self.flags;
        h[4..8].copy_from_slice(&self.session_id.to_be_bytes());
        h[8..12].copy_from_slice(&self.length.to_be_bytes());
        h
    }
}

/// A header and its body, in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The header (its `length` set when encoded).
    pub header: Header,
    /// The body, in clear.
    pub body: Vec<u8>,
}

/// XORs `body` with the pseudo-pad of RFC 8907 §4.5: MD5 of the session
/// id, the key, the version and the sequence number, then of those and
/// the previous hash, until the body is covered.
fn obfuscate(header: &Header, key: &[u8], body: &mut [u8]) {
    let mut previous: Option<[u8; 16]> = None;
    for chunk in body.chunks_mut(16) {
        let mut c = md5::Context::new();
        c.consume(header.session_id.to_be_bytes());
        c.consume(key);
        c.consume([header.version]);
        c.consume([header.seq_no]);
        if let Some(p) = previous {
            c.consume(p);
        }
        let pad = c.finalize().0;
        for (b, p) in chunk.iter_mut().zip(pad) {
            *b ^= p;
        }
        previous = Some(pad);
    }
}

impl Packet {
    /// A packet of `body` under `header`.
    pub fn new(header: Header, body: Vec<u8>) -> Packet {
        Packet { header, body }
    }

    /// The bytes to send, the body obfuscated with `key`.
    pub fn encode(&self, key: &[u8]) -> Result<Vec<u8>, Error> {
        if self.body.len() > MAX_BODY {
            return Err(Error::TooLong(self.body.len()));
        }
        let mut header = self.header;
        header.length = self.body.len() as u32;
        header.flags &= !UNENCRYPTED;
        let mut body = self.body.clone();
        obfuscate(&header, key, &mut body);
        let mut out = header.encode().to_vec();
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// A whole packet read back, the body in clear. Bodies sent in clear
    /// are refused.
    pub fn decode(bytes: &[u8], key: &[u8]) -> Result<Packet, Error> {
        let header = Header::decode(bytes)?;
        let end = HEADER_LEN + header.body_len();
        if bytes.len() < end {
            return Err(Error::Truncated {
                want: end,
                got: bytes.len(),
            });
        }
        if header.flags & UNENCRYPTED != 0 {
            return Err(Error::Unobfuscated);
        }
        let mut body = bytes[HEADER_LEN..end].to_vec();
        obfuscate(&header, key, &mut body);
        Ok(Packet { header, body })
    }
}
