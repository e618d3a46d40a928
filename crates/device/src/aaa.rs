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

use ironconf_ios::aaa::{AaaSettings, AcctKind, Method, Protocol, Record, TacacsServer};
use ironconf_ios::settings::{Settings, User, VtyBlock};
use ironconf_radius::{
    AccessRequest, AccountingRequest, AcctStatus, Code, Exchange, Finished, Reply, attribute,
};
use ironconf_tacacs::{AuthorRequest, ClientSession, Outcome};

use crate::device::Device;

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
        let mut st = self.state();
        st.aaa.next_login = st.aaa.next_login.wrapping_add(1);
        st.aaa.next_login
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
        let mut st = self.state();
        st.aaa.next_id = st.aaa.next_id.wrapping_add(1);
        st.aaa.next_id
    }

    fn server_dead(&self, name: &str, now: Instant) -> bool {
        let st = self.state();
        st.aaa
            .servers
            .get(name)
            .and_then(|s| s.dead_until)
            .is_some_and(|t| now < t)
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

impl Login {
    /// A `debug aaa authentication` line, when that debugging is on.
    fn debug(&self, text: impl FnOnce() -> String) {
        if self
            .device
            .debugging(crate::debug::DebugLevel::AaaAuthentication)
        {
            self.device
                .debug(crate::debug::DebugLevel::AaaAuthentication, &text());
        }
    }

    /// The next step, at `now`.
    pub fn next(&mut self, now: Instant) -> LoginStep {
        if self.method.is_none()
            && self.result.is_none()
            && let Some(list) = &self.list
        {
            let id = self.serial;
            self.debug(|| format!("AAA/BIND({id:08X}): Bind i/f  "));
            self.debug(|| format!("AAA/AUTHEN/LOGIN ({id:08X}): Pick method list '{list}'"));
        }
        loop {
            if let Some(r) = &self.result {
                if self.list.is_some() {
                    let id = self.serial;
                    let status = match r {
                        LoginResult::Granted { .. } => "PASS",
                        LoginResult::Denied { .. } => "FAIL",
                    };
                    self.debug(|| format!("AAA/AUTHEN({id:08X}): Status={status}"));
                    // Said once.
                    self.list = None;
                }
                return LoginStep::Done(r.clone());
            }
            if let Some((protocol, server)) = self.servers.pop_front() {
                let step = match protocol {
                    Protocol::Radius => self.radius_step(&server, now),
                    Protocol::Tacacs => self.tacacs_step(&server, now),
                };
                if let Some(step) = step {
                    return step;
                }
                continue;
            }
            if self.authorizing.is_some() {
                self.authorize_next();
                continue;
            }
            let Some(method) = self.methods.pop_front() else {
                self.result = Some(LoginResult::Denied {
                    reason: "no method answered".into(),
                });
                continue;
            };
            self.method = Some(method.clone());
            if self.list.is_some() {
                let id = self.serial;
                let name = match &method {
                    Method::Group(g) => match self.settings.aaa.group_servers(g) {
                        Some((Protocol::Tacacs, _)) => format!("TACACS+ ({g})"),
                        _ => format!("RADIUS ({g})"),
                    },
                    m => m.name().to_ascii_uppercase(),
                };
                self.debug(|| format!("AAA/AUTHEN({id:08X}): Method={name}"));
            }
            self.try_method(&method);
        }
    }

    /// A method that needs no server decides here; `group` queues its
    /// servers; a method that errs leaves the next one to decide.
    fn try_method(&mut self, method: &Method) {
        let aaa = &self.settings.aaa;
        match method {
            Method::Local | Method::LocalCase => {
                // An empty database errs: the next method decides.
                if self.settings.users.is_empty() {
                    return;
                }
                let user = local_user(&self.settings, &self.user, *method == Method::LocalCase);
                let ok = user
                    .is_some_and(|u| u.secret.as_ref().is_some_and(|s| s.verify(&self.password)));
                self.authenticated(ok, "local");
            }
            Method::Enable => {
                let Some(secret) = &self.settings.enable_secret else {
                    return;
                };
                let ok = secret.verify(&self.password);
                self.authenticated(ok, "enable");
            }
            Method::Line => {
                let Some(secret) = self.settings.vty.first().and_then(|b| b.password.clone())
                else {
                    return;
                };
                let ok = secret.verify(&self.password);
                self.authenticated(ok, "line");
            }
            Method::None => self.authenticated(true, "none"),
            Method::Group(g) => match aaa.group_servers(g) {
                Some((protocol, servers)) => {
                    self.servers = servers.into_iter().map(|s| (protocol, s)).collect();
                }
                None => tracing::info!(group = %g, "AAA: no such server group; next method"),
            },
            Method::IfAuthenticated => {}
        }
    }

    fn radius_step(&mut self, name: &str, now: Instant) -> Option<LoginStep> {
        let server = self.settings.aaa.radius_servers.get(name)?.clone();
        let (Some(address), Some(key)) = (server.address, server.key.clone()) else {
            return None;
        };
        if self.device.server_dead(name, now) {
            return None;
        }
        let id = self.device.next_radius_id();
        let authenticator: [u8; 16] = rand::random();
        let request = AccessRequest::new(&self.user, self.password.as_bytes())
            .nas_identifier(&self.settings.hostname)
            .attribute(
                attribute::SERVICE_TYPE,
                &attribute::SERVICE_LOGIN.to_be_bytes(),
            )
            .vty(0)
            .encode(id, authenticator, key.as_bytes());
        let request = match request {
            Ok(r) => r,
            Err(e) => {
                // A password RADIUS cannot carry: refused, not retried.
                self.result = Some(LoginResult::Denied {
                    reason: e.to_string(),
                });
                return None;
            }
        };
        let timeout = server.timeout.unwrap_or(RADIUS_TIMEOUT);
        let retransmit = server.retransmit.unwrap_or(RADIUS_RETRANSMIT);
        let exchange = Exchange::new(
            request,
            key.as_bytes(),
            Duration::from_secs(u64::from(timeout)),
            retransmit,
        );
        self.request_sent(name, now);
        Some(LoginStep::Radius {
            server: name.to_owned(),
            address: SocketAddr::new(IpAddr::V4(address), server.auth_port),
            exchange,
        })
    }

    /// Counts a request to `server`, sent at `now`.
    fn request_sent(&mut self, server: &str, now: Instant) {
        self.device
            .state()
            .aaa
            .servers
            .entry(server.to_owned())
            .or_default()
            .requests += 1;
        self.sent_at = Some(now);
    }

    /// How the exchange with `server` ended, at `now`, with `discarded`
    /// datagrams that were not valid replies: an Accept lets the user in
    /// (subject to authorization), a Reject refuses, and no answer moves on
    /// to the next server (marking this one dead for `radius-server
    /// deadtime`).
    pub fn radius_finished(
        &mut self,
        server: &str,
        finished: &Finished,
        discarded: u32,
        now: Instant,
    ) {
        let deadtime = self.deadtime(server);
        // `radius-server dead-criteria tries N`: dead after N unanswered
        // transmissions in a row; without it, after one unanswered request.
        let tries = self
            .settings
            .aaa
            .dead_criteria
            .map_or(1, |(_, tries)| u64::from(tries));
        {
            let mut st = self.device.state();
            let stats = st.aaa.servers.entry(server.to_owned()).or_default();
            stats.bad_replies += u64::from(discarded);
            match finished {
                Finished::Reply(reply) => {
                    stats.unanswered = 0;
                    stats.last_rtt = self.sent_at.map(|t| now.saturating_duration_since(t));
                    if reply.code == Code::AccessAccept {
                        stats.accepts += 1;
                    } else {
                        stats.rejects += 1;
                    }
                }
                Finished::TimedOut { sent, .. } => {
                    stats.timeouts += 1;
                    stats.unanswered += u64::from(*sent);
                    let unanswered_enough = if self.settings.aaa.dead_criteria.is_some() {
                        stats.unanswered >= tries
                    } else {
                        true
                    };
                    if deadtime > Duration::ZERO && unanswered_enough {
                        stats.dead_until = Some(now + deadtime);
                        stats.dead_count += 1;
                        stats.unanswered = 0;
                    }
                }
            }
        }
        match finished {
            Finished::Reply(reply) if reply.code == Code::AccessAccept => {
                self.servers.clear();
                self.reply = Some(reply.clone());
                let method = self
                    .method
                    .as_ref()
                    .map_or_else(|| "group radius".to_owned(), Method::name);
                self.authenticated(true, &method);
            }
            Finished::Reply(_) => {
                self.servers.clear();
                self.authenticated(false, "group radius");
            }
            Finished::TimedOut { .. } => {
                tracing::info!(server, "AAA: RADIUS server did not answer; next server");
                let id = self.serial;
                self.debug(|| {
                    format!("AAA/AUTHEN({id:08X}): server {server} did not answer: Status=ERROR")
                });
            }
        }
    }

    /// The server's dead time: its group's `deadtime`, else the global one.
    fn deadtime(&self, server: &str) -> Duration {
        let aaa = &self.settings.aaa;
        let group = aaa
            .groups
            .values()
            .find(|g| g.servers.iter().any(|s| s == server))
            .and_then(|g| g.deadtime);
        Duration::from_secs(u64::from(group.unwrap_or(aaa.radius_deadtime)) * 60)
    }

    /// The server's Access-Accept, if one let the user in.
    pub fn reply(&self) -> Option<&Reply> {
        self.reply.as_ref()
    }

    fn authenticated(&mut self, ok: bool, method: &str) {
        if !ok {
            self.result = Some(LoginResult::Denied {
                reason: format!("rejected by {method}"),
            });
            return;
        }
        let grant = |privilege: u8| LoginResult::Granted {
            privilege,
            method: method.to_owned(),
        };
        if self.test {
            self.result = Some(grant(1));
            return;
        }
        if !self.settings.aaa.new_model {
            self.result = Some(match local_user(&self.settings, &self.user, true) {
                Some(u) => grant(u.privilege),
                None => LoginResult::Denied {
                    reason: "no such user".into(),
                },
            });
            return;
        }
        let list = line_list(&self.settings, |b| b.authorization_exec.as_ref());
        match self.settings.aaa.exec_authorization.get(&list) {
            // Without exec authorization every AAA login is at level 1.
            None => self.result = Some(grant(1)),
            Some(methods) => {
                self.authorizing = Some((methods.clone().into(), method.to_owned()));
            }
        }
    }

    /// The next exec authorization method: it grants a level, refuses, or
    /// errs (the next one decides); none left refuses.
    fn authorize_next(&mut self) {
        let Some((methods, by)) = &mut self.authorizing else {
            return;
        };
        let by = by.clone();
        let grant = |privilege: u8| LoginResult::Granted {
            privilege,
            method: by.clone(),
        };
        let Some(m) = methods.pop_front() else {
            self.authorizing = None;
            self.result = Some(LoginResult::Denied {
                reason: "exec authorization failed".into(),
            });
            return;
        };
        match m {
            Method::Group(g) => match (self.settings.aaa.group_servers(&g), &self.reply) {
                // RADIUS authorizes with the attributes of its Accept.
                (Some((Protocol::Radius, _)), Some(reply)) => {
                    self.result = Some(grant(radius_privilege(reply)));
                }
                (Some((Protocol::Tacacs, servers)), _) => {
                    self.servers = servers.into_iter().map(|s| (Protocol::Tacacs, s)).collect();
                }
                // A RADIUS server that did not authenticate the user
                // cannot authorize it here: the method errs.
                _ => {}
            },
            Method::Local | Method::LocalCase => {
                let level = local_user(&self.settings, &self.user, m == Method::LocalCase)
                    .map(|u| u.privilege);
                self.result = Some(match level {
                    Some(l) => grant(l),
                    None => LoginResult::Denied {
                        reason: "exec authorization failed".into(),
                    },
                });
            }
            Method::IfAuthenticated | Method::None => self.result = Some(grant(1)),
            _ => {}
        }
    }

    fn tacacs_step(&mut self, name: &str, now: Instant) -> Option<LoginStep> {
        let server = self.settings.aaa.tacacs_servers.get(name)?.clone();
        let (address, timeout, key) = tacacs_target(&server)?;
        let session_id: u32 = rand::random();
        let port = format!("tty{}", self.device.state().free_vty() + 1);
        let session = if self.authorizing.is_some() {
            ClientSession::authorize(
                key.as_bytes(),
                session_id,
                &AuthorRequest {
                    authen_method: 6,
                    priv_lvl: 1,
                    user: self.user.clone(),
                    port,
                    rem_addr: self.source.clone(),
                    args: vec!["service=shell".into(), "cmd=".into()],
                },
            )
        } else {
            ClientSession::login(
                key.as_bytes(),
                session_id,
                &self.user,
                &self.password,
                &port,
                &self.source,
            )
        };
        let session = shared_if(session, server.single_connection);
        self.request_sent(name, now);
        Some(LoginStep::Tacacs {
            server: name.to_owned(),
            address,
            timeout,
            session,
        })
    }

    /// How the session with TACACS+ server `server` ended, at `now`: in
    /// authentication a pass lets the user in (subject to authorization)
    /// and a fail refuses; in authorization a pass grants its `priv-lvl`;
    /// an error (no connection, no answer in time, a body that does not
    /// read) moves on to the next server.
    pub fn tacacs_finished(&mut self, server: &str, outcome: &Outcome, now: Instant) {
        {
            let mut st = self.device.state();
            let stats = st.aaa.servers.entry(server.to_owned()).or_default();
            match outcome {
                Outcome::Pass(_) => {
                    stats.accepts += 1;
                    stats.last_rtt = self.sent_at.map(|t| now.saturating_duration_since(t));
                }
                Outcome::Fail => stats.rejects += 1,
                Outcome::Error(_) => stats.timeouts += 1,
            }
        }
        let authorizing = self.authorizing.is_some();
        match outcome {
            Outcome::Pass(args) if authorizing => {
                self.servers.clear();
                let by = self
                    .authorizing
                    .take()
                    .map(|(_, by)| by)
                    .unwrap_or_default();
                let level = args
                    .iter()
                    .find_map(|a| {
                        a.strip_prefix("priv-lvl=")
                            .or_else(|| a.strip_prefix("priv-lvl*"))
                    })
                    .and_then(|l| l.trim().parse::<u8>().ok())
                    .filter(|l| *l <= 15)
                    .unwrap_or(1);
                self.result = Some(LoginResult::Granted {
                    privilege: level,
                    method: by,
                });
            }
            Outcome::Fail if authorizing => {
                self.servers.clear();
                self.authorizing = None;
                self.result = Some(LoginResult::Denied {
                    reason: "exec authorization failed".into(),
                });
            }
            Outcome::Pass(_) => {
                self.servers.clear();
                let method = self
                    .method
                    .as_ref()
                    .map_or_else(|| "group tacacs+".to_owned(), Method::name);
                self.authenticated(true, &method);
            }
            Outcome::Fail => {
                self.servers.clear();
                self.authenticated(false, "group tacacs+");
            }
            Outcome::Error(why) => {
                tracing::info!(server, %why, "AAA: TACACS+ server did not answer; next server");
                let id = self.serial;
                self.debug(|| {
                    format!("AAA/AUTHEN({id:08X}): server {server} did not answer: Status=ERROR")
                });
            }
        }
    }
}

/// Where a TACACS+ server listens, how long to wait for it, and its key;
/// `None` for a server without an address or key.
fn tacacs_target(server: &TacacsServer) -> Option<(SocketAddr, Duration, &str)> {
    Some((
        SocketAddr::new(IpAddr::V4(server.address?), server.port),
        Duration::from_secs(u64::from(server.timeout.unwrap_or(TACACS_TIMEOUT))),
        server.key.as_deref()?,
    ))
}

/// `session`, asking to share its connection under `single-connection`.
fn shared_if(session: ClientSession, single: bool) -> ClientSession {
    if single {
        session.single_connection()
    } else {
        session
    }
}

/// The privilege a RADIUS Access-Accept gives: `shell:priv-lvl=N`, else
/// 15 for Service-Type Administrative-User, else 1.
pub fn radius_privilege(reply: &Reply) -> u8 {
    for pair in reply.cisco_avpairs() {
        let pair = pair.trim();
        let value = pair
            .strip_prefix("shell:priv-lvl=")
            .or_else(|| pair.strip_prefix("shell:priv-lvl*"))
            .or_else(|| pair.strip_prefix("priv-lvl="));
        if let Some(level) = value.and_then(|v| v.trim().parse::<u8>().ok())
            && level <= 15
        {
            return level;
        }
    }
    if reply.service_type() == Some(attribute::SERVICE_ADMINISTRATIVE) {
        return 15;
    }
    1
}

impl Device {
    /// `aaa new-model`, read in place.
    fn aaa_on(&self) -> bool {
        self.state().settings.current().aaa.new_model
    }

    /// Installs what sends accounting records.
    pub fn set_accounting_sender(&self, sender: Option<AccountingSender>) {
        *self
            .shared
            .accounting
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = sender;
    }

    /// An EXEC session started on `vty` (a shell, a command, a NETCONF
    /// session: an SSH connection's session, as on IOS): its start record
    /// is sent under `aaa accounting exec … start-stop`. `radius`: the
    /// user was authenticated by RADIUS. `None` when nothing accounts it.
    pub fn exec_started(
        &self,
        user: &str,
        vty: u32,
        source: IpAddr,
        radius: bool,
    ) -> Option<AccountedSession> {
        let settings = self.settings();
        if !settings.aaa.new_model {
            return None;
        }
        let list = line_list(&settings, |b| b.accounting_exec.as_ref());
        let (record, _) = settings
            .aaa
            .accounting
            .get(&(AcctKind::Exec, list.clone()))?;
        if *record == Record::None {
            return None;
        }
        let id = {
            let mut st = self.state();
            st.aaa.next_session = st.aaa.next_session.wrapping_add(1);
            st.aaa.next_session
        };
        let session = AccountedSession {
            id,
            user: user.to_owned(),
            vty,
            source,
            radius,
            started: self.now(),
            list,
        };
        if *record == Record::StartStop {
            self.account(&settings, &session, AcctStatus::Start);
        }
        Some(session)
    }

    /// The EXEC session ended: its stop record.
    pub fn exec_ended(&self, session: &AccountedSession) {
        let settings = self.settings();
        self.account(&settings, session, AcctStatus::Stop);
    }

    fn account(&self, settings: &Settings, session: &AccountedSession, status: AcctStatus) {
        let Some(sender) = self
            .shared
            .accounting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        else {
            return;
        };
        let Some((_, methods)) = settings
            .aaa
            .accounting
            .get(&(AcctKind::Exec, session.list.clone()))
        else {
            return;
        };
        let mut attempts = Vec::new();
        for m in methods {
            let Method::Group(g) = m else { continue };
            if let Some((Protocol::Tacacs, servers)) = settings.aaa.group_servers(g) {
                let mut args = vec![
                    format!("task_id={}", session.id),
                    "timezone=UTC".to_owned(),
                    "service=shell".to_owned(),
                ];
                if status == AcctStatus::Stop {
                    let secs = self
                        .now()
                        .saturating_duration_since(session.started)
                        .as_secs();
                    args.push(format!("elapsed_time={secs}"));
                }
                attempts.extend(self.tacacs_accounting(
                    settings,
                    &servers,
                    status == AcctStatus::Start,
                    &session.user,
                    session.vty,
                    session.source,
                    args,
                ));
                continue;
            }
            let Some((Protocol::Radius, servers)) = settings.aaa.group_servers(g) else {
                continue;
            };
            for name in servers {
                let Some(server) = settings.aaa.radius_servers.get(&name) else {
                    continue;
                };
                let (Some(address), Some(key)) = (server.address, server.key.as_deref()) else {
                    continue;
                };
                let mut request =
                    AccountingRequest::new(status, &format!("{:08X}", session.id), &session.user)
                        .integer(
                            attribute::ACCT_AUTHENTIC,
                            if session.radius { 1 } else { 2 },
                        )
                        .attribute(
                            attribute::CALLING_STATION_ID,
                            session.source.to_string().as_bytes(),
                        )
                        .attribute(attribute::NAS_IDENTIFIER, settings.hostname.as_bytes())
                        .integer(attribute::NAS_PORT, session.vty)
                        .integer(attribute::NAS_PORT_TYPE, attribute::PORT_VIRTUAL)
                        .integer(attribute::SERVICE_TYPE, attribute::SERVICE_NAS_PROMPT)
                        .integer(attribute::ACCT_DELAY_TIME, 0)
                        .avpair(&format!("task_id={}", session.id))
                        .avpair("timezone=UTC")
                        .avpair("service=shell");
                if status == AcctStatus::Stop {
                    let secs = self
                        .now()
                        .saturating_duration_since(session.started)
                        .as_secs();
                    request = request
                        .integer(
                            attribute::ACCT_SESSION_TIME,
                            u32::try_from(secs).unwrap_or(u32::MAX),
                        )
                        // User-Request.
                        .integer(attribute::ACCT_TERMINATE_CAUSE, 1)
                        .avpair("disc-cause=1");
                }
                let id = {
                    let mut st = self.state();
                    st.aaa.next_acct_id = st.aaa.next_acct_id.wrapping_add(1);
                    st.aaa.next_acct_id
                };
                let Ok(encoded) = request.encode(id, key.as_bytes()) else {
                    continue;
                };
                let exchange = Exchange::new(
                    encoded,
                    key.as_bytes(),
                    Duration::from_secs(u64::from(server.timeout.unwrap_or(RADIUS_TIMEOUT))),
                    server.retransmit.unwrap_or(RADIUS_RETRANSMIT),
                );
                attempts.push(AccountingAttempt::Radius(
                    name.clone(),
                    SocketAddr::new(IpAddr::V4(address), server.acct_port),
                    exchange,
                ));
            }
        }
        if !attempts.is_empty() {
            sender(AccountingJob {
                attempts,
                start: status == AcctStatus::Start,
            });
        }
    }

    /// Accounting sessions for each of `servers` (TACACS+), in order.
    #[allow(clippy::too_many_arguments)]
    fn tacacs_accounting(
        &self,
        settings: &Settings,
        servers: &[String],
        start: bool,
        user: &str,
        vty: u32,
        source: IpAddr,
        args: Vec<String>,
    ) -> Vec<AccountingAttempt> {
        servers
            .iter()
            .filter_map(|name| {
                let server = settings.aaa.tacacs_servers.get(name)?;
                let (address, timeout, key) = tacacs_target(server)?;
                let request = ironconf_tacacs::AcctRequest {
                    flags: if start {
                        ironconf_tacacs::AcctFlags::Start
                    } else {
                        ironconf_tacacs::AcctFlags::Stop
                    },
                    authen_method: 6,
                    priv_lvl: 1,
                    user: user.to_owned(),
                    port: format!("tty{}", vty + 1),
                    rem_addr: source.to_string(),
                    args: args.clone(),
                };
                let session = ClientSession::account(key.as_bytes(), rand::random(), &request);
                Some(AccountingAttempt::Tacacs(
                    name.clone(),
                    address,
                    timeout,
                    shared_if(session, server.single_connection),
                ))
            })
            .collect()
    }

    /// `aaa authorization commands LEVEL LIST …`: whether `user` may run
    /// `words` (a command of privilege `level`) on `vty`. TACACS+ servers
    /// are asked through the remote I/O hook (the caller's thread may
    /// block); `local` allows a user whose own level reaches the
    /// command's; with no list for the level, every command is allowed.
    pub fn authorize_command(&self, user: &str, level: u8, words: &[String]) -> bool {
        // Every terminal command passes here: without AAA, no copy of the
        // settings.
        if !self.aaa_on() {
            return true;
        }
        let settings = self.settings();
        let list = line_list(&settings, |b| b.authorization_commands.get(&level));
        let Some(methods) = settings.aaa.command_authorization.get(&(level, list)) else {
            return true;
        };
        let remote = self.remote();
        let mut args = vec!["service=shell".to_owned()];
        if let Some((first, rest)) = words.split_first() {
            args.push(format!("cmd={first}"));
            args.extend(rest.iter().map(|w| format!("cmd-arg={w}")));
            args.push("cmd-arg=<cr>".to_owned());
        }
        for m in methods {
            match m {
                Method::Group(g) => {
                    let Some((Protocol::Tacacs, servers)) = settings.aaa.group_servers(g) else {
                        continue;
                    };
                    for name in servers {
                        let Some(server) = settings.aaa.tacacs_servers.get(&name) else {
                            continue;
                        };
                        let Some((address, timeout, key)) = tacacs_target(server) else {
                            continue;
                        };
                        let session = ClientSession::authorize(
                            key.as_bytes(),
                            rand::random(),
                            &AuthorRequest {
                                authen_method: 6,
                                priv_lvl: level,
                                user: user.to_owned(),
                                port: "tty".to_owned(),
                                rem_addr: String::new(),
                                args: args.clone(),
                            },
                        );
                        let session = shared_if(session, server.single_connection);
                        let outcome = match &remote {
                            Some(r) => r.tacacs(address, timeout, session),
                            None => Outcome::Error("no network".into()),
                        };
                        match outcome {
                            Outcome::Pass(_) => return true,
                            Outcome::Fail => return false,
                            Outcome::Error(why) => {
                                tracing::info!(server = %name, %why, "AAA: command authorization: next server");
                            }
                        }
                    }
                }
                Method::Local | Method::LocalCase => {
                    return local_user(&settings, user, *m == Method::LocalCase)
                        .is_some_and(|u| u.privilege >= level);
                }
                Method::IfAuthenticated | Method::None => return true,
                _ => {}
            }
        }
        false
    }

    /// `aaa accounting commands LEVEL LIST start-stop|stop-only …`: a
    /// record of the command `words` (privilege `level`) that `user` ran
    /// on `vty`, sent to the list's TACACS+ servers without waiting.
    pub fn account_command(&self, user: &str, vty: u32, level: u8, words: &[String]) {
        if !self.aaa_on() {
            return;
        }
        let settings = self.settings();
        let list = line_list(&settings, |b| b.accounting_commands.get(&level));
        let Some((record, methods)) = settings
            .aaa
            .accounting
            .get(&(AcctKind::Commands(level), list))
        else {
            return;
        };
        if *record == Record::None {
            return;
        }
        let Some(sender) = self
            .shared
            .accounting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        else {
            return;
        };
        let source = {
            let st = self.state();
            st.lines
                .get(&vty)
                .and_then(|l| l.source)
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
        };
        let task = {
            let mut st = self.state();
            st.aaa.next_session = st.aaa.next_session.wrapping_add(1);
            st.aaa.next_session
        };
        let args = vec![
            format!("task_id={task}"),
            "timezone=UTC".to_owned(),
            "service=shell".to_owned(),
            format!("priv-lvl={level}"),
            format!("cmd={} <cr>", words.join(" ")),
        ];
        let mut attempts = Vec::new();
        for m in methods {
            if let Method::Group(g) = m
                && let Some((Protocol::Tacacs, servers)) = settings.aaa.group_servers(g)
            {
                attempts.extend(self.tacacs_accounting(
                    &settings,
                    &servers,
                    false,
                    user,
                    vty,
                    source,
                    args.clone(),
                ));
            }
        }
        if !attempts.is_empty() {
            sender(AccountingJob {
                attempts,
                start: false,
            });
        }
    }

    /// How an accounting exchange (of a start record when `start`) with
    /// `server` ended.
    pub fn accounting_finished(&self, server: &str, start: bool, answered: bool) {
        let mut st = self.state();
        let stats = st.aaa.servers.entry(server.to_owned()).or_default();
        if start {
            stats.acct_starts += 1;
        } else {
            stats.acct_stops += 1;
        }
        if answered {
            if start {
                stats.acct_start_responses += 1;
            } else {
                stats.acct_stop_responses += 1;
            }
        } else {
            stats.acct_timeouts += 1;
        }
    }
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
