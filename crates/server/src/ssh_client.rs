//! The device's SSH client: the I/O of a shell's outgoing connections
//! (`ssh` from the EXEC shell). The shell decides (sans I/O,
//! `ironconf_device::sessions`); each connection runs on a task of its own
//! here, which connects within `ip tcp synwait-time`, checks the host key
//! with the device, offers only the `-c` / `-m` algorithms asked for, asks
//! the shell for passwords, and carries the session both ways.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ironconf_device::Device;
use ironconf_device::sessions::{SessionEvent, SessionRequest, SshTarget, connect_error};
use russh::client::{AuthResult, KeyboardInteractiveAuthResponse};
use russh::{ChannelMsg, MethodKind};
use tokio::sync::mpsc;

/// Events from all of a shell's connections waiting for the shell: each
/// holds at most one SSH packet's data (32 kB), so this bounds what waits.
const EVENTS: usize = 16;
/// Requests waiting for one connection's task (keys typed ahead).
const REQUESTS: usize = 64;

/// What a connection's task is told.
pub(crate) enum Cmd {
    Password(String),
    Data(Vec<u8>),
    Window(u32, u32),
    Pause,
    Resume,
    Close,
}

/// A shell's outgoing connections.
pub(crate) struct Connections {
    device: Device,
    events_tx: mpsc::Sender<SessionEvent>,
    /// What the connections report, for the shell.
    pub(crate) events: mpsc::Receiver<SessionEvent>,
    tasks: HashMap<u32, mpsc::Sender<Cmd>>,
}

impl Connections {
    pub(crate) fn new(device: Device) -> Connections {
        let (events_tx, events) = mpsc::channel(EVENTS);
        Connections {
            device,
            events_tx,
            events,
            tasks: HashMap::new(),
        }
    }

    /// Does what the shell asked.
    pub(crate) async fn handle(&mut self, request: SessionRequest) {
        let (id, cmd) = match request {
            SessionRequest::Open {
                id,
                target,
                cols,
                rows,
            } => {
                let (tx, rx) = mpsc::channel(REQUESTS);
                self.tasks.insert(id, tx);
                tokio::spawn(run(
                    self.device.clone(),
                    id,
                    target,
                    (cols, rows),
                    rx,
                    self.events_tx.clone(),
                ));
                return;
            }
            SessionRequest::Password { id, password } => (id, Cmd::Password(password)),
            SessionRequest::Data { id, bytes } => (id, Cmd::Data(bytes)),
            SessionRequest::WindowSize { id, cols, rows } => (id, Cmd::Window(cols, rows)),
            SessionRequest::Pause { id } => (id, Cmd::Pause),
            SessionRequest::Resume { id } => (id, Cmd::Resume),
            SessionRequest::Close { id } => match self.tasks.remove(&id) {
                Some(tx) => {
                    let _ = tx.send(Cmd::Close).await;
                    return;
                }
                None => return,
            },
        };
        if let Some(tx) = self.tasks.get(&id)
            && tx.send(cmd).await.is_err()
        {
            self.tasks.remove(&id);
        }
    }
}

/// The handler of one connection: the host key goes to the device.
struct Client {
    device: Device,
    host: String,
    /// Why the host key was refused.
    refused: Arc<Mutex<Option<String>>>,
}

impl russh::client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!(
                "% SSH: {} offered a certificate; this device checks plain host keys only",
                self.host
            ));
            return Ok(false);
        };
        let text = key.to_openssh().unwrap_or_default();
        let mut words = text.split_whitespace();
        let (algorithm, blob) = (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        );
        match self.device.check_server_key(&self.host, algorithm, blob) {
            Ok(()) => Ok(true),
            Err(message) => {
                *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(message);
                Ok(false)
            }
        }
    }
}

async fn run(
    device: Device,
    id: u32,
    target: SshTarget,
    size: (u32, u32),
    cmds: mpsc::Receiver<Cmd>,
    events: mpsc::Sender<SessionEvent>,
) {
    let host = target.host.clone();
    // The MACs the SSH library lacks go through the OpenSSH client program.
    let through_openssh = target
        .mac
        .is_some_and(|m| ironconf_device::sessions::OPENSSH_MACS.contains(&m));
    let message = if through_openssh {
        crate::openssh_client::session(device, id, target, size, cmds, &events)
            .await
            .err()
    } else {
        session(device, id, target, size, cmds, &events).await.err()
    };
    if let Some(m) = &message {
        tracing::info!(%host, message = %m, "outgoing ssh failed");
    }
    let _ = events.send(SessionEvent::Ended { id, message }).await;
}

/// IOS's words for an algorithm list the server does not share.
fn no_match(kind: russh::AlgorithmKind, ours: &[String], theirs: &[String]) -> String {
    let what = match kind {
        russh::AlgorithmKind::Cipher => "cipher",
        russh::AlgorithmKind::Mac => "hmac",
        russh::AlgorithmKind::Kex => "kex",
        russh::AlgorithmKind::Key => "hostkey",
        _ => "algorithm",
    };
    format!(
        "%SSH-3-NO_MATCH: No matching {what} found: client {} server {}",
        ours.join(","),
        theirs.join(",")
    )
}

/// IOS's words for a host that does not answer in time.
pub(crate) const TIMED_OUT: &str = "% Connection timed out; remote host not responding";

/// The TCP connection to `target`: its name looked up and the connection
/// made, each within `ip tcp synwait-time`; `Err` is IOS's message.
pub(crate) async fn reach(
    device: &Device,
    target: &SshTarget,
) -> Result<tokio::net::TcpStream, String> {
    let wait = device.synwait();
    let address = format!("{}:{}", target.host, target.port);
    let addr = match tokio::time::timeout(wait, tokio::net::lookup_host(&address)).await {
        Err(_) => return Err(TIMED_OUT.to_owned()),
        Ok(Ok(mut addrs)) => addrs.next(),
        Ok(Err(_)) => None,
    }
    .ok_or_else(|| {
        format!(
            "Translating \"{}\"\n% Bad IP address or host name",
            target.host
        )
    })?;
    match tokio::time::timeout(wait, tokio::net::TcpStream::connect(addr)).await {
        Err(_) => Err(TIMED_OUT.to_owned()),
        Ok(Err(e)) => Err(connect_error(e.kind())),
        Ok(Ok(s)) => Ok(s),
    }
}

/// One connection, to its end: `Err` is what the terminal is told.
async fn session(
    device: Device,
    id: u32,
    target: SshTarget,
    (cols, rows): (u32, u32),
    mut cmds: mpsc::Receiver<Cmd>,
    events: &mpsc::Sender<SessionEvent>,
) -> Result<(), String> {
    let wait = device.synwait();
    let timed_out = || TIMED_OUT.to_owned();
    let stream = reach(&device, &target).await?;
    let _ = stream.set_nodelay(true);
    let mut preferred = russh::Preferred::default();
    if let Some(c) = target.cipher {
        let name = russh::cipher::Name::try_from(c)
            .map_err(|()| format!("% Cipher {c} is not available"))?;
        preferred.cipher = Cow::Owned(vec![name]);
    }
    if let Some(m) = target.mac {
        let name =
            russh::mac::Name::try_from(m).map_err(|()| format!("% MAC {m} is not available"))?;
        preferred.mac = Cow::Owned(vec![name]);
    }
    let config = Arc::new(russh::client::Config {
        preferred,
        inactivity_timeout: None,
        ..Default::default()
    });
    let refused = Arc::new(Mutex::new(None));
    let client = Client {
        device: device.clone(),
        host: target.host.clone(),
        refused: refused.clone(),
    };
    let mut handle =
        match tokio::time::timeout(wait, russh::client::connect_stream(config, stream, client))
            .await
        {
            Err(_) => return Err(timed_out()),
            Ok(Ok(h)) => h,
            Ok(Err(russh::Error::NoCommonAlgo { kind, ours, theirs })) => {
                return Err(no_match(kind, &ours, &theirs));
            }
            Ok(Err(e)) => {
                let why = refused.lock().unwrap_or_else(|p| p.into_inner()).take();
                return Err(why.unwrap_or_else(|| match e {
                    russh::Error::IO(io) => connect_error(io.kind()),
                    other => format!("% SSH: {other}"),
                }));
            }
        };
    let ssh = |e: russh::Error| format!("% SSH: {e}");
    // Passwords, as many as the terminal gives (it counts the prompts). A
    // server that hangs up after failures (its own retry limit) ends it.
    let mut failed = false;
    let auth_error = |failed: bool, e: russh::Error| {
        if failed {
            "% Authentication failed.".to_owned()
        } else {
            ssh(e)
        }
    };
    loop {
        if events.send(SessionEvent::Password { id }).await.is_err() {
            return Ok(());
        }
        let password = loop {
            match cmds.recv().await {
                Some(Cmd::Password(p)) => break p,
                Some(Cmd::Close) | None => return Ok(()),
                Some(_) => {}
            }
        };
        let remaining = match handle
            .authenticate_password(&target.user, &password)
            .await
            .map_err(|e| auth_error(failed, e))?
        {
            AuthResult::Success => break,
            AuthResult::Failure {
                remaining_methods, ..
            } => remaining_methods,
        };
        // A server that takes passwords through keyboard-interactive only
        // (PAM) gets the same password there.
        if remaining.contains(&MethodKind::KeyboardInteractive)
            && keyboard_interactive(&mut handle, &target.user, &password)
                .await
                .map_err(|e| auth_error(failed, e))?
        {
            break;
        }
        failed = true;
    }
    let channel = handle.channel_open_session().await.map_err(ssh)?;
    match &target.command {
        Some(command) => channel.exec(true, command.as_bytes()).await.map_err(ssh)?,
        None => {
            channel
                .request_pty(false, "vt100", cols, rows, 0, 0, &[])
                .await
                .map_err(ssh)?;
            channel.request_shell(false).await.map_err(ssh)?;
        }
    }
    if events.send(SessionEvent::Connected { id }).await.is_err() {
        return Ok(());
    }
    let (mut read, write) = channel.split();
    let mut paused = false;
    loop {
        tokio::select! {
            msg = read.wait(), if !paused => match msg {
                Some(ChannelMsg::Data { data } | ChannelMsg::ExtendedData { data, .. }) => {
                    let output = SessionEvent::Output { id, bytes: data.to_vec() };
                    if events.send(output).await.is_err() {
                        break;
                    }
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close) | None => break,
                Some(_) => {}
            },
            cmd = cmds.recv() => match cmd {
                Some(Cmd::Data(bytes)) => {
                    if write.data_bytes(bytes::Bytes::from(bytes)).await.is_err() {
                        break;
                    }
                }
                Some(Cmd::Window(c, r)) => {
                    let _ = write.window_change(c, r, 0, 0).await;
                }
                Some(Cmd::Pause) => paused = true,
                Some(Cmd::Resume) => paused = false,
                Some(Cmd::Password(_)) => {}
                Some(Cmd::Close) | None => {
                    let _ = write.close().await;
                    break;
                }
            }
        }
    }
    let _ = handle
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
    Ok(())
}

/// Keyboard-interactive with `password` as the answer to every prompt
/// (the device's `ssh`, and its `scp://` transfers).
pub(crate) async fn keyboard_interactive<H: russh::client::Handler>(
    handle: &mut russh::client::Handle<H>,
    user: &str,
    password: &str,
) -> Result<bool, russh::Error> {
    let mut step = handle
        .authenticate_keyboard_interactive_start(user, None)
        .await?;
    for _ in 0..4 {
        match step {
            KeyboardInteractiveAuthResponse::Success => return Ok(true),
            KeyboardInteractiveAuthResponse::Failure { .. } => return Ok(false),
            KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } => {
                let answers = prompts.iter().map(|_| password.to_owned()).collect();
                step = handle
                    .authenticate_keyboard_interactive_respond(answers)
                    .await?;
            }
        }
    }
    Ok(false)
}
