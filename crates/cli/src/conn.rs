//! How the client verbs reach a server: `--host --port --user`, the
//! login methods and host-key checking, and the exit codes they end with.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::output::Format;
use clap::{Args, ValueEnum};
use ironconf_client::{Client, ClientError, ConnectOptions, HostKeyCheck, Transport};

/// The environment variable a password is read from.
pub(crate) const PASSWORD_ENV: &str = "IRONCONF_PASSWORD";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyCheck {
    /// Only keys already in known_hosts.
    Strict,
    /// Record keys of new hosts; refuse changed keys.
    AcceptNew,
    /// Accept any key (labs and tests only).
    Off,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct ConnArgs {
    /// Server name or address.
    #[arg(long, short = 'H', default_value = "127.0.0.1", global = true)]
    pub(crate) host: String,
    /// Server port (ironconf serve listens on 8830 by default; devices use 22 or 830).
    #[arg(long, short = 'p', default_value_t = 8830, global = true)]
    pub(crate) port: u16,
    /// User name.
    #[arg(long, short = 'u', default_value = "admin", global = true)]
    pub(crate) user: String,
    /// Private key file (OpenSSH format).
    #[arg(long, short = 'i', global = true)]
    pub(crate) key: Option<PathBuf>,
    /// Use the keys of the ssh-agent at SSH_AUTH_SOCK.
    #[arg(long, global = true)]
    pub(crate) agent: bool,
    /// Ask for the password (the default when no other method is given and
    /// IRONCONF_PASSWORD is unset).
    #[arg(long, global = true)]
    pub(crate) ask_password: bool,
    /// known_hosts file [default: ~/.ssh/known_hosts].
    #[arg(long, global = true)]
    pub(crate) known_hosts: Option<PathBuf>,
    /// Host-key checking.
    #[arg(long, value_enum, default_value_t = KeyCheck::AcceptNew, global = true)]
    pub(crate) host_key_check: KeyCheck,
    /// SSH ciphers to offer, comma-separated, preferred first.
    #[arg(long, value_delimiter = ',')]
    pub(crate) ciphers: Vec<String>,
    /// Run the session over the OpenSSH client (`ssh -s … HOST netconf`,
    /// this program or `ssh` from PATH) instead of the built-in SSH client:
    /// ~/.ssh/config applies; logs in with --key, --agent or ssh's own
    /// configuration, never a password.
    #[arg(long, value_name = "PROGRAM", num_args = 0..=1, default_missing_value = "ssh", global = true)]
    pub(crate) openssh: Option<PathBuf>,
    /// Seconds to wait for the connection and for each reply.
    #[arg(long, default_value_t = 30, global = true)]
    pub(crate) timeout: u64,
}

impl ConnArgs {
    /// The options these arguments stand for (a password prompt may run).
    pub(crate) fn options(&self) -> Result<ConnectOptions, ClientError> {
        let mut o = ConnectOptions::new(self.host.clone(), self.port, self.user.clone());
        let known = self
            .known_hosts
            .clone()
            .unwrap_or_else(HostKeyCheck::default_known_hosts);
        o.host_key_check = match self.host_key_check {
            KeyCheck::Strict => HostKeyCheck::Strict(known),
            KeyCheck::AcceptNew => HostKeyCheck::AcceptNew(known),
            KeyCheck::Off => HostKeyCheck::Off,
        };
        o.ciphers = self.ciphers.clone();
        o.connect_timeout = Duration::from_secs(self.timeout.max(1));
        o.rpc_timeout = Duration::from_secs(self.timeout.max(1));
        if let Some(k) = &self.key {
            o = o.key_file(k.clone(), std::env::var("IRONCONF_KEY_PASSPHRASE").ok());
        }
        if self.agent {
            o = o.agent();
        }
        if let Some(program) = &self.openssh {
            o.transport = Transport::OpenSsh {
                program: program.clone(),
                args: Vec::new(),
            };
            return Ok(o);
        }
        let password = std::env::var(PASSWORD_ENV).ok();
        match password {
            Some(p) => o = o.password(p),
            None if self.ask_password || (o.auth.is_empty() && std::io::stdin().is_terminal()) => {
                let prompt = format!("{}@{}'s password: ", self.user, self.host);
                let p = rpassword::prompt_password(prompt)?;
                o = o.password(p);
            }
            None => {}
        }
        if o.auth.is_empty() && std::env::var_os("SSH_AUTH_SOCK").is_some() {
            o = o.agent();
        }
        if o.auth.is_empty() {
            return Err(ClientError::Auth {
                user: self.user.clone(),
                tried: format!(
                    "nothing: give --key, --agent, --ask-password or set {PASSWORD_ENV}"
                ),
            });
        }
        Ok(o)
    }

    pub(crate) async fn connect(&self) -> Result<Client, ClientError> {
        Client::connect(self.options()?).await
    }
}

/// Exit codes, one per kind of failure.
pub(crate) mod exit {
    /// Anything else (bad input file, local I/O).
    pub(crate) const OTHER: u8 = 1;
    /// Could not reach the server, SSH or hello failed, host key refused.
    pub(crate) const CONNECTION: u8 = 3;
    /// No login method was accepted.
    pub(crate) const AUTHENTICATION: u8 = 4;
    /// The server answered with `<rpc-error>`.
    pub(crate) const RPC_ERROR: u8 = 5;
    /// A wait ran out.
    pub(crate) const TIMEOUT: u8 = 6;
}

/// The exit code for an error.
pub(crate) fn exit_code(e: &ClientError) -> u8 {
    match e {
        ClientError::Connect { .. }
        | ClientError::Ssh(_)
        | ClientError::UnknownHostKey { .. }
        | ClientError::HostKeyChanged { .. }
        | ClientError::KnownHosts(_)
        | ClientError::SubsystemRefused
        | ClientError::Transport(_)
        | ClientError::Hello(_)
        | ClientError::Framing(_)
        | ClientError::Message(_)
        | ClientError::Closed(_) => exit::CONNECTION,
        ClientError::Auth { .. } | ClientError::Key(_) => exit::AUTHENTICATION,
        ClientError::Rpc(_) => exit::RPC_ERROR,
        ClientError::Timeout { .. } => exit::TIMEOUT,
        _ => exit::OTHER,
    }
}

/// Where to connect and how to print.
#[derive(Debug, Clone, Args)]
pub(crate) struct ClientArgs {
    #[command(flatten)]
    pub(crate) conn: ConnArgs,
    /// Output: text, xml (the reply, indented) or json.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}
