//! Soak: sixteen sessions of mixed operations for IRONCONF_SOAK_SECS
//! seconds (30 by default; `scripts/soak` runs 600). Zero protocol errors,
//! every reply matched to its request, and server RSS after warm-up
//! growing by no more than 5 %.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{rss_kb, start};
use ironconf_client::{
    Client, ClientError, Config, ConnectOptions, Datastore, EditOptions, ErrorTag, Filter,
    HostKeyCheck,
};

const BASE: &str = "hostname soak\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
line vty 0 15\n login local\n transport input ssh\n\
netconf ssh\nnetconf max-sessions 16\n";

#[derive(Default)]
struct Tally {
    replies: AtomicU64,
    expected_errors: AtomicU64,
}

/// One session's loop of mixed operations until `stop`.
async fn worker(s: u32, c: Client, stop: Arc<AtomicBool>, tally: Arc<Tally>) -> Result<(), String> {
    let mut k = 0u64;
    while !stop.load(Ordering::Relaxed) {
        k += 1;
        let op = match k % 6 {
            // The session's own interfaces, rewritten in place: the
            // configuration keeps its size.
            0 => ironconf_client::ops::edit_config(
                &Datastore::Running,
                &Config::Cli(vec![
                    format!("interface Loopback{}", s * 10 + (k % 10) as u32),
                    format!(" description soak {s} {k}"),
                ]),
                &EditOptions::default(),
            ),
            1 => ironconf_client::ops::get_config(
                &Datastore::Running,
                &Filter::TextCmd(Some(format!("interface Loopback{}", s * 10))),
            ),
            2 => ironconf_client::ops::exec(&["show netconf session".into(), "show users".into()]),
            3 => ironconf_client::ops::lock(&Datastore::Running),
            4 => ironconf_client::ops::unlock(&Datastore::Running),
            _ => ironconf_client::ops::get(&Filter::TextBlock(Some("| include hostname".into()))),
        };
        let pending = c.send(&op).await.map_err(|e| format!("session {s}: {e}"))?;
        let id = pending.message_id().to_owned();
        let reply = pending.await.map_err(|e| format!("session {s}: {e}"))?;
        if reply.message_id() != Some(id.as_str()) {
            return Err(format!(
                "session {s}: reply {:?} for request {id}",
                reply.message_id()
            ));
        }
        tally.replies.fetch_add(1, Ordering::Relaxed);
        // Locks contend between sessions: lock-denied, in-use (an edit or a
        // lock while another holds it) and unlock of what this session does
        // not hold are the protocol working, not failing.
        for e in reply.errors() {
            match e.error_tag {
                ErrorTag::LockDenied | ErrorTag::InUse => {}
                ErrorTag::OperationFailed if k % 6 == 4 => {}
                other => {
                    return Err(format!("session {s}: {} in reply to {op}", other.as_str()));
                }
            }
            tally.expected_errors.fetch_add(1, Ordering::Relaxed);
        }
    }
    // Leave no lock behind.
    let _ = c.unlock(&Datastore::Running).await;
    c.close().await.map_err(|e| match e {
        ClientError::Rpc(_) => String::new(),
        e => format!("session {s}: close: {e}"),
    })
}

#[test]
fn sixteen_sessions_of_mixed_operations() {
    let secs: u64 = std::env::var("IRONCONF_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dev = start(BASE);
    let pid = dev.child.id();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let tally = Arc::new(Tally::default());
        let mut tasks = Vec::new();
        for s in 0..16 {
            let mut o = ConnectOptions::new("127.0.0.1", dev.port, "admin")
                .key_file(dev.dir.path().join("id"), None)
                .host_key_check(HostKeyCheck::Off);
            o.connect_timeout = Duration::from_secs(30);
            o.rpc_timeout = Duration::from_secs(60);
            let c = Client::connect(o).await.unwrap();
            tasks.push(tokio::spawn(worker(s, c, stop.clone(), tally.clone())));
        }
        let started = Instant::now();
        let total = Duration::from_secs(secs);
        // Warm-up: the first third. Then RSS is sampled to the end.
        tokio::time::sleep(total / 3).await;
        let warm = rss_kb(pid);
        let mut peak = warm;
        while started.elapsed() < total {
            tokio::time::sleep(Duration::from_millis(500)).await;
            peak = peak.max(rss_kb(pid));
        }
        stop.store(true, Ordering::Relaxed);
        let mut failures = Vec::new();
        for t in tasks {
            if let Err(e) = t.await.unwrap()
                && !e.is_empty()
            {
                failures.push(e);
            }
        }
        let replies = tally.replies.load(Ordering::Relaxed);
        eprintln!(
            "soak: {secs} s, {replies} replies ({} expected lock errors), RSS {warm} kB after warm-up, {peak} kB peak",
            tally.expected_errors.load(Ordering::Relaxed)
        );
        assert!(failures.is_empty(), "{failures:?}");
        assert!(replies > 16 * 10, "only {replies} replies");
        assert!(
            peak * 100 <= warm * 105,
            "RSS grew from {warm} kB to {peak} kB after warm-up"
        );
    });
}
