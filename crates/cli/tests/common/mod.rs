//! Shared by the integration tests: the real `ironconf` binary started
//! on an ephemeral loopback port with a startup-config of the test's own.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Device {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    /// Arguments given to `serve` besides the state directory and port.
    pub extra: Vec<String>,
}

impl Drop for Device {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on an ephemeral port with `startup` (which may use
/// `{KEY}` for the test key's base64 blob).
pub fn start(startup: &str) -> Device {
    start_with(startup, &[])
}

pub fn start_with(startup: &str, extra: &[&str]) -> Device {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let key = dir.path().join("id");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap_or_else(|e| panic!("ssh-keygen: {e}"));
    assert!(st.success());
    let pubkey = std::fs::read_to_string(key.with_extension("pub")).unwrap_or_default();
    let blob = pubkey
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).ok();
    std::fs::write(
        state.join("startup-config"),
        startup.replace("{KEY}", &blob),
    )
    .ok();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(&state)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("ironconf: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let port = listening_port(stdout);
    Device {
        child,
        port,
        dir,
        extra: extra.iter().map(|s| s.to_string()).collect(),
    }
}

/// Restarts the device on its state directory (after a kill or a change
/// to the startup-config).
pub fn restart(dev: &mut Device) {
    let _ = dev.child.kill();
    let _ = dev.child.wait();
    let state = dev.dir.path().join("state");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(&state)
        .args(&dev.extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("ironconf: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    dev.port = listening_port(stdout);
    dev.child = child;
}

/// Reads the device's stdout until it says where it listens.
pub fn listening_port(stdout: std::process::ChildStdout) -> u16 {
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("ironconf exited"));
        if let Some(addr) = line.strip_prefix("listening on ") {
            return addr
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
        }
    }
}

pub fn wait_output(mut child: Child, limit: Duration) -> (String, Option<i32>) {
    let start = Instant::now();
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let status = loop {
        if let Ok(Some(st)) = child.try_wait() {
            break st.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (reader.join().unwrap_or_default(), status)
}

/// Client options for the test key of `dev`, through `port` (the device's
/// own, or a relay's), with no host-key checking.
pub fn key_options(dev: &Device, port: u16) -> ironconf_client::ConnectOptions {
    let mut o = ironconf_client::ConnectOptions::new("127.0.0.1", port, "admin")
        .key_file(dev.dir.path().join("id"), None)
        .host_key_check(ironconf_client::HostKeyCheck::Off);
    o.connect_timeout = Duration::from_secs(30);
    o.rpc_timeout = Duration::from_secs(120);
    o
}

/// A two-thread runtime, as the 2-core test machine has.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

/// A process's resident memory in kB (0 if it is gone).
pub fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// OpenSSH to `dev` as `user` with the test key and no host-key checks;
/// `options` come first (`-s`, `-tt`, `-o …`), the command after.
pub fn ssh_command(dev: &Device, user: &str, options: &[&str]) -> Command {
    ssh_to(
        &dev.dir.path().join("id"),
        user,
        "127.0.0.1",
        dev.port,
        options,
    )
}

/// OpenSSH to `user@address:port` with `key` and no host-key checks;
/// `options` come first, the command after.
#[allow(dead_code)]
pub fn ssh_to(
    key: &std::path::Path,
    user: &str,
    address: &str,
    port: u16,
    options: &[&str],
) -> Command {
    let mut cmd = Command::new("ssh");
    cmd.args(["-p", &port.to_string(), "-i"])
        .arg(key)
        .args(options)
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            &format!("{user}@{address}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

/// FreeRADIUS on loopback (`scripts/freeradius`), stopped when dropped.
pub struct FreeRadius {
    pub dir: tempfile::TempDir,
    pub auth_port: u16,
    pub acct_port: u16,
    pub secret: String,
    pub detail: std::path::PathBuf,
}

impl Drop for FreeRadius {
    fn drop(&mut self) {
        let _ = Command::new(freeradius_script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn freeradius_script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/freeradius")
}

/// Starts FreeRADIUS, or `None` (a skip) when it is not installed and
/// IRONCONF_REQUIRE_BASELINES is unset.
pub fn freeradius() -> Option<FreeRadius> {
    if !std::path::Path::new("/usr/sbin/freeradius").exists() {
        assert!(
            std::env::var_os("IRONCONF_REQUIRE_BASELINES").is_none(),
            "freeradius is not installed (scripts/baseline install)"
        );
        eprintln!("skipped: freeradius is not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ok = Command::new(freeradius_script())
        .arg("start")
        .arg(dir.path())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "scripts/freeradius start failed");
    let env: std::collections::HashMap<String, String> =
        std::fs::read_to_string(dir.path().join("env"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    let port = |k: &str| env.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
    Some(FreeRadius {
        auth_port: port("RADIUS_AUTH_PORT"),
        acct_port: port("RADIUS_ACCT_PORT"),
        secret: env.get("RADIUS_SECRET").cloned().unwrap_or_default(),
        detail: env.get("RADIUS_DETAIL").map(Into::into).unwrap_or_default(),
        dir,
    })
}

/// A UDP port on loopback where nothing answers (bound, then released).
pub fn silent_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or(9)
}

/// Client options for a password login as `user`.
pub fn password_options(port: u16, user: &str, password: &str) -> ironconf_client::ConnectOptions {
    let mut o = ironconf_client::ConnectOptions::new("127.0.0.1", port, user)
        .password(password)
        .host_key_check(ironconf_client::HostKeyCheck::Off);
    o.connect_timeout = Duration::from_secs(30);
    o.rpc_timeout = Duration::from_secs(60);
    o
}

/// A TACACS+ server on loopback (the crate's server side, on threads):
/// its port and the records it writes (authorization decisions,
/// accounting). `users`: `NAME PASSWORD LEVEL [deny:PREFIX]…` a line.
pub fn tacacs_server(
    key: &str,
    users: &str,
) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let (port, records, _) = tacacs_server_counted(key, users);
    (port, records)
}

/// [`tacacs_server`], with the count of connections it accepted.
pub fn tacacs_server_counted(
    key: &str,
    users: &str,
) -> (
    u16,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::io::Write as _;
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let records = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let users = ironconf_tacacs::server::Users::parse(users);
    let key = key.as_bytes().to_vec();
    let out = records.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut conn = ironconf_tacacs::server::ServerConnection::new(&key, users.clone());
            let records = out.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                loop {
                    let mut bytes = vec![0u8; ironconf_tacacs::HEADER_LEN];
                    if stream.read_exact(&mut bytes).is_err() {
                        return;
                    }
                    let Ok(h) = ironconf_tacacs::Header::decode(&bytes) else {
                        return;
                    };
                    bytes.resize(ironconf_tacacs::HEADER_LEN + h.body_len(), 0);
                    if stream
                        .read_exact(&mut bytes[ironconf_tacacs::HEADER_LEN..])
                        .is_err()
                    {
                        return;
                    }
                    let Some(r) = conn.handle(&bytes) else {
                        return;
                    };
                    if let Some(line) = r.record {
                        records.lock().unwrap_or_else(|p| p.into_inner()).push(line);
                    }
                    if stream.write_all(&r.bytes).is_err() || (r.session_done && !r.keep_connection)
                    {
                        return;
                    }
                }
            });
        }
    });
    (port, records, accepted)
}

/// A TCP port on loopback where nothing listens.
/// The first of `n` consecutive ports free on 127.0.0.1 now, below the
/// ephemeral range (32768 and up on Linux), so that the connections other
/// tests open meanwhile do not take one of them before the server binds
/// it. Each call in a process starts past the previous one's ports.
#[allow(dead_code)]
pub fn free_port_run(n: u16) -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let _ = NEXT.compare_exchange(
        0,
        20_000 + (std::process::id() % 1_000) as u16 * 10,
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    loop {
        let base = NEXT.fetch_add(n, Ordering::Relaxed);
        if base > 32_000 {
            NEXT.store(20_000, Ordering::Relaxed);
            continue;
        }
        let held: Vec<_> = (base..base + n)
            .map_while(|p| std::net::TcpListener::bind(("127.0.0.1", p)).ok())
            .collect();
        if held.len() == usize::from(n) {
            return base;
        }
    }
}

pub fn closed_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or(9)
}
