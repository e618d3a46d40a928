//! The datagrams of `logging host`: UDP, from a non-blocking socket, so
//! that a host that is unreachable or slow never holds the device up (a
//! datagram the socket cannot take at once is dropped and counted).

use std::net::{SocketAddr, UdpSocket};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Sends syslog datagrams; one socket per address family of destination
/// (a loopback destination is sent from a loopback address).
#[derive(Debug, Default)]
pub(crate) struct Sender {
    loopback: Mutex<Option<UdpSocket>>,
    any: Mutex<Option<UdpSocket>>,
    /// Datagrams the socket refused (full, unreachable).
    pub(crate) dropped: AtomicU64,
}

impl Sender {
    fn socket(slot: &Mutex<Option<UdpSocket>>, bind: &str) -> Option<UdpSocket> {
        let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
        if s.is_none() {
            let sock = UdpSocket::bind(bind).ok()?;
            sock.set_nonblocking(true).ok()?;
            *s = Some(sock);
        }
        s.as_ref().and_then(|s| s.try_clone().ok())
    }

    /// Sends one datagram, never waiting.
    pub(crate) fn send(&self, to: SocketAddr, datagram: &[u8]) {
        let socket = match (to.ip().is_loopback(), to.is_ipv4()) {
            (true, true) => Self::socket(&self.loopback, "127.0.0.1:0"),
            (_, true) => Self::socket(&self.any, "0.0.0.0:0"),
            (_, false) => Self::socket(&self.any, "[::]:0"),
        };
        let sent = socket.is_some_and(|s| s.send_to(datagram, to).is_ok());
        if !sent {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%to, "syslog datagram dropped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn datagrams_arrive_and_unreachable_hosts_cost_nothing() {
        let Ok(rx) = UdpSocket::bind("127.0.0.1:0") else {
            return;
        };
        let _ = rx.set_read_timeout(Some(Duration::from_secs(5)));
        let Ok(to) = rx.local_addr() else { return };
        let sender = Sender::default();
        sender.send(to, b"<189>1: *Nov 30 16:10:04.123: %SYS-5-CONFIG_I: x");
        let mut buf = [0u8; 256];
        let n = rx.recv(&mut buf).unwrap_or(0);
        assert_eq!(
            &buf[..n],
            b"<189>1: *Nov 30 16:10:04.123: %SYS-5-CONFIG_I: x"
        );
        // Nothing listens there: sending returns at once, every time.
        let nobody: SocketAddr = "127.0.0.1:9".parse().unwrap_or(to);
        let t = std::time::Instant::now();
        for _ in 0..1000 {
            sender.send(nobody, b"x");
        }
        assert!(t.elapsed() < Duration::from_secs(2));
    }
}
