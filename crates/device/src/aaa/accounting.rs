//! Exec authorization, TACACS+ command authorization and accounting
//! records, handed to the sender the server installs.

use super::login::{shared_if, tacacs_target};
use super::*;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ironconf_ios::aaa::{AcctKind, Method, Protocol, Record};
use ironconf_ios::settings::Settings;
use ironconf_radius::{AccountingRequest, AcctStatus, Exchange, attribute};
use ironconf_tacacs::{AuthorRequest, ClientSession, Outcome};

/// What sends accounting records, kept as the device's handle.
#[derive(Clone)]
struct Accounting(AccountingSender);

impl Device {
    /// `aaa new-model`, read in place.
    pub(super) fn aaa_on(&self) -> bool {
        // Read in place: every command passes here.
        self.view(|v| v.settings().aaa.new_model)
    }

    /// What sends accounting records, if the server installed it.
    fn accounting_sender(&self) -> Option<AccountingSender> {
        self.handle::<Accounting>().map(|a| a.0)
    }

    /// Installs what sends accounting records.
    pub fn set_accounting_sender(&self, sender: Option<AccountingSender>) {
        self.set_handle(sender.map(Accounting));
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
            self.with_slot(|a: &mut AaaState| {
                a.next_session = a.next_session.wrapping_add(1);
                a.next_session
            })
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

    pub(super) fn account(
        &self,
        settings: &Settings,
        session: &AccountedSession,
        status: AcctStatus,
    ) {
        let Some(sender) = self.accounting_sender() else {
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
                    self.with_slot(|a: &mut AaaState| {
                        a.next_acct_id = a.next_acct_id.wrapping_add(1);
                        a.next_acct_id
                    })
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
    pub(super) fn tacacs_accounting(
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
        let Some(sender) = self.accounting_sender() else {
            return;
        };
        let source = {
            self.view(|v| {
                v.lines()
                    .get(&vty)
                    .and_then(|l| l.source)
                    .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
            })
        };
        let task = {
            self.with_slot(|a: &mut AaaState| {
                a.next_session = a.next_session.wrapping_add(1);
                a.next_session
            })
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
        self.with_slot(|a: &mut AaaState| {
            let stats = a.servers.entry(server.to_owned()).or_default();
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
        });
    }
}
