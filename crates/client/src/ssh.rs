//! SSH for the client: host-key checking against OpenSSH known_hosts,
//! and the authentication methods a network engineer uses.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use russh::client::{self, AuthResult, KeyboardInteractiveAuthResponse};
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKeyOrCertificate};

use crate::error::ClientError;

/// How the server's host key is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKeyCheck {
    /// The key must already be in this known_hosts file.
    Strict(PathBuf),
    /// A host not in the file is added to it; a changed key is refused
    /// (OpenSSH's `StrictHostKeyChecking=accept-new`).
    AcceptNew(PathBuf),
    /// Any key is accepted (tests and labs only).
    Off,
}

impl HostKeyCheck {
    /// `~/.ssh/known_hosts`, or `known_hosts` here without a home.
    pub fn default_known_hosts() -> PathBuf {
        std::env::home_dir()
            .map(|h| h.join(".ssh").join("known_hosts"))
            .unwrap_or_else(|| PathBuf::from("known_hosts"))
    }
}

/// One way to log in; tried in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Password, also used to answer keyboard-interactive prompts when the
    /// server offers that instead (OpenSSH's default with PAM).
    Password(String),
    /// A private key file (OpenSSH format), with its passphrase if any.
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Passphrase for an encrypted key.
        passphrase: Option<String>,
    },
    /// Every key the ssh-agent at `SSH_AUTH_SOCK` holds.
    Agent,
    /// Every key the ssh-agent listening on this socket holds.
    AgentSocket(PathBuf),
}

impl Auth {
    fn name(&self) -> &'static str {
        match self {
            Auth::Password(_) => "password",
            Auth::KeyFile { .. } => "publickey",
            Auth::Agent | Auth::AgentSocket(_) => "agent",
        }
    }
}

pub(crate) struct Handler {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) check: HostKeyCheck,
    /// Why a key was refused, for a precise error.
    pub(crate) refusal: Arc<Mutex<Option<ClientError>>>,
}

impl Handler {
    fn refuse(&self, e: ClientError) -> bool {
        *self.refusal.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
        false
    }

    fn host_label(&self) -> String {
        if self.port == 22 {
            self.host.clone()
        } else {
            format!("[{}]:{}", self.host, self.port)
        }
    }
}

impl client::Handler for Handler {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            return Ok(self.refuse(ClientError::Key(
                "host certificates are not supported; the server must offer a plain host key"
                    .into(),
            )));
        };
        let path = match &self.check {
            HostKeyCheck::Off => return Ok(true),
            HostKeyCheck::Strict(p) | HostKeyCheck::AcceptNew(p) => p.clone(),
        };
        match russh::keys::check_known_hosts_path(&self.host, self.port, key, &path) {
            Ok(true) => Ok(true),
            Ok(false) => {
                if let HostKeyCheck::AcceptNew(_) = self.check {
                    match learn(&path, &self.host_label(), key) {
                        Ok(()) => {
                            tracing::info!(host = %self.host_label(), file = %path.display(), "host key added to known_hosts");
                            Ok(true)
                        }
                        Err(e) => Ok(self.refuse(ClientError::KnownHosts(format!(
                            "cannot record the host key in {}: {e}",
                            path.display()
                        )))),
                    }
                } else {
                    Ok(self.refuse(ClientError::UnknownHostKey {
                        host: self.host_label(),
                        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
                        known_hosts: path.display().to_string(),
                    }))
                }
            }
            Err(russh::keys::Error::KeyChanged { line }) => {
                Ok(self.refuse(ClientError::HostKeyChanged {
                    host: self.host_label(),
                    line,
                }))
            }
            Err(e) => Ok(self.refuse(ClientError::KnownHosts(format!(
                "reading {}: {e}",
                path.display()
            )))),
        }
    }
}

/// Appends `HOST KEY` to a known_hosts file as OpenSSH writes it.
fn learn(path: &std::path::Path, host: &str, key: &russh::keys::PublicKey) -> std::io::Result<()> {
    use std::io::{Read as _, Seek as _, Write as _};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let mut line = String::new();
    // A file whose last line has no newline gets one first.
    if f.seek(std::io::SeekFrom::End(-1)).is_ok() {
        let mut last = [0u8; 1];
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.push('\n');
        }
    }
    let key = key
        .to_openssh()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    line.push_str(&format!("{host} {key}\n"));
    f.write_all(line.as_bytes())?;
    f.sync_all()
}

/// Tries each method in turn until one is accepted.
pub(crate) async fn authenticate(
    handle: &mut client::Handle<Handler>,
    user: &str,
    methods: &[Auth],
) -> Result<(), ClientError> {
    let mut tried = Vec::new();
    for m in methods {
        tried.push(m.name());
        let accepted = match m {
            Auth::Password(pw) => match handle.authenticate_password(user, pw.clone()).await? {
                AuthResult::Success => true,
                AuthResult::Failure {
                    remaining_methods, ..
                } if remaining_methods.contains(&russh::MethodKind::KeyboardInteractive) => {
                    tried.push("keyboard-interactive");
                    keyboard_interactive(handle, user, pw).await?
                }
                AuthResult::Failure { .. } => false,
            },
            Auth::KeyFile { path, passphrase } => {
                let key = russh::keys::load_secret_key(path, passphrase.as_deref())
                    .map_err(|e| ClientError::Key(format!("{}: {e}", path.display())))?;
                let hash = if key.algorithm().is_rsa() {
                    handle.best_supported_rsa_hash().await?.flatten()
                } else {
                    None
                };
                let key = PrivateKeyWithHashAlg::new(Arc::new(key), hash);
                handle.authenticate_publickey(user, key).await?.success()
            }
            Auth::Agent => agent(handle, user, None).await?,
            Auth::AgentSocket(path) => agent(handle, user, Some(path)).await?,
        };
        if accepted {
            return Ok(());
        }
    }
    Err(ClientError::Auth {
        user: user.to_owned(),
        tried: tried.join(","),
    })
}

async fn keyboard_interactive(
    handle: &mut client::Handle<Handler>,
    user: &str,
    password: &str,
) -> Result<bool, ClientError> {
    let mut step = handle
        .authenticate_keyboard_interactive_start(user, None)
        .await?;
    // A server may ask several rounds (or send empty ones); bounded.
    for _ in 0..8 {
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

async fn agent(
    handle: &mut client::Handle<Handler>,
    user: &str,
    socket: Option<&PathBuf>,
) -> Result<bool, ClientError> {
    use russh::keys::agent::client::AgentClient;
    let agent = match socket {
        Some(path) => AgentClient::connect_uds(path).await,
        None => AgentClient::connect_env().await,
    };
    let mut agent = agent.map_err(|e| ClientError::Key(format!("ssh-agent: {e}")))?;
    let identities = agent
        .request_identities()
        .await
        .map_err(|e| ClientError::Key(format!("ssh-agent: {e}")))?;
    for id in identities {
        let russh::keys::agent::AgentIdentity::PublicKey { key, .. } = id else {
            continue;
        };
        let hash = if key.algorithm().is_rsa() {
            handle.best_supported_rsa_hash().await?.flatten()
        } else {
            None
        };
        let result = handle
            .authenticate_publickey_with(user, key, hash, &mut agent)
            .await
            .map_err(|e| ClientError::Key(format!("ssh-agent: {e}")))?;
        if result.success() {
            return Ok(true);
        }
    }
    Ok(false)
}
