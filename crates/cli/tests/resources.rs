//! Resource bounds under hostile or broken clients: a flood of half-open
//! connections with a password guesser running, a client that never reads
//! its replies, and the SSH inbound-deadlock pattern (a large reply being
//! written while the client keeps sending).

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Device, rss_kb, runtime, start};
use ironconf_client::{
    Client, ClientError, Config, ConnectOptions, Datastore, EditOptions, Filter, HostKeyCheck,
};

const BASE: &str = "hostname resources\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
line vty 0 15\n login local\n transport input ssh\nnetconf ssh\nnetconf max-sessions 16\n";

fn options(dev: &Device) -> ConnectOptions {
    common::key_options(dev, dev.port)
}

const HELLO: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>";

/// Grows the running configuration by `interfaces` interfaces, each with
/// a description of `width` characters.
async fn grow(c: &Client, interfaces: usize, width: usize) {
    let text = "d".repeat(width);
    for start in (0..interfaces).step_by(5000) {
        let mut cmds = Vec::new();
        for i in start..(start + 5000).min(interfaces) {
            cmds.push(format!("interface Loopback{i}"));
            cmds.push(format!(" description {i} {text}"));
        }
        c.edit_config(
            &Datastore::Running,
            &Config::Cli(cmds),
            &EditOptions::default(),
        )
        .await
        .unwrap();
    }
}

fn ssh_netconf(dev: &Device) -> Command {
    let mut cmd = common::ssh_command(dev, "admin", &["-s"]);
    cmd.arg("netconf").stdin(Stdio::piped());
    cmd
}

#[test]
fn thousand_half_open_connections_and_a_password_guesser_do_not_lock_out_a_user() {
    let dev = start(BASE);
    let flood: Vec<TcpStream> = (0..1000)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", dev.port)).ok())
        .collect();
    assert!(flood.len() >= 900, "{} connections", flood.len());
    let rt = runtime();
    let stop = Arc::new(AtomicBool::new(false));
    let guesses = Arc::new(AtomicUsize::new(0));
    // Four password guessers, each trying passwords one after another.
    let mut guessers = Vec::new();
    for g in 0..4 {
        let mut o = ConnectOptions::new("127.0.0.1", dev.port, "admin")
            .password(format!("guess-{g}"))
            .host_key_check(HostKeyCheck::Off);
        o.connect_timeout = Duration::from_secs(10);
        let stop = stop.clone();
        let guesses = guesses.clone();
        guessers.push(rt.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match Client::connect(o.clone()).await {
                    Err(ClientError::Auth { .. }) => {
                        guesses.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => panic!("a guessed password was accepted"),
                    Err(_) => {}
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(500));
    // The real user logs in and works, in a bounded time.
    let started = Instant::now();
    rt.block_on(async {
        let c = Client::connect(options(&dev)).await.unwrap();
        c.edit_config(
            &Datastore::Running,
            &Config::cli_lines("interface Loopback7\n description under-attack"),
            &EditOptions::default(),
        )
        .await
        .unwrap();
        let r = c
            .get_config(
                &Datastore::Running,
                &Filter::TextCmd(Some("interface Loopback7".into())),
            )
            .await
            .unwrap();
        assert!(r.config_text().unwrap().contains("under-attack"));
        c.close().await.unwrap();
    });
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    rt.block_on(async {
        for g in guessers {
            g.await.unwrap();
        }
    });
    eprintln!(
        "the user logged in and worked in {took:?} ({} guesses meanwhile)",
        guesses.load(Ordering::Relaxed)
    );
    assert!(took < Duration::from_secs(15), "the user needed {took:?}");
    assert!(
        guesses.load(Ordering::Relaxed) > 0,
        "the guessers never ran"
    );
    // The flood holds no more than the unauthenticated limit: the server
    // has closed most of those connections.
    let mut closed = 0;
    for mut s in flood {
        s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        let mut b = [0u8; 256];
        loop {
            match s.read(&mut b) {
                Ok(0) => {
                    closed += 1;
                    break;
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    // 1,000 connections, at most 128 kept.
    assert!(closed >= 850, "only {closed} flood connections were closed");
}

#[test]
fn a_client_that_never_reads_cannot_grow_server_memory() {
    let dev = start(BASE);
    let rt = runtime();
    rt.block_on(async {
        let c = Client::connect(options(&dev)).await.unwrap();
        // Every get-config reply is about 300 kB.
        grow(&c, 2000, 120).await;
        c.close().await.unwrap();
    });
    let pid = dev.child.id();
    let before = rss_kb(pid);
    let mut child = ssh_netconf(&dev).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _stdout = child.stdout.take().unwrap(); // held, never read
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(HELLO.as_bytes());
        let rpc = "<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source></get-config></rpc>]]>]]>";
        // Writes block once the server stops reading: that is the point.
        for _ in 0..100_000 {
            if stdin.write_all(rpc.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut peak = before;
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(6) {
        peak = peak.max(rss_kb(pid));
        std::thread::sleep(Duration::from_millis(100));
    }
    // Asked for up to 100,000 × 300 kB; held back to a bounded amount.
    eprintln!("server RSS {before} kB before, {peak} kB at most");
    assert!(
        peak < before + 64 * 1024,
        "server RSS grew from {before} kB to {peak} kB"
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = writer.join();
    // The server serves as before.
    rt.block_on(async {
        let c = Client::connect(options(&dev)).await.unwrap();
        let out = c.exec(&["show privilege".into()]).await.unwrap();
        assert!(out[0].response.contains("15"));
        c.close().await.unwrap();
    });
}

#[test]
fn big_reply_while_the_client_keeps_sending_delivers_every_byte() {
    let dev = start(BASE);
    let rt = runtime();
    let expected = rt.block_on(async {
        let c = Client::connect(options(&dev)).await.unwrap();
        // About 21 MB of configuration.
        grow(&c, 80_000, 230).await;
        let r = c
            .get_config(&Datastore::Running, &Filter::TextCmd(None))
            .await
            .unwrap();
        c.close().await.unwrap();
        r.xml().len()
    });
    assert!(expected > 20 * 1024 * 1024, "{expected}");
    let mut child = ssh_netconf(&dev).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The big reply first, then 400 requests of 40 kB each, written while
    // nobody reads the replies for 4 seconds.
    let writer = std::thread::spawn(move || {
        let mut input = String::from(HELLO);
        input.push_str("<rpc message-id=\"big\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source><filter><config-format-text-cmd/></filter></get-config></rpc>]]>]]>");
        let pad = format!("<!--{}-->", "p".repeat(40 * 1024));
        for i in 0..400 {
            input.push_str(&format!("<rpc message-id=\"{i}\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{pad}<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include ^hostname</text-filter-spec></config-format-text-cmd></filter></get-config></rpc>]]>]]>"));
        }
        input.push_str("<rpc message-id=\"end\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><close-session/></rpc>]]>]]>");
        stdin.write_all(input.as_bytes()).unwrap();
        stdin
    });
    std::thread::sleep(Duration::from_secs(4));
    let mut out = Vec::new();
    let reader = std::thread::spawn(move || {
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let t = Instant::now();
    let status = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break s.code();
        }
        if t.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap();
    drop(writer.join().unwrap());
    assert_eq!(status, Some(0), "the session did not end cleanly");
    let text = String::from_utf8_lossy(&out);
    // Every reply, in order, and the big one whole.
    let ids: Vec<&str> = text
        .split("<rpc-reply")
        .skip(1)
        .filter_map(|r| r.split("message-id=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(ids.len(), 402, "{} replies", ids.len());
    assert_eq!(ids[0], "big");
    assert_eq!(ids[401], "end");
    let big_end = text.find("</rpc-reply>").unwrap();
    assert!(big_end > 20 * 1024 * 1024, "big reply of {big_end} bytes");
    assert!(text.ends_with("</rpc-reply>]]>]]>"));
}
