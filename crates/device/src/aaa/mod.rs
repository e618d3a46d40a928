//! Logins through AAA, sans I/O. With `aaa new-model`, a password login
//! follows the line's method list (`login authentication LIST`, else
//! `default`, else the local database): each method is tried in turn and
//! the next one only when the current one errs (a server that does not
//! answer, a database with no users), never after a reject, as on IOS.
//! RADIUS exchanges are handed to the caller ([`LoginStep::Radius`]),
//! which does the I/O and reports how each ended; the device keeps each
//! server's counters and dead time.
//!
//! The privilege comes from exec authorization (`aaa authorization exec`):
//! RADIUS's `shell:priv-lvl=N` (or Service-Type Administrative-User: 15),
//! the local user's level, or 1; without exec authorization every AAA
//! login gets level 1, as on IOS.

use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use std::sync::Arc;

use ironconf_ios::aaa::{AaaSettings, Method, Protocol};
use ironconf_ios::settings::{Settings, User, VtyBlock};
use ironconf_radius::{Exchange, Finished, Reply};
use ironconf_tacacs::{ClientSession, Outcome};

use crate::device::Device;

mod accounting;
mod login;
pub use login::radius_privilege;

/// RADIUS defaults (`radius-server timeout`, `radius-server retransmit`).
const RADIUS_TIMEOUT: u32 = 5;
/// TACACS+ default (`tacacs-server timeout`): for connecting and for each
/// reply.
const TACACS_TIMEOUT: u32 = 5;
const RADIUS_RETRANSMIT: u32 = 3;

/// A server's state as `show aaa servers` reports it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServerStats {
    pub(crate) requests: u64,
    pub(crate) accepts: u64,
    pub(crate) rejects: u64,
    pub(crate) timeouts: u64,
    /// Replies discarded (a wrong shared secret, a stray identifier …).
    pub(crate) bad_replies: u64,
    pub(crate) dead_until: Option<Instant>,
    pub(crate) dead_count: u64,
    /// Transmissions unanswered since the last answer (for
    /// `radius-server dead-criteria … tries N`).
    pub(crate) unanswered: u64,
    /// Round trip of the last answered request.
    pub(crate) last_rtt: Option<Duration>,
    /// Accounting requests sent (starts, stops), answered, unanswered.
    pub(crate) acct_starts: u64,
    pub(crate) acct_stops: u64,
    pub(crate) acct_start_responses: u64,
    pub(crate) acct_stop_responses: u64,
    pub(crate) acct_timeouts: u64,
}

/// AAA's state in the device.
#[derive(Debug, Default)]
pub(crate) struct AaaState {
    pub(crate) servers: BTreeMap<String, ServerStats>,
    next_id: u8,
    next_acct_id: u8,
    /// Accounting session ids (`Acct-Session-Id`), one per EXEC session.
    next_session: u32,
    /// Logins, numbered for `debug aaa authentication`.
    next_login: u32,
}

/// A login asking to be checked.
#[derive(Debug, Clone)]
pub struct LoginRequest<'a> {
    /// User name as typed.
    pub user: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// Where the connection comes from.
    pub source: IpAddr,
}

/// How a login ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginResult {
    /// Let in at this privilege level.
    Granted {
        /// Privilege level.
        privilege: u8,
        /// The method that authenticated (`local`, `group radius`).
        method: String,
    },
    /// Refused.
    Denied {
        /// Why, for the log (never the password).
        reason: String,
    },
}

/// What a login needs next.
#[derive(Debug)]
pub enum LoginStep {
    /// It has ended.
    Done(LoginResult),
    /// Exchange this request with a RADIUS server (send what
    /// [`Exchange::poll_transmit`] gives to `address`), then report how it
    /// ended with [`Login::radius_finished`].
    Radius {
        /// The server's name (`radius server NAME`).
        server: String,
        /// Where its authentication port is.
        address: SocketAddr,
        /// The request, ready to run.
        exchange: Exchange,
    },
    /// Run this session with a TACACS+ server over TCP (connect to
    /// `address`, send what [`ClientSession::poll_transmit`] gives, hand
    /// each packet back to [`ClientSession::handle_packet`], waiting at
    /// most `timeout` for the connection and for each reply), then report
    /// with [`Login::tacacs_finished`].
    Tacacs {
        /// The server's name (`tacacs server NAME`).
        server: String,
        /// Where it listens.
        address: SocketAddr,
        /// The wait for the connection and for each reply.
        timeout: Duration,
        /// The session, ready to run.
        session: ClientSession,
    },
}

/// What sends accounting records (the I/O side installs it): each job is
/// sent on its own, without waiting.
pub type AccountingSender = Arc<dyn Fn(AccountingJob) + Send + Sync>;

/// One accounting record to send: to the first server, then to the next
/// if it does not answer.
#[derive(Debug)]
pub struct AccountingJob {
    /// The servers to try, in order.
    pub attempts: Vec<AccountingAttempt>,
    /// A start record (else a stop record).
    pub start: bool,
}

/// One server an accounting record may go to.
#[derive(Debug)]
pub enum AccountingAttempt {
    /// A RADIUS server: (name, its accounting port, the exchange).
    Radius(String, SocketAddr, Exchange),
    /// A TACACS+ server: (name, address, the wait, the session).
    Tacacs(String, SocketAddr, Duration, ClientSession),
}

/// An EXEC session accounting follows (its stop record is due when it
/// ends).
#[derive(Debug, Clone)]
pub struct AccountedSession {
    id: u32,
    user: String,
    vty: u32,
    source: IpAddr,
    radius: bool,
    started: Instant,
    list: String,
}

/// One login in progress.
#[derive(Debug)]
pub struct Login {
    device: Device,
    settings: Settings,
    user: String,
    password: String,
    methods: VecDeque<Method>,
    method: Option<Method>,
    /// The servers of the current `group` method not tried yet.
    servers: VecDeque<(Protocol, String)>,
    /// Exec authorization under way: its methods not tried yet, and the
    /// method that authenticated the user.
    authorizing: Option<(VecDeque<Method>, String)>,
    /// Where the login comes from (TACACS+'s `rem_addr`).
    source: String,
    sent_at: Option<Instant>,
    result: Option<LoginResult>,
    /// The server's Access-Accept, once one came.
    reply: Option<Reply>,
    /// `test aaa`: no authorization after authentication.
    test: bool,
    /// The login's number in debug lines.
    serial: u32,
    /// The method list's name, once picked.
    list: Option<String>,
}

impl Device {
    /// Starts a password login: without `aaa new-model`, the local
    /// database decides at once; with it, the line's method list.
    pub fn start_login(&self, request: &LoginRequest<'_>) -> Login {
        let settings = self.settings();
        let list = settings.aaa.new_model.then(|| login_list(&settings));
        let methods: VecDeque<Method> = if settings.aaa.new_model {
            login_methods(&settings).into()
        } else {
            // `login local` without AAA: user names as typed.
            VecDeque::from([Method::LocalCase])
        };
        self.login(
            settings,
            request.user,
            request.password,
            methods,
            request.source.to_string(),
            false,
            list,
        )
    }

    /// A login of `user` by `methods`: `test` skips authorization; `list`
    /// names the method list in debug lines (`None`: no AAA, no lines).
    #[allow(clippy::too_many_arguments)]
    fn login(
        &self,
        settings: Settings,
        user: &str,
        password: &str,
        methods: VecDeque<Method>,
        source: String,
        test: bool,
        list: Option<String>,
    ) -> Login {
        Login {
            device: self.clone(),
            settings,
            user: user.to_owned(),
            password: password.to_owned(),
            methods,
            method: None,
            servers: VecDeque::new(),
            authorizing: None,
            source,
            sent_at: None,
            result: None,
            reply: None,
            test,
            serial: self.next_login_serial(),
            list,
        }
    }

    fn next_login_serial(&self) -> u32 {
        self.with_slot(|a: &mut AaaState| {
            a.next_login = a.next_login.wrapping_add(1);
            a.next_login
        })
    }

    /// Whether `enable` asks for a password: an enable secret is set, or
    /// AAA has an enable method list (`aaa authentication enable default`).
    pub fn enable_asks_password(&self) -> bool {
        let settings = self.settings();
        settings.enable_secret.is_some()
            || (settings.aaa.new_model && settings.aaa.enable.is_some())
    }

    /// Whether `password` raises the caller to `level`: the enable secret,
    /// or under `aaa authentication enable default …` its methods (RADIUS
    /// asks for the user `$enabN$`, as IOS does). Servers are asked through
    /// the remote I/O hook, from the shell's thread.
    pub fn enable_allowed(&self, level: u8, password: &str) -> bool {
        let settings = self.settings();
        let methods = match (&settings.aaa.enable, settings.aaa.new_model) {
            (Some(list), true) => list.clone(),
            _ => {
                return settings.enable_secret.is_some_and(|s| s.verify(password));
            }
        };
        let mut login = self.login(
            settings,
            &format!("$enab{level}$"),
            password,
            methods.into(),
            String::new(),
            true,
            Some("default".to_owned()),
        );
        matches!(self.drive(&mut login), LoginResult::Granted { .. })
    }

    /// Drives a login to its end from a thread that may block (an EXEC
    /// command, the shell), its servers asked through the remote I/O hook.
    pub(crate) fn drive(&self, login: &mut Login) -> LoginResult {
        let remote = self.remote();
        loop {
            match login.next(self.now()) {
                LoginStep::Done(r) => return r,
                LoginStep::Radius {
                    server,
                    address,
                    exchange,
                } => {
                    let finished = match &remote {
                        Some(r) => r.radius(address, exchange),
                        None => Finished::TimedOut {
                            sent: 0,
                            discarded: 0,
                        },
                    };
                    login.radius_finished(&server, &finished, 0, self.now());
                }
                LoginStep::Tacacs {
                    server,
                    address,
                    timeout,
                    session,
                } => {
                    let outcome = match &remote {
                        Some(r) => r.tacacs(address, timeout, session),
                        None => Outcome::Error("no network".into()),
                    };
                    login.tacacs_finished(&server, &outcome, self.now());
                }
            }
        }
    }

    /// `test aaa group GROUP USER PASSWORD`: a login through that group's
    /// servers alone, without authorization.
    pub fn test_login(&self, group: &str, user: &str, password: &str) -> Login {
        self.login(
            self.settings(),
            user,
            password,
            VecDeque::from([Method::Group(group.to_owned())]),
            String::new(),
            true,
            Some(group.to_owned()),
        )
    }

    fn next_radius_id(&self) -> u8 {
        self.with_slot(|a: &mut AaaState| {
            a.next_id = a.next_id.wrapping_add(1);
            a.next_id
        })
    }

    fn server_dead(&self, name: &str, now: Instant) -> bool {
        self.view(|v| {
            v.slots()
                .get::<AaaState>()
                .and_then(|a| a.servers.get(name))
                .and_then(|s| s.dead_until)
                .is_some_and(|t| now < t)
        })
    }
}

/// The name of the method list the vtys name with `pick` (`login
/// authentication LIST` and the like, read from the first vty block), else
/// `default`.
fn line_list(settings: &Settings, pick: impl Fn(&VtyBlock) -> Option<&String>) -> String {
    settings
        .vty
        .first()
        .and_then(pick)
        .cloned()
        .unwrap_or_else(|| "default".to_owned())
}

/// The name of the vtys' login method list.
fn login_list(settings: &Settings) -> String {
    line_list(settings, |b| b.login_authentication.as_ref())
}

/// A local user: `user` exactly with `case` (`local-case`, and logins
/// without AAA), else in any case (`local`).
fn local_user<'a>(settings: &'a Settings, user: &str, case: bool) -> Option<&'a User> {
    if case {
        settings.users.get(user)
    } else {
        settings
            .users
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(user))
            .map(|(_, u)| u)
    }
}

/// The method list of the vtys' logins, else the local database.
fn login_methods(settings: &Settings) -> Vec<Method> {
    let list = login_list(settings);
    settings
        .aaa
        .login
        .get(&list)
        .cloned()
        .unwrap_or_else(|| vec![Method::Local])
}

/// A server as `show aaa servers` lists it.
#[derive(Debug, Clone)]
pub(crate) struct ServerState {
    pub(crate) protocol: Protocol,
    pub(crate) name: String,
    pub(crate) host: String,
    pub(crate) ports: String,
    pub(crate) stats: ServerStats,
}

/// For `show aaa servers`: every configured RADIUS server, then every
/// TACACS+ server, with its state.
pub(crate) fn server_states(
    aaa: &AaaSettings,
    stats: &BTreeMap<String, ServerStats>,
) -> Vec<ServerState> {
    let host = |a: Option<std::net::Ipv4Addr>| a.map_or("0.0.0.0".to_owned(), |a| a.to_string());
    let radius = aaa.radius_servers.values().map(|s| ServerState {
        protocol: Protocol::Radius,
        name: s.name.clone(),
        host: host(s.address),
        ports: format!("auth-port {}, acct-port {}", s.auth_port, s.acct_port),
        stats: stats.get(&s.name).cloned().unwrap_or_default(),
    });
    let tacacs = aaa.tacacs_servers.values().map(|s| ServerState {
        protocol: Protocol::Tacacs,
        name: s.name.clone(),
        host: host(s.address),
        ports: format!("auth-port {}", s.port),
        stats: stats.get(&s.name).cloned().unwrap_or_default(),
    });
    radius.chain(tacacs).collect()
}
