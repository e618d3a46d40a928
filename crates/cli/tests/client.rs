//! The client library and the `ironconf` client verbs against the real
//! `ironconf` binary over real SSH on loopback.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Device, runtime, start, start_with, wait_output};
use ironconf_client::{
    Auth, Client, ClientError, Config, ConnectOptions, Datastore, EditOptions, ErrorOption,
    ErrorTag, Filter, Framing, HostKeyCheck,
};

const BASE: &str = "hostname client-test\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
interface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\n\
line vty 0 15\n login local\n transport input ssh\nnetconf ssh\n";

fn options(dev: &Device) -> ConnectOptions {
    let mut o = ConnectOptions::new("127.0.0.1", dev.port, "admin")
        .key_file(dev.dir.path().join("id"), None)
        .host_key_check(HostKeyCheck::AcceptNew(known_hosts(dev)));
    o.connect_timeout = Duration::from_secs(20);
    o.rpc_timeout = Duration::from_secs(60);
    o
}

fn known_hosts(dev: &Device) -> PathBuf {
    dev.dir.path().join("known_hosts")
}

#[test]
fn every_operation_in_both_framings() {
    for (profile, framing) in [
        ("ios-xe-16", Framing::EndOfMessage),
        ("standard", Framing::Chunked),
    ] {
        let dev = start_with(BASE, &["--profile", profile]);
        runtime().block_on(async {
            let c = Client::connect(options(&dev)).await.unwrap();
            assert_eq!(c.framing(), framing, "{profile}");
            assert!(c.session_id().is_some());
            assert!(
                c.capabilities()
                    .iter()
                    .any(|x| x.ends_with("-running:1.0"))
            );
            // The seed's filtered get-config, as text.
            let r = c
                .get_config(
                    &Datastore::Running,
                    &Filter::TextCmd(Some("interface Loopback113".into())),
                )
                .await
                .unwrap();
            assert_eq!(
                r.config_text().unwrap(),
                "!\ninterface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\nend\n",
                "{profile}"
            );
            // The same as one block.
            let r = c
                .get_config(&Datastore::Running, &Filter::TextBlock(Some("| include hostname".into())))
                .await
                .unwrap();
            assert_eq!(r.config_text().unwrap(), "hostname client-test\n");
            // edit-config with text that needs escaping.
            c.edit_config(
                &Datastore::Running,
                &Config::cli_lines("interface Loopback7\n description a&b <c>"),
                &EditOptions::default(),
            )
            .await
            .unwrap();
            let r = c
                .get(&Filter::TextCmd(Some("interface Loopback7".into())))
                .await
                .unwrap();
            assert!(r.data_xml().unwrap().contains("description a&amp;b &lt;c&gt;"));
            // A failing line: rpc-error as data from rpc(), as an error from the helper.
            let bad = Config::Cli(vec!["interface Loopback8".into(), "no such command".into()]);
            let opts = EditOptions {
                error_option: Some(ErrorOption::RollbackOnError),
                ..Default::default()
            };
            let reply = c
                .rpc(&ironconf_client::ops::edit_config(&Datastore::Running, &bad, &opts))
                .await
                .unwrap();
            assert!(!reply.is_ok());
            assert!(!reply.errors().is_empty());
            let err = c.edit_config(&Datastore::Running, &bad, &opts).await;
            assert!(matches!(err, Err(ClientError::Rpc(_))), "{err:?}");
            let r = c
                .get_config(&Datastore::Running, &Filter::TextCmd(Some("interface Loopback8".into())))
                .await
                .unwrap();
            assert!(!r.config_text().unwrap().contains("Loopback8"));
            // copy-config to startup reaches the disk; delete-config empties it.
            c.copy_config(&Datastore::Startup, &Datastore::Running)
                .await
                .unwrap();
            let saved =
                std::fs::read_to_string(dev.dir.path().join("state/startup-config")).unwrap();
            assert!(saved.contains(" description a&b <c>"), "{saved}");
            c.delete_config(&Datastore::Startup).await.unwrap();
            // Locks.
            c.lock(&Datastore::Running).await.unwrap();
            c.unlock(&Datastore::Running).await.unwrap();
            // EXEC commands.
            let out = c
                .exec(&[
                    "show version".into(),
                    "show running-config | include hostname".into(),
                ])
                .await
                .unwrap();
            assert_eq!(out.len(), 2);
            assert!(out[0].response.contains("Cisco IOS"), "{:?}", out[0]);
            assert_eq!(out[1].response.trim(), "hostname client-test");
            // An operation the server does not have: answered, session goes on.
            let r = c.rpc("<commit/>").await.unwrap();
            assert_eq!(r.errors()[0].error_tag, ErrorTag::OperationNotSupported);
            c.close().await.unwrap();
        });
    }
}

#[test]
fn many_requests_in_flight_are_matched_to_their_replies() {
    let dev = start(BASE);
    runtime().block_on(async {
        let c = Client::connect(options(&dev)).await.unwrap();
        let n = 150;
        let mut edits = Vec::new();
        for i in 0..n {
            let op = ironconf_client::ops::edit_config(
                &Datastore::Running,
                &Config::cli_lines(&format!("interface Loopback{i}\n description d{i}")),
                &EditOptions::default(),
            );
            edits.push(c.send(&op).await.unwrap());
        }
        for e in edits {
            assert!(e.await.unwrap().is_ok());
        }
        // All reads sent before any is awaited; each reply is its own.
        let mut reads = Vec::new();
        for i in (0..n).rev() {
            let op = ironconf_client::ops::get_config(
                &Datastore::Running,
                &Filter::TextCmd(Some(format!("interface Loopback{i}"))),
            );
            let p = c.send(&op).await.unwrap();
            reads.push((i, p.message_id().to_owned(), p));
        }
        for (i, id, p) in reads {
            let r = p.await.unwrap();
            assert_eq!(r.message_id(), Some(id.as_str()));
            let text = r.config_text().unwrap();
            assert!(
                text.contains(&format!(" description d{i}\n")),
                "{i}: {text}"
            );
        }
        // Clones share the session: concurrent tasks.
        let mut tasks = Vec::new();
        for t in 0..8 {
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..10 {
                    let out = c.exec(&["show privilege".into()]).await.unwrap();
                    assert!(
                        out[0].response.contains("Current privilege level is 15"),
                        "{t}"
                    );
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        c.close().await.unwrap();
    });
}

#[test]
fn notifications_are_taken_in_order_after_the_gather_window() {
    // A 50 ms window, long enough to see from here.
    let dev = start_with(
        BASE,
        &["--profile", "standard", "--notification-gather", "50000"],
    );
    runtime().block_on(async {
        let sub = Client::connect(options(&dev)).await.unwrap();
        assert!(
            sub.rpc(
                r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#
            )
            .await
            .unwrap()
            .is_ok()
        );
        assert!(sub.try_next_notification().is_none());
        let editor = Client::connect(options(&dev)).await.unwrap();
        let start = sub.next_notification().await.unwrap();
        assert!(
            start.text.contains("<netconf-session-start"),
            "{}",
            start.text
        );
        let began = std::time::Instant::now();
        for name in ["gather-a", "gather-b", "gather-c"] {
            let r = editor
                .edit_config(
                    &Datastore::Running,
                    &Config::Cli(vec![format!("hostname {name}")]),
                    &EditOptions::default(),
                )
                .await
                .unwrap();
            assert!(r.is_ok());
        }
        for name in ["gather-a", "gather-b", "gather-c"] {
            let n = tokio::time::timeout(Duration::from_secs(20), sub.next_notification())
                .await
                .unwrap()
                .unwrap();
            assert!(n.text.contains("<netconf-config-change"), "{}", n.text);
            assert!(
                n.text.contains(&format!("hostname {name}")),
                "{name}: {}",
                n.text
            );
            // Written no sooner than the window after its change.
            assert!(
                n.received.duration_since(began) >= Duration::from_millis(50),
                "{name} after {:?}",
                n.received.duration_since(began)
            );
        }
        assert!(sub.try_next_notification().is_none());
        assert_eq!(sub.notifications_dropped(), 0);
        editor.close().await.unwrap();
        // The editor's session end, then nothing once the session is over.
        let end = sub.next_notification().await.unwrap();
        assert!(end.text.contains("<netconf-session-end"), "{}", end.text);
        sub.disconnect().await;
        assert!(sub.next_notification().await.is_none());
    });
}

#[test]
fn a_client_keeps_a_bounded_number_of_notifications() {
    let dev = start_with(
        BASE,
        &["--profile", "standard", "--notification-gather", "0"],
    );
    runtime().block_on(async {
        let sub = Client::connect(options(&dev)).await.unwrap();
        sub.rpc(
            r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#,
        )
        .await
        .unwrap();
        let editor = Client::connect(options(&dev)).await.unwrap();
        let edits = ironconf_client::NOTIFICATIONS_KEPT + 20;
        let mut pending = Vec::new();
        for i in 0..edits {
            let op = ironconf_client::ops::edit_config(
                &Datastore::Running,
                &Config::Cli(vec![
                    "interface Loopback7".into(),
                    format!(" description kept {i}"),
                ]),
                &EditOptions::default(),
            );
            pending.push(editor.send(&op).await.unwrap());
        }
        for p in pending {
            assert!(p.await.unwrap().is_ok());
        }
        // Every change's notification read (and the editor's start).
        let all = edits as u64 + 1;
        for _ in 0..600 {
            if sub.notifications_received() >= all {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(sub.notifications_received(), all);
        assert_eq!(
            sub.notifications_dropped(),
            all - ironconf_client::NOTIFICATIONS_KEPT as u64
        );
        let mut kept = Vec::new();
        while let Some(n) = sub.try_next_notification() {
            kept.push(n.text);
        }
        assert_eq!(kept.len(), ironconf_client::NOTIFICATIONS_KEPT);
        // The newest are kept, in order.
        let last = edits - 1;
        assert!(
            kept[kept.len() - 1].contains(&format!("description kept {last}<")),
            "{}",
            kept[kept.len() - 1]
        );
        let first = edits - ironconf_client::NOTIFICATIONS_KEPT;
        assert!(
            kept[0].contains(&format!("description kept {first}<")),
            "{}",
            kept[0]
        );
        editor.close().await.unwrap();
        sub.close().await.unwrap();
    });
}

#[test]
fn logins_by_password_key_and_agent() {
    let dev = start(BASE);
    runtime().block_on(async {
        let base = ConnectOptions::new("127.0.0.1", dev.port, "admin")
            .host_key_check(HostKeyCheck::AcceptNew(known_hosts(&dev)));
        let c = Client::connect(base.clone().password("cisco")).await.unwrap();
        c.close().await.unwrap();
        let e = Client::connect(base.clone().password("wrong")).await.unwrap_err();
        assert!(
            // The password is offered by both methods IOS's server takes.
            matches!(&e, ClientError::Auth { user, tried } if user == "admin" && tried == "password,keyboard-interactive"),
            "{e:?}"
        );
        // A missing key file is a key error naming the file.
        let e = Client::connect(base.clone().key_file("/nonexistent/id", None))
            .await
            .unwrap_err();
        assert!(matches!(&e, ClientError::Key(m) if m.contains("/nonexistent/id")), "{e:?}");
        // Methods are tried in order: a wrong password, then the key.
        let c = Client::connect(
            base.clone()
                .password("wrong")
                .key_file(dev.dir.path().join("id"), None),
        )
        .await
        .unwrap();
        c.close().await.unwrap();
    });
    // ssh-agent holding the test key.
    let sock = dev.dir.path().join("agent.sock");
    let mut agent = Command::new("ssh-agent")
        .args(["-D", "-a"])
        .arg(&sock)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if sock.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let added = Command::new("ssh-add")
        .arg(dev.dir.path().join("id"))
        .env("SSH_AUTH_SOCK", &sock)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(added.success());
    runtime().block_on(async {
        let mut o = ConnectOptions::new("127.0.0.1", dev.port, "admin")
            .host_key_check(HostKeyCheck::AcceptNew(known_hosts(&dev)));
        o.auth.push(Auth::AgentSocket(sock.clone()));
        let c = Client::connect(o).await.unwrap();
        let out = c.exec(&["show users".into()]).await.unwrap();
        assert!(out[0].response.contains("admin"), "{:?}", out[0]);
        c.close().await.unwrap();
    });
    let _ = agent.kill();
    let _ = agent.wait();
}

#[test]
fn host_keys_are_checked_against_known_hosts() {
    let dev = start(BASE);
    let file = known_hosts(&dev);
    runtime().block_on(async {
        let o = |check| {
            ConnectOptions::new("127.0.0.1", dev.port, "admin")
                .password("cisco")
                .host_key_check(check)
        };
        // Strict with no entry: refused, with the fingerprint.
        let e = Client::connect(o(HostKeyCheck::Strict(file.clone())))
            .await
            .unwrap_err();
        match &e {
            ClientError::UnknownHostKey {
                host, fingerprint, ..
            } => {
                assert_eq!(host, &format!("[127.0.0.1]:{}", dev.port));
                assert!(fingerprint.starts_with("SHA256:"));
            }
            other => panic!("{other:?}"),
        }
        // accept-new records it in OpenSSH's form; strict then passes.
        Client::connect(o(HostKeyCheck::AcceptNew(file.clone())))
            .await
            .unwrap()
            .close()
            .await
            .unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with(&format!("[127.0.0.1]:{} ", dev.port)),
            "{text}"
        );
        Client::connect(o(HostKeyCheck::Strict(file.clone())))
            .await
            .unwrap()
            .close()
            .await
            .unwrap();
    });
    // OpenSSH reads the same file.
    let out = Command::new("ssh")
        .args(["-p", &dev.port.to_string(), "-i"])
        .arg(dev.dir.path().join("id"))
        .args(["-o", "StrictHostKeyChecking=yes", "-o"])
        .arg(format!("UserKnownHostsFile={}", file.display()))
        .args(["-o", "BatchMode=yes", "admin@127.0.0.1", "show privilege"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("privilege level is 15"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A different key recorded for the host: refused as changed.
    let other = dev.dir.path().join("other");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&other)
        .status()
        .unwrap();
    assert!(st.success());
    let blob = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    let blob = blob.split_whitespace().nth(1).unwrap().to_owned();
    std::fs::write(
        &file,
        format!("[127.0.0.1]:{} ssh-ed25519 {blob}\n", dev.port),
    )
    .unwrap();
    runtime().block_on(async {
        let e = Client::connect(
            ConnectOptions::new("127.0.0.1", dev.port, "admin")
                .password("cisco")
                .host_key_check(HostKeyCheck::AcceptNew(file.clone())),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, ClientError::HostKeyChanged { line: 1, .. }),
            "{e:?}"
        );
    });
}

#[test]
fn sessions_can_lock_each_other_out_and_be_killed() {
    // The RFC error style carries the holder's session-id.
    let dev = start_with(BASE, &["--profile", "standard"]);
    runtime().block_on(async {
        let a = Client::connect(options(&dev)).await.unwrap();
        let b = Client::connect(options(&dev)).await.unwrap();
        a.lock(&Datastore::Running).await.unwrap();
        match b.lock(&Datastore::Running).await {
            Err(ClientError::Rpc(errors)) => {
                assert_eq!(errors[0].error_tag, ErrorTag::LockDenied);
                assert_eq!(errors[0].error_info.session_id, a.session_id());
            }
            other => panic!("{other:?}"),
        }
        b.kill_session(a.session_id().unwrap()).await.unwrap();
        // The killed session's requests fail; its lock is gone.
        let e = a.exec(&["show clock".into()]).await.unwrap_err();
        assert!(matches!(e, ClientError::Closed(_)), "{e:?}");
        assert!(a.is_closed());
        b.lock(&Datastore::Running).await.unwrap();
        b.close().await.unwrap();
    });
}

#[test]
fn every_wait_is_bounded() {
    // A listener that accepts and says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    runtime().block_on(async {
        let mut o = ConnectOptions::new("127.0.0.1", port, "admin")
            .password("x")
            .host_key_check(HostKeyCheck::Off);
        o.connect_timeout = Duration::from_millis(500);
        let e = Client::connect(o).await.unwrap_err();
        assert!(
            matches!(
                e,
                ClientError::Timeout {
                    waiting_for: "SSH key exchange",
                    ..
                }
            ),
            "{e:?}"
        );
    });
    drop(silent);
    // A reply slower than its limit: a timeout, and the session goes on
    // (the late reply is dropped, not handed to the next request).
    let lines: String = (0..20000)
        .map(|i| format!("interface Loopback{i}\n description big-{i}\n"))
        .collect();
    let dev = start(&format!("{BASE}{lines}"));
    runtime().block_on(async {
        let c = Client::connect(options(&dev)).await.unwrap();
        let op = ironconf_client::ops::get_config(&Datastore::Running, &Filter::TextCmd(None));
        let e = c
            .send(&op)
            .await
            .unwrap()
            .timeout(Duration::from_millis(1))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                ClientError::Timeout {
                    waiting_for: "rpc-reply",
                    ..
                }
            ),
            "{e:?}"
        );
        let out = c.exec(&["show privilege".into()]).await.unwrap();
        assert!(out[0].response.contains("privilege level is 15"));
        // The whole configuration, read in place.
        let r = c
            .get_config(&Datastore::Running, &Filter::TextCmd(None))
            .await
            .unwrap();
        let text = r.config_text().unwrap();
        assert!(text.contains(" description big-19999\n"));
        assert!(text.lines().count() > 40000);
        c.close().await.unwrap();
    });
}

/// Runs `ironconf VERB …` against `dev` with the test's password.
fn cli(dev: &Device, args: &[&str], stdin: Option<&str>) -> (String, String, Option<i32>) {
    let kh = known_hosts(dev);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ironconf"));
    cmd.args(args)
        .args(["--port", &dev.port.to_string(), "--known-hosts"])
        .arg(&kh)
        .env("IRONCONF_PASSWORD", "cisco")
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        pipe.write_all(s.as_bytes()).unwrap();
    }
    drop(pipe);
    let mut stderr = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let (out, status) = wait_output(child, Duration::from_secs(60));
    (out, err.join().unwrap(), status)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn client_verbs_print_text_xml_and_json() {
    let dev = start(BASE);
    let (out, err, st) = cli(&dev, &["get-config", "-f", "| include hostname"], None);
    assert_eq!(
        (out.as_str(), st),
        ("hostname client-test\n", Some(0)),
        "{err}"
    );
    let (out, _, st) = cli(
        &dev,
        &["get-config", "-o", "json", "-f", "| include hostname"],
        None,
    );
    assert_eq!(st, Some(0));
    assert!(
        out.contains("\"config\": \"hostname client-test\\n\""),
        "{out}"
    );
    assert!(out.contains("\"ok\": true"), "{out}");
    let (out, _, _) = cli(
        &dev,
        &["get-config", "-o", "xml", "-f", "| include hostname"],
        None,
    );
    assert!(
        out.contains("\n      <cmd>hostname client-test</cmd>\n"),
        "{out}"
    );
    // edit-config from arguments, a file and standard input.
    let (out, err, st) = cli(
        &dev,
        &["edit-config", "interface Loopback1", " description one"],
        None,
    );
    assert_eq!((out.as_str(), st), ("ok\n", Some(0)), "{err}");
    let f = write(
        dev.dir.path(),
        "cmds",
        "interface Loopback2\n description two\n",
    );
    let (_, err, st) = cli(&dev, &["edit-config", "--file", f.to_str().unwrap()], None);
    assert_eq!(st, Some(0), "{err}");
    let (_, err, st) = cli(
        &dev,
        &["edit-config", "--file", "-"],
        Some("interface Loopback3\n description three\n"),
    );
    assert_eq!(st, Some(0), "{err}");
    let (out, _, _) = cli(&dev, &["get", "-f", "| include description"], None);
    for d in ["one", "two", "three"] {
        assert!(
            out.contains(&format!("<cmd> description {d}</cmd>")),
            "{out}"
        );
    }
    // An rpc-error: the IOS error on stderr, exit code 5.
    let (_, err, st) = cli(
        &dev,
        &[
            "edit-config",
            "--error-option",
            "rollback-on-error",
            "interface Loopback4",
            "bogus",
        ],
        None,
    );
    assert_eq!(st, Some(5), "{err}");
    assert!(err.contains("% rpc-error operation-failed"), "{err}");
    let (_, err, st) = cli(
        &dev,
        &["edit-config", "--error-option", "sometimes", "x"],
        None,
    );
    assert_eq!(st, Some(1), "{err}");
    assert!(err.contains("unknown error-option 'sometimes'"), "{err}");
    // copy-config, delete-config, lock, unlock.
    let (out, _, st) = cli(
        &dev,
        &["copy-config", "--source", "running", "--target", "startup"],
        None,
    );
    assert_eq!((out.as_str(), st), ("ok\n", Some(0)));
    let saved = std::fs::read_to_string(dev.dir.path().join("state/startup-config")).unwrap();
    assert!(saved.contains(" description three"), "{saved}");
    let (_, _, st) = cli(&dev, &["delete-config", "--target", "startup"], None);
    assert_eq!(st, Some(0));
    let (out, _, st) = cli(&dev, &["lock"], None);
    assert_eq!((out.as_str(), st), ("ok\n", Some(0)));
    // The lock ended with its session: unlocking now is an error, as JSON.
    let (out, _, st) = cli(&dev, &["unlock", "-o", "json"], None);
    assert_eq!(st, Some(5));
    assert!(
        out.contains("\"ok\": false") && out.contains("\"tag\": \""),
        "{out}"
    );
    // kill-session of a session that does not exist: rpc-error.
    let (_, err, st) = cli(&dev, &["kill-session", "4242"], None);
    assert_eq!(st, Some(5), "{err}");
    // exec prints the command output only.
    let (out, _, st) = cli(
        &dev,
        &[
            "exec",
            "show running-config | include hostname",
            "show privilege",
        ],
        None,
    );
    assert_eq!(st, Some(0));
    assert_eq!(out, "hostname client-test\nCurrent privilege level is 15\n");
    // rpc FILE: a whole rpc with its own message-id, and a bare operation.
    let f = write(
        dev.dir.path(),
        "rpc.xml",
        "<?xml version=\"1.0\"?>\n<rpc message-id=\"my-id-7\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include hostname</text-filter-spec></config-format-text-cmd></filter></get-config>\n</rpc>\n",
    );
    let (out, _, st) = cli(&dev, &["rpc", "-o", "xml", f.to_str().unwrap()], None);
    assert_eq!(st, Some(0));
    assert!(out.contains("message-id=\"my-id-7\""), "{out}");
    let (out, _, st) = cli(
        &dev,
        &["rpc", "-"],
        Some(
            "<get><filter><oper-data-format-text-block><show>clock</show></oper-data-format-text-block></filter></get>",
        ),
    );
    assert_eq!(st, Some(0));
    assert!(out.contains("<show>clock</show>"), "{out}");
    // The console: EXEC, configuration mode, XML over several lines.
    let (out, err, st) = cli(
        &dev,
        &["console"],
        Some(
            "show privilege\nconfigure\ninterface Loopback9\n description via-console\nend\nconfigure\nnot a command\nend\nget-config running interface Loopback9\n<get>\n<filter><config-format-text-cmd><text-filter-spec>| include via-console</text-filter-spec></config-format-text-cmd></filter>\n</get>\nquit\n",
        ),
    );
    assert_eq!(st, Some(0), "{err}");
    assert!(out.contains("Current privilege level is 15"), "{out}");
    assert!(
        out.contains("interface Loopback9\n description via-console\n"),
        "{out}"
    );
    assert!(out.contains("<cmd> description via-console</cmd>"), "{out}");
    assert!(
        err.contains("% rpc-error operation-failed"),
        "{err} / {out}"
    );
}

#[test]
fn client_exit_codes_tell_failures_apart() {
    let dev = start(BASE);
    // Authentication.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ironconf"));
    let st = cmd
        .args([
            "get-config",
            "--port",
            &dev.port.to_string(),
            "--known-hosts",
        ])
        .arg(dev.dir.path().join("other_known_hosts"))
        .env("IRONCONF_PASSWORD", "wrong")
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&st.stderr).contains("authentication failed for user admin"));
    // Connection refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["get", "--port", &port.to_string()])
        .env("IRONCONF_PASSWORD", "x")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect to 127.0.0.1"));
    // Timeout, with a JSON object for programs.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args([
            "get",
            "-o",
            "json",
            "--timeout",
            "1",
            "--port",
            &port.to_string(),
        ])
        .env("IRONCONF_PASSWORD", "x")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ok\":false"));
    // An unknown host key under strict checking: a connection failure.
    let (_, err, st) = cli(&dev, &["get", "--host-key-check", "strict"], None);
    assert_eq!(st, Some(3), "{err}");
    assert!(err.contains("is not known"), "{err}");
}
