//! The session-to-device seam: a [`NetconfHandler`] per NETCONF session.

use ironconf_proto::Framing;
use ironconf_session::{CloseReason, Reply, Request, RpcHandler};

use crate::device::Device;
use crate::ops::{Caller, dispatch};

/// Answers one session's rpcs from the device.
#[derive(Debug)]
pub struct NetconfHandler {
    device: Device,
    caller: Caller,
}

impl NetconfHandler {
    /// A handler for a registered session.
    pub fn new(device: Device, session: u32, user: &str, privilege: u8) -> Self {
        NetconfHandler {
            device,
            caller: Caller {
                session,
                user: user.to_owned(),
                privilege,
            },
        }
    }
}

impl RpcHandler for NetconfHandler {
    fn handle_rpc(&mut self, request: &Request) -> Option<Reply> {
        let reply = dispatch(&self.device, &self.caller, request);
        self.device.state().counters.count_reply(reply.error_tags());
        Some(reply)
    }

    fn hello_received(&mut self, _capabilities: &[String], _framing: Framing) {
        self.device.state().counters.success += 1;
    }

    fn session_closed(&mut self, reason: &CloseReason) {
        if matches!(reason, CloseReason::NoHello(_)) {
            self.device.state().counters.no_hello += 1;
        }
        self.device.unregister_session(self.caller.session);
    }
}
