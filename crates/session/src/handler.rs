//! The seam between the session and the device: the device implements
//! [`RpcHandler`] (one module per operation on its side) and [`dispatch`]
//! feeds it the session's events.

use ironconf_proto::{ErrorTag, Framing};

use crate::session::{CloseReason, Event, Reply, Request, Session};

/// What a device implements to answer rpcs.
pub trait RpcHandler {
    /// Answers an rpc now (`Some`), or later through
    /// [`Session::send_reply`] (`None`).
    fn handle_rpc(&mut self, request: &Request) -> Option<Reply>;

    /// The hello exchange completed.
    fn hello_received(&mut self, _capabilities: &[String], _framing: Framing) {}

    /// A reply was queued (the handler's, or the session's own to a
    /// malformed message), with the errors it carries.
    fn replied(&mut self, _errors: &[ErrorTag]) {}

    /// The session ended; release what it held (locks).
    fn session_closed(&mut self, _reason: &CloseReason) {}
}

/// Feeds every pending event to the handler and queues its replies. Returns
/// the close reason once the session has ended.
pub fn dispatch<H: RpcHandler + ?Sized>(
    session: &mut Session,
    handler: &mut H,
) -> Option<CloseReason> {
    dispatch_some(session, handler, usize::MAX).0
}

/// Like [`dispatch`], but stops after `max_rpcs` rpcs have been handled, so
/// that the caller can send their replies before building more: a client
/// that pipelines requests for large replies and reads none holds at most
/// that many replies in the server's memory. Returns the close reason, if
/// the session closed, and whether events may remain.
pub fn dispatch_some<H: RpcHandler + ?Sized>(
    session: &mut Session,
    handler: &mut H,
    max_rpcs: usize,
) -> (Option<CloseReason>, bool) {
    let mut closed = None;
    let mut handled = 0;
    while handled < max_rpcs {
        let Some(event) = session.poll_event() else {
            return (closed, false);
        };
        match event {
            Event::HelloReceived {
                capabilities,
                framing,
            } => handler.hello_received(&capabilities, framing),
            Event::Rpc(request) => {
                handled += 1;
                if let Some(reply) = handler.handle_rpc(&request) {
                    // The id was just handed out, so it is known.
                    let _ = session.send_reply(request.id, reply);
                }
            }
            Event::Replied { errors } => handler.replied(&errors),
            Event::Closed(reason) => {
                handler.session_closed(&reason);
                closed = Some(reason);
            }
        }
    }
    (closed, true)
}
