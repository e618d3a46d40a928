//! Deep pipelining: a burst of requests written at once is answered at a
//! cost per rpc that does not grow with the burst, its replies leave in
//! full SSH packets, and a request that asks for a huge reply does not
//! make the server hold it.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Device, rss_kb, runtime, start};
use ironconf_client::RawSession;

const BASE: &str = "hostname pressure\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
line vty 0 15\n login local\n transport input ssh\nnetconf ssh\nnetconf max-sessions 16\n";

const HELLO: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>";

fn get_config(n: usize) -> String {
    format!(
        "<rpc message-id=\"{n}\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source></get-config></rpc>]]>]]>"
    )
}

/// Replies to a burst used to leave one SSH packet each; OpenSSH appends
/// every packet to a buffer it grows by copying, so a burst of thousands
/// cost the client time in proportion to the square of its size.
#[test]
fn replies_to_a_burst_leave_in_full_packets() {
    let dev = start(BASE);
    let rt = runtime();
    rt.block_on(async {
        let mut raw = RawSession::connect(&common::key_options(&dev, dev.port))
            .await
            .unwrap();
        raw.send(HELLO.as_bytes()).await.unwrap();
        raw.read_until(b"]]>]]>", Duration::from_secs(30))
            .await
            .unwrap();
        let before = raw.data_messages();
        let n = 6400;
        let burst: String = (0..n).map(get_config).collect();
        raw.send(burst.as_bytes()).await.unwrap();
        let mut replies = 0;
        while replies < n {
            let r = raw
                .read_until(b"]]>]]>", Duration::from_secs(120))
                .await
                .unwrap();
            assert!(String::from_utf8_lossy(&r).contains("<data>"));
            replies += 1;
        }
        let messages = raw.data_messages() - before;
        let per_reply = messages as f64 / n as f64;
        eprintln!("{n} replies in {messages} SSH data messages ({per_reply:.3} per reply)");
        // A reply is about 300 bytes; a full packet holds about a hundred.
        assert!(per_reply <= 0.2, "{messages} data messages for {n} replies");
        raw.disconnect().await;
    });
}

/// rpc/s of one burst of `n` get-configs written at once through the
/// OpenSSH client (`ironconf bench --openssh --depth 0`).
fn burst_rate(dev: &Device, n: usize) -> f64 {
    let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["bench", "--openssh", "--host-key-check", "off", "-i"])
        .arg(dev.dir.path().join("id"))
        .args(["-p", &dev.port.to_string(), "-m", "pipe", "--depth", "0"])
        .args(["-n", &n.to_string(), "-o", "json", "--timeout", "120"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &rows[0];
    assert_eq!(row["requests"], n as u64, "{row}");
    assert_eq!(row["errors"], 0, "{row}");
    assert_eq!(row["depth"], 0, "{row}");
    row["per_second"].as_f64().unwrap()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The cost per rpc with 6,400 requests written at once, against 640, in
/// the same run, through the client users drive the device with.
#[test]
fn cost_per_rpc_does_not_grow_with_the_burst() {
    let dev = start(BASE);
    let (mut small, mut large) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        small.push(burst_rate(&dev, 640));
        large.push(burst_rate(&dev, 6400));
    }
    let (small, large) = (median(small), median(large));
    // Time per rpc at 6,400 over time per rpc at 640.
    let ratio = small / large;
    eprintln!("burst of 640: {small:.0} rpc/s; of 6,400: {large:.0} rpc/s; cost ratio {ratio:.2}");
    assert!(ratio <= 3.0, "time per rpc grew {ratio:.2}× with the burst");
}

/// 200,000 `<show>version</show>` items: a 4 MB request for a 134 MB
/// reply. The reply is written as it is sent, so the server's memory
/// grows with the request (its parsed form), not with the reply.
#[test]
fn a_request_for_a_huge_reply_does_not_hold_the_reply() {
    let dev = start(BASE);
    let pid = dev.child.id();
    let items = "<show>version</show>".repeat(200_000);
    let rpc = format!(
        "<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get><filter>\
         <config-format-text-block><text-filter-spec>| include ^hostname</text-filter-spec></config-format-text-block>\
         <oper-data-format-text-block>{items}</oper-data-format-text-block></filter></get></rpc>]]>]]>"
    );
    let mut child = common::ssh_command(&dev, "admin", &["-s"])
        .arg("netconf")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let request_len = rpc.len();
    let before = rss_kb(pid);
    let writer = std::thread::spawn(move || {
        stdin.write_all(HELLO.as_bytes()).unwrap();
        stdin.write_all(rpc.as_bytes()).unwrap();
        stdin
    });
    let mut total = 0usize;
    let mut markers = 0;
    let mut tail = Vec::new();
    let mut peak = before;
    let mut first = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    let t = Instant::now();
    while markers < 2 && t.elapsed() < Duration::from_secs(300) {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        if first.len() < 4096 {
            first.extend_from_slice(&buf[..n.min(4096)]);
        }
        total += n;
        tail.extend_from_slice(&buf[..n]);
        markers += tail.windows(6).filter(|w| w == b"]]>]]>").count();
        let keep = tail.len().saturating_sub(5);
        tail.drain(..keep);
        peak = peak.max(rss_kb(pid));
    }
    let _stdin = writer.join().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let grew = peak.saturating_sub(before) * 1024;
    eprintln!(
        "request {request_len} bytes, reply {total} bytes in {:.1} s; server RSS {before} kB, at most {peak} kB",
        t.elapsed().as_secs_f64()
    );
    assert_eq!(markers, 2, "the reply did not end");
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("hostname pressure"), "{text}");
    assert!(
        text.contains("<item><show>version</show><response>"),
        "{text}"
    );
    assert!(total > 130_000_000, "reply of {total} bytes");
    // The parsed request costs about twelve times its size here; the
    // reply, thirty times the request, must add nothing like its size.
    assert!(
        grew < request_len as u64 * 16,
        "server RSS grew by {grew} bytes for a {request_len}-byte request and a {total}-byte reply"
    );
}

/// Adds `n` loopbacks with addresses (`10.X.Y.1/32`) to running-config.
async fn add_loopbacks(c: &ironconf_client::Client, n: usize) {
    let mut cmds = Vec::new();
    for i in 0..n {
        cmds.push(format!("interface Loopback{i}"));
        cmds.push(format!(
            " ip address 10.{}.{}.1 255.255.255.255",
            i / 250,
            i % 250
        ));
    }
    c.edit_config(
        &ironconf_client::Datastore::Running,
        &ironconf_client::Config::Cli(cmds),
        &ironconf_client::EditOptions::default(),
    )
    .await
    .unwrap();
}

/// Commands pasted into a shell: their output is sent a part at a time, each
/// part before the next commands run, so 100 `show interfaces` of 2,000
/// interfaces (over 200 MB of output from 2 kB of input) never sit in the
/// server's memory at once.
#[test]
fn pasted_commands_do_not_hold_their_output() {
    let dev = start(BASE);
    let rt = runtime();
    rt.block_on(async {
        let c = ironconf_client::Client::connect(common::key_options(&dev, dev.port))
            .await
            .unwrap();
        add_loopbacks(&c, 2000).await;
        c.close().await.unwrap();
    });
    let pid = dev.child.id();
    let mut child = common::ssh_command(&dev, "admin", &["-tt"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let before = rss_kb(pid);
    let mut paste = String::from("terminal length 0\r");
    paste.push_str(&"show interfaces\r".repeat(100));
    paste.push_str("show privilege\rexit\r");
    stdin.write_all(paste.as_bytes()).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let (mut total, mut peak, mut tail) = (0usize, before, Vec::new());
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(300) {
        let n = stdout.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        total += n;
        tail.extend_from_slice(&buf[..n]);
        let keep = tail.len().saturating_sub(4096);
        tail.drain(..keep);
        peak = peak.max(rss_kb(pid));
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(stdin);
    eprintln!(
        "{total} bytes of shell output in {:.1} s; server RSS {before} kB, at most {peak} kB",
        t.elapsed().as_secs_f64()
    );
    let tail = String::from_utf8_lossy(&tail);
    assert!(tail.contains("Current privilege level is 15"), "{tail}");
    assert!(total > 150_000_000, "{total} bytes");
    assert!(
        peak < before + 64 * 1024,
        "server RSS grew from {before} kB to {peak} kB"
    );
}

/// One long EXEC output, over the exec channel and in a `<get>`: written
/// and sent a part at a time, so the server never holds it whole (20,000
/// interfaces: 14 MB of `show interfaces`, twice that as CR LF lines).
#[test]
fn a_long_show_is_sent_a_part_at_a_time() {
    const N: usize = 20_000;
    let dev = start(BASE);
    let rt = runtime();
    let c = rt.block_on(async {
        let c = ironconf_client::Client::connect(common::key_options(&dev, dev.port))
            .await
            .unwrap();
        add_loopbacks(&c, N).await;
        c
    });
    let pid = dev.child.id();
    // The interface table is made once per configuration: not measured.
    let warm = common::ssh_command(&dev, "admin", &[])
        .arg("show ip interface brief")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&warm.stdout)
            .matches(" up ")
            .count(),
        N
    );
    // Samples the server's RSS until `done` is set.
    let peak_while = |f: &mut dyn FnMut()| -> (u64, u64) {
        let before = rss_kb(pid);
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = {
            let done = done.clone();
            std::thread::spawn(move || {
                let mut peak = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    peak = peak.max(rss_kb(pid));
                    std::thread::sleep(Duration::from_millis(2));
                }
                peak
            })
        };
        f();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (before, sampler.join().unwrap())
    };
    let mut text = Vec::new();
    let mut status = None;
    let (before, peak) = peak_while(&mut || {
        let out = common::ssh_command(&dev, "admin", &[])
            .arg("show interfaces")
            .output()
            .unwrap();
        status = out.status.code();
        text = out.stdout;
    });
    let text = String::from_utf8_lossy(&text);
    eprintln!(
        "exec channel: {} bytes; server RSS {before} kB, at most {peak} kB",
        text.len()
    );
    assert_eq!(status, Some(0));
    assert!(text.len() > 14_000_000, "{}", text.len());
    assert_eq!(text.matches(", line protocol is up \r\n").count(), N);
    assert!(text.starts_with("Loopback0 is up, line protocol is up \r\n  Hardware is Loopback\r\n  Internet address is 10.0.0.1/32\r\n"));
    assert!(text.contains("Loopback19999 is up, line protocol is up \r\n  Hardware is Loopback\r\n  Internet address is 10.79.249.1/32\r\n"));
    assert!(
        text.ends_with("output buffers swapped out\r\n"),
        "{}",
        &text[text.len() - 200..]
    );
    assert!(
        peak < before + 8 * 1024,
        "server RSS grew from {before} kB to {peak} kB"
    );
    let mut reply = Vec::new();
    let (before, peak) = peak_while(&mut || {
        reply = rt
            .block_on(c.exec(&["show ip interface".to_owned()]))
            .unwrap();
    });
    eprintln!("<get>: server RSS {before} kB, at most {peak} kB");
    let response = &reply[0].response;
    assert_eq!(reply[0].command, "show ip interface");
    assert_eq!(response.matches(", line protocol is up\n").count(), N);
    assert!(response.contains(
        "Loopback19999 is up, line protocol is up\n  Internet address is 10.79.249.1/32\n"
    ));
    assert!(
        peak < before + 8 * 1024,
        "server RSS grew from {before} kB to {peak} kB"
    );
    rt.block_on(c.close()).unwrap();
}

/// A client that asks for a huge reply and reads none of it: the reply
/// waits for the client's window, and `kill-session` still ends the
/// session (its write is given up), freeing its place.
#[test]
fn kill_session_ends_a_session_whose_reply_waits_for_the_window() {
    let dev = start(BASE);
    let items = "<show>version</show>".repeat(20_000);
    let rpc = format!(
        "<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get><filter>\
         <oper-data-format-text-block>{items}</oper-data-format-text-block></filter></get></rpc>]]>]]>"
    );
    let mut child = common::ssh_command(&dev, "admin", &["-s"])
        .arg("netconf")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The hello is read, for the session id; nothing after it ever is.
    let mut hello = Vec::new();
    let mut byte = [0u8; 1];
    while !hello.ends_with(b"]]>]]>") && stdout.read(&mut byte).unwrap() == 1 {
        hello.push(byte[0]);
    }
    let hello = String::from_utf8_lossy(&hello).into_owned();
    let id: u32 = hello
        .split("<session-id>")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no session id in {hello}"));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(HELLO.as_bytes()).unwrap();
    stdin.write_all(rpc.as_bytes()).unwrap();
    let rt = runtime();
    rt.block_on(async {
        let c = ironconf_client::Client::connect(common::key_options(&dev, dev.port))
            .await
            .unwrap();
        let sessions = || async {
            let out = c.exec(&["show netconf session".into()]).await.unwrap();
            out[0].response.clone()
        };
        // Time for the reply to fill the window nobody opens.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let text = sessions().await;
        assert!(text.contains("sessions: 2 |"), "{text}");
        c.kill_session(id).await.unwrap();
        let mut left = String::new();
        for _ in 0..100 {
            left = sessions().await;
            if left.contains("sessions: 1 |") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(left.contains("sessions: 1 |"), "{left}");
        c.close().await.unwrap();
    });
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
}

/// 16 sessions each running `more` of a 60 MB flash file and reading
/// nothing: each holds a part of the file, not the file (the server grew
/// by 1.9 GB when `more` read files whole).
#[test]
fn unread_more_of_a_large_file_holds_a_part_per_session() {
    let dev = start(BASE);
    let flash = dev.dir.path().join("state/bootflash");
    std::fs::create_dir_all(&flash).unwrap();
    let line = "interface GigabitEthernet1 description a line of a large file to page through\n";
    let big: String = line.repeat(60 * 1024 * 1024 / line.len());
    std::fs::write(flash.join("big.txt"), &big).unwrap();
    let pid = dev.child.id();
    std::thread::sleep(Duration::from_millis(300));
    let before = rss_kb(pid);
    // stdout piped and never read: the client stops reading when its pipe
    // is full, and the server's writes wait.
    let mut readers: Vec<std::process::Child> = (0..16)
        .map(|_| {
            common::ssh_command(&dev, "admin", &[])
                .arg("more bootflash:big.txt")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut peak = 0;
    let until = Instant::now() + Duration::from_secs(6);
    while Instant::now() < until {
        peak = peak.max(rss_kb(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("16 unread `more` of 60 MB: server RSS {before} kB, at most {peak} kB");
    // One of them, read to its end, has the whole file.
    let mut first = readers.remove(0);
    let mut text = Vec::new();
    first.stdout.take().unwrap().read_to_end(&mut text).unwrap();
    assert_eq!(
        text.len(),
        big.len() + big.matches('\n').count(),
        "CRLF per line"
    );
    for mut r in readers {
        let _ = r.kill();
        let _ = r.wait();
    }
    let _ = first.wait();
    assert!(
        peak < before + 64 * 1024,
        "server RSS grew from {before} kB to {peak} kB"
    );
}

/// `configure replace` of a large file: the file is parsed and compared
/// outside the device lock, so another session's requests are answered
/// meanwhile (a new session's first reply took as long as the whole
/// replace when the comparison held the lock).
#[test]
fn configure_replace_of_a_large_file_keeps_other_sessions_served() {
    const N: usize = 60_000;
    let dev = start(&format!("{BASE}file prompt quiet\n"));
    let flash = dev.dir.path().join("state/bootflash");
    std::fs::create_dir_all(&flash).unwrap();
    let rt = runtime();
    let c = rt
        .block_on(ironconf_client::Client::connect(common::key_options(
            &dev, dev.port,
        )))
        .unwrap();
    // Running-config as it is (its users and keys), another hostname, and
    // N interfaces more.
    let shown = rt
        .block_on(c.exec(&["show running-config".to_owned()]))
        .unwrap();
    let mut text: String = shown[0]
        .response
        .lines()
        .filter(|l| *l != "end")
        .map(|l| format!("{}\n", l.replace("hostname pressure", "hostname replaced")))
        .collect();
    for i in 0..N {
        text.push_str(&format!(
            "interface Loopback{i}\n description replaced {i}\n ip address 10.{}.{}.1 255.255.255.255\n",
            i / 250,
            i % 250
        ));
    }
    text.push_str("end\n");
    std::fs::write(flash.join("big.cfg"), &text).unwrap();
    let replace = std::thread::spawn({
        let mut cmd = common::ssh_command(&dev, "admin", &[]);
        cmd.arg("configure replace bootflash:big.cfg force");
        move || {
            let started = Instant::now();
            let out = cmd.output().unwrap();
            (
                started.elapsed(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        }
    });
    // Small requests from another session all along, each timed.
    let mut slowest = Duration::ZERO;
    let mut answered = 0;
    while !replace.is_finished() {
        let started = Instant::now();
        let reply = rt.block_on(c.exec(&["show clock".to_owned()])).unwrap();
        assert!(!reply[0].response.is_empty());
        slowest = slowest.max(started.elapsed());
        answered += 1;
    }
    let (took, out) = replace.join().unwrap();
    eprintln!(
        "configure replace took {took:?}; {answered} requests meanwhile, the slowest {slowest:?}"
    );
    assert!(out.contains("Rollback Done"), "{out}");
    let running = rt
        .block_on(c.exec(&["show running-config | include ^hostname".to_owned()]))
        .unwrap();
    assert!(
        running[0].response.contains("hostname replaced"),
        "{}",
        running[0].response
    );
    // The device's lock is held for the swap, not the comparison: no
    // request waits for more than a small part of the whole.
    assert!(
        answered >= 10,
        "{answered} requests answered during {took:?}"
    );
    assert!(
        slowest < took / 4,
        "a request waited {slowest:?} of a {took:?} replace"
    );
}
