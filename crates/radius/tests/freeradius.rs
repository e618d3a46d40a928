//! The client side against a real RADIUS server: FreeRADIUS on loopback
//! (`scripts/freeradius`), its users and replies as configured there.
//!
//! Needs the Debian package `freeradius` (`scripts/test` installs it and
//! sets IRONCONF_REQUIRE_BASELINES=1, which turns its absence into a
//! failure instead of a skip).

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ironconf_radius::{
    AccessRequest, AccountingRequest, AcctStatus, Code, Encoded, Exchange, Finished, attribute,
};

struct Server {
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/freeradius")
}

fn start() -> Option<Server> {
    if !Path::new("/usr/sbin/freeradius").exists() {
        assert!(
            std::env::var_os("IRONCONF_REQUIRE_BASELINES").is_none(),
            "freeradius is not installed (scripts/baseline install)"
        );
        eprintln!("skipped: freeradius is not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new(script())
        .arg("start")
        .arg(dir.path())
        .status()
        .unwrap()
        .success();
    assert!(ok, "scripts/freeradius start failed");
    let env = std::fs::read_to_string(dir.path().join("env"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some(Server { dir, env })
}

impl Server {
    fn port(&self, name: &str) -> u16 {
        self.env[name].parse().unwrap()
    }
    fn secret(&self) -> &[u8] {
        self.env["RADIUS_SECRET"].as_bytes()
    }
}

/// Runs one exchange over a UDP socket, as the device's glue does.
fn exchange(
    port: u16,
    request: Encoded,
    secret: &[u8],
    timeout: Duration,
    retransmit: u32,
) -> (Finished, Vec<String>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(("127.0.0.1", port)).unwrap();
    let mut ex = Exchange::new(request, secret, timeout, retransmit);
    let mut errors = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let now = Instant::now();
        if let Some(bytes) = ex.poll_transmit(now) {
            socket.send(bytes).unwrap();
        }
        if let Some(done) = ex.finished() {
            return (done.clone(), errors);
        }
        let deadline = ex.poll_timeout().unwrap();
        let wait = deadline.saturating_duration_since(Instant::now());
        socket
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .unwrap();
        match socket.recv(&mut buf) {
            Ok(n) => {
                if let Err(e) = ex.handle_datagram(&buf[..n]) {
                    errors.push(e.to_string());
                }
            }
            Err(_) => ex.handle_timeout(Instant::now()),
        }
    }
}

fn login(
    server: &Server,
    user: &str,
    password: &str,
    secret: &[u8],
    id: u8,
) -> (Finished, Vec<String>) {
    let request = AccessRequest::new(user, password.as_bytes())
        .nas_identifier("R1")
        .vty(2)
        .calling_station("192.0.2.7")
        .encode(id, [id.wrapping_mul(7); 16], secret)
        .unwrap();
    exchange(
        server.port("RADIUS_AUTH_PORT"),
        request,
        secret,
        Duration::from_millis(500),
        1,
    )
}

#[test]
fn logins_and_accounting_against_freeradius() {
    let Some(server) = start() else { return };
    let secret = server.secret().to_vec();
    // Accepted, with the privilege FreeRADIUS's users file gives.
    let (Finished::Reply(r), errors) = login(&server, "netops", "netops-pw", &secret, 1) else {
        panic!("no reply")
    };
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(r.code, Code::AccessAccept);
    assert_eq!(r.cisco_avpairs(), vec!["shell:priv-lvl=15".to_owned()]);
    assert_eq!(r.service_type(), Some(attribute::SERVICE_ADMINISTRATIVE));
    let (Finished::Reply(r), _) = login(&server, "helpdesk", "helpdesk-pw", &secret, 2) else {
        panic!("no reply")
    };
    assert_eq!(r.code, Code::AccessAccept);
    assert_eq!(r.cisco_avpairs(), vec!["shell:priv-lvl=7".to_owned()]);
    assert_eq!(r.service_type(), None);
    // A password longer than one block, wrong: rejected.
    let (Finished::Reply(r), _) = login(&server, "netops", "not-the-password-at-all-x", &secret, 3)
    else {
        panic!("no reply")
    };
    assert_eq!(r.code, Code::AccessReject);
    let (Finished::Reply(r), _) = login(&server, "nobody", "x", &secret, 4) else {
        panic!("no reply")
    };
    assert_eq!(r.code, Code::AccessReject);
    // Another shared secret: the server drops the request (its
    // Message-Authenticator does not verify), or its reply fails ours;
    // either way no answer is believed and the exchange times out after
    // the retransmission.
    let t = Instant::now();
    let (done, errors) = login(&server, "netops", "netops-pw", b"wrong-secret", 5);
    let Finished::TimedOut { sent, discarded } = done else {
        panic!("{done:?}")
    };
    assert_eq!(sent, 2);
    assert_eq!(discarded as usize, errors.len());
    assert!(
        t.elapsed() >= Duration::from_millis(1000),
        "{:?}",
        t.elapsed()
    );
    // Accounting: a start and a stop, each acknowledged, in the server's
    // detail file.
    for (id, status) in [(10, AcctStatus::Start), (11, AcctStatus::Stop)] {
        let mut request = AccountingRequest::new(status, "0000002A", "netops")
            .integer(attribute::ACCT_AUTHENTIC, 1)
            .avpair("task_id=42");
        if status == AcctStatus::Stop {
            request = request.integer(attribute::ACCT_SESSION_TIME, 17);
        }
        let request = request.encode(id, &secret).unwrap();
        let (Finished::Reply(r), errors) = exchange(
            server.port("RADIUS_ACCT_PORT"),
            request,
            &secret,
            Duration::from_millis(500),
            1,
        ) else {
            panic!("no accounting response")
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.code, Code::AccountingResponse);
    }
    let detail = std::fs::read_to_string(&server.env["RADIUS_DETAIL"]).unwrap();
    assert_eq!(
        detail.matches("Acct-Session-Id = \"0000002A\"").count(),
        2,
        "{detail}"
    );
    assert!(detail.contains("Acct-Status-Type = Start"), "{detail}");
    assert!(detail.contains("Acct-Status-Type = Stop"), "{detail}");
    assert!(detail.contains("Acct-Session-Time = 17"), "{detail}");
    assert!(detail.contains("Cisco-AVPair = \"task_id=42\""), "{detail}");
    assert!(detail.contains("User-Name = \"netops\""), "{detail}");
    let _ = &server.dir;
}
