//! How the client reaches a server's `netconf` subsystem: the built-in SSH
//! client, or the OpenSSH `ssh` program (`ssh -s … HOST netconf`), whose
//! standard input and output then carry the session. The second is what
//! many NETCONF tools do, so a user's `~/.ssh/config` (ProxyJump, ciphers,
//! keys) applies, and it measures a server the way those tools see it.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use russh::client;
use russh::{ChannelMsg, ChannelReadHalf, ChannelWriteHalf};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::process::{Child, ChildStdin, ChildStdout};

use crate::client::{ConnectOptions, open_netconf_channel};
use crate::error::ClientError;
use crate::ssh::{Auth, Handler, HostKeyCheck};

/// The SSH implementation a session runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Transport {
    /// The built-in SSH client.
    #[default]
    Builtin,
    /// The OpenSSH client program, run as `PROGRAM -s … HOST netconf`. It
    /// is run in batch mode and never prompts: it logs in with the key
    /// files and agent given (an encrypted key must be in the agent), or
    /// as its own configuration says; passwords are not used.
    OpenSsh {
        /// The program (`ssh` is looked up on `PATH`).
        program: PathBuf,
        /// More arguments, placed before the host (for example
        /// `-o ProxyJump=bastion` or `-F FILE`).
        args: Vec<String>,
    },
}

impl Transport {
    /// `ssh` from `PATH`, with no extra arguments.
    pub fn openssh() -> Self {
        Transport::OpenSsh {
            program: PathBuf::from("ssh"),
            args: Vec::new(),
        }
    }
}

/// Most of the ssh program's standard error kept for an error message.
const STDERR_KEPT: usize = 4096;

/// What holds the session open.
pub(crate) enum Link {
    Russh(client::Handle<Handler>),
    Process {
        child: Mutex<Child>,
        stderr: Arc<Mutex<String>>,
    },
}

impl Link {
    /// Ends the connection.
    pub(crate) async fn disconnect(&self) {
        match self {
            Link::Russh(h) => {
                let _ = h
                    .disconnect(russh::Disconnect::ByApplication, "", "en")
                    .await;
            }
            Link::Process { child, .. } => {
                let _ = child.lock().unwrap_or_else(|p| p.into_inner()).start_kill();
            }
        }
    }

    /// The ssh program's process id.
    pub(crate) fn pid(&self) -> Option<u32> {
        match self {
            Link::Russh(_) => None,
            Link::Process { child, .. } => child.lock().unwrap_or_else(|p| p.into_inner()).id(),
        }
    }

    /// Why the session could not start, once its input ended early: the
    /// ssh program's own words where it ran one.
    pub(crate) async fn failure(&self, options: &ConnectOptions) -> Option<ClientError> {
        let Link::Process { child, stderr } = self else {
            return None;
        };
        // ssh exits as soon as it has said why; give it a moment.
        for _ in 0..50 {
            let exited = child
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .try_wait()
                .ok()
                .flatten()
                .is_some();
            if exited {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let text = stderr.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Some(openssh_error(options, &text))
    }
}

/// The session's incoming side.
pub(crate) enum Reader {
    Channel(ChannelReadHalf),
    Pipe(ChildStdout),
}

/// What a read brought.
pub(crate) enum Read {
    /// This many bytes were appended to the buffer.
    Data(usize),
    /// The server accepted the subsystem (built-in transport only).
    Accepted,
    /// The server refused the subsystem (built-in transport only).
    Refused,
    /// The input ended.
    Ended,
}

impl Reader {
    /// Reads what comes next, appending data to `buf`.
    pub(crate) async fn read(&mut self, buf: &mut BytesMut) -> Read {
        match self {
            Reader::Channel(read) => loop {
                match read.wait().await {
                    Some(ChannelMsg::Data { data }) => {
                        buf.extend_from_slice(&data);
                        return Read::Data(data.len());
                    }
                    Some(ChannelMsg::Success) => return Read::Accepted,
                    Some(ChannelMsg::Failure) => return Read::Refused,
                    Some(ChannelMsg::Eof | ChannelMsg::Close) | None => return Read::Ended,
                    Some(_) => {}
                }
            },
            Reader::Pipe(out) => {
                buf.reserve(64 * 1024);
                match out.read_buf(buf).await {
                    Ok(0) | Err(_) => Read::Ended,
                    Ok(n) => Read::Data(n),
                }
            }
        }
    }
}

/// The session's outgoing side.
pub(crate) enum Writer {
    Channel(ChannelWriteHalf<client::Msg>),
    Pipe(ChildStdin),
}

impl Writer {
    pub(crate) async fn write(&mut self, data: Bytes) -> Result<(), ClientError> {
        match self {
            Writer::Channel(w) => Ok(w.data_bytes(data).await?),
            Writer::Pipe(stdin) => Ok(stdin.write_all(&data).await?),
        }
    }

    /// Tells the server no more will be sent.
    pub(crate) async fn eof(&mut self) {
        match self {
            Writer::Channel(w) => {
                let _ = w.eof().await;
            }
            Writer::Pipe(stdin) => {
                let _ = stdin.shutdown().await;
            }
        }
    }
}

/// Opens the `netconf` subsystem over the chosen transport.
pub(crate) async fn open(options: &ConnectOptions) -> Result<(Link, Reader, Writer), ClientError> {
    match &options.transport {
        Transport::Builtin => {
            let (handle, channel) = open_netconf_channel(options).await?;
            let (read, write) = channel.split();
            Ok((
                Link::Russh(handle),
                Reader::Channel(read),
                Writer::Channel(write),
            ))
        }
        Transport::OpenSsh { program, args } => {
            let mut cmd = tokio::process::Command::new(program);
            cmd.args(openssh_args(options)?)
                .args(args)
                .arg(&options.host)
                .arg("netconf")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true);
            if let Some(sock) = options.auth.iter().find_map(|a| match a {
                Auth::AgentSocket(p) => Some(p),
                _ => None,
            }) {
                cmd.env("SSH_AUTH_SOCK", sock);
            }
            let mut child = cmd.spawn().map_err(|e| {
                ClientError::Transport(format!("cannot run {}: {e}", program.display()))
            })?;
            let (Some(stdin), Some(stdout), Some(err)) =
                (child.stdin.take(), child.stdout.take(), child.stderr.take())
            else {
                return Err(ClientError::Transport("no pipes to the ssh program".into()));
            };
            widen_pipe(&stdout);
            widen_pipe(&stdin);
            let stderr = Arc::new(Mutex::new(String::new()));
            tokio::spawn(keep_tail(err, stderr.clone()));
            Ok((
                Link::Process {
                    child: Mutex::new(child),
                    stderr,
                },
                Reader::Pipe(stdout),
                Writer::Pipe(stdin),
            ))
        }
    }
}

/// Capacity asked for the pipes to and from the ssh program.
const PIPE_SIZE: i32 = 1 << 20;

/// Widens a pipe to the ssh program. Each round of its loop, OpenSSH writes
/// what it has for standard output once, and a full pipe takes only part;
/// with Linux's 64 kB default it falls behind the socket during a burst of
/// replies, its channel buffer fills to the whole window, and every packet
/// then grows that buffer by a copy of it (OpenSSH reallocates in small
/// steps). A megabyte lets each write take a window's worth of replies.
fn widen_pipe(pipe: &impl std::os::fd::AsFd) {
    #[cfg(target_os = "linux")]
    if let Err(e) = nix::fcntl::fcntl(pipe, nix::fcntl::FcntlArg::F_SETPIPE_SZ(PIPE_SIZE)) {
        // Above /proc/sys/fs/pipe-max-size for an unprivileged user: the
        // default size still works, only slower.
        tracing::debug!(%e, "pipe to ssh not widened");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (pipe, PIPE_SIZE);
}

/// Keeps the end of what the program writes on standard error.
async fn keep_tail(mut err: impl AsyncRead + Unpin, into: Arc<Mutex<String>>) {
    let mut chunk = [0u8; 1024];
    while let Ok(n) = err.read(&mut chunk).await {
        if n == 0 {
            return;
        }
        let mut kept = into.lock().unwrap_or_else(|p| p.into_inner());
        kept.push_str(&String::from_utf8_lossy(&chunk[..n]));
        if kept.len() > STDERR_KEPT {
            let mut cut = kept.len() - STDERR_KEPT;
            while !kept.is_char_boundary(cut) {
                cut += 1;
            }
            kept.drain(..cut);
        }
    }
}

/// The ssh options that stand for `options`.
fn openssh_args(options: &ConnectOptions) -> Result<Vec<String>, ClientError> {
    let mut a: Vec<String> = vec![
        "-s".into(),
        "-p".into(),
        options.port.to_string(),
        "-l".into(),
        options.user.clone(),
        "-o".into(),
        "BatchMode=yes".into(),
        "-o".into(),
        format!(
            "ConnectTimeout={}",
            options.connect_timeout.as_secs().max(1)
        ),
    ];
    let mut o = |v: String| {
        a.push("-o".into());
        a.push(v);
    };
    match &options.host_key_check {
        HostKeyCheck::Strict(file) => {
            o("StrictHostKeyChecking=yes".into());
            o(format!("UserKnownHostsFile={}", file.display()));
        }
        HostKeyCheck::AcceptNew(file) => {
            o("StrictHostKeyChecking=accept-new".into());
            o(format!("UserKnownHostsFile={}", file.display()));
        }
        HostKeyCheck::Off => {
            o("StrictHostKeyChecking=no".into());
            o("UserKnownHostsFile=/dev/null".into());
            o("LogLevel=ERROR".into());
        }
    }
    let mut keys = Vec::new();
    let mut agent = false;
    for auth in &options.auth {
        match auth {
            Auth::KeyFile {
                path,
                passphrase: Some(_),
            } => {
                return Err(ClientError::Key(format!(
                    "{}: the OpenSSH transport cannot unlock an encrypted key; load it into ssh-agent",
                    path.display()
                )));
            }
            Auth::KeyFile { path, .. } => keys.push(path.display().to_string()),
            Auth::Agent | Auth::AgentSocket(_) => agent = true,
            Auth::Password(_) => {}
        }
    }
    // Only the keys given, unless the agent's are wanted too; given
    // neither, ssh logs in as its own configuration says.
    if !keys.is_empty() && !agent {
        o("IdentitiesOnly=yes".into());
    }
    if !options.ciphers.is_empty() {
        a.push("-c".into());
        a.push(options.ciphers.join(","));
    }
    for k in keys {
        a.push("-i".into());
        a.push(k);
    }
    Ok(a)
}

/// The error ssh's standard error describes.
fn openssh_error(options: &ConnectOptions, stderr: &str) -> ClientError {
    let said = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if said.contains("Permission denied") {
        return ClientError::Auth {
            user: options.user.clone(),
            tried: format!("the ssh program's methods: {said}"),
        };
    }
    if said.contains("subsystem request failed") {
        return ClientError::SubsystemRefused;
    }
    if said.contains("Connection refused")
        || said.contains("Could not resolve")
        || said.contains("timed out")
    {
        return ClientError::Connect {
            addr: format!("{}:{}", options.host, options.port),
            source: std::io::Error::other(said),
        };
    }
    if said.is_empty() {
        return ClientError::Transport("the ssh program ended the session before its hello".into());
    }
    ClientError::Transport(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssh_arguments_follow_the_options() {
        let mut o = ConnectOptions::new("r1", 830, "admin").key_file("/k", None);
        o.host_key_check = HostKeyCheck::Strict(PathBuf::from("/kh"));
        o.ciphers = vec!["aes128-ctr".into()];
        let a = openssh_args(&o).unwrap_or_default().join(" ");
        assert!(a.starts_with("-s -p 830 -l admin -o BatchMode=yes"), "{a}");
        assert!(a.contains("-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/kh"));
        assert!(
            a.contains("-o IdentitiesOnly=yes -c aes128-ctr -i /k"),
            "{a}"
        );
        let o = ConnectOptions::new("r1", 830, "admin").password("x");
        let a = openssh_args(&o).unwrap_or_default().join(" ");
        assert!(!a.contains("IdentitiesOnly") && !a.contains("-i "), "{a}");
        let o = ConnectOptions::new("r1", 830, "admin")
            .key_file("/k", None)
            .agent();
        let a = openssh_args(&o).unwrap_or_default().join(" ");
        assert!(!a.contains("IdentitiesOnly") && a.contains("-i /k"), "{a}");
        let o = ConnectOptions::new("r1", 830, "admin").key_file("/k", Some("p".into()));
        assert!(matches!(openssh_args(&o), Err(ClientError::Key(m)) if m.contains("ssh-agent")));
    }

    #[test]
    fn openssh_errors_are_read_from_its_words() {
        let o = ConnectOptions::new("r1", 830, "admin");
        assert!(matches!(
            openssh_error(&o, "admin@r1: Permission denied (publickey).\n"),
            ClientError::Auth { .. }
        ));
        assert!(matches!(
            openssh_error(&o, "ssh: connect to host r1 port 830: Connection refused\n"),
            ClientError::Connect { .. }
        ));
        assert!(matches!(
            openssh_error(&o, "subsystem request failed on channel 0\n"),
            ClientError::SubsystemRefused
        ));
        assert!(matches!(
            openssh_error(&o, "Host key verification failed.\n"),
            ClientError::Transport(m) if m == "Host key verification failed."
        ));
    }
}
