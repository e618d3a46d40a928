//! The session-to-device seam: a [`NetconfHandler`] per NETCONF session.

use crate::notify::Termination;
use ironconf_proto::{ErrorTag, Framing};
use ironconf_session::{CloseReason, Reply, Request, RpcHandler};

use crate::DebugLevel;
use crate::device::Device;
use crate::ops::{Caller, dispatch};
use ironconf_session::SessionConfig;
use std::sync::Arc;

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
        self.device.count_reply(errors);
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
        let source = self.device.session_started(self.caller.session);
        self.device
            .publish_session_start(&self.caller.user, self.caller.session, source);
    }

    fn session_closed(&mut self, reason: &CloseReason) {
        let (source, ended) = self.device.session_ending(
            self.caller.session,
            matches!(reason, CloseReason::NoHello(_)),
        );
        self.device.set_notification_sink(self.caller.session, None);
        self.device.unregister_session(self.caller.session);
        // A session that never said hello never started (RFC 6470).
        if matches!(reason, CloseReason::NoHello(_)) {
            return;
        }
        let (termination, by) = ended.unwrap_or((termination(reason), None));
        self.device.publish_session_end(
            &self.caller.user,
            self.caller.session,
            source,
            termination,
            by,
        );
    }
}

/// RFC 6470's termination reason for how a session closed.
fn termination(reason: &CloseReason) -> Termination {
    match reason {
        CloseReason::CloseSession => Termination::Closed,
        CloseReason::Killed => Termination::Killed,
        CloseReason::EndOfInput => Termination::Dropped,
        CloseReason::IdleTimeout => Termination::Timeout,
        CloseReason::NoHello(_) => Termination::BadHello,
        _ => Termination::Other,
    }
}

/// The NETCONF agent as a feature: `no netconf ssh` ends every NETCONF
/// session but the one that made the change (its client closes it).
pub(crate) struct Agent;

impl crate::feature::Feature for Agent {
    fn name(&self) -> &'static str {
        "netconf-agent"
    }

    fn react(&self, device: &Device, change: &crate::feature::Committed) {
        if change.boot || change.changes.is_empty() || device.view(|v| v.settings().netconf.ssh) {
            return;
        }
        let ended = device.end_netconf_sessions(change.by.session);
        if ended > 0 {
            tracing::info!(sessions = ended, "no netconf ssh: ending NETCONF sessions");
        }
    }
}

/// The capabilities new sessions are offered once
/// [`Device::set_capabilities`] changed them (none: the profile's, with no
/// copy per device), kept as the device's handle.
#[derive(Clone)]
struct Capabilities(Arc<Vec<String>>);

impl Device {
    /// The capabilities a new session is offered in the server's hello.
    pub fn capabilities(&self) -> Arc<Vec<String>> {
        self.handle::<Capabilities>()
            .map(|c| c.0)
            .unwrap_or_else(|| Arc::new(self.profile().capabilities.clone()))
    }

    /// Changes the capabilities new sessions are offered (an appliance
    /// that turns a feature on or off); sessions already open keep theirs.
    /// Subscribers hear of it: RFC 6470 `netconf-capability-change`.
    pub fn set_capabilities(&self, capabilities: Vec<String>) {
        let old = self.capabilities();
        self.set_handle(Some(Capabilities(Arc::new(capabilities.clone()))));
        let added: Vec<String> = capabilities
            .iter()
            .filter(|c| !old.contains(c))
            .cloned()
            .collect();
        let removed: Vec<String> = old
            .iter()
            .filter(|c| !capabilities.contains(c))
            .cloned()
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            self.publish_capability_change(&added, &removed);
        }
    }

    /// The session parameters for a new session with this id.
    pub fn session_config(&self, id: u32) -> SessionConfig {
        let p = &self.profile();
        let mut c = SessionConfig::new(
            id,
            match self.handle::<Capabilities>() {
                Some(set) => set.0.to_vec(),
                None => p.capabilities.clone(),
            },
        );
        c.hello_style = p.hello;
        c.reply_style = p.reply;
        c.missing_message_id = p.missing_message_id;
        c.malformed_tag = p.malformed_tag;
        c.reject_client_session_id = p.reject_client_session_id;
        c.max_message_size = self
            .settings()
            .netconf
            .max_message_kb
            .map(|kb| u64::from(kb) * 1024);
        c
    }
}
