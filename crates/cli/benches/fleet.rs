//! A fleet at scale (`ironconf fleet`, the bench build): how long DEVICES
//! devices take to listen, the memory a device never reached costs (against
//! a one-device fleet in the same run), the memory a device with one idle
//! NETCONF session costs (SESSIONS of them open across random devices), and
//! connect → hello to another random device while they are open (the
//! project's client, key login; the device made on that first connection).
//!
//! `cargo bench -p ironconf --bench fleet [-- DEVICES SESSIONS]`
//! (defaults 100000 and 1000).

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

include!("support/proc.rs");

include!("../../ios/benches/support/rss.rs");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// Starts a fleet of `count` devices; the process, its start time and
/// port.
fn fleet(dir: &Path, count: u32, blob: &str) -> Option<(Proc, Duration, u16)> {
    let port = free_port();
    let inv = dir.join(format!("fleet-{count}.toml"));
    std::fs::write(
        &inv,
        format!(
            "[[group]]\nname = \"edge\"\ncount = {count}\nhostname = \"edge-{{n:06}}\"\n\
             addresses = \"127.1.0.1\"\nport = {port}\nstartup = \"\"\"\n\
             hostname {{hostname}}\nusername admin privilege 15 secret 9 {{password_hash}}\n\
             ip ssh pubkey-chain\n username admin\n  key-string\n   {blob}\n  exit\n\
             line vty 0 15\n login local\n transport input ssh\nnetconf ssh\n\"\"\"\n"
        ),
    )
    .ok()?;
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["fleet", "--inventory"])
        .arg(&inv)
        .arg("--state-dir")
        .arg(dir.join(format!("state-{count}")))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let proc = Proc(child);
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.ok()?;
        if line.starts_with("fleet: ") {
            return Some((proc, start.elapsed(), port));
        }
    }
    None
}

fn address(i: u32) -> String {
    std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(127, 1, 0, 1)) + i).to_string()
}

fn options(key: &Path, i: u32, port: u16) -> ironconf_client::ConnectOptions {
    let mut o = ironconf_client::ConnectOptions::new(address(i), port, "admin")
        .key_file(key, None)
        .host_key_check(ironconf_client::HostKeyCheck::Off);
    o.connect_timeout = Duration::from_secs(60);
    o
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let devices: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let sessions: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let Ok(dir) = tempfile::tempdir() else {
        eprintln!("no temporary directory");
        return;
    };
    let key = dir.path().join("id");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let blob = std::fs::read_to_string(key.with_extension("pub"))
        .unwrap_or_default()
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    if !made || blob.is_empty() {
        eprintln!("ssh-keygen failed");
        return;
    }
    // The baseline: a fleet of one, never connected.
    let Some((one, one_start, _)) = fleet(dir.path(), 1, &blob) else {
        eprintln!("the one-device fleet did not start");
        return;
    };
    std::thread::sleep(Duration::from_millis(500));
    let one_rss = rss_kb_of(one.0.id());
    drop(one);
    let Some((big, start, port)) = fleet(dir.path(), devices, &blob) else {
        eprintln!("the fleet did not start");
        return;
    };
    std::thread::sleep(Duration::from_millis(500));
    let pid = big.0.id();
    let idle_rss = rss_kb_of(pid);
    println!(
        "start: {devices} devices listening in {:.2} s (one device: {:.2} s)",
        start.as_secs_f64(),
        one_start.as_secs_f64()
    );
    println!(
        "never connected: RSS {idle_rss} kB against {one_rss} kB for one device: {:.0} bytes a device",
        (idle_rss.saturating_sub(one_rss)) as f64 * 1024.0 / f64::from(devices.max(2) - 1)
    );
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return;
    };
    // Random distinct devices: a fixed stride through the inventory.
    let stride = 7919u32;
    let pick = |k: u32| (k.wrapping_mul(stride)) % devices;
    let open: Vec<ironconf_client::Client> = runtime.block_on(async {
        let mut open = Vec::with_capacity(sessions as usize);
        let mut k = 0;
        while open.len() < sessions as usize && k < sessions * 2 {
            let batch: Vec<_> = (0..32.min(sessions - open.len() as u32))
                .map(|j| {
                    let o = options(&key, pick(k + j), port);
                    tokio::spawn(ironconf_client::Client::connect(o))
                })
                .collect();
            k += batch.len() as u32;
            for b in batch {
                if let Ok(Ok(c)) = b.await {
                    open.push(c);
                }
            }
        }
        open
    });
    std::thread::sleep(Duration::from_millis(500));
    let busy_rss = rss_kb_of(pid);
    println!(
        "{} sessions open on as many devices: RSS {busy_rss} kB, {:.1} kB a device with its session",
        open.len(),
        (busy_rss.saturating_sub(idle_rss)) as f64 / open.len().max(1) as f64
    );
    // Connect → hello to other random devices, never connected before.
    let mut first = Vec::new();
    let mut again = Vec::new();
    runtime.block_on(async {
        for k in 0..200u32 {
            let i = pick(sessions * 2 + k);
            for times in [&mut first, &mut again] {
                let t = Instant::now();
                match ironconf_client::Client::connect(options(&key, i, port)).await {
                    Ok(c) => {
                        times.push(t.elapsed());
                        let _ = c.close().await;
                    }
                    Err(e) => eprintln!("{}: {e}", address(i)),
                }
            }
        }
    });
    first.sort();
    again.sort();
    println!(
        "connect → hello with {} sessions open: a device's first connection p50 {:.2} ms, p99 {:.2} ms; its second p50 {:.2} ms, p99 {:.2} ms",
        open.len(),
        percentile(&first, 0.5).as_secs_f64() * 1e3,
        percentile(&first, 0.99).as_secs_f64() * 1e3,
        percentile(&again, 0.5).as_secs_f64() * 1e3,
        percentile(&again, 0.99).as_secs_f64() * 1e3
    );
    drop(open);
    drop(big);
}
