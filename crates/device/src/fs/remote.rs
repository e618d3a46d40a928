//! Remote URLs (`tftp://`, `http://`): the device names and parses them;
//! the transfers are I/O, done by what the SSH layer installs
//! ([`Device::set_remote`]), each bounded in size and time.

use std::sync::Arc;

use crate::device::Device;

/// A parsed remote URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    /// `tftp`, `http`, …
    pub scheme: String,
    /// `user` of `user[:password]@`.
    pub user: Option<String>,
    /// `password` of `user:password@`.
    pub password: Option<String>,
    /// The host.
    pub host: String,
    /// The port, when given.
    pub port: Option<u16>,
    /// The path, without its leading `/`.
    pub path: String,
}

impl RemoteUrl {
    /// Parses `scheme://[user[:password]@]host[:port]/path`.
    pub fn parse(url: &str) -> Option<RemoteUrl> {
        let (scheme, rest) = url.split_once("://")?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((a, b)) => (Some(a.to_owned()), Some(b.to_owned())),
                None => (Some(u.to_owned()), None),
            },
            None => (None, None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() => (h.to_owned(), Some(p.parse().ok()?)),
            _ => (hostport.to_owned(), None),
        };
        if host.is_empty() || path.chars().any(char::is_control) {
            return None;
        }
        Some(RemoteUrl {
            scheme: scheme.to_ascii_lowercase(),
            user,
            password,
            host,
            port,
            path: path.to_owned(),
        })
    }
}

/// Moves files to and from remote servers. Errors are the words IOS puts
/// in parentheses (`Timed out`, `No such file or directory`, …).
pub trait Remote: Send + Sync {
    /// The file at `url`, at most `max` bytes.
    fn fetch(&self, url: &RemoteUrl, max: u64) -> Result<Vec<u8>, String>;
    /// Writes `bytes` to `url`.
    fn put(&self, url: &RemoteUrl, bytes: &[u8]) -> Result<(), String>;
    /// Runs a RADIUS exchange with the server at `address` to its end
    /// (`test aaa`, from an EXEC command's thread). Without network I/O,
    /// nothing is sent and the exchange times out.
    fn radius(
        &self,
        address: std::net::SocketAddr,
        exchange: ironconf_radius::Exchange,
    ) -> ironconf_radius::Finished {
        let _ = (address, exchange);
        ironconf_radius::Finished::TimedOut {
            sent: 0,
            discarded: 0,
        }
    }
    /// Runs a TACACS+ session with the server at `address` to its end,
    /// waiting at most `timeout` for the connection and for each reply.
    /// Without network I/O, the session errs.
    fn tacacs(
        &self,
        address: std::net::SocketAddr,
        timeout: std::time::Duration,
        session: ironconf_tacacs::ClientSession,
    ) -> ironconf_tacacs::Outcome {
        let _ = (address, timeout, session);
        ironconf_tacacs::Outcome::Error("no network".into())
    }
}

/// What moves files to and from remote URLs, kept as the device's handle.
#[derive(Clone)]
struct RemoteHandle(Arc<dyn Remote>);

impl Device {
    /// Installs what moves files to and from remote URLs.
    pub fn set_remote(&self, remote: Arc<dyn Remote>) {
        self.set_handle(Some(RemoteHandle(remote)));
    }

    /// What moves files to and from remote URLs, if installed.
    pub fn remote(&self) -> Option<Arc<dyn Remote>> {
        self.handle::<RemoteHandle>().map(|r| r.0)
    }

    /// Reads a remote URL (IOS's `%Error opening URL (REASON)` on failure).
    pub fn fetch_remote(&self, url: &str, max: u64) -> Result<Vec<u8>, String> {
        let opening = |reason: &str| format!("%Error opening {url} ({reason})");
        let parsed = RemoteUrl::parse(url).ok_or_else(|| opening("Invalid argument"))?;
        let remote = self
            .remote()
            .ok_or_else(|| opening("Operation not supported"))?;
        remote.fetch(&parsed, max).map_err(|r| opening(&r))
    }

    /// Writes a remote URL.
    pub fn put_remote(&self, url: &str, bytes: &[u8]) -> Result<(), String> {
        let opening = |reason: &str| format!("%Error opening {url} ({reason})");
        let parsed = RemoteUrl::parse(url).ok_or_else(|| opening("Invalid argument"))?;
        let remote = self
            .remote()
            .ok_or_else(|| opening("Operation not supported"))?;
        remote.put(&parsed, bytes).map_err(|r| opening(&r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed() {
        assert_eq!(
            RemoteUrl::parse("tftp://127.0.0.2:6969/cfg/r1.txt"),
            Some(RemoteUrl {
                scheme: "tftp".into(),
                user: None,
                password: None,
                host: "127.0.0.2".into(),
                port: Some(6969),
                path: "cfg/r1.txt".into(),
            })
        );
        let u = RemoteUrl::parse("scp://admin:pw@host/x");
        assert_eq!(u.as_ref().and_then(|u| u.password.as_deref()), Some("pw"));
        assert_eq!(RemoteUrl::parse("http:///x"), None);
        assert_eq!(RemoteUrl::parse("tftp://h:notaport/x"), None);
    }
}
