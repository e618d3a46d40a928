//! NETCONF sessions, vty lines and SSH connections as the device knows
//! them: who holds which line, and how a session or line is ended from
//! outside (`kill-session`, `clear line`).

use std::net::IpAddr;
use std::sync::Arc;

use rand::RngExt;

use crate::device::Core;
use crate::profile::SessionIds;

/// Ends a session from outside (kill-session, clear netconf sessions).
pub type KillSwitch = Arc<dyn Fn() + Send + Sync>;

/// A NETCONF session known to the device.
#[derive(Clone)]
pub struct SessionEntry {
    /// The SSH user.
    pub user: String,
    /// Its privilege level.
    pub privilege: u8,
    /// Where it came from.
    pub source: Option<IpAddr>,
    pub(crate) kill: Option<KillSwitch>,
    /// Why it is being ended, when something ended it (the session's
    /// `netconf-session-end` says so), and the session that killed it.
    pub(crate) ended: Option<(Termination, Option<u32>)>,
}

impl std::fmt::Debug for SessionEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionEntry")
            .field("user", &self.user)
            .field("privilege", &self.privilege)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Who holds a vty line.
#[derive(Clone)]
pub enum LineOwner {
    /// A NETCONF session (by session id).
    Netconf(u32),
    /// An EXEC shell, ended by its kill switch.
    Exec(KillSwitch),
}

/// A vty line in use.
#[derive(Clone)]
pub struct LineEntry {
    /// The user.
    pub user: String,
    /// Where the session came from.
    pub source: Option<IpAddr>,
    /// Last input on the line (for the `Idle` column).
    pub last_input: std::time::Instant,
    /// The session on it.
    pub owner: LineOwner,
    /// The NETCONF session running on the SSH connection that holds the
    /// line, if any.
    pub netconf: Option<u32>,
    /// Channels open on the connection that holds the line.
    pub(crate) channels: u32,
    /// Since when the connection has had no channel open (`None` while
    /// one is).
    pub(crate) idle_since: Option<std::time::Instant>,
}

impl std::fmt::Debug for LineEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineEntry")
            .field("user", &self.user)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// An authenticated SSH connection, as `show ssh` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshConnection {
    /// Negotiated cipher, client to server (`IN`).
    pub cipher_in: String,
    /// Negotiated cipher, server to client (`OUT`).
    pub cipher_out: String,
    /// Negotiated MAC, client to server.
    pub mac_in: String,
    /// Negotiated MAC, server to client.
    pub mac_out: String,
    /// The user.
    pub user: String,
}

impl LineEntry {
    /// When the connection on this line is due to be ended for having no
    /// channel open for `timeout`, if it is idle (a NETCONF session's line
    /// never is: the session's own timeout ends it).
    pub fn idle_deadline(&self, timeout: std::time::Duration) -> Option<std::time::Instant> {
        match self.owner {
            LineOwner::Exec(_) => self.idle_since.map(|t| t + timeout),
            LineOwner::Netconf(_) => None,
        }
    }
}

/// Why a session ended, in RFC 6470's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Termination {
    /// `close-session`.
    Closed,
    /// `kill-session` or `clear netconf sessions`.
    Killed,
    /// The transport went away.
    Dropped,
    /// Idle past its time.
    Timeout,
    /// No valid hello.
    BadHello,
    /// Anything else.
    Other,
}

impl Termination {
    /// RFC 6470's name for it (`termination-reason`).
    pub fn as_str(self) -> &'static str {
        match self {
            Termination::Closed => "closed",
            Termination::Killed => "killed",
            Termination::Dropped => "dropped",
            Termination::Timeout => "timeout",
            Termination::BadHello => "bad-hello",
            Termination::Other => "other",
        }
    }
}

/// The line number IOS shows for `vty N` (the console is line 0).
pub fn vty_line_number(vty: u32) -> u32 {
    vty + 1
}

impl Core {
    /// Registers a NETCONF session and returns its id.
    pub fn register_session(
        &self,
        user: &str,
        privilege: u8,
        source: Option<IpAddr>,
        kill: Option<KillSwitch>,
    ) -> u32 {
        self.register_session_within(u32::MAX, user, privilege, source, kill)
            .unwrap_or_default()
    }

    /// Registers a session unless `limit` sessions are live, checking and
    /// registering under one lock (two clients racing for the last place
    /// cannot both get it). `None` when the limit is reached.
    pub fn register_session_within(
        &self,
        limit: u32,
        user: &str,
        privilege: u8,
        source: Option<IpAddr>,
        kill: Option<KillSwitch>,
    ) -> Option<u32> {
        let now = self.now();
        let mut st = self.state();
        if st.sessions.len() as u64 >= u64::from(limit) {
            return None;
        }
        let id = loop {
            let id = match self.profile().session_ids {
                SessionIds::Sequential => {
                    st.next_sequential = st.next_sequential.wrapping_add(1).max(1);
                    st.next_sequential
                }
                SessionIds::PointerLike => {
                    rand::rng().random_range(0x0100_0000u32..0xFFFF_FFF8) & !7
                }
            };
            if id != 0 && !st.sessions.contains_key(&id) {
                break id;
            }
        };
        st.sessions.insert(
            id,
            SessionEntry {
                user: user.to_owned(),
                privilege,
                source,
                kill,
                ended: None,
            },
        );
        // A NETCONF session holds a vty line, as on IOS; the session limit
        // is already bounded by the vty count.
        let vty = st.free_vty();
        st.take_line(vty, user, source, LineOwner::Netconf(id), now);
        Some(id)
    }

    /// Forgets a session that ended and releases its locks.
    pub fn unregister_session(&self, id: u32) {
        let mut st = self.state();
        st.sessions.remove(&id);
        st.lines
            .retain(|_, l| !matches!(l.owner, LineOwner::Netconf(n) if n == id));
        for l in st.lines.values_mut() {
            if l.netconf == Some(id) {
                l.netconf = None;
            }
        }
        st.locks.release_session(id);
    }

    /// The NETCONF session `id` runs on line `vty`, which its SSH
    /// connection holds (every SSH connection holds one, as on IOS): the
    /// line the session took when it was registered is given back.
    pub fn run_session_on_line(&self, id: u32, vty: u32) {
        let mut st = self.state();
        if !st.lines.contains_key(&vty) {
            return;
        }
        st.lines
            .retain(|_, l| !matches!(l.owner, LineOwner::Netconf(n) if n == id));
        if let Some(l) = st.lines.get_mut(&vty) {
            l.netconf = Some(id);
        }
    }

    /// Takes the lowest free vty line for an EXEC session or an SSH
    /// connection, which `kill` ends; `None` when every configured vty
    /// line is busy (IOS's default is `line vty 0 4`). The holder reports
    /// its channels ([`Core::line_channel`]): with none open for the
    /// `exec-timeout`, `kill` is called and the line reclaimed.
    pub fn occupy_line(&self, user: &str, source: Option<IpAddr>, kill: KillSwitch) -> Option<u32> {
        let now = self.now();
        let mut st = self.state();
        let count = st.settings.current().vty_lines();
        let vty = st.free_vty();
        if vty >= count {
            return None;
        }
        st.take_line(vty, user, source, LineOwner::Exec(kill), now);
        Some(vty)
    }

    /// Records an authenticated SSH connection; returns its number (the
    /// lowest free, from 0).
    pub fn open_ssh_connection(&self, connection: SshConnection) -> u32 {
        let mut st = self.state();
        let n = (0..)
            .find(|n| !st.ssh_connections.contains_key(n))
            .unwrap_or(u32::MAX);
        st.ssh_connections.insert(n, connection);
        n
    }

    /// Forgets an SSH connection that ended.
    pub fn close_ssh_connection(&self, n: u32) {
        self.state().ssh_connections.remove(&n);
    }

    /// Frees an EXEC session's line.
    pub fn release_line(&self, vty: u32) {
        self.state().lines.remove(&vty);
    }

    /// The vty lines' `exec-timeout` (`None`: never), read in place.
    pub fn exec_timeout(&self) -> Option<std::time::Duration> {
        self.state().settings.current().vty_exec_timeout()
    }

    /// Notes input on a line.
    pub fn touch_line(&self, vty: u32) {
        let now = self.now();
        if let Some(l) = self.state().lines.get_mut(&vty) {
            l.last_input = now;
        }
    }

    /// `clear line N`: ends the session on line N; false if it is free.
    pub fn clear_line(&self, line: u32) -> bool {
        let owner = {
            let st = self.state();
            st.lines
                .iter()
                .find(|(vty, _)| vty_line_number(**vty) == line)
                .map(|(_, l)| l.owner.clone())
        };
        match owner {
            Some(LineOwner::Netconf(id)) => self.kill_session(id),
            Some(LineOwner::Exec(kill)) => {
                kill();
                true
            }
            None => false,
        }
    }

    /// Counts a reply and its errors (`show netconf counters`).
    pub fn count_reply(&self, errors: &[ironconf_proto::ErrorTag]) {
        self.state().counters.count_reply(errors);
    }

    /// Session `id` said hello: counted; where it comes from.
    pub fn session_started(&self, id: u32) -> Option<IpAddr> {
        let mut st = self.state();
        st.counters.success += 1;
        st.sessions.get(&id).and_then(|s| s.source)
    }

    /// Session `id` is ending (`no_hello`: before its hello, counted):
    /// where it came from, and why it was ended if something ended it.
    pub fn session_ending(
        &self,
        id: u32,
        no_hello: bool,
    ) -> (Option<IpAddr>, Option<(Termination, Option<u32>)>) {
        let mut st = self.state();
        if no_hello {
            st.counters.no_hello += 1;
        }
        st.sessions
            .get(&id)
            .map_or((None, None), |s| (s.source, s.ended))
    }

    /// Ends every NETCONF session but `except` (their transports close);
    /// returns how many.
    pub fn end_netconf_sessions(&self, except: Option<u32>) -> usize {
        let kills: Vec<KillSwitch> = self
            .state()
            .sessions
            .iter()
            .filter(|(id, _)| Some(**id) != except)
            .filter_map(|(_, s)| s.kill.clone())
            .collect();
        let n = kills.len();
        for k in kills {
            k();
        }
        n
    }

    /// A channel opened (`open`) or closed on the connection that holds
    /// line `vty`: a connection with none open for the `exec-timeout` is
    /// ended and its line reclaimed (the idle lines' feature).
    pub fn line_channel(&self, vty: u32, open: bool) {
        let now = self.now();
        if let Some(l) = self.state().lines.get_mut(&vty) {
            l.channels = if open {
                l.channels.saturating_add(1)
            } else {
                l.channels.saturating_sub(1)
            };
            l.idle_since = (l.channels == 0).then_some(now);
        }
    }

    /// The kill switches of the connections idle past the `exec-timeout`
    /// at `now`, each taken once (its line goes back when the connection
    /// ends).
    pub fn take_idle_lines(&self, now: std::time::Instant) -> Vec<KillSwitch> {
        let mut st = self.state();
        let Some(timeout) = st.settings.current().vty_exec_timeout() else {
            return Vec::new();
        };
        st.lines
            .values_mut()
            .filter(|l| l.idle_deadline(timeout).is_some_and(|t| now >= t))
            .filter_map(|l| {
                l.idle_since = None;
                match &l.owner {
                    LineOwner::Exec(k) => Some(k.clone()),
                    LineOwner::Netconf(_) => None,
                }
            })
            .collect()
    }

    /// Ends a session from outside; false if there is no such session.
    pub fn kill_session(&self, id: u32) -> bool {
        self.end_session(id, Termination::Killed, None)
    }

    /// Ends session `id` for `reason` (`by`: the session that killed it).
    pub fn end_session(&self, id: u32, reason: Termination, by: Option<u32>) -> bool {
        let kill = {
            let mut st = self.state();
            st.locks.release_session(id);
            if let Some(s) = st.sessions.get_mut(&id) {
                s.ended.get_or_insert((reason, by));
            }
            st.sessions.get(&id).and_then(|s| s.kill.clone())
        };
        match kill {
            Some(k) => {
                k();
                true
            }
            None => self.state().sessions.contains_key(&id),
        }
    }
}
