//! What can go wrong on the client side, one variant per cause so that a
//! program (and the `ironconf` exit code) can tell them apart.

use std::time::Duration;

use ironconf_proto::{FramingError, MessageError, RpcError};

/// Client errors. An `<rpc-error>` in a reply is data ([`crate::Reply::errors`]);
/// it becomes [`ClientError::Rpc`] only from the typed helpers, which have
/// nothing else to return.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The TCP connection could not be made.
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// `host:port`.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The SSH layer failed (negotiation, disconnect, channel refused).
    #[error("SSH: {0}")]
    Ssh(#[from] russh::Error),
    /// The server's host key is not in known_hosts (strict checking).
    #[error(
        "host key for {host} is not known ({fingerprint}); add it to {known_hosts} or accept new keys"
    )]
    UnknownHostKey {
        /// `host` or `[host]:port`.
        host: String,
        /// SHA256 fingerprint of the key offered.
        fingerprint: String,
        /// The file consulted.
        known_hosts: String,
    },
    /// The server's host key differs from the one recorded.
    #[error("host key for {host} has CHANGED (known_hosts line {line}); refusing to connect")]
    HostKeyChanged {
        /// `host` or `[host]:port`.
        host: String,
        /// Line of the recorded key.
        line: usize,
    },
    /// The known_hosts file cannot be read or written.
    #[error("known_hosts: {0}")]
    KnownHosts(String),
    /// No authentication method was accepted.
    #[error("authentication failed for user {user} (tried {tried})")]
    Auth {
        /// The user.
        user: String,
        /// The methods tried, comma-separated.
        tried: String,
    },
    /// A key file or the agent could not be used.
    #[error("key: {0}")]
    Key(String),
    /// The ssh program (the OpenSSH transport) failed; its words.
    #[error("ssh: {0}")]
    Transport(String),
    /// The server refused the `netconf` subsystem.
    #[error("the server refused the netconf subsystem")]
    SubsystemRefused,
    /// The hello exchange failed.
    #[error("hello: {0}")]
    Hello(String),
    /// The server's bytes cannot be split into messages.
    #[error(transparent)]
    Framing(#[from] FramingError),
    /// A message from the server is not NETCONF.
    #[error("bad message from server: {0}")]
    Message(#[from] MessageError),
    /// A reply that cannot be read.
    #[error("bad rpc-reply: {0}")]
    Reply(String),
    /// A wait ran out.
    #[error("timed out after {after:?} waiting for {waiting_for}")]
    Timeout {
        /// What was awaited.
        waiting_for: &'static str,
        /// The limit.
        after: Duration,
    },
    /// The session ended (the server closed it, or it was killed).
    #[error("session closed{}", .0.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Closed(Option<String>),
    /// The server answered with `<rpc-error>`s.
    #[error("{}", rpc_errors_text(.0))]
    Rpc(Vec<RpcError>),
    /// A request that cannot be sent as given.
    #[error("invalid request: {0}")]
    Request(String),
    /// Local I/O (reading a key, writing output).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn rpc_errors_text(errors: &[RpcError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| match &e.error_message {
            Some(m) => format!(
                "{} ({}): {}",
                e.error_tag.as_str(),
                e.error_type.as_str(),
                m.text.trim()
            ),
            None => format!("{} ({})", e.error_tag.as_str(), e.error_type.as_str()),
        })
        .collect();
    format!("rpc-error: {}", parts.join("; "))
}
