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
    counted: ironconf_session::SessionStats,
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
            counted: ironconf_session::SessionStats::default(),
        }
    }
}

impl NetconfHandler {
    /// Adds what the session answered since the last call (its own
    /// replies to malformed or oversized messages included) to the device's
    /// counters. The driver calls it after each round of work.
    pub fn account(&mut self, stats: &ironconf_session::SessionStats) {
        let mut st = self.device.state();
        let c = &mut st.counters;
        let ok = stats.replies_ok.saturating_sub(self.counted.replies_ok);
        let err = stats
            .replies_error
            .saturating_sub(self.counted.replies_error);
        c.transactions_total += ok + err;
        c.transactions_success += ok;
        c.transactions_errors += err;
        let mut new_errors = Vec::new();
        for (i, n) in stats.error_tags.iter().enumerate() {
            let fresh = n.saturating_sub(self.counted.error_tags[i]);
            c.error_tags[i] += fresh;
            if fresh > 0 {
                new_errors.push(i);
            }
        }
        drop(st);
        self.counted = stats.clone();
        if !new_errors.is_empty() && self.device.debugging(crate::DebugLevel::Error) {
            for i in new_errors {
                let tag = ironconf_proto::ErrorTag::ALL
                    .get(i)
                    .map_or("unknown", |t| t.as_str());
                self.device.debug(
                    crate::DebugLevel::Error,
                    &format!(
                        "NETCONF: ns_error.sess=0x{:X} rpc-error {tag}",
                        self.caller.session
                    ),
                );
            }
        }
    }
}

impl RpcHandler for NetconfHandler {
    fn handle_rpc(&mut self, request: &Request) -> Option<Reply> {
        Some(dispatch(&self.device, &self.caller, request))
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
