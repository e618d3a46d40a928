//! `ironconf bench`: a load generator for any NETCONF server.
//!
//! Modes: `setup` (connect + hello + close), `seq` (one rpc at a time),
//! `pipe` (N in flight on one session), `conc` (S sessions, each with N in
//! flight), `big` (get-config of a large configuration: MB/s), `edit`
//! (one-line edit-config on a large configuration: latency). Every run
//! also reports the client's own CPU time, so a reader can see whether the
//! client or the server was the limit.

use std::collections::{HashMap, VecDeque};
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use ironconf_client::{Client, ClientError, Config, Datastore, EditOptions, PendingReply};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::conn::ConnArgs;
use crate::output::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// Sessions per second: TCP, SSH, login, hello, close.
    Setup,
    /// One rpc at a time on one session.
    Seq,
    /// `--depth` rpcs in flight on one session.
    Pipe,
    /// `--sessions` sessions, each with `--depth` in flight.
    Conc,
    /// get-config of the whole (large) configuration: MB/s.
    Big,
    /// One-line edit-config on a large configuration: latency.
    Edit,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct BenchArgs {
    #[command(flatten)]
    conn: ConnArgs,
    /// Modes to run, in order (comma-separated).
    #[arg(
        long,
        short = 'm',
        value_enum,
        value_delimiter = ',',
        default_value = "seq"
    )]
    mode: Vec<Mode>,
    /// Seconds per mode.
    #[arg(long, short = 'd', default_value_t = 5.0)]
    duration: f64,
    /// Stop each mode after this many requests (or sessions in setup).
    #[arg(long, short = 'n')]
    count: Option<u64>,
    /// Requests in flight per session (pipe, conc); 0 writes all of them
    /// at once before reading any reply (needs --count).
    #[arg(long, default_value_t = 64)]
    depth: usize,
    /// Sessions (conc; an IOS device admits `netconf max-sessions`, 4 by default).
    #[arg(long, short = 'S', default_value_t = 4)]
    sessions: usize,
    /// The operation for seq, pipe and conc (inside `<rpc>`).
    #[arg(
        long,
        default_value = "<get-config><source><running/></source></get-config>"
    )]
    op: String,
    /// For big and edit: first make the configuration this many lines
    /// (IOS `interface Loopback`/`description` pairs, by edit-config).
    /// 0 leaves the server's configuration as it is.
    #[arg(long, default_value_t = 0)]
    config_lines: usize,
    /// The operation for big (default: get-config of running).
    #[arg(long)]
    big_op: Option<String>,
    /// The operation for edit, `{n}` replaced by a counter and `{t}` by
    /// the time it is sent (microseconds since 1970; default: an IOS
    /// description change).
    #[arg(long)]
    edit_op: Option<String>,
    /// Subscribers time the notifications whose text has this marker
    /// followed by a sending time (an edit's `{t}`: `--edit-op
    /// '…<cmd>description t{t}</cmd>…' --notify-marker 'description t'`),
    /// in this process or another on the same machine, and report from
    /// sending to reading by the last of them.
    #[arg(long)]
    notify_marker: Option<String>,
    /// Draw the latency distribution and throughput over time (SVG).
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Also report this server process's RSS (from /proc) before and after.
    #[arg(long)]
    server_pid: Option<u32>,
    /// A name for this target in the report.
    #[arg(long)]
    label: Option<String>,
    /// seq, big and edit: send at most this many requests a second (an
    /// open-loop pace; 0: each as soon as the previous is answered).
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Sessions that subscribe to notifications (RFC 5277
    /// `create-subscription`) and read them while the modes run; how many
    /// they received is reported at the end.
    #[arg(long, default_value_t = 0)]
    subscribers: usize,
    /// text (a table) or json.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// What one mode measured.
struct Measured {
    mode: Mode,
    latencies_us: Vec<u32>,
    /// Completions per 100 ms since the start.
    timeline: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
    bytes: u64,
    wall: Duration,
    client_cpu: Duration,
    server_cpu: Option<Duration>,
    sessions: usize,
    depth: usize,
    rss_kb: Option<(u64, u64)>,
    /// The server's largest RSS seen during the run (sampled every 10 ms).
    rss_peak: Option<u64>,
    /// Server RSS once the first session of `conc` is up.
    rss_one_session: Option<u64>,
}

struct Recorder {
    start: Instant,
    latencies_us: Vec<u32>,
    timeline: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
    bytes: u64,
}

impl Recorder {
    fn new(start: Instant) -> Self {
        Recorder {
            start,
            latencies_us: Vec::new(),
            timeline: Vec::new(),
            errors: 0,
            first_error: None,
            bytes: 0,
        }
    }

    fn done(&mut self, sent: Instant, result: Result<u64, String>) {
        let now = Instant::now();
        let us = now
            .duration_since(sent)
            .as_micros()
            .min(u128::from(u32::MAX)) as u32;
        let bucket = (now.duration_since(self.start).as_millis() / 100) as usize;
        if self.timeline.len() <= bucket {
            self.timeline.resize(bucket + 1, 0);
        }
        self.timeline[bucket] += 1;
        match result {
            Ok(bytes) => {
                self.latencies_us.push(us);
                self.bytes += bytes;
            }
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn merge(&mut self, other: Recorder) {
        self.latencies_us.extend(other.latencies_us);
        if self.timeline.len() < other.timeline.len() {
            self.timeline.resize(other.timeline.len(), 0);
        }
        for (i, n) in other.timeline.into_iter().enumerate() {
            self.timeline[i] += n;
        }
        self.errors += other.errors;
        self.bytes += other.bytes;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// A reply's outcome as the recorder wants it: its size, or why it failed.
fn outcome(r: Result<ironconf_client::Reply, ClientError>) -> Result<u64, String> {
    match r {
        Ok(reply) if reply.is_ok() => Ok(reply.xml().len() as u64),
        Ok(reply) => Err(ClientError::Rpc(reply.errors().to_vec()).to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// The process's user + system CPU time, from /proc.
fn cpu_time() -> Duration {
    process_cpu("self")
}

/// User + system CPU time of a process (`self` or a pid), from /proc.
fn process_cpu(pid: &str) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11).and_then(|u| u.parse().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse().ok()).unwrap_or(0);
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// Samples a process's RSS until stopped, keeping the largest.
struct PeakRss {
    peak: Arc<std::sync::atomic::AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl PeakRss {
    fn watch(pid: u32) -> PeakRss {
        let peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let p = peak.clone();
        let task = tokio::spawn(async move {
            loop {
                if let Some(kb) = rss_kb(pid) {
                    p.fetch_max(kb, std::sync::atomic::Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        PeakRss { peak, task }
    }

    fn stop(self) -> u64 {
        self.task.abort();
        self.peak.load(std::sync::atomic::Ordering::Relaxed)
    }
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

struct Limits {
    deadline: Instant,
    count: u64,
}

impl Limits {
    /// The run's limits, its clock starting now.
    fn from_now(args: &BenchArgs) -> Limits {
        Limits {
            deadline: Instant::now() + Duration::from_secs_f64(args.duration.max(0.1)),
            count: args.count.unwrap_or(u64::MAX),
        }
    }

    fn more(&self, sent: u64) -> bool {
        sent < self.count && Instant::now() < self.deadline
    }
}

/// A moment of a run, with the CPU time used so far by the client (this
/// process and the ssh programs it runs) and by the server.
struct Stamp {
    at: Instant,
    client_cpu: Duration,
    server_cpu: Option<Duration>,
}

impl Stamp {
    fn now(args: &BenchArgs, clients: &[&Client]) -> Stamp {
        let programs: Duration = clients
            .iter()
            .filter_map(|c| c.transport_pid())
            .map(|pid| process_cpu(&pid.to_string()))
            .sum();
        Stamp {
            at: Instant::now(),
            client_cpu: cpu_time() + programs,
            server_cpu: args.server_pid.map(|p| process_cpu(&p.to_string())),
        }
    }
}

pub(crate) async fn run(args: &BenchArgs) -> Result<(), ClientError> {
    if args.depth == 0 && args.count.is_none() {
        return Err(ClientError::Request(
            "--depth 0 sends every request at once: give their number with --count".into(),
        ));
    }
    let options = args.conn.options()?;
    let mut subscribers = Vec::new();
    let timing = Arc::new(NotifyTiming::default());
    for _ in 0..args.subscribers {
        let c = Client::connect(options.clone()).await?;
        c.rpc(r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#)
            .await?;
        // A notification's marked sending time against when it was read.
        if let Some(marker) = args.notify_marker.clone() {
            let (c, timing) = (c.clone(), timing.clone());
            tokio::spawn(async move {
                while let Some(n) = c.next_notification().await {
                    if let Some(sent) = marked_time(&n.text, &marker) {
                        timing.received(sent, wall_micros(n.received));
                    }
                }
            });
        }
        subscribers.push(c);
    }
    let mut results = Vec::new();
    for &mode in &args.mode {
        let bar = progress(mode, args.duration);
        let rss_before = args.server_pid.and_then(rss_kb);
        let prepared = prepare(args, mode, &options).await?;
        let peak = args.server_pid.map(PeakRss::watch);
        let Run {
            rec,
            sessions,
            depth,
            rss_after,
            rss_one_session,
            began,
            ended,
        } = measure(args, mode, &options, prepared).await?;
        let rss_peak = peak.map(PeakRss::stop);
        let wall = ended.at.duration_since(began.at);
        let client_cpu = ended.client_cpu.saturating_sub(began.client_cpu);
        let server_cpu = ended
            .server_cpu
            .zip(began.server_cpu)
            .map(|(b, a)| b.saturating_sub(a));
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        results.push(Measured {
            mode,
            latencies_us: rec.latencies_us,
            timeline: rec.timeline,
            errors: rec.errors,
            first_error: rec.first_error,
            bytes: rec.bytes,
            wall,
            client_cpu,
            server_cpu,
            sessions,
            depth,
            rss_kb: rss_before.zip(rss_after),
            rss_peak,
            rss_one_session,
        });
    }
    report(args, &results)?;
    if !subscribers.is_empty() {
        // Give the last notifications time to arrive.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let counts: Vec<u64> = subscribers
            .iter()
            .map(Client::notifications_received)
            .collect();
        eprintln!(
            "{} subscribers received {} notifications ({:?} each)",
            counts.len(),
            counts.iter().sum::<u64>(),
            counts
        );
        if let Some(line) = timing.summary(subscribers.len()) {
            eprintln!("{line}");
        }
        for c in subscribers {
            let _ = c.close().await;
        }
    }
    if let Some(path) = &args.plot {
        crate::plot::draw(path, &plot_series(&results))
            .map_err(|e| ClientError::Request(format!("plot {}: {e}", path.display())))?;
    }
    Ok(())
}

fn progress(mode: Mode, seconds: f64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new((seconds * 10.0) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>6} [{bar:30}] {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{mode:?}").to_lowercase());
    bar.enable_steady_tick(Duration::from_millis(100));
    let b = bar.clone();
    tokio::spawn(async move {
        while !b.is_finished() {
            b.inc(1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    Some(bar)
}

/// Requests of a mode, ready before the clock starts.
struct Prepared {
    op: String,
    edit_template: Option<String>,
}

async fn prepare(
    args: &BenchArgs,
    mode: Mode,
    options: &ironconf_client::ConnectOptions,
) -> Result<Prepared, ClientError> {
    if matches!(mode, Mode::Big | Mode::Edit) && args.config_lines > 0 {
        load_config(options, args.config_lines).await?;
    }
    Ok(Prepared {
        op: match mode {
            Mode::Big => args
                .big_op
                .clone()
                .unwrap_or_else(|| "<get-config><source><running/></source></get-config>".into()),
            _ => args.op.clone(),
        },
        edit_template: args.edit_op.clone(),
    })
}

/// Makes the configuration `lines` long with interface/description pairs,
/// in batches (each batch a separate edit-config).
async fn load_config(
    options: &ironconf_client::ConnectOptions,
    lines: usize,
) -> Result<(), ClientError> {
    let c = Client::connect(options.clone()).await?;
    let pairs = lines / 2;
    let batch = 5000;
    let mut i = 0;
    while i < pairs {
        let end = (i + batch).min(pairs);
        let mut cmds = Vec::with_capacity((end - i) * 2);
        for n in i..end {
            cmds.push(format!("interface Loopback{n}"));
            cmds.push(format!(" description bench line {n}"));
        }
        c.edit_config(
            &Datastore::Running,
            &Config::Cli(cmds),
            &EditOptions::default(),
        )
        .await?;
        i = end;
    }
    c.close().await
}

fn edit_op(template: Option<&str>, n: u64) -> String {
    match template {
        Some(t) => {
            let op = t.replace("{n}", &n.to_string());
            if op.contains("{t}") {
                op.replace("{t}", &wall_micros(Instant::now()).to_string())
            } else {
                op
            }
        }
        None => ironconf_client::ops::edit_config(
            &Datastore::Running,
            &Config::Cli(vec![
                format!("interface Loopback{}", n % 1000),
                format!(" description edited {n}"),
            ]),
            &EditOptions::default(),
        ),
    }
}

/// The sending time (microseconds since 1970) after `marker` in a
/// notification.
fn marked_time(text: &str, marker: &str) -> Option<u64> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Microseconds since 1970 at `at`: the wall clock is what processes on
/// one machine share.
fn wall_micros(at: Instant) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.saturating_sub(at.elapsed()).as_micros() as u64
}

/// Marked notifications timed, at most (more are not).
const TIMED: usize = 1_000_000;

/// Each marked notification's sending time and, per sending time, how
/// many subscribers read it and when the last did.
#[derive(Default)]
struct NotifyTiming {
    read: std::sync::Mutex<HashMap<u64, (usize, u64)>>,
}

impl NotifyTiming {
    fn received(&self, sent: u64, at: u64) {
        let mut read = lock(&self.read);
        if read.len() >= TIMED && !read.contains_key(&sent) {
            return;
        }
        let e = read.entry(sent).or_insert((0, at));
        e.0 += 1;
        e.1 = e.1.max(at);
    }

    /// The figures, over the events every subscriber read.
    fn summary(&self, subscribers: usize) -> Option<String> {
        let read = lock(&self.read);
        let mut us: Vec<u64> = read
            .iter()
            .filter(|(_, (count, _))| *count >= subscribers)
            .map(|(sent, (_, last))| last.saturating_sub(*sent))
            .collect();
        if us.is_empty() {
            return None;
        }
        us.sort_unstable();
        let at = |q: f64| us[((us.len() - 1) as f64 * q).round() as usize];
        Some(format!(
            "sent to read by the last of {subscribers} subscribers: \
             p50 {} µs, p99 {} µs, max {} µs ({} of {} marked events read by all)",
            at(0.5),
            at(0.99),
            at(1.0),
            us.len(),
            read.len()
        ))
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What one mode's run produced.
struct Run {
    rec: Recorder,
    sessions: usize,
    /// Requests in flight per session (0: all at once).
    depth: usize,
    /// Server RSS (kB) with every session still open.
    rss_after: Option<u64>,
    /// Server RSS (kB) with the first session open (conc only).
    rss_one_session: Option<u64>,
    /// When the first request went out, once every session was up (the
    /// start of setup).
    began: Stamp,
    /// When the last reply came back, before the sessions closed.
    ended: Stamp,
}

async fn measure(
    args: &BenchArgs,
    mode: Mode,
    options: &ironconf_client::ConnectOptions,
    prepared: Prepared,
) -> Result<Run, ClientError> {
    let one = |rec, depth, began, ended| Run {
        rec,
        sessions: 1,
        depth,
        rss_after: args.server_pid.and_then(rss_kb),
        rss_one_session: None,
        began,
        ended,
    };
    match mode {
        Mode::Setup => {
            let began = Stamp::now(args, &[]);
            let limits = Limits::from_now(args);
            let mut rec = Recorder::new(began.at);
            let mut n = 0;
            while limits.more(n) {
                let t = Instant::now();
                let r = match Client::connect(options.clone()).await {
                    Ok(c) => c.close().await.map(|_| 0),
                    Err(e) => Err(e),
                };
                rec.done(t, r.map_err(|e| e.to_string()));
                n += 1;
            }
            Ok(one(rec, 1, began, Stamp::now(args, &[])))
        }
        Mode::Seq | Mode::Big | Mode::Edit => {
            let c = Client::connect(options.clone()).await?;
            let began = Stamp::now(args, &[&c]);
            let limits = Limits::from_now(args);
            let mut rec = Recorder::new(began.at);
            let mut n = 0;
            while limits.more(n) {
                if args.rate > 0.0 {
                    let due = began.at + Duration::from_secs_f64(n as f64 / args.rate);
                    tokio::time::sleep_until(due.into()).await;
                }
                let op = if mode == Mode::Edit {
                    edit_op(prepared.edit_template.as_deref(), n)
                } else {
                    prepared.op.clone()
                };
                let t = Instant::now();
                let r = c.rpc(&op).await;
                rec.done(t, outcome(r));
                n += 1;
            }
            let run = one(rec, 1, began, Stamp::now(args, &[&c]));
            let _ = c.close().await;
            Ok(run)
        }
        Mode::Pipe => {
            let c = Client::connect(options.clone()).await?;
            let began = Stamp::now(args, &[&c]);
            let limits = Limits::from_now(args);
            let rec = pipelined(
                &c,
                &prepared.op,
                args.depth,
                &limits,
                Recorder::new(began.at),
            )
            .await;
            let run = one(rec, args.depth, began, Stamp::now(args, &[&c]));
            let _ = c.close().await;
            Ok(run)
        }
        Mode::Conc => {
            let mut rss_one = None;
            let mut clients = Vec::new();
            for i in 0..args.sessions.max(1) {
                let c = Client::connect(options.clone()).await.map_err(|e| {
                    ClientError::Request(format!("session {} of {}: {e}", i + 1, args.sessions))
                })?;
                clients.push(c);
                if i == 0 {
                    rss_one = args.server_pid.and_then(rss_kb);
                }
            }
            let rss_after = args.server_pid.and_then(rss_kb);
            let all: Vec<&Client> = clients.iter().collect();
            let began = Stamp::now(args, &all);
            let limits = Limits::from_now(args);
            let limits = Arc::new(Limits {
                deadline: limits.deadline,
                // The count is shared out between the sessions.
                count: limits.count / clients.len() as u64,
            });
            let merged = Arc::new(Mutex::new(Recorder::new(began.at)));
            let mut tasks = Vec::new();
            for c in &clients {
                let c = c.clone();
                let op = prepared.op.clone();
                let limits = limits.clone();
                let merged = merged.clone();
                let depth = args.depth;
                let at = began.at;
                tasks.push(tokio::spawn(async move {
                    let r = pipelined(&c, &op, depth, &limits, Recorder::new(at)).await;
                    merged.lock().await.merge(r);
                }));
            }
            for t in tasks {
                let _ = t.await;
            }
            let ended = Stamp::now(args, &all);
            for c in clients {
                let _ = c.close().await;
            }
            let rec = std::mem::replace(&mut *merged.lock().await, Recorder::new(began.at));
            Ok(Run {
                rec,
                sessions: args.sessions.max(1),
                depth: args.depth,
                rss_after,
                rss_one_session: rss_one,
                began,
                ended,
            })
        }
    }
}

/// Keeps `depth` requests in flight on `c` (0: sends every request at
/// once, then reads the replies); replies are awaited in the order sent,
/// which is the order a NETCONF server answers in.
async fn pipelined(
    c: &Client,
    op: &str,
    depth: usize,
    limits: &Limits,
    mut rec: Recorder,
) -> Recorder {
    let depth = if depth == 0 { usize::MAX } else { depth };
    let mut window: VecDeque<(Instant, PendingReply)> = VecDeque::new();
    let mut sent = 0u64;
    loop {
        while window.len() < depth && limits.more(sent) {
            let t = Instant::now();
            match c.send(op).await {
                Ok(p) => window.push_back((t, p)),
                Err(e) => rec.done(t, Err(e.to_string())),
            }
            sent += 1;
        }
        let Some((t, p)) = window.pop_front() else {
            break;
        };
        rec.done(t, outcome(p.await));
        if c.is_closed() && window.is_empty() {
            break;
        }
    }
    rec
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Setup => "setup",
        Mode::Seq => "seq",
        Mode::Pipe => "pipe",
        Mode::Conc => "conc",
        Mode::Big => "big",
        Mode::Edit => "edit",
    }
}

fn summary(args: &BenchArgs, m: &Measured) -> Value {
    let mut sorted = m.latencies_us.clone();
    sorted.sort_unstable();
    let secs = m.wall.as_secs_f64().max(1e-9);
    let ok = sorted.len() as f64;
    let mean = if sorted.is_empty() {
        0.0
    } else {
        sorted.iter().map(|&x| f64::from(x)).sum::<f64>() / ok
    };
    json!({
        "label": args.label.clone().unwrap_or_else(|| format!("{}:{}", args.conn.host, args.conn.port)),
        "mode": mode_name(m.mode),
        "sessions": m.sessions,
        "depth": m.depth,
        "requests": sorted.len() as u64 + m.errors,
        "errors": m.errors,
        "first_error": m.first_error,
        "seconds": secs,
        "per_second": ok / secs,
        "latency_us": {
            "p50": percentile(&sorted, 0.50),
            "p99": percentile(&sorted, 0.99),
            "p999": percentile(&sorted, 0.999),
            "max": sorted.last().copied().unwrap_or(0),
            "mean": mean.round(),
        },
        "reply_bytes": m.bytes,
        "mb_per_s": m.bytes as f64 / secs / 1e6,
        "client_cpu_percent": m.client_cpu.as_secs_f64() / secs * 100.0,
        "client_cpu_us_per_request": m.client_cpu.as_secs_f64() * 1e6 / ok.max(1.0),
        "server_cpu_percent": m.server_cpu.map(|c| c.as_secs_f64() / secs * 100.0),
        "server_cpu_us_per_request": m.server_cpu.map(|c| c.as_secs_f64() * 1e6 / ok.max(1.0)),
        "server_rss_kb": m.rss_kb.map(|(a, b)| json!({
            "before": a,
            "after": b,
            "peak": m.rss_peak,
            "one_session": m.rss_one_session,
            // The marginal cost of a session: the first one also pays
            // for what a server sets up once.
            "per_extra_session": m.rss_one_session.filter(|_| m.sessions > 1)
                .map(|one| (b.saturating_sub(one)) as f64 / (m.sessions - 1) as f64),
        })),
    })
}

fn report(args: &BenchArgs, results: &[Measured]) -> Result<(), ClientError> {
    let rows: Vec<Value> = results.iter().map(|m| summary(args, m)).collect();
    match args.format {
        Format::Json | Format::Xml => {
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).map_err(std::io::Error::from)?
            );
        }
        Format::Text => {
            println!(
                "{:<6} {:>5} {:>9} {:>7} {:>11} {:>9} {:>9} {:>9} {:>9} {:>7}",
                "mode",
                "sess",
                "requests",
                "errors",
                "per_second",
                "p50_us",
                "p99_us",
                "p999_us",
                "MB/s",
                "cli_cpu"
            );
            for r in &rows {
                let n = |v: &Value| v.as_u64().unwrap_or(0);
                println!(
                    "{:<6} {:>5} {:>9} {:>7} {:>11.1} {:>9} {:>9} {:>9} {:>9.1} {:>6.0}%",
                    r["mode"].as_str().unwrap_or(""),
                    n(&r["sessions"]),
                    n(&r["requests"]),
                    n(&r["errors"]),
                    r["per_second"].as_f64().unwrap_or(0.0),
                    n(&r["latency_us"]["p50"]),
                    n(&r["latency_us"]["p99"]),
                    n(&r["latency_us"]["p999"]),
                    r["mb_per_s"].as_f64().unwrap_or(0.0),
                    r["client_cpu_percent"].as_f64().unwrap_or(0.0),
                );
                if let Some(e) = r["first_error"].as_str() {
                    println!("       first error: {e}");
                }
                if let Some(rss) = r["server_rss_kb"].as_object() {
                    println!(
                        "       server RSS: {} kB before, {} kB at the end, {} kB at most",
                        rss.get("before").unwrap_or(&Value::Null),
                        rss.get("after").unwrap_or(&Value::Null),
                        rss.get("peak").unwrap_or(&Value::Null)
                    );
                }
            }
        }
    }
    Ok(())
}

fn plot_series(results: &[Measured]) -> Vec<crate::plot::Series> {
    results
        .iter()
        .map(|m| {
            let mut sorted = m.latencies_us.clone();
            sorted.sort_unstable();
            crate::plot::Series {
                name: mode_name(m.mode).to_owned(),
                latencies_us: sorted,
                per_second: m.timeline.iter().map(|&n| f64::from(n) * 10.0).collect(),
            }
        })
        .collect()
}
