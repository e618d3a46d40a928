//! Locks and sessions under faults: a lock holder whose connection
//! silently vanishes, sessions killed or cleared in the middle of a large
//! reply, and sixteen sessions editing at once with nothing lost.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{key_options as options, runtime, start};
use ironconf_client::{Client, ClientError, Config, Datastore, EditOptions, ErrorTag, Filter};

const BASE: &str = "hostname faults\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
line vty 0 15\n login local\n transport input ssh\n\
netconf ssh\nnetconf max-sessions 16\nnetconf lock-time 3\n";

/// A TCP relay to the device that can be frozen: it then stops moving
/// bytes either way without closing anything, as a cable pulled out.
struct Relay {
    port: u16,
    frozen: Arc<AtomicBool>,
}

fn relay(to: u16) -> Relay {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let frozen = Arc::new(AtomicBool::new(false));
    let f = frozen.clone();
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else {
            return;
        };
        let server = TcpStream::connect(("127.0.0.1", to)).unwrap();
        for (mut from, mut into) in [
            (client.try_clone().unwrap(), server.try_clone().unwrap()),
            (server, client),
        ] {
            let f = f.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 16384];
                loop {
                    if f.load(Ordering::SeqCst) {
                        // Hold both sockets open and move nothing, ever.
                        std::thread::sleep(Duration::from_secs(3600));
                    }
                    match from.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if f.load(Ordering::SeqCst) {
                                std::thread::sleep(Duration::from_secs(3600));
                            }
                            if into.write_all(&buf[..n]).is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    Relay { port, frozen }
}

#[test]
fn a_lock_holder_that_vanishes_loses_the_lock_after_lock_time() {
    let dev = start(BASE);
    let r = relay(dev.port);
    runtime().block_on(async {
        let holder = Client::connect(options(&dev, r.port)).await.unwrap();
        holder.lock(&Datastore::Running).await.unwrap();
        let other = Client::connect(options(&dev, dev.port)).await.unwrap();
        match other.lock(&Datastore::Running).await {
            Err(ClientError::Rpc(e)) => assert_eq!(e[0].error_tag, ErrorTag::LockDenied),
            x => panic!("{x:?}"),
        }
        // The holder's network goes silent: no FIN, no RST, nothing.
        r.frozen.store(true, Ordering::SeqCst);
        let t = Instant::now();
        let mut got = false;
        while t.elapsed() < Duration::from_secs(15) {
            if other.lock(&Datastore::Running).await.is_ok() {
                got = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(got, "the lock was never released");
        // `netconf lock-time 3`: released after about three idle seconds.
        let waited = t.elapsed();
        assert!(
            waited >= Duration::from_secs(2),
            "released after {waited:?}"
        );
        other.unlock(&Datastore::Running).await.unwrap();
        other.close().await.unwrap();
    });
}

#[test]
fn sessions_killed_or_cleared_during_a_large_reply() {
    let dev = start(BASE);
    let rt = runtime();
    rt.block_on(async {
        let c = Client::connect(options(&dev, dev.port)).await.unwrap();
        let text = "d".repeat(200);
        for start in (0..20_000).step_by(5000) {
            let cmds: Vec<String> = (start..start + 5000)
                .flat_map(|i| [format!("interface Loopback{i}"), format!(" description {text}")])
                .collect();
            c.edit_config(&Datastore::Running, &Config::Cli(cmds), &EditOptions::default())
                .await
                .unwrap();
        }
        // A 4 MB reply on its way when the session is killed.
        let victim = Client::connect(options(&dev, dev.port)).await.unwrap();
        let big = victim
            .send("<get-config><source><running/></source><filter><config-format-text-cmd/></filter></get-config>")
            .await
            .unwrap();
        c.kill_session(victim.session_id().unwrap()).await.unwrap();
        // Either the reply made it out first, or the session ended under it.
        match big.await {
            Ok(r) => assert!(r.is_ok()),
            Err(ClientError::Closed(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
        let e = victim.exec(&["show clock".into()]).await.unwrap_err();
        assert!(matches!(e, ClientError::Closed(_)), "{e:?}");
        // `clear netconf sessions` from the CLI, during large replies.
        let mut victims = Vec::new();
        for _ in 0..3 {
            let v = Client::connect(options(&dev, dev.port)).await.unwrap();
            let p = v
                .send("<get-config><source><running/></source></get-config>")
                .await
                .unwrap();
            victims.push((v, p));
        }
        let out = common::ssh_command(&dev, "admin", &[])
            .arg("clear netconf sessions")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        for (v, p) in victims {
            let _ = p.await;
            let t = Instant::now();
            while !v.is_closed() && t.elapsed() < Duration::from_secs(10) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(v.is_closed(), "a cleared session lives on");
        }
        // The device serves new sessions, with its configuration intact.
        let after = Client::connect(options(&dev, dev.port)).await.unwrap();
        let r = after
            .get_config(&Datastore::Running, &Filter::TextCmd(Some("interface Loopback19999".into())))
            .await
            .unwrap();
        assert!(r.config_text().unwrap().contains(&text));
        after.close().await.unwrap();
    });
}

#[test]
fn sixteen_sessions_editing_at_once_lose_nothing() {
    let dev = start(BASE);
    let rt = runtime();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for s in 0..16u32 {
            let o = options(&dev, dev.port);
            tasks.push(tokio::spawn(async move {
                let c = Client::connect(o).await.unwrap();
                for k in 0..20u32 {
                    // Each edit: an interface of its own (two lines that must
                    // stay together), an entry in a shared access list, and
                    // the shared hostname.
                    let cmds = vec![
                        format!("interface Loopback{}", s * 100 + k),
                        format!(" description s{s}-k{k}"),
                        " shutdown".to_owned(),
                        format!("access-list 10 permit host 10.{s}.{k}.1"),
                        format!("hostname h-{s}-{k}"),
                    ];
                    c.edit_config(
                        &Datastore::Running,
                        &Config::Cli(cmds),
                        &EditOptions::default(),
                    )
                    .await
                    .unwrap();
                }
                c.close().await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let c = Client::connect(options(&dev, dev.port)).await.unwrap();
        let text = c
            .get_config(&Datastore::Running, &Filter::TextBlock(None))
            .await
            .unwrap()
            .config_text()
            .unwrap();
        for s in 0..16 {
            for k in 0..20 {
                let iface = format!(
                    "interface Loopback{}\n description s{s}-k{k}\n shutdown\n",
                    s * 100 + k
                );
                assert!(text.contains(&iface), "lost {iface}");
                let acl = format!("access-list 10 permit host 10.{s}.{k}.1\n");
                assert!(text.contains(&acl), "lost {acl}");
            }
        }
        // The hostname is some session's last edit: a serial order's end.
        let host = text
            .lines()
            .find_map(|l| l.strip_prefix("hostname "))
            .unwrap();
        assert!(host.starts_with("h-") && host.ends_with("-19"), "{host}");
        c.close().await.unwrap();
    });
}
