//! Notifications under load, in one process: a one-line `edit-config`
//! through a NETCONF session with 16 sessions subscribed against the same
//! edit with none (same run); the time from the edit to its notification
//! written (framed, sans I/O) by the 16th subscriber's session; and 10,000
//! changes a second fanned out to 16 subscribers for 10 s, counting every
//! notification and the process's RSS. Subscribers are fed as the server
//! feeds its sessions: through a gather queue each, woken by one clock
//! once the default window has passed.
//!
//! `cargo bench -p ironconf-server --bench notify`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ironconf_device::notify::NotificationSink;
use ironconf_device::{Changer, Device, NetconfHandler, Profile};
use ironconf_server::gather::{Clock, DEFAULT_WINDOW, Outbound};
use ironconf_session::testing::ScriptedPeer;

include!("../../ios/benches/support/rss.rs");

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const HELLO: &str = r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;
const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\ninterface Loopback0\n ip address 10.0.0.1 255.255.255.255\nnetconf ssh\nnetconf max-sessions 16\n";
const SUBSCRIBERS: usize = 16;

/// A subscribed session on its own thread: each notification is framed by
/// its session and "written" (taken from the session), and counted.
struct Subscriber {
    received: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn subscribe(device: &Device, clock: &Arc<Clock>, arrivals: SyncSender<Instant>) -> Subscriber {
    let id = device.register_session("admin", 15, None, None);
    let (wake, woken): (SyncSender<()>, Receiver<()>) = sync_channel(1);
    let outbound = Outbound::new(move || {
        let _ = wake.try_send(());
    });
    let sink: NotificationSink = {
        let (outbound, clock) = (outbound.clone(), clock.clone());
        Arc::new(move |doc| outbound.push(doc, &clock))
    };
    device.set_notification_sink(id, Some(sink));
    let mut peer = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, "admin", 15),
    );
    peer.send(HELLO);
    peer.send(format!(
        r#"<rpc message-id="1" xmlns="{NS}"><create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/></rpc>]]>]]>"#
    ));
    peer.take_output();
    let received = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (count, done) = (received.clone(), stop.clone());
    let thread = std::thread::spawn(move || {
        while !done.load(Ordering::Relaxed) {
            if woken.recv_timeout(Duration::from_millis(20)).is_err() {
                continue;
            }
            let (docs, _) = outbound.take();
            for doc in &docs {
                peer.session.send_notification(doc.as_bytes());
            }
            let mut bytes = 0;
            while let Some(b) = peer.session.poll_transmit() {
                bytes += b.len();
            }
            std::hint::black_box(bytes);
            count.fetch_add(docs.len() as u64, Ordering::Relaxed);
            let now = Instant::now();
            for _ in &docs {
                let _ = arrivals.try_send(now);
            }
        }
    });
    Subscriber {
        received,
        stop,
        thread: Some(thread),
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn editor(device: &Device) -> ScriptedPeer<NetconfHandler> {
    let id = device.register_session("admin", 15, None, None);
    let mut p = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, "admin", 15),
    );
    p.send(HELLO);
    p.take_output();
    p
}

fn edit(p: &mut ScriptedPeer<NetconfHandler>, n: usize) -> Duration {
    let rpc = format!(
        r#"<rpc message-id="{n}" xmlns="{NS}"><edit-config><target><running/></target><config><cli-config-data><cmd>interface Loopback0</cmd><cmd>description change {n}</cmd></cli-config-data></config></edit-config></rpc>]]>]]>"#
    );
    let t = Instant::now();
    p.send(rpc);
    let out = p.take_output();
    let elapsed = t.elapsed();
    std::hint::black_box(out);
    elapsed
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied().unwrap_or_default()
}

fn device() -> Device {
    Device::in_memory(Profile::by_name("standard").unwrap_or_default(), STARTUP).0
}

fn main() {
    // 1. Edit latency, no subscribers and 16, alternately, same run.
    let quiet = device();
    let busy = device();
    let (arrivals_tx, arrivals) = sync_channel::<Instant>(1 << 16);
    let clock = Arc::new(Clock::new(DEFAULT_WINDOW));
    let subscribers: Vec<Subscriber> = (0..SUBSCRIBERS)
        .map(|_| subscribe(&busy, &clock, arrivals_tx.clone()))
        .collect();
    let (mut q, mut b) = (editor(&quiet), editor(&busy));
    for n in 0..200 {
        edit(&mut q, n);
        edit(&mut b, n);
    }
    // The warm-up's last notifications leave after the window.
    std::thread::sleep(Duration::from_millis(100));
    while arrivals.try_recv().is_ok() {}
    let (mut without, mut with, mut fanout) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..3000 {
        // Each first in turn: the first edit after the wait for the
        // notifications finds the caches and the CPU colder.
        if n % 2 == 0 {
            without.push(edit(&mut q, 1000 + n));
        }
        let t0 = Instant::now();
        with.push(edit(&mut b, 1000 + n));
        if n % 2 == 1 {
            without.push(edit(&mut q, 1000 + n));
        }
        // The 16th subscriber's notification, written.
        let mut last = t0;
        for _ in 0..SUBSCRIBERS {
            match arrivals.recv_timeout(Duration::from_secs(5)) {
                Ok(t) => last = last.max(t),
                Err(_) => break,
            }
        }
        fanout.push(last - t0);
    }
    let p50_without = percentile(&mut without, 0.5);
    let p50_with = percentile(&mut with, 0.5);
    println!(
        "one-line edit-config: p50 {:.1} µs with no subscriber, {:.1} µs with {SUBSCRIBERS} ({:+.1} %)",
        p50_without.as_secs_f64() * 1e6,
        p50_with.as_secs_f64() * 1e6,
        (p50_with.as_secs_f64() / p50_without.as_secs_f64() - 1.0) * 100.0
    );
    println!(
        "edit to the notification written by the {SUBSCRIBERS}th subscriber ({} µs window): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        DEFAULT_WINDOW.as_micros(),
        percentile(&mut fanout, 0.5).as_secs_f64() * 1e6,
        percentile(&mut fanout, 0.99).as_secs_f64() * 1e6,
        percentile(&mut fanout, 1.0).as_secs_f64() * 1e6
    );
    drop(subscribers);
    drop(arrivals);

    // 2. 10,000 changes a second for 10 s, fanned out to 16 subscribers.
    let d = device();
    let (tx, rx) = sync_channel::<Instant>(1);
    drop(rx);
    let subscribers: Vec<Subscriber> = (0..SUBSCRIBERS)
        .map(|_| subscribe(&d, &clock, tx.clone()))
        .collect();
    let rate = 10_000u64;
    let seconds = 10u64;
    let rss_start = rss_kb();
    let mut rss_samples = Vec::new();
    let start = Instant::now();
    let mut made = 0u64;
    let who = || Changer {
        user: "bench",
        session: None,
        line: None,
    };
    while made < rate * seconds {
        // Paced: change n is due at n / rate seconds.
        let due = Duration::from_secs_f64(made as f64 / rate as f64);
        let now = start.elapsed();
        if now < due {
            std::thread::sleep((due - now).min(Duration::from_millis(1)));
            continue;
        }
        let line = format!("interface Loopback0\n description sustained {made}");
        let lines: Vec<&str> = line.lines().collect();
        if d.configure(who(), &lines).is_err() {
            eprintln!("change {made} refused");
        }
        made += 1;
        if made.is_multiple_of(rate) {
            rss_samples.push(rss_kb());
        }
    }
    let elapsed = start.elapsed();
    // Let the subscribers drain.
    let expected = made * SUBSCRIBERS as u64;
    let wait = Instant::now();
    while subscribers
        .iter()
        .map(|s| s.received.load(Ordering::Relaxed))
        .sum::<u64>()
        < expected
        && wait.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let received: u64 = subscribers
        .iter()
        .map(|s| s.received.load(Ordering::Relaxed))
        .sum();
    println!(
        "sustained: {made} changes in {:.2} s ({:.0}/s) to {SUBSCRIBERS} subscribers: {received} of {expected} notifications received, {} lost",
        elapsed.as_secs_f64(),
        made as f64 / elapsed.as_secs_f64(),
        expected.saturating_sub(received)
    );
    println!(
        "RSS: {rss_start} kB at the start, per second {:?} kB, {} kB at the end",
        rss_samples,
        rss_kb()
    );
}
