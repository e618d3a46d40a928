//! The client side of RADIUS, sans I/O: what a network device sends to
//! authenticate a login (RFC 2865) and account for it (RFC 2866), and how
//! it checks what comes back. Sockets and clocks belong to the caller:
//! [`Exchange`] says when to send and when to give up, with time passed in.
//!
//! ```
//! use ironconf_radius::{AccessRequest, Code};
//! let secret = b"testing123";
//! let request = AccessRequest::new("alice", b"s3cret")
//!     .nas_identifier("R1")
//!     .encode(7, [0x55; 16], secret)
//!     .expect("a short password");
//! assert_eq!(request.bytes()[0], Code::AccessRequest as u8);
//! assert_eq!(request.bytes()[1], 7);
//! ```

#![forbid(unsafe_code)]

mod exchange;
mod packet;

pub use exchange::{Exchange, Finished};
pub use packet::{
    AccessRequest, AccountingRequest, AcctStatus, Attribute, Code, Encoded, Error, MAX_PACKET,
    Reply, attribute, hmac_md5, reveal_password,
};
