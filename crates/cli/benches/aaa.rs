//! Logins through AAA, timed to the end of SSH authentication, over
//! loopback against FreeRADIUS (`scripts/freeradius`):
//! 1. a RADIUS login against local ones on an otherwise identical device
//!    (same run, alternately, five rounds of 40; medians): a user with a
//!    `secret` (type 9, scrypt: what IOS stores) and one with a
//!    `password` (no hashing: the login's cost without the hash);
//! 2. 100 logins at once whose method list's first server never answers
//!    (timeout 1 s, one retransmission) and whose second does: each one's
//!    time, against 100 at once with no silent server.
//!
//! `cargo bench -p ironconf --bench aaa` (needs the Debian package
//! `freeradius`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

include!("support/proc.rs");

struct Radius {
    dir: tempfile::TempDir,
    auth: u16,
    secret: String,
}

impl Drop for Radius {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/freeradius")
}

fn radius() -> Option<Radius> {
    let dir = tempfile::tempdir().ok()?;
    let ok = Command::new(script())
        .arg("start")
        .arg(dir.path())
        .status()
        .ok()?
        .success();
    if !ok {
        return None;
    }
    let env = std::fs::read_to_string(dir.path().join("env")).ok()?;
    let get = |k: &str| {
        env.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::to_owned)
    };
    Some(Radius {
        auth: get("RADIUS_AUTH_PORT")?.parse().ok()?,
        secret: get("RADIUS_SECRET")?,
        dir,
    })
}

/// Starts the device with `startup`; its port.
fn device(startup: &str, dir: &Path) -> Option<(Proc, u16)> {
    let state = dir.join("state");
    std::fs::create_dir_all(&state).ok()?;
    std::fs::write(state.join("startup-config"), startup).ok()?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let proc = Proc(child);
    use std::io::BufRead;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.ok()?;
        if let Some(addr) = line.strip_prefix("listening on ") {
            let port = addr.rsplit(':').next()?.parse().ok()?;
            return Some((proc, port));
        }
    }
    None
}

struct AcceptAny;

impl russh::client::Handler for AcceptAny {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Connects and authenticates with a password: the time from connecting
/// to the end of authentication, or `None` if refused.
async fn login(port: u16, user: &str, password: &str) -> Option<Duration> {
    let config = Arc::new(russh::client::Config {
        nodelay: true,
        ..Default::default()
    });
    let t = Instant::now();
    let mut handle = russh::client::connect(config, ("127.0.0.1", port), AcceptAny)
        .await
        .ok()?;
    let ok = handle
        .authenticate_password(user, password)
        .await
        .ok()?
        .success();
    let took = t.elapsed();
    let _ = handle
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
    ok.then_some(took)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    if !Path::new("/usr/sbin/freeradius").exists() {
        eprintln!("freeradius is not installed (scripts/baseline install)");
        return;
    }
    let Some(r) = radius() else {
        eprintln!("FreeRADIUS did not start");
        return;
    };
    let silent = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let base = "hostname bench\nusername admin privilege 15 secret 0 admin-pw\nusername plain privilege 15 password 0 plain-pw\nline vty 0 199\n transport input ssh\n";
    let aaa = |group: &str| {
        format!(
            "{base}aaa new-model\n\
aaa group server radius ALIVE\n server name RAD1\n\
aaa group server radius DEAD-FIRST\n server name SILENT\n server name RAD1\n\
aaa authentication login default group {group}\n\
aaa authorization exec default group {group}\n\
radius server SILENT\n address ipv4 127.0.0.1 auth-port {silent} acct-port {silent}\n timeout 1\n retransmit 1\n key {secret}\n\
radius server RAD1\n address ipv4 127.0.0.1 auth-port {auth} acct-port {auth}\n timeout 1\n retransmit 1\n key {secret}\n",
            auth = r.auth,
            secret = r.secret
        )
    };
    let Ok(dirs) = (0..3)
        .map(|_| tempfile::tempdir())
        .collect::<Result<Vec<_>, _>>()
    else {
        return;
    };
    let (Some((_a, local)), Some((_b, alive)), Some((_c, dead))) = (
        device(
            &format!("{base}line vty 0 199\n login local\n"),
            dirs[0].path(),
        ),
        device(&aaa("ALIVE"), dirs[1].path()),
        device(&aaa("DEAD-FIRST"), dirs[2].path()),
    ) else {
        eprintln!("a device did not start");
        return;
    };
    let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        // Warm up both.
        for _ in 0..5 {
            let _ = login(local, "admin", "admin-pw").await;
            let _ = login(local, "plain", "plain-pw").await;
            let _ = login(alive, "netops", "netops-pw").await;
        }
        let (mut hashed, mut plain, mut radii) = (Vec::new(), Vec::new(), Vec::new());
        for round in 1..=5 {
            let (mut h, mut p, mut r) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..40 {
                if let Some(t) = login(local, "admin", "admin-pw").await {
                    h.push(t.as_secs_f64() * 1e3);
                }
                if let Some(t) = login(local, "plain", "plain-pw").await {
                    p.push(t.as_secs_f64() * 1e3);
                }
                if let Some(t) = login(alive, "netops", "netops-pw").await {
                    r.push(t.as_secs_f64() * 1e3);
                }
            }
            let (mh, mp, mr) = (median(h), median(p), median(r));
            println!(
                "round {round}: p50 local secret (type 9) {mh:.2} ms, local password {mp:.2} ms, RADIUS {mr:.2} ms"
            );
            hashed.push(mh);
            plain.push(mp);
            radii.push(mr);
        }
        let (mh, mp, mr) = (median(hashed), median(plain), median(radii));
        println!(
            "login, median of the rounds: local secret {mh:.2} ms, local password {mp:.2} ms, RADIUS {mr:.2} ms: RADIUS adds {:+.2} ms to the first, {:+.2} ms to the second (target: at most 2 ms)",
            mr - mh,
            mr - mp
        );
        for (name, port) in [("no silent server", alive), ("first server silent", dead)] {
            let t0 = Instant::now();
            let tasks: Vec<_> = (0..100)
                .map(|_| tokio::spawn(async move { login(port, "netops", "netops-pw").await }))
                .collect();
            let mut times = Vec::new();
            let mut refused = 0;
            for t in tasks {
                match t.await.ok().flatten() {
                    Some(d) => times.push(d.as_secs_f64() * 1e3),
                    None => refused += 1,
                }
            }
            let all = t0.elapsed().as_secs_f64() * 1e3;
            times.sort_by(f64::total_cmp);
            println!(
                "100 logins at once, {name}: {} in, {refused} refused; each {:.0}–{:.0} ms (p50 {:.0} ms); all done in {all:.0} ms",
                times.len(),
                times.first().copied().unwrap_or(f64::NAN),
                times.last().copied().unwrap_or(f64::NAN),
                median(times.clone()),
            );
        }
        println!("bound for the silent first server: timeout 1 s × 2 sends + 100 ms = 2100 ms");
    });
}
