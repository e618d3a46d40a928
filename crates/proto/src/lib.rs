//! The NETCONF wire protocol, with no I/O: RFC 6242 framing, RFC 6241
//! messages, `<rpc-error>` as data, and capability URIs, with the tolerance
//! real clients and Cisco IOS devices need.
//!
//! Everything here is shared by the ironconf device and its client.

pub mod capability;
pub mod error;
pub mod framing;
pub mod message;
pub mod xml;

pub use error::{ErrorInfo, ErrorSeverity, ErrorStyle, ErrorTag, ErrorType, RpcError};
pub use framing::{
    Chunking, Frame, FrameDecoder, FrameStyle, Framing, FramingError, FramingErrorKind,
};
#[cfg(feature = "codec")]
pub use framing::{CodecError, NetconfCodec};
pub use message::{
    FramedMessage, Hello, HelloStyle, Message, MessageError, OkStyle, ReplyBuilder, ReplyNamespace,
    ReplyStyle, Rpc, RpcReply, parse_message,
};
pub use xml::{Element, Limits, XmlError};
