//! A password login walking the line's method list, sans I/O: each
//! RADIUS exchange or TACACS+ session is handed to the caller, and how it
//! ended is taken back.

use super::*;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use ironconf_ios::aaa::{Method, Protocol, TacacsServer};
use ironconf_radius::{AccessRequest, Code, Exchange, Finished, Reply, attribute};
use ironconf_tacacs::{AuthorRequest, ClientSession, Outcome};

impl Login {
    /// A `debug aaa authentication` line, when that debugging is on.
    pub(super) fn debug(&self, text: impl FnOnce() -> String) {
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
    pub(super) fn try_method(&mut self, method: &Method) {
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

    pub(super) fn radius_step(&mut self, name: &str, now: Instant) -> Option<LoginStep> {
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
    pub(super) fn request_sent(&mut self, server: &str, now: Instant) {
        self.device.with_slot(|a: &mut AaaState| {
            a.servers.entry(server.to_owned()).or_default().requests += 1;
        });
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
        self.device.with_slot(|a: &mut AaaState| {
            let stats = a.servers.entry(server.to_owned()).or_default();
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
        });
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
    pub(super) fn deadtime(&self, server: &str) -> Duration {
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

    pub(super) fn authenticated(&mut self, ok: bool, method: &str) {
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
    pub(super) fn authorize_next(&mut self) {
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

    pub(super) fn tacacs_step(&mut self, name: &str, now: Instant) -> Option<LoginStep> {
        let server = self.settings.aaa.tacacs_servers.get(name)?.clone();
        let (address, timeout, key) = tacacs_target(&server)?;
        let session_id: u32 = rand::random();
        let port = format!("tty{}", self.device.view(|v| v.free_vty()) + 1);
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
        self.device.with_slot(|a: &mut AaaState| {
            let stats = a.servers.entry(server.to_owned()).or_default();
            match outcome {
                Outcome::Pass(_) => {
                    stats.accepts += 1;
                    stats.last_rtt = self.sent_at.map(|t| now.saturating_duration_since(t));
                }
                Outcome::Fail => stats.rejects += 1,
                Outcome::Error(_) => stats.timeouts += 1,
            }
        });
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
pub(super) fn tacacs_target(server: &TacacsServer) -> Option<(SocketAddr, Duration, &str)> {
    Some((
        SocketAddr::new(IpAddr::V4(server.address?), server.port),
        Duration::from_secs(u64::from(server.timeout.unwrap_or(TACACS_TIMEOUT))),
        server.key.as_deref()?,
    ))
}

/// `session`, asking to share its connection under `single-connection`.
pub(super) fn shared_if(session: ClientSession, single: bool) -> ClientSession {
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
