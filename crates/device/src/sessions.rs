//! A terminal's outgoing connections, sans I/O: `ssh` from the EXEC shell.
//! The shell parses the command ([`parse_ssh`]), keeps its connections
//! (`show sessions`, `resume`, `disconnect`, the escape sequence), and
//! hands what the network must do to the driver the server installs
//! ([`SessionRequest`]); the driver reports back ([`SessionEvent`]). Host
//! keys are checked by the device ([`crate::Device::check_server_key`]).

/// Ciphers `-c` offers, by IOS's name, with their SSH names.
pub const CIPHERS: &[(&str, &str)] = &[
    ("3des", "3des-cbc"),
    ("aes128-cbc", "aes128-cbc"),
    ("aes192-cbc", "aes192-cbc"),
    ("aes256-cbc", "aes256-cbc"),
    ("aes128-ctr", "aes128-ctr"),
    ("aes192-ctr", "aes192-ctr"),
    ("aes256-ctr", "aes256-ctr"),
    ("aes128-gcm", "aes128-gcm@openssh.com"),
    ("aes256-gcm", "aes256-gcm@openssh.com"),
];

/// MACs `-m` offers. The SSH library the device is built on has no MD5 MAC
/// and no truncated (`-96`) MAC and no way to add one from outside it, so
/// the device's client carries connections that ask for those through the
/// OpenSSH client program ([`OPENSSH_MACS`]); the terminal sees the same
/// prompts and messages either way.
pub const MACS: &[&str] = &[
    "hmac-md5",
    "hmac-md5-96",
    "hmac-sha1",
    "hmac-sha1-96",
    "hmac-sha2-256",
    "hmac-sha2-512",
];

/// The MACs carried by the OpenSSH client program (see [`MACS`]).
pub const OPENSSH_MACS: &[&str] = &["hmac-md5", "hmac-md5-96", "hmac-sha1-96"];

/// Password prompts when `-o numberofpasswordprompts` is not given.
pub const DEFAULT_PASSWORD_PROMPTS: u8 = 3;

/// Output kept for a suspended connection until it is resumed; the driver
/// stops reading a suspended connection, so only what was on its way
/// lands here.
pub const SUSPENDED_OUTPUT: usize = 64 * 1024;

/// Connections one terminal may hold open (IOS numbers them 1–20).
pub const MAX_CONNECTIONS: usize = 20;

/// What `ssh` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    /// Host name or address, as given.
    pub host: String,
    /// `-p` (22).
    pub port: u16,
    /// `-l` or `user@` (the terminal's user otherwise).
    pub user: String,
    /// A command to run instead of a shell.
    pub command: Option<String>,
    /// `-c`: the one cipher offered (SSH name); `None`: the defaults.
    pub cipher: Option<&'static str>,
    /// `-m`: the one MAC offered; `None`: the defaults.
    pub mac: Option<&'static str>,
    /// `-o numberofpasswordprompts`.
    pub password_prompts: u8,
    /// `-vrf`, accepted and not used (one routing table here).
    pub vrf: Option<String>,
}

/// An `ssh` command refused: IOS's message, and the column of the word it
/// is about (for the caret) when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SshArgError {
    /// Byte offset of the word in the arguments.
    pub column: Option<usize>,
    /// The message (`% …`).
    pub message: String,
}

/// Reads `ssh`'s arguments (what follows the keyword): options in any
/// order, then the host (`user@host` allowed), then an optional command.
pub fn parse_ssh(args: &str, default_user: &str) -> Result<SshTarget, SshArgError> {
    let words = ironconf_ios::parse::tokenize(args);
    let invalid = |at: usize| SshArgError {
        column: Some(at),
        message: "% Invalid input detected at '^' marker.".into(),
    };
    let mut t = SshTarget {
        host: String::new(),
        port: 22,
        user: default_user.to_owned(),
        command: None,
        cipher: None,
        mac: None,
        password_prompts: DEFAULT_PASSWORD_PROMPTS,
        vrf: None,
    };
    let mut user_given = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if !w.text.starts_with('-') {
            break;
        }
        let value = words.get(i + 1).copied();
        let need = || {
            value.ok_or(SshArgError {
                column: None,
                message: "% Incomplete command.".into(),
            })
        };
        match w.text {
            "-v" => {
                let v = need()?;
                match v.text {
                    "2" => {}
                    "1" => {
                        return Err(SshArgError {
                            column: Some(v.start),
                            message: "% SSH version 1 is not supported by this device's SSH client; use -v 2".into(),
                        });
                    }
                    _ => return Err(invalid(v.start)),
                }
            }
            "-c" => {
                let v = need()?;
                t.cipher = Some(
                    CIPHERS
                        .iter()
                        .find(|(ios, _)| *ios == v.text)
                        .map(|(_, ssh)| *ssh)
                        .ok_or_else(|| invalid(v.start))?,
                );
            }
            "-m" => {
                let v = need()?;
                match MACS.iter().find(|name| **name == v.text) {
                    Some(name) => t.mac = Some(name),
                    None => return Err(invalid(v.start)),
                }
            }
            "-l" => {
                t.user = need()?.text.to_owned();
                user_given = true;
            }
            "-p" => {
                let v = need()?;
                t.port = v
                    .text
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| invalid(v.start))?;
            }
            "-o" => {
                let v = need()?;
                if !"numberofpasswordprompts".starts_with(&v.text.to_ascii_lowercase())
                    || v.text.len() < 2
                {
                    return Err(invalid(v.start));
                }
                let n = words.get(i + 2).copied().ok_or(SshArgError {
                    column: None,
                    message: "% Incomplete command.".into(),
                })?;
                t.password_prompts = n
                    .text
                    .parse::<u8>()
                    .ok()
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| invalid(n.start))?;
                i += 1;
            }
            "-vrf" => t.vrf = Some(need()?.text.to_owned()),
            _ => return Err(invalid(w.start)),
        }
        i += 2;
    }
    let Some(host) = words.get(i) else {
        return Err(SshArgError {
            column: None,
            message: "% Incomplete command.".into(),
        });
    };
    let (user, host_text) = match host.text.rsplit_once('@') {
        Some((u, h)) if !u.is_empty() && !h.is_empty() => (Some(u), h),
        Some(_) => return Err(invalid(host.start)),
        None => (None, host.text),
    };
    if let Some(u) = user {
        if user_given && u != t.user {
            return Err(invalid(host.start));
        }
        t.user = u.to_owned();
    }
    if host_text.len() > 253
        || !host_text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
    {
        return Err(invalid(host.start));
    }
    t.host = host_text.to_owned();
    if let Some(cmd) = words.get(i + 1) {
        t.command = Some(args[cmd.start..].trim_end().to_owned());
    }
    Ok(t)
}

/// What the shell asks the driver of its connections to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRequest {
    /// Connect, check the host key, then ask for a password
    /// ([`SessionEvent::Password`]).
    Open {
        /// The connection's id.
        id: u32,
        /// Where and how.
        target: SshTarget,
        /// The terminal's width and height, for the remote pty.
        cols: u32,
        /// Rows.
        rows: u32,
    },
    /// The password typed for the last [`SessionEvent::Password`].
    Password {
        /// The connection.
        id: u32,
        /// What was typed.
        password: String,
    },
    /// Keys for the remote.
    Data {
        /// The connection.
        id: u32,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The terminal's size changed.
    WindowSize {
        /// The connection.
        id: u32,
        /// Columns.
        cols: u32,
        /// Rows.
        rows: u32,
    },
    /// Suspended: stop reading the remote until [`SessionRequest::Resume`].
    Pause {
        /// The connection.
        id: u32,
    },
    /// Resumed.
    Resume {
        /// The connection.
        id: u32,
    },
    /// `disconnect`, or the terminal ends: close it.
    Close {
        /// The connection.
        id: u32,
    },
}

/// What the driver reports about a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// The remote asks for the password (again after a wrong one).
    Password {
        /// The connection.
        id: u32,
    },
    /// Logged in; the shell or command runs.
    Connected {
        /// The connection.
        id: u32,
    },
    /// Output of the remote.
    Output {
        /// The connection.
        id: u32,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The connection is over: `message` when it failed (IOS's words:
    /// `% Connection refused by remote host`), `None` when the remote
    /// ended it.
    Ended {
        /// The connection.
        id: u32,
        /// Why it failed.
        message: Option<String>,
    },
}

/// IOS's words for a failure to reach `host`.
pub fn connect_error(kind: std::io::ErrorKind) -> String {
    match kind {
        std::io::ErrorKind::ConnectionRefused => "% Connection refused by remote host".into(),
        std::io::ErrorKind::TimedOut => "% Connection timed out; remote host not responding".into(),
        std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable => {
            "% Destination unreachable; gateway or host down".into()
        }
        _ => "% Connection refused by remote host".into(),
    }
}

impl crate::Device {
    /// Whether the device's SSH client may go on with `host`'s key
    /// (`algorithm` and base64 blob as the server sent them): any key when
    /// `ip ssh stricthostkeycheck` is off, else only one under `ip ssh
    /// pubkey-chain` / `server HOST` (`key-string` or `key-hash`, the MD5
    /// of the blob as IOS shows it). `Err` holds IOS's message.
    pub fn check_server_key(
        &self,
        host: &str,
        algorithm: &str,
        blob_b64: &str,
    ) -> Result<(), String> {
        let settings = self.settings();
        let known = settings.server_keys.get(host);
        let matches = |k: &ironconf_ios::settings::UserKeys| {
            let blob = blob_b64.trim();
            let md5 = base64_md5(blob);
            k.key_strings
                .iter()
                .any(|s| s.split_whitespace().any(|w| w == blob))
                || k.key_hashes.iter().any(|(kind, hash)| {
                    (kind == algorithm || algorithm.is_empty())
                        && md5.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(hash))
                })
        };
        match known {
            Some(k) if matches(k) => Ok(()),
            Some(k) if !k.key_strings.is_empty() || !k.key_hashes.is_empty() => Err(format!(
                "% SSH: the host key of {host} does not match the one under ip ssh pubkey-chain (server {host}); connection refused"
            )),
            _ if settings.ssh.strict_host_key => Err(format!(
                "% SSH: no host key for {host} under ip ssh pubkey-chain, and ip ssh stricthostkeycheck is on; connection refused"
            )),
            _ => Ok(()),
        }
    }

    /// `ip tcp synwait-time`: how long an outgoing connection waits.
    pub fn synwait(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.settings().ssh.synwait))
    }
}

/// The MD5 of a base64 key blob, upper-case hex as `key-hash` holds it.
fn base64_md5(blob: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    Some(format!("{:X}", md5::compute(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_examples_parse() {
        let t = parse_ssh(
            "-v 2 -c aes256-cbc -m hmac-sha1 -l user2 10.76.82.24",
            "admin",
        );
        assert_eq!(
            t.as_ref()
                .map(|t| (t.host.as_str(), t.user.as_str(), t.cipher, t.mac)),
            Ok((
                "10.76.82.24",
                "user2",
                Some("aes256-cbc"),
                Some("hmac-sha1")
            ))
        );
        let t = parse_ssh("-v 2 -c aes256-cbc -m hmac-sha1 user2@10.76.82.24", "admin");
        assert_eq!(t.map(|t| t.user), Ok("user2".to_owned()));
        let t = parse_ssh(
            "-p 2222 -o numberofpasswordprompts 1 r2 show version",
            "admin",
        );
        assert_eq!(
            t.map(|t| (t.port, t.password_prompts, t.command)),
            Ok((2222, 1, Some("show version".to_owned())))
        );
        let e = parse_ssh("-v 1 10.0.0.1", "admin").map_err(|e| e.column);
        assert_eq!(e, Err(Some(3)));
        let e = parse_ssh("-c des 10.0.0.1", "admin").map_err(|e| e.column);
        assert_eq!(e, Err(Some(3)));
        // The MACs the SSH library lacks are taken too (the OpenSSH client
        // program carries them); an unknown one is not.
        let t = parse_ssh("-m hmac-md5-96 10.0.0.1", "admin").map(|t| t.mac);
        assert_eq!(t, Ok(Some("hmac-md5-96")));
        let e = parse_ssh("-m hmac-md4 10.0.0.1", "admin").map_err(|e| e.column);
        assert_eq!(e, Err(Some(3)));
        let e = parse_ssh("-l", "admin").map_err(|e| e.message);
        assert_eq!(e, Err("% Incomplete command.".to_owned()));
        let e = parse_ssh("-x 10.0.0.1", "admin").map_err(|e| e.column);
        assert_eq!(e, Err(Some(0)));
    }
}
