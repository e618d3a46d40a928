//! TACACS+ (RFC 8907), sans I/O: packets framed and obfuscated with the
//! shared key, the bodies of authentication, authorization and
//! accounting, for the client (a network device) and the server side.
//! Sockets belong to the caller: a packet is a 12-byte header and the
//! length it gives ([`HEADER_LEN`], [`Header::body_len`]).
//!
//! ```
//! use ironconf_tacacs::{AuthenStart, Header, Packet, PacketType};
//! let key = b"tac-key";
//! let start = AuthenStart::pap("alice", "s3cret", "tty2", "192.0.2.7");
//! let bytes = Packet::new(Header::new(PacketType::Authentication, 1, 0x1234_5678, true), start.encode())
//!     .encode(key)
//!     .expect("a small body");
//! let back = Packet::decode(&bytes, key).expect("well formed");
//! assert_eq!(AuthenStart::decode(&back.body).expect("a start"), start);
//! ```

#![forbid(unsafe_code)]

mod body;
mod client;
mod packet;
pub mod server;

pub use body::{
    AcctFlags, AcctReply, AcctRequest, AcctStatus, AuthenContinue, AuthenReply, AuthenStart,
    AuthenStatus, AuthenType, AuthorRequest, AuthorResponse, AuthorStatus,
};
pub use client::{ClientSession, Outcome};
pub use packet::{Error, HEADER_LEN, Header, MAX_BODY, Packet, PacketType, SINGLE_CONNECT};
