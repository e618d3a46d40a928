//! The session-to-device seam: a [`NetconfHandler`] per NETCONF session.

use ironconf_proto::{ErrorTag, Framing};
use ironconf_session::{CloseReason, Reply, Request, RpcHandler};

use crate::DebugLevel;
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
        Some(dispatch(&self.device, &self.caller, request))
    }

    fn replied(&mut self, errors: &[ErrorTag]) {
        self.device.state().counters.count_reply(errors);
        if errors.is_empty() || !self.device.debugging(DebugLevel::Error) {
            return;
        }
        for tag in errors {
            self.device.debug(
                DebugLevel::Error,
                &format!(
                    "NETCONF: ns_error.sess=0x{:X} rpc-error {}",
                    self.caller.session,
                    tag.as_str()
                ),
            );
        }
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
