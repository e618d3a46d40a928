//! The NETCONF session, sans I/O: hello exchange, framing switch, rpc
//! dispatch with replies kept in request order, limits, timers with time
//! passed in.
//!
//! A driver (the SSH glue, or a test) moves bytes and time in and out; the
//! device answers [`Event::Rpc`]s with [`Session::send_reply`], through the
//! [`RpcHandler`] trait or directly.

mod handler;
mod session;
pub mod testing;

pub use handler::{RpcHandler, dispatch, dispatch_some};
pub use session::{
    CloseReason, DataReply, DataSource, Event, MissingMessageId, NoHello, Reply, Request,
    RequestId, SendReplyError, Session, SessionConfig, SessionStats,
};
