//! Who gets in, decided by the device whatever carries the connection: a
//! login by password or public key, the vty line every SSH connection
//! holds, and a NETCONF session (`netconf ssh`, its access list, the
//! session limit). The SSH layer asks; the device answers and counts.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::KillSwitch;
use crate::device::Device;
use crate::login_watch::LoginWatch;

/// Why a NETCONF session was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.reason())]
#[non_exhaustive]
pub enum NetconfRefusal {
    /// `netconf ssh` is not configured.
    AgentOff,
    /// The source is not permitted by `netconf ssh acl N`.
    AclDenied,
    /// `netconf max-sessions` (or the vty lines) are all in use.
    MaxSessions,
}

impl NetconfRefusal {
    /// Why, in words for the log.
    pub fn reason(self) -> &'static str {
        match self {
            NetconfRefusal::AgentOff => "netconf ssh is not configured",
            NetconfRefusal::AclDenied => "denied by netconf ssh acl",
            NetconfRefusal::MaxSessions => "netconf max-sessions reached",
        }
    }
}

/// A NETCONF session asking to start.
#[derive(Clone)]
pub struct NetconfRequest<'a> {
    /// The authenticated user.
    pub user: &'a str,
    /// Their privilege level.
    pub privilege: u8,
    /// Where the connection comes from.
    pub source: IpAddr,
    /// Ends the session (kill-session, clear, `no netconf ssh`).
    pub kill: KillSwitch,
    /// The vty line the SSH connection holds, which the session runs on.
    pub line: Option<u32>,
}

impl Device {
    /// `ip ssh time-out` (120 seconds unless configured): when a connection
    /// that arrived at `connected` is dropped if it has not authenticated.
    /// Read when the connection arrives, as IOS does.
    pub fn login_deadline(&self, connected: Instant) -> Instant {
        connected + Duration::from_secs(u64::from(self.settings().ssh.timeout))
    }

    /// A password login: the user's privilege level when `password` is
    /// theirs, by the local database or AAA's method list (whose servers
    /// are asked through the remote I/O hook: the calling thread may
    /// block). A failure is counted.
    pub fn login_with_password(&self, user: &str, password: &str) -> Option<u8> {
        let mut login = self.start_login(&crate::aaa::LoginRequest {
            user,
            password,
            source: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        });
        match self.drive(&mut login) {
            crate::aaa::LoginResult::Granted { privilege, .. } => Some(privilege),
            crate::aaa::LoginResult::Denied { .. } => {
                let localhost = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
                self.login_failed(user, localhost, 22);
                None
            }
        }
    }

    /// Whether a public key may log `user` in (`ip ssh pubkey-chain`: a
    /// `key-string`, or a `key-hash`, the MD5 of the key blob in hex as IOS
    /// keeps it): their privilege level if so. `blob` is the key in
    /// base64, as in an OpenSSH public key line; `md5_hex` the hash of its
    /// bytes. Not counted: a client offers keys before it signs with one.
    pub fn public_key_allowed(&self, user: &str, blob: &str, md5_hex: &str) -> Option<u8> {
        let settings = self.settings();
        let account = settings.users.get(user)?;
        let keys = settings.pubkeys.get(user)?;
        let by_string = keys.key_strings.iter().any(|k| {
            let k = k.trim();
            k == blob || k.split_whitespace().nth(1) == Some(blob)
        });
        let by_hash = keys
            .key_hashes
            .iter()
            .any(|(_, h)| h.eq_ignore_ascii_case(md5_hex));
        (by_string || by_hash).then_some(account.privilege)
    }

    /// Counts a failed login of `user` from `source` to `local_port`
    /// (`show netconf session`'s authentication errors), logs it as `login
    /// on-failure log` asks, and watches it for `login block-for`: the
    /// failure that completes the count starts quiet mode.
    pub fn login_failed(&self, user: &str, source: std::net::IpAddr, local_port: u16) {
        let now = self.now();
        let quiet = {
            self.with_features(|fs| {
                fs.counters.auth_errors += 1;
                let policy = fs.settings.login_block;
                fs.slots.with(|w: &mut LoginWatch| w.failed(policy, now))
            })
        };
        self.log_login(user, source, local_port, false);
        if let Some(crate::login_watch::QuietMode::On(seconds)) = quiet {
            tracing::warn!(seconds, "login block-for: quiet mode on");
            self.log_quiet_mode(Some((seconds, user, source, local_port)));
        }
    }

    /// Whether logins are refused now (`login block-for`'s quiet mode).
    pub fn login_blocked(&self) -> bool {
        let now = self.now();
        self.with_slot(|w: &mut LoginWatch| w.quiet_for(now).is_some())
    }

    /// `show login`.
    pub fn show_login(&self) -> String {
        let now = self.now();
        let policy = self.settings().login_block;
        self.with_slot(|w: &mut LoginWatch| w.show(policy, now))
    }

    /// A NETCONF session asks to start: its session id, or why not. The
    /// limit is checked and the session registered under one lock; every
    /// attempt and refusal is counted.
    pub fn admit_netconf(&self, request: NetconfRequest<'_>) -> Result<u32, NetconfRefusal> {
        let settings = self.settings();
        let vty = settings.vty_count();
        let limit = if vty > 0 {
            settings.netconf.max_sessions.min(vty)
        } else {
            settings.netconf.max_sessions
        };
        let acl_denied = settings.netconf.acl.is_some_and(|n| {
            !settings
                .access_lists
                .get(&n.to_string())
                .is_some_and(|a| a.permits(request.source))
        });
        let admitted = if !settings.netconf.ssh {
            Err(NetconfRefusal::AgentOff)
        } else if acl_denied {
            Err(NetconfRefusal::AclDenied)
        } else {
            self.register_session_within(
                limit,
                request.user,
                request.privilege,
                Some(request.source),
                Some(request.kill),
            )
            .ok_or(NetconfRefusal::MaxSessions)
        };
        self.with_features(|fs| {
            let c = &mut *fs.counters;
            c.connection_attempts += 1;
            match admitted {
                Ok(_) => {}
                Err(NetconfRefusal::AclDenied) => c.acl_dropped += 1,
                Err(NetconfRefusal::MaxSessions) => c.connection_failures += 1,
                Err(NetconfRefusal::AgentOff) => {}
            }
            if admitted.is_err() {
                c.rejected += 1;
            }
        });
        if let (Ok(id), Some(vty)) = (admitted, request.line) {
            self.run_session_on_line(id, vty);
        }
        admitted
    }
}
