//! One SSH connection: authentication against the device's users, the
//! pre-authentication deadline, and the channels it opens.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use ironconf_device::Device;
use ironconf_device::admission::NetconfRequest;
use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId, ChannelWriteHalf, MethodKind, MethodSet, SshId};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use crate::hostkeys::HostKeys;
use crate::inbound::Inbound;
use crate::killable::Killable;
use crate::pending::Ticket;

pub(crate) struct Connection {
    device: Device,
    keys: Arc<HostKeys>,
    aaa_waits: Arc<tokio::sync::Semaphore>,
    /// When its sessions' notifications leave.
    clock: Arc<crate::gather::Clock>,
    peer: SocketAddr,
    /// Ends the connection (pre-authentication deadline, eviction,
    /// shutdown, clear line).
    kill: CancellationToken,
}

impl Connection {
    pub(crate) fn new(
        device: Device,
        keys: Arc<HostKeys>,
        aaa_waits: Arc<tokio::sync::Semaphore>,
        clock: Arc<crate::gather::Clock>,
        peer: SocketAddr,
        kill: CancellationToken,
    ) -> Self {
        Connection {
            device,
            keys,
            aaa_waits,
            clock,
            peer,
            kill,
        }
    }

    pub(crate) async fn run(self, tcp: TcpStream, ticket: Ticket) {
        let local_port = tcp.local_addr().map_or(22, |a| a.port());
        let settings = self.device.settings();
        let rsa_label = self.device.ssh_rsa_label();
        if self.device.login_blocked() {
            // Quiet mode refuses logins from every source (IOS applies its
            // `sl_def_acl` to the vty lines): the connection is closed.
            tracing::info!(peer = %self.peer, "connection refused: quiet mode (login block-for)");
            return;
        }
        if !self.keys.ssh_enabled(rsa_label.as_deref()) {
            // IOS does not speak SSH without its RSA key pair.
            tracing::info!(peer = %self.peer, label = ?rsa_label, "SSH disabled: no RSA key pair; connection closed");
            return;
        }
        let kill = self.kill.clone();
        let authed = Arc::new(AtomicBool::new(false));
        // `ip ssh time-out`: a connection not authenticated in time is dropped.
        let guard = {
            let kill = kill.clone();
            let authed = authed.clone();
            let device = self.device.clone();
            let deadline = device.login_deadline(device.now());
            let peer = self.peer;
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = crate::sleep_until(&device, Some(deadline)) => {
                            if authed.load(Ordering::SeqCst) {
                                break;
                            }
                            if device.now() >= deadline {
                                tracing::info!(%peer, "authentication timed out");
                                kill.cancel();
                                break;
                            }
                        }
                        _ = kill.cancelled() => break,
                    }
                }
            })
        };
        let retries = settings.ssh.retries;
        let preferred = preferred_algorithms(&settings.ssh);
        let config = russh::server::Config {
            preferred,
            server_id: SshId::Standard(self.device.profile().ssh_banner.into()),
            methods: MethodSet::from(LOGIN_METHODS),
            auth_rejection_time: Duration::from_millis(300),
            auth_rejection_time_initial: Some(Duration::ZERO),
            keys: self.keys.current(rsa_label.as_deref()),
            // The handler counts failures and ends the connection; this is
            // the backstop (russh counts OpenSSH's first `none` probe too).
            max_auth_attempts: (retries as usize).max(1) + 1,
            inactivity_timeout: None,
            nodelay: true,
            ..Default::default()
        };
        let sniffer = Arc::new(std::sync::Mutex::new(crate::kexinit::Sniffer::default()));
        let server_ciphers: Vec<String> = config
            .preferred
            .cipher
            .iter()
            .map(|n| n.as_ref().to_owned())
            .collect();
        let server_macs: Vec<String> = config
            .preferred
            .mac
            .iter()
            .map(|n| n.as_ref().to_owned())
            .collect();
        let handler = Handler {
            sniffer: sniffer.clone(),
            server_ciphers,
            server_macs,
            ssh_connection: None,
            device: self.device.clone(),
            peer: self.peer,
            local_port,
            user: None,
            privilege: 1,
            failures: 0,
            retries,
            authed: authed.clone(),
            pending: ticket.pending(),
            ticket: Some(ticket),
            aaa_waits: self.aaa_waits.clone(),
            clock: self.clock.clone(),
            channels: HashMap::new(),
            live: Arc::new(AtomicUsize::new(0)),
            rows: HashMap::new(),
            vty: None,
            by_radius: false,
            accounted: None,
            kill: kill.clone(),
        };
        let stream =
            Killable::new(crate::quickack::QuickAck::new(tcp), kill.clone()).with_sniffer(sniffer);
        match russh::server::run_stream(Arc::new(config), stream, handler).await {
            Ok(session) => {
                if let Err(e) = session.await {
                    tracing::debug!(peer = %self.peer, %e, "connection ended");
                }
            }
            Err(e) => tracing::debug!(peer = %self.peer, %e, "SSH negotiation failed"),
        }
        kill.cancel();
        guard.abort();
    }
}

/// The algorithms offered: russh's modern defaults, or exactly what
/// `ip ssh server algorithm encryption|mac|kex|hostkey …` lists (names
/// russh does not implement, such as hmac-md5 or hmac-sha1-96, are
/// skipped with a warning).
fn preferred_algorithms(ssh: &ironconf_device::settings::SshSettings) -> russh::Preferred {
    fn pick<N: for<'a> TryFrom<&'a str>>(kind: &str, list: &Option<Vec<String>>) -> Option<Vec<N>> {
        let list = list.as_ref()?;
        let names: Vec<N> = list
            .iter()
            .filter_map(|n| {
                let name = N::try_from(n.as_str()).ok();
                if name.is_none() {
                    tracing::warn!(kind, algorithm = %n, "algorithm not available; skipped");
                }
                name
            })
            .collect();
        (!names.is_empty()).then_some(names)
    }
    let mut p = russh::Preferred::default();
    if let Some(c) = pick::<russh::cipher::Name>("encryption", &ssh.encryption) {
        p.cipher = Cow::Owned(c);
    }
    if let Some(m) = pick::<russh::mac::Name>("mac", &ssh.mac) {
        p.mac = Cow::Owned(m);
    }
    if let Some(mut k) = pick::<russh::kex::Name>("kex", &ssh.kex) {
        // The extension markers keep strict key exchange (Terrapin) on.
        k.push(russh::kex::EXTENSION_SUPPORT_AS_SERVER);
        k.push(russh::kex::EXTENSION_OPENSSH_STRICT_KEX_AS_SERVER);
        p.kex = Cow::Owned(k);
    }
    if let Some(list) = &ssh.hostkey {
        let algs: Vec<russh::keys::Algorithm> =
            list.iter().filter_map(|n| n.parse().ok()).collect();
        if !algs.is_empty() {
            p.key = Cow::Owned(algs);
        }
    }
    p
}

pub(crate) struct Handler {
    /// The client's algorithm offer, for `show ssh`.
    sniffer: Arc<std::sync::Mutex<crate::kexinit::Sniffer>>,
    server_ciphers: Vec<String>,
    server_macs: Vec<String>,
    /// This connection's number in `show ssh`, once authenticated.
    ssh_connection: Option<u32>,
    device: Device,
    peer: SocketAddr,
    /// The port the connection came in on (`[localport: 22]` in the login
    /// messages).
    local_port: u16,
    user: Option<String>,
    privilege: u8,
    failures: u32,
    retries: u32,
    authed: Arc<AtomicBool>,
    ticket: Option<Ticket>,
    /// The half-open queue, to take a place in again.
    pending: crate::pending::Pending,
    /// Places for logins waiting on AAA servers.
    aaa_waits: Arc<tokio::sync::Semaphore>,
    clock: Arc<crate::gather::Clock>,
    /// Session channels open and not yet given a service, each already
    /// drained by its reader task.
    channels: HashMap<ChannelId, Opened>,
    /// Session channels open on this connection, with or without a service.
    live: Arc<AtomicUsize>,
    /// Screen size (columns, rows) from each channel's pty request.
    rows: HashMap<ChannelId, (u32, u32)>,
    /// The vty line the connection holds once authenticated, as on IOS.
    vty: Option<u32>,
    /// Whether RADIUS authenticated the user (accounting says so).
    by_radius: bool,
    /// The EXEC session AAA accounting follows.
    accounted: Option<ironconf_device::aaa::AccountedSession>,
    kill: CancellationToken,
}

/// The login methods the server offers, in IOS's order.
const LOGIN_METHODS: &[MethodKind] = &[
    MethodKind::PublicKey,
    MethodKind::KeyboardInteractive,
    MethodKind::Password,
];

/// Session channels one connection may have open at once. IOS serves one
/// session per SSH connection; a few more leave room for clients that open
/// a second channel for a command while their shell is open.
const MAX_CHANNELS: usize = 8;

/// A session channel waiting for its shell, exec or subsystem request.
pub(crate) struct Opened {
    pub(crate) inbound: Inbound,
    pub(crate) write: ChannelWriteHalf<Msg>,
    pub(crate) slot: Slot,
}

/// A place among the connection's [`MAX_CHANNELS`]; given back when the
/// channel's service ends, when the device also learns that the line's
/// connection has one channel fewer (none open for the `exec-timeout`: the
/// device reclaims the line).
pub(crate) struct Slot {
    live: Arc<AtomicUsize>,
    line: Option<(Device, u32)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
        if let Some((device, vty)) = &self.line {
            device.line_channel(*vty, false);
        }
    }
}

impl Drop for Handler {
    fn drop(&mut self) {
        if let Some(session) = self.accounted.take() {
            self.device.exec_ended(&session);
        }
        if let Some(n) = self.ssh_connection.take() {
            if self.vty.is_some() {
                self.device.log_ssh_event(n, self.vty, self.peer.ip(), true);
            }
            self.device.close_ssh_connection(n);
        }
        if let Some(vty) = self.vty.take() {
            self.device.release_line(vty);
        }
    }
}

impl Handler {
    /// Takes an open session channel for an exec, shell or subsystem
    /// request. A channel that is not waiting for one, or whose client sent
    /// more than [`crate::inbound::PENDING_MAX`] bytes before asking, gets
    /// failure (and the second is closed).
    /// `scp -t` / `scp -f` on an exec channel: the device's SCP server
    /// when `ip scp server enable` is on and the user has privilege 15;
    /// otherwise the channel closes with status 1 and nothing sent.
    fn scp_request(
        &mut self,
        id: ChannelId,
        command: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        let kill = self.kill.child_token();
        let user = self.user.clone().unwrap_or_default();
        let Some(opened) =
            self.take_channel_as(id, crate::scp::MAX_QUEUED, true, &kill, session)?
        else {
            return Ok(());
        };
        session.channel_success(id)?;
        match self.device.scp(command, &user, self.privilege) {
            Ok(scp) => {
                tracing::info!(peer = %self.peer, %user, %command, "scp");
                tokio::spawn(crate::scp::run(scp, opened, kill));
            }
            Err(refusal) => {
                tracing::info!(peer = %self.peer, %user, ?refusal, "scp refused");
                let message = match refusal {
                    ironconf_device::scp::ScpRefusal::Path(m) => format!("\x01scp: {m}\n"),
                    _ => String::new(),
                };
                tokio::spawn(async move {
                    let write = opened.write;
                    if !message.is_empty() {
                        let _ = write.data_bytes(bytes::Bytes::from(message)).await;
                    }
                    let _ = write.exit_status(1).await;
                    let _ = write.eof().await;
                    let _ = write.close().await;
                });
            }
        }
        Ok(())
    }

    fn take_channel(
        &mut self,
        id: ChannelId,
        max_input: usize,
        kill: &CancellationToken,
        session: &mut Session,
    ) -> Result<Option<Opened>, russh::Error> {
        self.take_channel_as(id, max_input, false, kill, session)
    }

    /// Takes a channel for its service: past `max_input` waiting bytes the
    /// service ends, or (`paced`, a bulk transfer) the channel's reader
    /// waits for it.
    fn take_channel_as(
        &mut self,
        id: ChannelId,
        max_input: usize,
        paced: bool,
        kill: &CancellationToken,
        session: &mut Session,
    ) -> Result<Option<Opened>, russh::Error> {
        let Some(opened) = self.channels.remove(&id) else {
            session.channel_failure(id)?;
            return Ok(None);
        };
        let started = if paced {
            opened.inbound.start_paced(max_input, kill.clone())
        } else {
            opened.inbound.start(max_input, kill.clone())
        };
        if !started {
            tracing::info!(peer = %self.peer, "input before the channel's request went past its bound; channel closed");
            session.channel_failure(id)?;
            session.close(id)?;
            return Ok(None);
        }
        Ok(Some(opened))
    }

    fn reject(&mut self) -> Auth {
        self.failures += 1;
        // `ip ssh authentication-retries N`: after N failures, no more tries.
        if self.failures >= self.retries.max(1) {
            tracing::info!(peer = %self.peer, failures = self.failures, "authentication retries exhausted");
            // Drop the connection once the failure has gone out.
            let kill = self.kill.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                kill.cancel();
            });
            return Auth::Reject {
                proceed_with_methods: Some(MethodSet::empty()),
                partial_success: false,
            };
        }
        // Offering the methods again lets an OpenSSH client retry.
        Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(LOGIN_METHODS)),
            partial_success: false,
        }
    }

    /// A password (or keyboard-interactive) login: the local database, or
    /// AAA's method list, whose servers are asked here, on the runtime,
    /// without holding a worker.
    async fn password_login(&mut self, user: &str, password: &str) -> Result<Auth, russh::Error> {
        if self.device.login_blocked() {
            // Quiet mode: no login is checked, the right password included.
            tracing::info!(peer = %self.peer, user, "login refused: quiet mode (login block-for)");
            return Ok(self.reject());
        }
        let mut login = self
            .device
            .start_login(&ironconf_device::aaa::LoginRequest {
                user,
                password,
                source: self.peer.ip(),
            });
        let mut waiting = None;
        let result = loop {
            let step = login.next(self.device.now());
            if waiting.is_none() && !matches!(step, ironconf_device::aaa::LoginStep::Done(_)) {
                // Out of the half-open bound while a server is asked,
                // within the bound of logins waiting.
                waiting = self.aaa_waits.clone().acquire_owned().await.ok();
                self.ticket = None;
            }
            match step {
                ironconf_device::aaa::LoginStep::Done(r) => break r,
                ironconf_device::aaa::LoginStep::Radius {
                    server,
                    address,
                    exchange,
                } => {
                    let (finished, discarded) = crate::radius::run(address, exchange).await;
                    login.radius_finished(&server, &finished, discarded, self.device.now());
                }
                ironconf_device::aaa::LoginStep::Tacacs {
                    server,
                    address,
                    timeout,
                    session,
                } => {
                    let outcome = crate::tacacs::run(address, timeout, session).await;
                    login.tacacs_finished(&server, &outcome, self.device.now());
                }
            }
        };
        match result {
            ironconf_device::aaa::LoginResult::Granted { privilege, method } => {
                tracing::info!(peer = %self.peer, user, %method, privilege, "password accepted");
                // A RADIUS Accept let the user in (not TACACS+, not local).
                self.by_radius = login.reply().is_some();
                Ok(self.accept(user, privilege))
            }
            ironconf_device::aaa::LoginResult::Denied { reason } if self.ticket.is_none() => {
                // Back in the half-open bound for the next try.
                self.ticket = Some(self.pending.admit(self.kill.clone()));
                self.denied(user, &reason)
            }
            ironconf_device::aaa::LoginResult::Denied { reason } => self.denied(user, &reason),
        }
    }

    fn denied(&mut self, user: &str, reason: &str) -> Result<Auth, russh::Error> {
        tracing::info!(peer = %self.peer, user, %reason, "password rejected");
        self.device
            .login_failed(user, self.peer.ip(), self.local_port);
        Ok(self.reject())
    }

    fn accept(&mut self, user: &str, privilege: u8) -> Auth {
        self.user = Some(user.to_owned());
        self.privilege = privilege;
        Auth::Accept
    }

    /// The privilege a public key logs `user` in with, if the device
    /// allows the key.
    fn key_allowed(&self, user: &str, key: &russh::keys::PublicKey) -> Option<u8> {
        let text = key.to_openssh().ok()?;
        let blob = text.split_whitespace().nth(1)?;
        let md5 = key
            .to_bytes()
            .map(|b| format!("{:X}", md5::compute(b)))
            .unwrap_or_default();
        self.device.public_key_allowed(user, blob, &md5)
    }
}

impl russh::server::Handler for Handler {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(LOGIN_METHODS)),
            partial_success: false,
        })
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        // IOS asks for the password alone, unechoed; the answer goes the
        // way a password login goes (local database or AAA).
        let Some(mut response) = response else {
            return Ok(Auth::Partial {
                name: "".into(),
                instructions: "".into(),
                prompts: vec![("Password: ".into(), false)].into(),
            });
        };
        let password = response
            .next()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        self.password_login(user, &password).await
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        self.password_login(user, password).await
    }
    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.key_allowed(user, offer.public_key).is_some() {
            Ok(Auth::Accept)
        } else {
            Ok(Auth::Reject {
                proceed_with_methods: None,
                partial_success: false,
            })
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.device.login_blocked() {
            tracing::info!(peer = %self.peer, user, "login refused: quiet mode (login block-for)");
            return Ok(self.reject());
        }
        match self.key_allowed(user, key.public_key) {
            Some(privilege) => Ok(self.accept(user, privilege)),
            None => {
                self.device
                    .login_failed(user, self.peer.ip(), self.local_port);
                Ok(self.reject())
            }
        }
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> Result<(), Self::Error> {
        self.authed.store(true, Ordering::SeqCst);
        // No longer counts against the half-open bound.
        self.ticket = None;
        tracing::info!(peer = %self.peer, user = self.user.as_deref().unwrap_or(""), "login");
        if let Some(user) = &self.user {
            self.device
                .log_login(user, self.peer.ip(), self.local_port, true);
        }
        let offer = self
            .sniffer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .offer()
            .cloned()
            .unwrap_or_default();
        let pick = |client: &[String], server: &[String]| {
            let server: Vec<&str> = server.iter().map(String::as_str).collect();
            crate::kexinit::negotiated(client, &server).unwrap_or_else(|| "unknown".into())
        };
        let connection = ironconf_device::SshConnection {
            cipher_in: pick(&offer.ciphers_c2s, &self.server_ciphers),
            cipher_out: pick(&offer.ciphers_s2c, &self.server_ciphers),
            mac_in: pick(&offer.macs_c2s, &self.server_macs),
            mac_out: pick(&offer.macs_s2c, &self.server_macs),
            user: self.user.clone().unwrap_or_default(),
        };
        self.ssh_connection = Some(self.device.open_ssh_connection(connection));
        // Every SSH connection holds a vty line, as on IOS, so the lines
        // bound how many connections users can keep open.
        let kill = self.kill.clone();
        let switch: ironconf_device::KillSwitch = Arc::new(move || kill.cancel());
        let user = self.user.clone().unwrap_or_default();
        self.vty = self.device.occupy_line(&user, Some(self.peer.ip()), switch);
        if self.vty.is_none() {
            tracing::info!(peer = %self.peer, %user, "no free vty line; connection closed");
            self.kill.cancel();
        } else if let Some(n) = self.ssh_connection {
            self.device
                .log_ssh_event(n, self.vty, self.peer.ip(), false);
        }
        if let Some(vty) = self.vty {
            self.accounted = self
                .device
                .exec_started(&user, vty, self.peer.ip(), self.by_radius);
        }
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.live.load(Ordering::SeqCst) >= MAX_CHANNELS {
            tracing::info!(peer = %self.peer, "too many channels on one connection; refused");
            reply
                .reject(russh::ChannelOpenFailure::ResourceShortage)
                .await;
            return Ok(());
        }
        self.live.fetch_add(1, Ordering::SeqCst);
        if let Some(vty) = self.vty {
            self.device.line_channel(vty, true);
        }
        let slot = Slot {
            live: self.live.clone(),
            line: self.vty.map(|vty| (self.device.clone(), vty)),
        };
        let id = channel.id();
        reply.accept().await;
        // Drained from now on: whatever the client sends before (or
        // without) a request must not stop the connection's reader.
        let (read, write) = channel.split();
        self.channels.insert(
            id,
            Opened {
                inbound: Inbound::spawn(read),
                write,
                slot,
            },
        );
        Ok(())
    }

    async fn channel_close(
        &mut self,
        id: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.remove(&id);
        self.rows.remove(&id);
        Ok(())
    }

    async fn env_request(
        &mut self,
        id: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // IOS sets no environment from the client (a reply goes only to a
        // request that asks for one).
        session.channel_failure(id)?;
        Ok(())
    }

    async fn x11_request(
        &mut self,
        id: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(id)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        id: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if name != "netconf" {
            session.channel_failure(id)?;
            return Ok(());
        }
        let kill = CancellationToken::new();
        let kill_switch: ironconf_device::KillSwitch = {
            let kill = kill.clone();
            Arc::new(move || kill.cancel())
        };
        let user = self.user.clone().unwrap_or_default();
        let admitted = self.device.admit_netconf(NetconfRequest {
            user: &user,
            privilege: self.privilege,
            source: self.peer.ip(),
            kill: kill_switch,
            line: self.vty,
        });
        match admitted {
            Ok(session_id) => {
                let Some(opened) =
                    self.take_channel(id, crate::netconf::MAX_QUEUED, &kill, session)?
                else {
                    self.device.unregister_session(session_id);
                    return Ok(());
                };
                session.channel_success(id)?;
                tokio::spawn(crate::netconf::run(
                    self.device.clone(),
                    opened,
                    user,
                    self.privilege,
                    session_id,
                    self.peer,
                    kill,
                    self.kill.clone(),
                    self.clock.clone(),
                ));
            }
            Err(refusal) => {
                tracing::info!(peer = %self.peer, reason = refusal.reason(), "netconf session refused");
                self.channels.remove(&id);
                session.channel_failure(id)?;
                session.close(id)?;
            }
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        id: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(data).into_owned();
        if command.split_whitespace().next() == Some("scp") {
            return self.scp_request(id, &command, session);
        }
        // `ssh host 'show ip ssh'`: one EXEC command, its output, its status.
        let kill = self.kill.child_token();
        // No bound to reach: the command reads no input, which is dropped
        // from here on.
        let Some(opened) = self.take_channel(id, usize::MAX, &kill, session)? else {
            return Ok(());
        };
        session.channel_success(id)?;
        opened.inbound.discard();
        let caller = ironconf_device::exec::ExecCaller {
            session: None,
            user: self.user.clone().unwrap_or_default(),
            privilege: self.privilege,
            line: self.vty,
        };
        let device = self.device.clone();
        tokio::spawn(async move {
            let Opened {
                inbound: _inbound,
                write: channel,
                slot: _slot,
            } = opened;
            let out = tokio::task::spawn_blocking(move || {
                ironconf_device::exec::run(&device, &caller, &command)
            })
            .await;
            let (mut out, status) = match out {
                Ok(o) => {
                    let status = u32::from(!o.ok);
                    (o, status)
                }
                Err(_) => (
                    ironconf_device::exec::ExecOutput::error("% internal error\n".to_owned()),
                    1,
                ),
            };
            // A terminal line ends in CR LF. A long output is written a
            // part at a time, each sent before the next is written. The
            // output waits for a client that does not read it only as long
            // as the connection lasts.
            let mut part = Some(std::mem::take(&mut out.text));
            while let Some(text) = part {
                let sent = tokio::select! {
                    r = channel.data_bytes(bytes::Bytes::from(text.replace('\n', "\r\n"))) => r.is_ok(),
                    _ = kill.cancelled() => false,
                };
                if !sent {
                    return;
                }
                part = match tokio::task::spawn_blocking(move || {
                    let next = out.next_part();
                    (out, next)
                })
                .await
                {
                    Ok((o, next)) => {
                        out = o;
                        next
                    }
                    Err(_) => return,
                };
            }
            let _ = channel.exit_status(status).await;
            let _ = channel.eof().await;
            let _ = channel.close().await;
        });
        Ok(())
    }

    async fn pty_request(
        &mut self,
        id: ChannelId,
        _term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channels.contains_key(&id) {
            self.rows.insert(id, (cols.min(1000), rows.min(512)));
            session.channel_success(id)?;
        } else {
            session.channel_failure(id)?;
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        id: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // `ssh host`: the IOS CLI, on the connection's vty line.
        let Some(vty) = self.vty else {
            session.channel_failure(id)?;
            return Ok(());
        };
        let kill = self.kill.child_token();
        let Some(opened) = self.take_channel(id, crate::shell::MAX_QUEUED, &kill, session)? else {
            return Ok(());
        };
        session.channel_success(id)?;
        let size = self.rows.remove(&id);
        let rows = size.map(|(_, r)| r).filter(|r| *r > 0);
        let cols = size.map_or(80, |(c, _)| c).max(1);
        tracing::info!(peer = %self.peer, "shell started");
        tokio::spawn(crate::shell::run(
            self.device.clone(),
            opened,
            crate::shell::Caller {
                user: self.user.clone().unwrap_or_default(),
                privilege: self.privilege,
                rows,
                cols,
                vty,
            },
            kill,
        ));
        Ok(())
    }
}
