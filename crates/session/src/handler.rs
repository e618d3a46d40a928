//! The seam between the session and the device: the device implements
//! [`RpcHandler`] (one module per operation on its side) and [`dispatch`]
//! feeds it the session's events.

use ironconf_proto::Framing;

use crate::session::{CloseReason, Event, Reply, Request, Session};

/// What a device implements to answer rpcs.
pub trait RpcHandler {
    /// Answers an rpc now (`Some`), or later through
    /// [`Session::send_reply`] (`None`).
    fn handle_rpc(&mut self, request: &Request) -> Option<Reply>;

    /// The hello exchange completed.
    fn hello_received(&mut self, _capabilities: &[String], _framing: Framing) {}

    /// The session ended; release what it held (locks).
    fn session_closed(&mut self, _reason: &CloseReason) {}
}

/// Feeds every pending event to the handler and queues its replies. Returns
/// the close reason once the session has ended.
pub fn dispatch<H: RpcHandler + ?Sized>(
    session: &mut Session,
    handler: &mut H,
) -> Option<CloseReason> {
    let mut closed = None;
    while let Some(event) = session.poll_event() {
        match event {
            Event::HelloReceived {
                capabilities,
                framing,
            } => handler.hello_received(&capabilities, framing),
            Event::Rpc(request) => {
                if let Some(reply) = handler.handle_rpc(&request) {
                    // The id was just handed out, so it is known.
                    let _ = session.send_reply(request.id, reply);
                }
            }
            Event::Closed(reason) => {
                handler.session_closed(&reason);
                closed = Some(reason);
            }
        }
    }
    closed
}
