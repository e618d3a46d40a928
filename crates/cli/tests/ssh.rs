//! The real `ironconf` binary over real SSH on loopback, driven by the
//! OpenSSH client (`ssh -s … netconf`) fed raw framed XML.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Device, restart, ssh_command, start, start_with, wait_output};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HELLO: &str = r#"<?xml version="1.0"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;

/// `ssh -s … netconf` with the tests' OpenSSH options
/// ([`common::ssh_command`]); `extra` options come first, so they win.
fn netconf_command(dev: &Device, user: &str, extra: &[&str]) -> Command {
    let mut options = extra.to_vec();
    options.extend(["-s", "-o", "ConnectTimeout=10"]);
    let mut cmd = ssh_command(dev, user, &options);
    cmd.arg("netconf");
    cmd
}

/// Runs one `ssh -s` session with `input` on stdin; returns stdout and the
/// exit status.
fn ssh(dev: &Device, user: &str, extra: &[&str], input: &str) -> (String, Option<i32>) {
    let mut cmd = netconf_command(dev, user, extra);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    run_ssh(cmd, input)
}

/// Spawns an `ssh` command, writes `input`, keeps stdin open until the
/// device closes the session, and waits for the output.
fn run_ssh(mut cmd: Command, input: &str) -> (String, Option<i32>) {
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("ssh: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(20));
            drop(stdin);
        });
    }
    wait_output(child, Duration::from_secs(30))
}

fn rpc(id: u32, body: &str) -> String {
    format!(
        r#"<rpc message-id="{id}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">{body}</rpc>]]>]]>"#
    )
}

const BASE: &str = "hostname ssh-test\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\nusername low privilege 1 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n username low\n  key-string\n   {KEY}\n  exit\n\
interface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\n\
line vty 0 15\n login local\n transport input ssh\nnetconf ssh\n";

#[test]
fn openssh_subsystem_with_a_key_answers_the_seed_example() {
    let dev = start(BASE);
    let input = format!(
        "{HELLO}{}{}",
        rpc(
            101,
            "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>interface Loopback113</text-filter-spec></config-format-text-cmd></filter></get-config>"
        ),
        rpc(102, "<close-session/>")
    );
    let (out, status) = ssh(&dev, "admin", &[], &input);
    assert!(out.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability><capability>urn:ietf:params:netconf:capability:writeable-running:1.0</capability>"#), "{out}");
    assert!(out.contains(r#"<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="101"><data><cli-config-data><cmd>!</cmd>
<cmd>interface Loopback113</cmd>
<cmd> description test</cmd>
<cmd> ip address 10.113.0.1 255.255.255.255</cmd>
<cmd>end</cmd></cli-config-data></data></rpc-reply>]]>]]>"#), "{out}");
    assert!(
        out.ends_with(r#"message-id="102"><ok /></rpc-reply>]]>]]>"#),
        "{out}"
    );
    assert_eq!(status, Some(0));
}

#[test]
fn edit_config_over_ssh_changes_running_and_copy_config_saves_it() {
    let dev = start(BASE);
    let input = format!(
        "{HELLO}{}{}{}",
        rpc(
            1,
            "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname edited</cmd></cli-config-data></config></edit-config>"
        ),
        rpc(
            2,
            "<copy-config><target><startup/></target><source><running/></source></copy-config>"
        ),
        rpc(3, "<close-session/>")
    );
    let (out, _) = ssh(&dev, "admin", &[], &input);
    assert_eq!(out.matches("<ok />").count(), 3, "{out}");
    let saved =
        std::fs::read_to_string(dev.dir.path().join("state/startup-config")).unwrap_or_default();
    assert!(saved.contains("hostname edited\n"), "{saved}");
}

#[test]
fn privilege_1_user_gets_the_ios_error() {
    let dev = start(BASE);
    let input = format!(
        "{HELLO}{}{}",
        rpc(1, "<get-config><source><running/></source></get-config>"),
        rpc(2, "<close-session/>")
    );
    let (out, _) = ssh(&dev, "low", &[], &input);
    assert!(out.contains(r#"message-id="1"><rpc-error><error-type>protocol</error-type><error-tag>operation-failed</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>"#), "{out}");
}

/// An askpass program answering `password` and counting its prompts.
fn askpass(dir: &Path, password: &str) -> PathBuf {
    let script = dir.join("askpass.sh");
    let count = dir.join("prompts");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho x >> {}\necho '{password}'\n",
            count.display()
        ),
    )
    .ok();
    let _ = Command::new("chmod").arg("+x").arg(&script).status();
    script
}

fn ssh_with_password(dev: &Device, password: &str, input: &str) -> (String, Option<i32>, usize) {
    let script = askpass(dev.dir.path(), password);
    let _ = std::fs::remove_file(dev.dir.path().join("prompts"));
    let ssh = netconf_command(
        dev,
        "admin",
        &[
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "PreferredAuthentications=password",
            "-o",
            "NumberOfPasswordPrompts=5",
        ],
    );
    let mut cmd = Command::new("setsid");
    cmd.arg("-w")
        .arg("ssh")
        .args(ssh.get_args())
        .env("SSH_ASKPASS", &script)
        .env("SSH_ASKPASS_REQUIRE", "force")
        .env("DISPLAY", ":0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let (out, status) = run_ssh(cmd, input);
    let prompts = std::fs::read_to_string(dev.dir.path().join("prompts"))
        .unwrap_or_default()
        .lines()
        .count();
    (out, status, prompts)
}

#[test]
fn password_login_and_third_wrong_password_disconnects() {
    let dev = start(&format!("{BASE}ip ssh authentication-retries 3\n"));
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let (out, status, prompts) = ssh_with_password(&dev, "cisco", &input);
    assert!(out.contains("<ok />"), "{out}");
    assert_eq!((status, prompts), (Some(0), 1));
    let (out, status, prompts) = ssh_with_password(&dev, "wrong", &input);
    assert!(out.is_empty(), "{out}");
    assert_eq!(status, Some(255));
    assert_eq!(
        prompts, 3,
        "the device allows exactly ip ssh authentication-retries attempts"
    );
}

#[test]
fn session_limit_and_acl_refuse_cleanly() {
    let dev = start(&format!(
        "{BASE}access-list 1 permit host 127.0.0.2\nnetconf max-sessions 4\n"
    ));
    // Four sessions held open.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut cmd = netconf_command(&dev, "admin", &[]);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("ssh: {e}"));
        if let Some(stdin) = child.stdin.as_mut() {
            let _ = stdin.write_all(HELLO.as_bytes());
        }
        held.push(child);
    }
    // Wait until all four have their hello from the device.
    for child in &mut held {
        let mut buf = [0u8; 64];
        if let Some(out) = child.stdout.as_mut() {
            let _ = out.read(&mut buf);
        }
    }
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let (out, status) = ssh(&dev, "admin", &[], &input);
    assert!(out.is_empty(), "the fifth session got output: {out}");
    assert_ne!(status, Some(0));
    for mut c in held {
        let _ = c.kill();
        let _ = c.wait();
    }
    // Once they are gone, sessions are admitted again.
    std::thread::sleep(Duration::from_millis(500));
    let (out, _) = ssh(&dev, "admin", &[], &input);
    assert!(out.contains("<ok />"), "{out}");

    // netconf ssh acl 1 admits 127.0.0.2 only.
    let dev = start(&format!(
        "{BASE}access-list 1 permit host 127.0.0.2\nnetconf ssh acl 1\n"
    ));
    let (out, _) = ssh(&dev, "admin", &[], &input);
    assert!(out.is_empty(), "127.0.0.1 is denied: {out}");
    let (out, _) = ssh(&dev, "admin", &["-b", "127.0.0.2"], &input);
    assert!(out.contains("<ok />"), "127.0.0.2 is permitted: {out}");
}

#[test]
fn idle_unauthenticated_connection_is_dropped_after_ip_ssh_time_out() {
    let dev = start(&format!("{BASE}ip ssh time-out 1\n"));
    let mut tcp = TcpStream::connect(("127.0.0.1", dev.port)).unwrap_or_else(|e| panic!("{e}"));
    tcp.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let start = Instant::now();
    let mut banner = [0u8; 64];
    let n = tcp.read(&mut banner).unwrap_or(0);
    assert!(String::from_utf8_lossy(&banner[..n]).starts_with("SSH-2.0-Cisco-1.25"));
    let _ = tcp.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
    let mut rest = Vec::new();
    let _ = tcp.read_to_end(&mut rest);
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(8),
        "closed after {waited:?}"
    );
}

#[test]
fn message_over_max_message_is_answered_too_big_and_the_session_goes_on() {
    let dev = start(&format!("{BASE}netconf max-message 1\n"));
    let big = format!(
        "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>{}</text-filter-spec></config-format-text-cmd></filter></get-config>",
        " ".repeat(4000)
    );
    let input = format!(
        "{HELLO}{}{}{}",
        rpc(1, &big),
        rpc(
            2,
            "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include hostname</text-filter-spec></config-format-text-cmd></filter></get-config>"
        ),
        rpc(3, "<close-session/>")
    );
    let (out, status) = ssh(&dev, "admin", &[], &input);
    assert!(out.contains(r#"<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><rpc-error><error-type>rpc</error-type><error-tag>too-big</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>]]>]]>"#), "{out}");
    assert!(out.contains("<cmd>hostname ssh-test</cmd>"), "{out}");
    assert_eq!(status, Some(0));
}

/// SIGKILL at random moments while the device saves: the startup-config is
/// always a whole file, the old one or the new one.
/// SIGKILLs per crash test: 12 in the test command, more from
/// `scripts/crash-stress` (IRONCONF_CRASH_ITERATIONS).
fn crash_iterations() -> u64 {
    std::env::var("IRONCONF_CRASH_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12)
}

#[test]
fn killing_the_device_during_key_generation_never_tears_the_key_pair() {
    let mut dev = start(BASE);
    let key = dev.dir.path().join("state/keys/rsa/ssh-test.example.net");
    let public = key.with_extension("net.pub");
    for i in 0..crash_iterations() {
        let mut client = ssh_command(&dev, "admin", &[])
            .arg("crypto key generate rsa modulus 1024")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(60 + (i * 53) % 400));
        let _ = dev.child.kill();
        let _ = dev.child.wait();
        let _ = client.kill();
        let _ = client.wait();
        restart(&mut dev);
        // The private key is whole (OpenSSH can read it) and the public
        // key the device shows is its own.
        let derived = Command::new("ssh-keygen")
            .arg("-y")
            .arg("-f")
            .arg(&key)
            .output()
            .unwrap();
        assert!(derived.status.success(), "torn private key after kill {i}");
        let derived = String::from_utf8_lossy(&derived.stdout);
        let shown = std::fs::read_to_string(&public).unwrap();
        let blob = |s: &str| s.split_whitespace().nth(1).map(str::to_owned);
        assert_eq!(
            blob(&derived),
            blob(&shown),
            "key pair out of step after kill {i}"
        );
    }
}

#[test]
fn killing_the_device_during_save_never_tears_the_startup_config() {
    let mut dev = start(BASE);
    let startup = dev.dir.path().join("state/startup-config");
    let mut previous = std::fs::read_to_string(&startup).unwrap_or_default();
    for i in 0..crash_iterations() {
        let input = format!(
            "{HELLO}{}{}{}",
            rpc(
                1,
                &format!(
                    "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname crash-{i}</cmd></cli-config-data></config></edit-config>"
                )
            ),
            rpc(
                2,
                "<copy-config><target><startup/></target><source><running/></source></copy-config>"
            ),
            rpc(3, "<close-session/>")
        );
        let mut cmd = netconf_command(&dev, "admin", &[]);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut client = cmd.spawn().unwrap();
        if let Some(stdin) = client.stdin.as_mut() {
            let _ = stdin.write_all(input.as_bytes());
        }
        // Somewhere between before the login and after the save.
        std::thread::sleep(Duration::from_millis(40 + (i * 37) % 160));
        let _ = dev.child.kill();
        let _ = dev.child.wait();
        let _ = client.kill();
        let _ = client.wait();
        let now = std::fs::read_to_string(&startup).unwrap_or_default();
        let new_one = now.contains(&format!("hostname crash-{i}\n"));
        assert!(
            now == previous || (new_one && now.ends_with("\nend\n")),
            "torn startup-config after kill {i}:\n{now}"
        );
        previous = now;
        restart(&mut dev);
    }
    // Temporary files of interrupted saves are cleaned at start.
    let leftovers: Vec<_> = std::fs::read_dir(dev.dir.path().join("state"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn legacy_algorithms_only_when_configured() {
    let legacy = [
        "-o",
        "Ciphers=aes128-cbc",
        "-o",
        "MACs=hmac-sha1",
        "-o",
        "KexAlgorithms=diffie-hellman-group14-sha1",
    ];
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    // Modern defaults: a client that insists on the old algorithms fails.
    let dev = start(BASE);
    let (out, status) = ssh(&dev, "admin", &legacy, &input);
    assert!(out.is_empty(), "{out}");
    assert_eq!(status, Some(255));
    // Configured as IOS XE does it: the same client gets in.
    let dev = start(&format!(
        "{BASE}ip ssh server algorithm encryption aes128-cbc aes256-ctr\nip ssh server algorithm mac hmac-sha1 hmac-md5\nip ssh server algorithm kex diffie-hellman-group14-sha1 curve25519-sha256\n"
    ));
    let (out, status) = ssh(&dev, "admin", &legacy, &input);
    assert!(out.contains("<ok />"), "{out}");
    assert_eq!(status, Some(0));
}

/// `ip ssh server algorithm hostkey` decides which host key signs the key
/// exchange: listing only Ed25519 keeps the RSA key out of every exchange.
#[test]
fn hostkey_algorithms_follow_the_configuration() {
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let rsa = ["-o", "HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256"];
    let ed25519 = ["-o", "HostKeyAlgorithms=ssh-ed25519"];
    // Ed25519 only, then the IOS XE list (RSA only).
    for (list, offered, refused) in [
        ("ssh-ed25519", ed25519, rsa),
        ("rsa-sha2-512 rsa-sha2-256", rsa, ed25519),
    ] {
        let dev = start(&format!("{BASE}ip ssh server algorithm hostkey {list}\n"));
        let (out, status) = ssh(&dev, "admin", &refused, &input);
        assert!(out.is_empty(), "{list}: {out}");
        assert_eq!(status, Some(255), "{list}");
        let (out, status) = ssh(&dev, "admin", &offered, &input);
        assert!(out.contains("<ok />"), "{list}: {out}");
        assert_eq!(status, Some(0), "{list}");
    }
}

#[test]
fn ios_12_switch_profile_speaks_like_the_old_switches() {
    let dev = start_with(BASE, &["--profile", "ios-12-switch"]);
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let (out, _) = ssh(&dev, "admin", &[], &input);
    assert!(
        out.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><hello><capabilities>"#),
        "{out}"
    );
    assert!(!out.contains("rollback-on-error"), "{out}");
    assert!(out.contains(r#"<rpc-reply xmlns="urn:ietf:params:netconf:base:1.0" message-id="1"><ok /></rpc-reply>"#), "{out}");
}

#[test]
fn sigterm_ends_the_device_and_its_sessions_cleanly() {
    let mut dev = start(BASE);
    let mut cmd = netconf_command(&dev, "admin", &[]);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut client = cmd.spawn().unwrap();
    if let Some(stdin) = client.stdin.as_mut() {
        let _ = stdin.write_all(HELLO.as_bytes());
    }
    let mut buf = [0u8; 64];
    if let Some(out) = client.stdout.as_mut() {
        let _ = out.read(&mut buf);
    }
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(dev.child.id().to_string())
        .status();
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(st)) = dev.child.try_wait() {
            break Some(st);
        }
        if start.elapsed() > Duration::from_secs(10) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    // The open session was ended too.
    let (_, client_status) = wait_output(client, Duration::from_secs(10));
    assert!(client_status.is_some(), "the client was left hanging");
}

/// A flood of half-open connections past the bound does not keep a real
/// user out: the oldest pending connections are dropped.
#[test]
fn half_open_flood_does_not_lock_out_a_real_user() {
    let dev = start(BASE);
    let flood: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", dev.port)).ok())
        .collect();
    assert!(flood.len() >= 100);
    std::thread::sleep(Duration::from_millis(300));
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let t = Instant::now();
    let (out, status) = ssh(&dev, "admin", &[], &input);
    assert!(out.contains("<ok />"), "{out}");
    assert_eq!(status, Some(0));
    assert!(t.elapsed() < Duration::from_secs(10));
    drop(flood);
}

#[test]
fn key_hash_in_the_pubkey_chain_admits_the_key() {
    // Start once to get the key, then restart with its IOS key-hash.
    let dev = start("hostname h\n");
    let out = Command::new("ssh-keygen")
        .args(["-l", "-E", "md5", "-f"])
        .arg(dev.dir.path().join("id.pub"))
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    let md5 = line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_start_matches("MD5:")
        .replace(':', "")
        .to_uppercase();
    let state = dev.dir.path().join("state");
    std::fs::write(
        state.join("startup-config"),
        format!("username admin privilege 15 secret 0 cisco\nip ssh pubkey-chain\n username admin\n  key-hash ssh-ed25519 {md5}\nline vty 0 4\n login local\nnetconf ssh\n"),
    )
    .unwrap();
    let mut dev = dev;
    restart(&mut dev);
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let (out, status) = ssh(&dev, "admin", &["-o", "PasswordAuthentication=no"], &input);
    assert!(out.contains("<ok />"), "{out}");
    assert_eq!(status, Some(0));
}

#[test]
fn rsa_host_key_is_named_after_hostname_and_domain() {
    let mut dev = start(BASE);
    let state = dev.dir.path().join("state");
    assert!(state.join("keys/rsa/ssh-test.example.net").exists());
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let rsa = ["-o", "HostKeyAlgorithms=rsa-sha2-256"];
    let (out, status) = ssh(&dev, "admin", &rsa, &input);
    assert!(out.contains("<ok />"), "{out}");
    assert_eq!(status, Some(0));
    // A new hostname makes no new pair: SSH goes on with the existing one,
    // which keeps its name.
    let startup = std::fs::read_to_string(state.join("startup-config")).unwrap();
    std::fs::write(
        state.join("startup-config"),
        startup.replace("hostname ssh-test", "hostname renamed"),
    )
    .unwrap();
    restart(&mut dev);
    let (out, status) = ssh(&dev, "admin", &rsa, &input);
    assert!(out.contains("<ok />"), "{out}");
    assert_eq!(status, Some(0));
    assert!(!state.join("keys/rsa/renamed.example.net").exists());
    let (out, _) = exec(&dev, "show ip ssh");
    assert!(out.starts_with("SSH Enabled"), "{out}");
    let (out, _) = exec(&dev, "show crypto key mypubkey rsa");
    assert!(out.contains("Key name: ssh-test.example.net\r\n"), "{out}");
}

#[test]
fn no_subsystem_without_netconf_ssh() {
    let dev = start(&BASE.replace("netconf ssh\n", ""));
    let input = format!("{HELLO}{}", rpc(1, "<close-session/>"));
    let (out, status) = ssh(&dev, "admin", &[], &input);
    assert!(out.is_empty(), "{out}");
    assert_ne!(status, Some(0));
}

/// `ssh host 'COMMAND'`: output and exit status.
fn exec(dev: &Device, command: &str) -> (String, Option<i32>) {
    exec_with(dev, &[], command)
}

/// An OpenSSH client for `user` on the device, with `options`, host key
/// checks off; stdout piped, stderr discarded.

#[test]
fn exec_channel_runs_one_command() {
    let dev = start(&format!(
        "{BASE}ip ssh version 2\nip ssh time-out 60\nip ssh authentication-retries 2\n"
    ));
    let (out, status) = exec(&dev, "show ip ssh");
    assert_eq!(status, Some(0), "{out}");
    assert!(out.starts_with("SSH Enabled - version 2.0\r\n"), "{out}");
    assert!(
        out.contains("Authentication timeout: 60 secs; Authentication retries: 2\r\n"),
        "{out}"
    );
    assert!(out.contains("IOS Keys in SECSH format(ssh-rsa, base64 encoded): ssh-test.example.net\r\nssh-rsa AAAA"), "{out}");
    // The key is wrapped at 80 columns.
    let key: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("ssh-rsa"))
        .collect();
    assert!(
        key.len() > 1 && key.iter().all(|l| l.trim_end_matches('\r').len() <= 80),
        "{out}"
    );
    let (out, status) = exec(&dev, "wr mem");
    assert_eq!(
        (out.as_str(), status),
        ("Building configuration...\r\n[OK]\r\n", Some(0))
    );
    let (out, status) = exec(&dev, "show startup-config | include hostname");
    assert_eq!((out.as_str(), status), ("hostname ssh-test\r\n", Some(0)));
    // The show commands automation reads, over the exec channel too.
    let (out, status) = exec(&dev, "show inventory | include PID");
    assert_eq!(
        (out.as_str(), status),
        (
            "PID: CSR1000V          , VID: V00  , SN: 9ABCDEFGHIJ\r\nPID: CSR1000V          , VID: V00  , SN: JAB1303001C\r\nPID: CSR1000V          , VID:      , SN:            \r\n",
            Some(0)
        )
    );
    let (out, status) = exec(&dev, "show ip bgp summary");
    assert_eq!((out.as_str(), status), ("% BGP not active\r\n", Some(1)));
    let (out, status) = exec(&dev, "show bogus");
    assert_eq!(status, Some(1));
    assert!(
        out.contains("% Invalid input detected at '^' marker."),
        "{out}"
    );
}

/// `ssh -tt`: an interactive session typing `keys`; returns the screen.
fn shell(dev: &Device, user: &str, keys: &str) -> (String, Option<i32>) {
    let mut cmd = ssh_command(dev, user, &["-tt"]);
    cmd.stdin(Stdio::piped());
    run_ssh(cmd, keys)
}

#[test]
fn interactive_shell_configures_the_device() {
    let dev = start(BASE);
    // Abbreviations, a typo fixed with backspace, `?`, Tab and Ctrl-Z.
    let (out, status) = shell(
        &dev,
        "admin",
        "terminal length 0\rconf t\rint lo7\rdescrx\x7fiption via-shell\r\x1a\
         show run int lo7\rshow netconf ?\x15sh privi\t\rshow users\rexit\r",
    );
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("ssh-test(config)#"), "{out}");
    assert!(out.contains("ssh-test(config-if)#"), "{out}");
    assert!(out.contains("\r\n description via-shell\r\n"), "{out}");
    assert!(out.contains("  counters"), "{out}");
    assert!(out.contains("Current privilege level is 15"), "{out}");
    // The shell holds vty 0, marked as the caller's line.
    assert!(out.contains("*  1 vty 0     admin      idle "), "{out}");
    // The change is in running-config for every other session.
    let (out, _) = exec(&dev, "show running-config interface Loopback7");
    assert!(out.contains("description via-shell"), "{out}");
    // A privilege-1 user is in user EXEC and cannot configure.
    let (out, _) = shell(&dev, "low", "configure terminal\rexit\r");
    assert!(out.contains("ssh-test>"), "{out}");
    assert!(
        out.contains("% Invalid input detected at '^' marker."),
        "{out}"
    );
}

#[test]
fn seed_configuration_tasks_in_the_shell_then_seen_over_netconf() {
    let dev = start(BASE);
    let (out, status) = shell(
        &dev,
        "admin",
        "terminal length 0\rconfigure terminal\rhostname walk\rip domain name lab.example\r\
         ip ssh time-out 120\rip ssh version 2\raccess-list 1 permit 127.0.0.1\r\
         netconf ssh acl 1\rnetconf lock-time 60\rnetconf max-sessions 5\r\
         netconf max-message 2345\rend\rcrypto key generate rsa modulus 1024\r\
         show ip ssh\rexit\r",
    );
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("walk(config)#"), "{out}");
    assert!(out.contains("walk#show ip ssh"), "{out}");
    assert!(
        out.contains("The name for the keys will be: walk.lab.example"),
        "{out}"
    );
    assert!(out.contains("SSH Enabled - version 2.0"), "{out}");
    assert!(
        out.contains("IOS Keys in SECSH format(ssh-rsa, base64 encoded): walk.lab.example"),
        "{out}"
    );
    assert!(
        out.contains("Authentication timeout: 120 secs; Authentication retries: 3"),
        "{out}"
    );
    // A NETCONF client (admitted by access-list 1) sees every setting.
    let (out, _) = ssh(
        &dev,
        "admin",
        &[],
        &format!(
            "{HELLO}{}{}{}",
            rpc(
                1,
                "<get-config><source><running/></source><filter><config-format-text-cmd>\
                 <text-filter-spec>| include ^hostname|^netconf|^ip ssh|^access-list\
                 </text-filter-spec></config-format-text-cmd></filter></get-config>"
            ),
            rpc(
                2,
                "<get><filter><oper-data-format-text-block><show>ip ssh</show>\
                 </oper-data-format-text-block></filter></get>"
            ),
            rpc(3, "<close-session/>")
        ),
    );
    for line in [
        "hostname walk",
        // 120 s is the default, so running-config omits it; show ip ssh has it.
        "Authentication timeout: 120 secs",
        "access-list 1 permit 127.0.0.1",
        "netconf ssh acl 1",
        "netconf lock-time 60",
        "netconf max-sessions 5",
        "netconf max-message 2345",
    ] {
        assert!(out.contains(line), "{line} missing: {out}");
    }
}

#[test]
fn exec_timeout_ends_an_idle_shell() {
    let dev = start(&BASE.replace(
        "line vty 0 15\n login local\n",
        "line vty 0 15\n exec-timeout 0 1\n login local\n",
    ));
    // stdin stays open (run_ssh holds it for 20 s); the device closes first.
    let start = Instant::now();
    let (out, status) = shell(&dev, "admin", "");
    assert!(out.contains("ssh-test#"), "{out}");
    assert_eq!(status, Some(0), "{out}");
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "not closed by exec-timeout"
    );
}

#[test]
fn crypto_key_zeroize_and_generate_rsa() {
    let mut dev = start(BASE);
    let key_file = dev.dir.path().join("state/keys/rsa/ssh-test.example.net");
    // Zeroize from a shell: that session goes on, but SSH is disabled for
    // new connections until a key pair exists again.
    let mut child = ssh_command(&dev, "admin", &["-tt"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"terminal length 0\rcrypto key zeroize rsa\rshow ip ssh\r")
        .unwrap();
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        !key_file.exists()
    });
    assert!(gone, "key file still there");
    let (out, status) = exec(&dev, "show privilege");
    assert_eq!(status, Some(255), "{out}");
    assert!(!out.contains("privilege level"), "{out}");
    // Too small for SSH version 2: a clear error, no key.
    stdin
        .write_all(b"crypto key generate rsa modulus 512\rcrypto key generate rsa general-keys modulus 1024\r")
        .unwrap();
    let back = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        key_file.with_extension("net.pub").exists()
    });
    assert!(back, "no key generated");
    stdin.write_all(b"show ip ssh\rexit\r").unwrap();
    let (out, status) = wait_output(child, Duration::from_secs(30));
    drop(stdin);
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("% All keys will be removed."), "{out}");
    assert!(
        out.contains("SSH Disabled - version 1.99\r\n%Please create RSA keys to enable SSH"),
        "{out}"
    );
    assert!(out.contains("% Key modulus 512 is not supported"), "{out}");
    assert!(
        out.contains("The name for the keys will be: ssh-test.example.net\r\n"),
        "{out}"
    );
    assert!(out.contains("% Generating 1024 bit RSA keys"), "{out}");
    assert!(out.contains("[OK] (elapsed time was"), "{out}");
    assert!(out.contains("SSH Enabled - version 1.99\r\n"), "{out}");
    // A new connection is offered the new RSA host key.
    let mut cmd = ssh_command(&dev, "admin", &["-o", "HostKeyAlgorithms=rsa-sha2-256"]);
    cmd.arg("show privilege").stdin(Stdio::null());
    let (out, status) = wait_output(cmd.spawn().unwrap(), Duration::from_secs(30));
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("Current privilege level is 15"), "{out}");
    // Generating again replaces the pair, saying so.
    let (out, _) = exec(&dev, "crypto key generate rsa modulus 1024");
    assert!(
        out.contains("% You already have RSA keys defined named ssh-test.example.net."),
        "{out}"
    );
    // show crypto key prints the public key as DER; OpenSSH agrees.
    let (out, status) = exec(&dev, "show crypto key mypubkey rsa");
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("Key name: ssh-test.example.net\r\n"), "{out}");
    assert!(out.starts_with("% Key pair was generated at: "), "{out}");
    let shown: String = out
        .lines()
        .skip_while(|l| !l.starts_with(" Key Data:"))
        .skip(1)
        .flat_map(|l| l.split_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let pubfile = dev
        .dir
        .path()
        .join("state/keys/rsa/ssh-test.example.net.pub");
    let reference = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ssh-keygen -e -m PKCS8 -f '{}' | grep -v -- ----- | base64 -d | od -An -v -tx1 | tr -d ' \\n'",
            pubfile.display()
        ))
        .output()
        .unwrap();
    let reference = String::from_utf8_lossy(&reference.stdout).into_owned();
    assert!(reference.len() > 200, "{reference}");
    assert_eq!(shown, reference);
    let (out, status) = exec(&dev, "crypto key zeroize rsa nosuch");
    assert_eq!(status, Some(1), "{out}");
    assert!(
        out.contains("% RSA keypair nosuch is not present."),
        "{out}"
    );
    // With every key gone, a restart makes a new pair: the way back in.
    let (out, status) = exec(&dev, "crypto key zeroize rsa");
    assert_eq!(status, Some(0), "{out}");
    assert!(!key_file.exists());
    restart(&mut dev);
    let (out, status) = exec(&dev, "show ip ssh");
    assert_eq!(status, Some(0), "{out}");
    assert!(out.starts_with("SSH Enabled - version 1.99\r\n"), "{out}");
    assert!(key_file.exists());
}

/// `exec` with extra OpenSSH options.
fn exec_with(dev: &Device, options: &[&str], command: &str) -> (String, Option<i32>) {
    let mut cmd = ssh_command(dev, "admin", options);
    cmd.arg(command).stdin(Stdio::null());
    wait_output(cmd.spawn().unwrap(), Duration::from_secs(30))
}

#[test]
fn show_ssh_lists_connections_with_negotiated_algorithms() {
    let dev = start(BASE);
    let (out, status) = exec_with(
        &dev,
        &["-c", "aes128-ctr", "-o", "MACs=hmac-sha2-256"],
        "show ssh",
    );
    assert_eq!(status, Some(0), "{out}");
    assert_eq!(
        out,
        "Connection Version Mode Encryption  Hmac         State                 Username\r\n\
         0          2.0     IN   aes128-ctr  hmac-sha2-256 Session started       admin\r\n\
         0          2.0     OUT  aes128-ctr  hmac-sha2-256 Session started       admin\r\n\
         %No SSHv1 server connections running.\r\n"
    );
    // A closed connection leaves the list (polled: the device notices the
    // end a moment after the client exits).
    let mut last = String::new();
    for _ in 0..50 {
        let (out, _) = exec_with(&dev, &["-c", "aes256-ctr"], "show ssh");
        if out.lines().count() == 4 {
            last = out;
            break;
        }
        last = out;
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        last.contains("0          2.0     IN   aes256-ctr"),
        "{last}"
    );
    // A NETCONF session is an SSH connection like any other.
    let mut netconf = netconf_command(&dev, "admin", &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = netconf.stdin.take().unwrap();
    stdin.write_all(HELLO.as_bytes()).unwrap();
    let mut seen = String::new();
    for _ in 0..50 {
        let (out, _) = exec(&dev, "show ssh");
        seen = out;
        if seen.lines().count() == 6 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(seen.lines().count(), 6, "{seen}");
    assert!(seen.contains("\n1          2.0     OUT "), "{seen}");
    let (out, _) = exec(&dev, "show netconf session");
    assert!(out.contains("(Current | max) sessions: 1 | 4"), "{out}");
    // It holds a vty line: one that is not the caller's (the number
    // depends on which earlier connections have let theirs go).
    let (out, _) = exec(&dev, "show users");
    assert!(
        out.lines()
            .any(|l| !l.starts_with('*') && l.contains(" vty ") && l.contains(" admin      idle ")),
        "{out}"
    );
    drop(stdin);
    let _ = netconf.kill();
    let _ = netconf.wait();
}

#[test]
fn debug_netconf_lines_reach_a_monitoring_terminal() {
    let dev = start(BASE);
    let mut cmd = ssh_command(&dev, "admin", &["-tt"]);
    let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"terminal monitor\rdebug netconf all\r")
        .unwrap();
    // Wait (bounded) until the shell has turned debugging on.
    let mut on = false;
    for _ in 0..100 {
        let (out, _) = exec(&dev, "show debugging");
        if out.contains("NETCONF Informational debugging is on") {
            assert!(out.contains("NETCONF Errors debugging is on"), "{out}");
            on = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(on, "debug netconf all never took effect");
    let (_, _) = ssh(
        &dev,
        "admin",
        &[],
        &format!(
            "{HELLO}{}{}",
            rpc(1, "<bogus-operation/>"),
            rpc(2, "<close-session/>")
        ),
    );
    // Bounded wait for the lines, then leave.
    std::thread::sleep(Duration::from_millis(500));
    stdin
        .write_all(b"undebug all\rshow debugging\rexit\r")
        .unwrap();
    let (out, status) = wait_output(child, Duration::from_secs(30));
    drop(stdin);
    assert_eq!(status, Some(0), "{out}");
    assert!(
        out.contains("GSI: netconf app _s_ssh.[0x")
            && out.contains("]: new ssh connection from 127.0.0.1"),
        "{out}"
    );
    assert!(out.contains("NETCONF: ns_send.sess=0x"), "{out}");
    assert!(out.contains("<bogus-operation/>"), "{out}");
    assert!(out.contains("rpc-error operation-not-supported"), "{out}");
    assert!(
        out.contains("All possible debugging has been turned off"),
        "{out}"
    );
    // Debug lines carry IOS's timestamp: `*Mon DD HH:MM:SS.mmm: `.
    let at = out.find(": GSI: netconf app").unwrap_or(0);
    let stamp = &out[at.saturating_sub(20)..at];
    assert!(
        stamp.starts_with('*') && stamp.as_bytes()[16] == b'.',
        "{stamp:?}"
    );
}

/// Whether the client's session ends within `limit`.
async fn closed_within(c: &ironconf_client::Client, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while !c.is_closed() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.is_closed()
}

/// `no netconf ssh` ends the NETCONF sessions open at the time, whether it
/// is typed in the shell's configuration mode or sent over NETCONF: both go
/// through the device's one configuration path.
#[test]
fn no_netconf_ssh_ends_netconf_sessions_from_either_path() {
    let dev = start(BASE);
    let rt = common::runtime();
    let options = common::key_options(&dev, dev.port);
    // From the shell.
    let watcher = rt
        .block_on(ironconf_client::Client::connect(options.clone()))
        .unwrap();
    let (out, status) = shell(
        &dev,
        "admin",
        "configure terminal\rno netconf ssh\rend\rexit\r",
    );
    assert_eq!(status, Some(0), "{out}");
    rt.block_on(async {
        assert!(
            closed_within(&watcher, Duration::from_secs(10)).await,
            "the NETCONF session outlived `no netconf ssh` typed in the shell"
        );
        assert!(watcher.exec(&["show clock".into()]).await.is_err());
    });
    // Back on, from the shell; then off over NETCONF, from a second session.
    let (out, _) = shell(
        &dev,
        "admin",
        "configure terminal\rnetconf ssh\rend\rexit\r",
    );
    assert!(!out.contains('%'), "{out}");
    rt.block_on(async {
        let watcher = ironconf_client::Client::connect(options.clone())
            .await
            .unwrap();
        let actor = ironconf_client::Client::connect(options.clone())
            .await
            .unwrap();
        actor
            .edit_config(
                &ironconf_client::Datastore::Running,
                &ironconf_client::Config::Cli(vec!["no netconf ssh".into()]),
                &ironconf_client::EditOptions::default(),
            )
            .await
            .unwrap();
        assert!(
            closed_within(&watcher, Duration::from_secs(10)).await,
            "the other NETCONF session outlived `no netconf ssh`"
        );
        // The session that made the change goes on until its client closes it.
        let out = actor
            .exec(&["show running-config | include netconf".into()])
            .await
            .unwrap();
        assert!(
            !out[0].response.contains("netconf ssh"),
            "{}",
            out[0].response
        );
        actor.close().await.unwrap();
    });
}
