//! Logins through AAA against a real RADIUS server (FreeRADIUS on
//! loopback): the method list's order, the privilege the server gives
//! deciding what NETCONF allows, servers that do not answer or do not
//! share the secret, and dead servers skipped.
//!
//! Needs the Debian package `freeradius` (`scripts/test` installs it and
//! sets IRONCONF_REQUIRE_BASELINES=1).

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{freeradius, password_options, runtime, silent_udp_port, start};
use ironconf_client::{Client, Datastore, Filter};

fn startup(radius: &common::FreeRadius, silent: u16) -> String {
    format!(
        "hostname aaa-r1\nip domain name example.net\n\
username admin privilege 15 secret 0 local-pw\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {{KEY}}\n  exit\n\
aaa new-model\n\
aaa group server radius DEAD-FIRST\n server name RAD-SILENT\n server name RAD1\n\
aaa group server radius WRONG-KEY\n server name RAD-WRONG\n\
aaa group server radius ACCT\n server name RAD1\n\
aaa authentication login default group DEAD-FIRST local\n\
aaa authorization exec default group DEAD-FIRST local\n\
aaa accounting exec default start-stop group ACCT\n\
radius server RAD-SILENT\n address ipv4 127.0.0.1 auth-port {silent} acct-port {silent}\n timeout 1\n retransmit 1\n key {secret}\n\
radius server RAD1\n address ipv4 127.0.0.1 auth-port {auth} acct-port {acct}\n timeout 2\n retransmit 1\n key {secret}\n\
radius server RAD-WRONG\n address ipv4 127.0.0.1 auth-port {auth} acct-port {acct}\n timeout 1\n retransmit 0\n key not-the-secret\n\
radius-server deadtime 1\n\
netconf ssh\nnetconf max-sessions 16\n\
line vty 0 15\n login local\n transport input ssh\n",
        auth = radius.auth_port,
        acct = radius.acct_port,
        secret = radius.secret,
    )
}

/// Logs in with a password and asks for running-config: the login's
/// outcome, the rpc's, and how long the login took.
fn try_login(
    port: u16,
    user: &str,
    password: &str,
) -> (Result<Result<String, String>, String>, Duration) {
    let rt = runtime();
    let t = Instant::now();
    rt.block_on(async {
        let client = match Client::connect(password_options(port, user, password)).await {
            Ok(c) => c,
            Err(e) => return (Err(e.to_string()), t.elapsed()),
        };
        let took = t.elapsed();
        let reply = client
            .get_config(&Datastore::Running, &Filter::None)
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.config_text().map_err(|e| e.to_string()));
        let _ = client.close().await;
        (Ok(reply), took)
    })
}

#[test]
fn radius_logins_follow_the_method_list_and_the_servers_privilege() {
    let Some(radius) = freeradius() else { return };
    let silent = silent_udp_port();
    let dev = start(&startup(&radius, silent));

    // The first server of the group does not answer (1 s, once
    // retransmitted); RADIUS's second server lets netops in at level 15,
    // so NETCONF serves it.
    let (outcome, took) = try_login(dev.port, "netops", "netops-pw");
    let config = outcome.expect("login").expect("get-config at level 15");
    assert!(config.contains("hostname aaa-r1"), "{config}");
    assert!(
        took >= Duration::from_secs(2),
        "the silent server waited for: {took:?}"
    );
    // `aaa new-model` took `login local` off the lines.
    assert!(!config.contains(" login local"), "{config}");

    // RAD-SILENT is now dead for a minute: the next login goes straight
    // to RAD1.
    let (outcome, took) = try_login(dev.port, "netops", "netops-pw");
    outcome.expect("login").expect("get-config");
    assert!(
        took < Duration::from_secs(1),
        "dead server skipped: {took:?}"
    );

    // Level 7 from the server: logged in, but NETCONF needs 15.
    let (outcome, _) = try_login(dev.port, "helpdesk", "helpdesk-pw");
    let refused = outcome
        .expect("login")
        .expect_err("level 7 gets no running-config");
    // IOS's bare error for a session below level 15.
    assert_eq!(refused, "rpc-error: operation-failed (protocol)");

    // A reject is final: the local database is not asked, even for a
    // user it has.
    let (outcome, _) = try_login(dev.port, "netops", "wrong");
    assert!(outcome.is_err(), "rejected by RADIUS");
    let (outcome, _) = try_login(dev.port, "admin", "local-pw");
    assert!(outcome.is_err(), "RADIUS rejects admin; local is not tried");

    // What the device counted, as `show aaa servers` tells it.
    let rt = runtime();
    let shown = rt.block_on(async {
        let c = Client::connect(password_options(dev.port, "netops", "netops-pw"))
            .await
            .unwrap();
        let out = c
            .exec(&[
                "show aaa servers".to_owned(),
                "show aaa method-lists all".to_owned(),
                "test aaa group ACCT netops netops-pw new-code".to_owned(),
                "test aaa group ACCT netops wrong new-code".to_owned(),
                "test aaa group WRONG-KEY netops netops-pw new-code".to_owned(),
                "test aaa group NOPE netops netops-pw new-code".to_owned(),
            ])
            .await
            .unwrap();
        let _ = c.close().await;
        out
    });
    let servers = &shown[0].response;
    let block = |name: &str| {
        servers
            .split("RADIUS: id ")
            .find(|b| b.contains(&format!("hostname {name}\n")))
            .unwrap_or_default()
            .to_owned()
    };
    let silent = block("RAD-SILENT");
    assert!(silent.contains("State: current DEAD"), "{servers}");
    assert!(
        silent.contains("Authen: request 1, timeouts 1,"),
        "{servers}"
    );
    assert!(silent.contains("Dead: total time 0s, count 1"), "{servers}");
    let rad1 = block("RAD1");
    assert!(rad1.contains("State: current UP"), "{servers}");
    // netops three times (the third to read this), helpdesk once, and two
    // wrong logins, each tried by keyboard-interactive and then by
    // password, as the client does: four rejects.
    assert!(rad1.contains("Authen: request 8, timeouts 0,"), "{servers}");
    assert!(
        rad1.contains("Response: accept 4, reject 4, challenge 0"),
        "{servers}"
    );
    assert!(
        shown[1]
            .response
            .contains("name=default valid=TRUE id=0 :state=ALIVE : group DEAD-FIRST local"),
        "{}",
        shown[1].response
    );
}

#[test]
fn logins_fall_to_the_local_database_when_no_server_answers() {
    let Some(radius) = freeradius() else { return };
    let silent = silent_udp_port();
    // Every server of the list either silent or with another secret.
    let config = startup(&radius, silent)
        .replace(
            "aaa authentication login default group DEAD-FIRST local",
            "aaa authentication login default group WRONG-KEY local",
        )
        .replace(
            "aaa authorization exec default group DEAD-FIRST local",
            "aaa authorization exec default group WRONG-KEY local",
        );
    let dev = start(&config);
    // FreeRADIUS's answers (or silence) under another secret are not
    // believed: after the timeout, the local database lets admin in at its
    // own level.
    let (outcome, took) = try_login(dev.port, "admin", "local-pw");
    let text = outcome.expect("local login").expect("level 15 from local");
    assert!(text.contains("hostname aaa-r1"));
    assert!(took >= Duration::from_secs(1), "{took:?}");
    // A RADIUS user unknown locally is refused.
    let (outcome, _) = try_login(dev.port, "netops", "netops-pw");
    assert!(outcome.is_err());
}

/// OpenSSH logging in with a password typed at its prompt (by an askpass
/// program), by `method`: one command on the exec channel.
fn openssh(
    port: u16,
    user: &str,
    password: &str,
    method: &str,
    command: &str,
) -> (String, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let askpass = dir.path().join("askpass");
    std::fs::write(&askpass, format!("#!/bin/sh\necho '{password}'\n")).unwrap();
    std::fs::set_permissions(
        &askpass,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let out = std::process::Command::new("ssh")
        .args(["-p", &port.to_string()])
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "NumberOfPasswordPrompts=5",
            "-o",
        ])
        .arg(format!("PreferredAuthentications={method}"))
        .arg(format!("{user}@127.0.0.1"))
        .arg(command)
        .env("SSH_ASKPASS", &askpass)
        .env("SSH_ASKPASS_REQUIRE", "force")
        .env("DISPLAY", ":0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

#[test]
fn openssh_logs_in_through_radius_by_password_and_keyboard_interactive() {
    let Some(radius) = freeradius() else { return };
    let dev = start(&startup(&radius, silent_udp_port()).replace(
        "radius server RAD-SILENT",
        "radius server RAD-SILENT-UNUSED",
    ));
    // `debug aaa authentication`, through the logging pipeline.
    let rt = runtime();
    rt.block_on(async {
        let c = Client::connect(password_options(dev.port, "netops", "netops-pw"))
            .await
            .unwrap();
        let out = c
            .exec(&["debug aaa authentication".to_owned()])
            .await
            .unwrap();
        assert_eq!(out[0].response.trim(), "AAA Authentication debugging is on");
        let _ = c.close().await;
    });
    for method in ["keyboard-interactive", "password"] {
        let (out, status) = openssh(dev.port, "netops", "netops-pw", method, "show privilege");
        assert_eq!(status, Some(0), "{method}: {out}");
        assert!(
            out.contains("Current privilege level is 15"),
            "{method}: {out}"
        );
        let (out, status) = openssh(
            dev.port,
            "helpdesk",
            "helpdesk-pw",
            method,
            "show privilege",
        );
        assert_eq!(status, Some(0), "{method}: {out}");
        assert!(
            out.contains("Current privilege level is 7"),
            "{method}: {out}"
        );
        let (out, status) = openssh(dev.port, "netops", "wrong", method, "show privilege");
        assert_eq!(status, Some(255), "{method}: {out}");
    }
    let (log, _) = openssh(dev.port, "netops", "netops-pw", "password", "show logging");
    assert!(log.contains("AAA/AUTHEN/LOGIN ("), "{log}");
    assert!(log.contains("): Pick method list 'default'"), "{log}");
    assert!(log.contains("): Method=RADIUS (DEAD-FIRST)"), "{log}");
    assert!(log.contains("): Status=PASS"), "{log}");
    assert!(log.contains("): Status=FAIL"), "{log}");
    // Secrets never reach the log.
    assert!(
        !log.contains("netops-pw") && !log.contains(&radius.secret),
        "{log}"
    );
    // Exec accounting: a start and a stop record per session, in
    // FreeRADIUS's detail file, the stop with the session's time; netops's
    // sessions authenticated by RADIUS, helpdesk's too.
    let deadline = Instant::now() + Duration::from_secs(15);
    // Six sessions: netops's NETCONF session, two shells each for netops
    // and helpdesk, and netops's `show logging`.
    let detail = loop {
        let text = std::fs::read_to_string(&radius.detail).unwrap_or_default();
        if text.matches("Acct-Status-Type = Stop").count() >= 6 || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        detail.matches("Acct-Status-Type = Start").count(),
        6,
        "{detail}"
    );
    assert_eq!(
        detail.matches("Acct-Status-Type = Stop").count(),
        6,
        "{detail}"
    );
    assert_eq!(
        detail.matches("User-Name = \"netops\"").count(),
        8,
        "{detail}"
    );
    assert_eq!(
        detail.matches("User-Name = \"helpdesk\"").count(),
        4,
        "{detail}"
    );
    assert!(detail.contains("Acct-Authentic = RADIUS"), "{detail}");
    assert!(
        detail.contains("Calling-Station-Id = \"127.0.0.1\""),
        "{detail}"
    );
    assert!(detail.contains("NAS-Identifier = \"aaa-r1\""), "{detail}");
    assert!(
        detail.contains("Cisco-AVPair = \"service=shell\""),
        "{detail}"
    );
    assert!(detail.contains("Acct-Session-Time = "), "{detail}");
    assert!(
        detail.contains("Acct-Terminate-Cause = User-Request"),
        "{detail}"
    );
    // Each session's start and stop share its Acct-Session-Id.
    let ids: Vec<&str> = detail
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Acct-Session-Id = "))
        .collect();
    for id in &ids {
        assert_eq!(ids.iter().filter(|x| *x == id).count(), 2, "{detail}");
    }
}

/// A RADIUS reply to the request `req` (its identifier and authenticator)
/// under `secret`, with `attrs`.
fn reply(code: u8, id: u8, req_auth: &[u8], attrs: &[u8], secret: &[u8]) -> Vec<u8> {
    let len = (20 + attrs.len()) as u16;
    let mut head = vec![code, id];
    head.extend_from_slice(&len.to_be_bytes());
    let mut c = md5::Context::new();
    c.consume(&head);
    c.consume(req_auth);
    c.consume(attrs);
    c.consume(secret);
    let mut out = head;
    out.extend_from_slice(&c.finalize().0);
    out.extend_from_slice(attrs);
    out
}

/// A server that answers each request with four datagrams that are no
/// valid reply (another identifier, 5,000 bytes, 4 bytes, signed with
/// another secret), then a valid Access-Accept at level 15.
fn hostile_radius(secret: &'static str) -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if n < 20 {
                continue;
            }
            let (id, auth) = (buf[1], buf[4..20].to_vec());
            let pair = b"shell:priv-lvl=15";
            let mut vsa = vec![0, 0, 0, 9, 1, pair.len() as u8 + 2];
            vsa.extend_from_slice(pair);
            let mut attrs = vec![26, vsa.len() as u8 + 2];
            attrs.extend_from_slice(&vsa);
            let s = secret.as_bytes();
            for bad in [
                reply(2, id.wrapping_add(1), &auth, &attrs, s),
                vec![2u8; 5000],
                vec![2, id, 0, 20],
                reply(2, id, &auth, &attrs, b"another-secret"),
            ] {
                let _ = socket.send_to(&bad, from);
            }
            let _ = socket.send_to(&reply(2, id, &auth, &attrs, s), from);
        }
    });
    port
}

#[test]
fn replies_that_do_not_verify_are_discarded_and_the_valid_one_believed() {
    let port = hostile_radius("hostile-secret");
    let dev = start(&format!(
        "hostname aaa-r2\nusername admin privilege 15 secret 0 local-pw\naaa new-model\n\
aaa authentication login default group radius local\naaa authorization exec default group radius local\n\
radius server HOSTILE\n address ipv4 127.0.0.1 auth-port {port} acct-port {port}\n timeout 5\n retransmit 0\n key hostile-secret\n\
netconf ssh\nline vty 0 15\n transport input ssh\n"
    ));
    let (outcome, took) = try_login(dev.port, "anyone", "anything");
    let config = outcome
        .expect("login")
        .expect("level 15 from the valid reply");
    assert!(config.contains("hostname aaa-r2"));
    // Believed at once: no waiting for the timeout.
    assert!(took < Duration::from_secs(3), "{took:?}");
    let rt = runtime();
    let shown = rt.block_on(async {
        let c = Client::connect(password_options(dev.port, "anyone", "anything"))
            .await
            .unwrap();
        let out = c.exec(&["show aaa servers".to_owned()]).await.unwrap();
        let _ = c.close().await;
        out
    });
    let servers = &shown[0].response;
    // Two logins (this one to read it), four bad datagrams each.
    assert!(
        servers.contains("Response: accept 2, reject 0, challenge 0"),
        "{servers}"
    );
    assert!(servers.contains("Bad authenticators: 8"), "{servers}");
    assert!(
        servers.contains("Authen: request 2, timeouts 0,"),
        "{servers}"
    );
}

fn tacacs_startup(port: u16, closed: u16, key: &str) -> String {
    format!(
        "hostname aaa-t1\nusername admin privilege 15 secret 0 local-pw\naaa new-model\n\
aaa group server tacacs+ TAC\n server name TAC-DOWN\n server name TAC1\n\
aaa authentication login default group TAC local\naaa authorization exec default group TAC local\n\
tacacs server TAC-DOWN\n address ipv4 127.0.0.1\n port {closed}\n key {key}\n timeout 2\n\
tacacs server TAC1\n address ipv4 127.0.0.1\n port {port}\n key {key}\n timeout 2\n\
netconf ssh\nline vty 0 15\n transport input ssh\n"
    )
}

#[test]
fn tacacs_logins_and_their_privilege() {
    let (port, _records) =
        common::tacacs_server("tac-key", "netops netops-pw 15\nhelpdesk helpdesk-pw 7\n");
    let dev = start(&tacacs_startup(port, common::closed_tcp_port(), "tac-key"));
    // The first server refuses connections: the second authenticates and
    // authorizes at 15.
    let (outcome, took) = try_login(dev.port, "netops", "netops-pw");
    let config = outcome.expect("login").expect("level 15 from TACACS+");
    assert!(
        config.contains("tacacs server TAC1\n address ipv4 127.0.0.1\n"),
        "{config}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
    let (out, status) = openssh(
        dev.port,
        "helpdesk",
        "helpdesk-pw",
        "password",
        "show privilege",
    );
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("Current privilege level is 7"), "{out}");
    // A fail is final.
    let (outcome, _) = try_login(dev.port, "netops", "wrong");
    assert!(outcome.is_err());
    let (outcome, _) = try_login(dev.port, "admin", "local-pw");
    assert!(
        outcome.is_err(),
        "TACACS+ refused admin; local is not asked"
    );
}

#[test]
fn tacacs_with_another_key_or_no_server_falls_to_local() {
    // The server cannot read the device's packets (another key) and
    // closes: an error, as no server at all is.
    let (port, _records) = common::tacacs_server("the-servers-key", "netops netops-pw 15\n");
    let dev = start(&tacacs_startup(
        port,
        common::closed_tcp_port(),
        "another-key",
    ));
    let (outcome, _) = try_login(dev.port, "admin", "local-pw");
    let config = outcome.expect("local login").expect("level 15 from local");
    assert!(config.contains("hostname aaa-t1"));
    let (outcome, _) = try_login(dev.port, "netops", "netops-pw");
    assert!(outcome.is_err(), "unknown locally");
}

#[test]
fn tacacs_authorizes_and_accounts_each_command() {
    let (port, records) = common::tacacs_server(
        "tac-key",
        "netops netops-pw 15\nhelpdesk helpdesk-pw 15 deny:show_running-config deny:configure\n",
    );
    let dev = start(
        &(tacacs_startup(port, common::closed_tcp_port(), "tac-key")
            + "aaa authorization commands 15 default group TAC local\n\
aaa accounting commands 15 default start-stop group TAC\n\
aaa accounting exec default start-stop group TAC\n"),
    );
    let (out, status) = openssh(
        dev.port,
        "netops",
        "netops-pw",
        "password",
        "show running-config",
    );
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("hostname aaa-t1"), "{out}");
    // Denied by the server: IOS's message, the command not run.
    let (out, _) = openssh(
        dev.port,
        "helpdesk",
        "helpdesk-pw",
        "password",
        "show running-config",
    );
    assert!(out.contains("Command authorization failed."), "{out}");
    assert!(!out.contains("hostname aaa-t1"), "{out}");
    // A level-1 command is not authorized under the level-15 list.
    let (out, _) = openssh(
        dev.port,
        "helpdesk",
        "helpdesk-pw",
        "password",
        "show privilege",
    );
    assert!(out.contains("Current privilege level is 15"), "{out}");
    // The server's record: each decision, each command, each session.
    let deadline = Instant::now() + Duration::from_secs(10);
    let records = loop {
        let r = records.lock().unwrap().clone();
        if r.iter()
            .filter(|l| l.starts_with("acct stop") && l.contains("elapsed_time="))
            .count()
            >= 3
            || Instant::now() > deadline
        {
            break r;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = records.join("\n");
    assert!(
        text.contains("author netops permit show running-config"),
        "{text}"
    );
    assert!(
        text.contains("author helpdesk deny show running-config"),
        "{text}"
    );
    assert!(
        records.iter().any(|l| l.starts_with("acct stop netops tty")
            && l.contains("127.0.0.1")
            && l.contains("priv-lvl=15 cmd=show running-config <cr>")),
        "{text}"
    );
    // The denied command is not accounted as run.
    assert!(
        !records
            .iter()
            .any(|l| l.starts_with("acct stop helpdesk") && l.contains("cmd=show running-config")),
        "{text}"
    );
    assert_eq!(
        records
            .iter()
            .filter(|l| l.starts_with("acct start netops") && l.contains("service=shell"))
            .count(),
        1,
        "{text}"
    );
    assert_eq!(
        records
            .iter()
            .filter(|l| l.starts_with("acct stop") && l.contains("elapsed_time="))
            .count(),
        3,
        "{text}"
    );
}

/// A TACACS+ "server" that takes the connection and the first packet,
/// then closes.
fn tacacs_that_hangs_up() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let mut s = s;
            let mut b = [0u8; 512];
            let _ = std::io::Read::read(&mut s, &mut b);
            drop(s);
        }
    });
    port
}

#[test]
fn a_server_that_hangs_up_mid_exchange_errs_to_the_next_method() {
    let dev = start(&tacacs_startup(
        tacacs_that_hangs_up(),
        common::closed_tcp_port(),
        "k",
    ));
    let (outcome, took) = try_login(dev.port, "admin", "local-pw");
    let config = outcome.expect("local login").expect("level 15 from local");
    assert!(config.contains("hostname aaa-t1"));
    assert!(
        took < Duration::from_secs(2),
        "no wait for a closed connection: {took:?}"
    );
}

#[test]
fn a_login_waiting_on_a_silent_server_holds_up_no_other() {
    let Some(radius) = freeradius() else { return };
    let silent = silent_udp_port();
    // The silent server holds a login for 3 s here.
    let config = startup(&radius, silent)
        .replace(" timeout 1\n retransmit 1\n", " timeout 3\n retransmit 0\n");
    let dev = start(&config);
    let port = dev.port;
    let waiting = std::thread::spawn(move || try_login(port, "netops", "netops-pw"));
    std::thread::sleep(Duration::from_millis(300));
    // Meanwhile a key login (local, as on IOS) is served at once.
    let rt = runtime();
    let t = Instant::now();
    rt.block_on(async {
        let c = Client::connect(common::key_options(&dev, dev.port))
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert!(
        !waiting.is_finished(),
        "the RADIUS login should still be waiting"
    );
    let (outcome, took) = waiting.join().unwrap();
    outcome
        .expect("login")
        .expect("level 15 from RAD1 after the silent one");
    assert!(took >= Duration::from_secs(3), "{took:?}");
}

#[test]
fn single_connection_keeps_one_connection_for_the_sessions() {
    use std::sync::atomic::Ordering;
    for single in [false, true] {
        let (port, _, accepted) = common::tacacs_server_counted("tac-key", "netops netops-pw 15\n");
        let mut config = tacacs_startup(port, common::closed_tcp_port(), "tac-key");
        if single {
            config = config.replace(
                " key tac-key\n timeout 2\nnetconf",
                " key tac-key\n timeout 2\n single-connection\nnetconf",
            );
            assert!(config.contains(" single-connection\n"), "{config}");
        }
        let dev = start(&config);
        for _ in 0..3 {
            let (outcome, _) = try_login(dev.port, "netops", "netops-pw");
            outcome.expect("login").expect("level 15");
        }
        // Three logins, each a login session and an authorization session.
        let n = accepted.load(Ordering::SeqCst);
        if single {
            assert_eq!(n, 1, "one connection for six sessions");
        } else {
            assert_eq!(n, 6, "a connection a session");
        }
    }
}

#[test]
fn dead_criteria_counts_unanswered_transmissions_before_the_dead_time() {
    let Some(radius) = freeradius() else { return };
    let silent = silent_udp_port();
    // One transmission an exchange; dead after two in a row.
    let config = startup(&radius, silent)
        .replace(" timeout 1\n retransmit 1\n", " timeout 1\n retransmit 0\n")
        + "radius-server dead-criteria time 5 tries 2\n";
    let dev = start(&config);
    let mut took = Vec::new();
    for _ in 0..3 {
        let (outcome, t) = try_login(dev.port, "netops", "netops-pw");
        outcome.expect("login").expect("level 15 from RAD1");
        took.push(t);
    }
    assert!(took[0] >= Duration::from_secs(1), "{took:?}");
    assert!(
        took[1] >= Duration::from_secs(1),
        "one unanswered is not enough: {took:?}"
    );
    assert!(
        took[2] < Duration::from_millis(900),
        "dead after two: {took:?}"
    );
}

#[test]
fn authentication_retries_bound_aaa_logins_too() {
    let Some(radius) = freeradius() else { return };
    let config = startup(&radius, silent_udp_port())
        .replace(
            "aaa authentication login default group DEAD-FIRST local",
            "aaa authentication login default group ACCT local",
        )
        .replace(
            "aaa authorization exec default group DEAD-FIRST local",
            "aaa authorization exec default group ACCT local",
        );
    let dev = start(&config);
    // The client would try five times; the device takes three
    // (`ip ssh authentication-retries` 3) and closes.
    let (out, status) = openssh(dev.port, "netops", "wrong", "password", "show privilege");
    assert_eq!(status, Some(255), "{out}");
    let rt = runtime();
    let shown = rt.block_on(async {
        let c = Client::connect(password_options(dev.port, "netops", "netops-pw"))
            .await
            .unwrap();
        let out = c.exec(&["show aaa servers".to_owned()]).await.unwrap();
        let _ = c.close().await;
        out
    });
    let servers = &shown[0].response;
    let rad1 = servers
        .split("RADIUS: id ")
        .find(|b| b.contains("hostname RAD1\n"))
        .unwrap_or_default();
    // Three wrong tries, then this login (by password, then the client's
    // keyboard-interactive is not needed).
    assert!(
        rad1.contains("Response: accept 1, reject 3, challenge 0"),
        "{servers}"
    );
}
