//! `ironconf fleet`: devices from one inventory, each on its own loopback
//! address or port, reached with OpenSSH, with state that survives a
//! restart of the fleet; the inventory's checks and exports.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{closed_tcp_port, free_port_run, ssh_to, wait_output};

struct Fleet {
    child: Child,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn inventory(dir: &Path, edge_port: u16, core_port: u16, key: &str) -> std::path::PathBuf {
    let text = format!(
        r#"
[defaults]
username = "ops"
password = "fleet-pw"

[[group]]
name = "edge"
count = 5
hostname = "edge-{{n:02}}"
addresses = "127.77.0.1"
port = {edge_port}
vars = {{ loopback = "10.77.{{n_hi}}.{{n_lo}}" }}
startup = """
hostname {{hostname}}
username {{username}} privilege 15 secret 0 {{password}}
ip ssh pubkey-chain
 username {{username}}
  key-string
   {key}
  exit
interface Loopback0
 ip address {{loopback}} 255.255.255.255
line vty 0 15
 login local
 transport input ssh
netconf ssh
lldp run
"""

[[group]]
name = "core"
count = 3
hostname = "core-{{n}}"
address = "127.0.0.1"
ports = {core_port}

[[link]]
a = "edge-01 GigabitEthernet1"
b = "edge-02 Gi2"
"#
    );
    let path = dir.join("fleet.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn start(inv: &Path, state: &Path) -> Fleet {
    start_counted(inv, state, 8).0
}

/// The fleet, and what it printed before it listened.
fn start_counted(inv: &Path, state: &Path, devices: usize) -> (Fleet, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["fleet", "--inventory"])
        .arg(inv)
        .arg("--state-dir")
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut before = Vec::new();
    loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("the fleet ended before listening"))
            .unwrap();
        if line.starts_with("fleet: ") {
            let expect =
                format!("fleet: {devices} devices listening (first edge-01 on 127.77.0.1:");
            assert!(line.starts_with(&expect), "{line}");
            break;
        }
        before.push(line);
    }
    (Fleet { child }, before)
}

fn key(dir: &Path) -> (std::path::PathBuf, String) {
    let key = dir.join("id");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(st.success());
    let blob = std::fs::read_to_string(key.with_extension("pub"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    (key, blob)
}

/// OpenSSH to `ops@address` with the test key, no host-key checks;
/// `options` first (`-tt`), then the command words.
fn ssh(key: &Path, address: &str, port: u16, options: &[&str], command: &[&str]) -> Command {
    let mut cmd = ssh_to(key, "ops", address, port, options);
    cmd.args(command);
    cmd
}

fn run_on(key: &Path, address: &str, port: u16, command: &str) -> String {
    let child = ssh(key, address, port, &["-o", "BatchMode=yes"], &[command])
        .spawn()
        .unwrap();
    let (out, status) = wait_output(child, Duration::from_secs(60));
    assert_eq!(status, Some(0), "{address}:{port} {command}: {out}");
    out
}

#[test]
fn devices_of_a_fleet_are_independent_and_keep_their_state() {
    let dir = tempfile::tempdir().unwrap();
    let (key, blob) = key(dir.path());
    let (edge_port, core_port) = (closed_tcp_port(), free_port_run(3));
    let inv = inventory(dir.path(), edge_port, core_port, &blob);
    let state = dir.path().join("state");
    let fleet = start(&inv, &state);
    // Each device is its own: its hostname, its address.
    let out = run_on(
        &key,
        "127.77.0.3",
        edge_port,
        "show running-config | include hostname|ip address",
    );
    assert!(out.contains("hostname edge-03\r\n"), "{out}");
    assert!(
        out.contains(" ip address 10.77.0.3 255.255.255.255"),
        "{out}"
    );
    let out = run_on(
        &key,
        "127.77.0.5",
        edge_port,
        "show version | include uptime",
    );
    assert!(out.contains("edge-05 uptime is"), "{out}");
    // Devices never reached are not made: no state directory yet.
    assert!(state.join("edge-03").join("startup-config").exists());
    assert!(!state.join("edge-02").exists());
    // A link of the inventory: each end hears the other, by LLDP and CDP.
    let out = run_on(&key, "127.77.0.1", edge_port, "show lldp neighbors");
    assert!(
        out.contains("edge-02             Gi1            120        R               Gi2\r\n"),
        "{out}"
    );
    assert!(out.contains("Total entries displayed: 1"), "{out}");
    let out = run_on(&key, "127.77.0.2", edge_port, "show cdp neighbors");
    assert!(
        out.contains(
            "edge-01          Gig 2             155        R I         CSR1000V  Gig 1\r\n"
        ),
        "{out}"
    );
    let out = run_on(&key, "127.77.0.3", edge_port, "show lldp neighbors");
    assert!(out.contains("Total entries displayed: 0"), "{out}");
    // A change on one device, saved, is that device's alone.
    let out = run_on(
        &key,
        "127.77.0.3",
        edge_port,
        "copy running-config startup-config",
    );
    assert!(out.contains("[OK]"), "{out}");
    drop(fleet);
    let saved = std::fs::read_to_string(state.join("edge-03").join("startup-config")).unwrap();
    assert!(saved.contains("hostname edge-03"), "{saved}");
    // Started again, the device is what was saved. The core group: one
    // address, a port each; password login over NETCONF (the template's
    // default).
    let fleet = start(&inv, &state);
    let out = run_on(
        &key,
        "127.77.0.3",
        edge_port,
        "show running-config | include hostname",
    );
    assert!(out.contains("hostname edge-03"), "{out}");
    let exec = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["exec", "--user", "ops", "--port"])
        .arg((core_port + 1).to_string())
        .args(["--known-hosts"])
        .arg(dir.path().join("known_hosts"))
        .arg("show running-config | include hostname")
        .env("IRONCONF_PASSWORD", "fleet-pw")
        .env_remove("SSH_AUTH_SOCK")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (out, status) = wait_output(exec, Duration::from_secs(60));
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("hostname core-2"), "{out}");
    drop(fleet);
    // A device taken out of the inventory: its state is kept, and said so.
    let text = std::fs::read_to_string(&inv).unwrap();
    std::fs::write(&inv, text.replace("count = 5", "count = 4")).unwrap();
    let (fleet, said) = start_counted(&inv, &state, 7);
    assert_eq!(
        said,
        vec!["state kept for edge-05: not in the inventory".to_owned()]
    );
    assert!(state.join("edge-05").join("startup-config").exists());
    drop(fleet);
}

#[test]
fn bad_inventories_stop_the_fleet_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let (_, blob) = key(dir.path());
    let inv = inventory(dir.path(), 2222, 20001, &blob);
    let text = std::fs::read_to_string(&inv).unwrap();
    for (change, expect) in [
        (
            text.replace("core-{n}", "edge-0{n}"),
            "device name edge-01 is used twice (groups edge and core)",
        ),
        (
            text.replace("127.77.0.1", "192.0.2.1"),
            "device edge-01: 192.0.2.1:2222 is not a loopback address",
        ),
        (
            text.replace(" transport input ssh", " transport input sssh"),
            "device edge-01: startup-config line 12: transport input sssh: % Invalid input detected at '^' marker.",
        ),
    ] {
        std::fs::write(&inv, &change).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
            .args(["fleet", "--inventory"])
            .arg(&inv)
            .arg("--state-dir")
            .arg(dir.path().join("state"))
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{expect}\nnot in {err}");
    }
}

#[test]
fn exports_reach_every_device_and_shards_merge() {
    let dir = tempfile::tempdir().unwrap();
    let (_, blob) = key(dir.path());
    let inv = inventory(dir.path(), 2222, 20001, &blob);
    let export = |format: &str, shard: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ironconf"));
        cmd.args(["fleet", "--inventory"]).arg(&inv);
        if let Some(s) = shard {
            cmd.args(["--shard", s]);
        }
        let out = cmd
            .args(["inventory", "--format", format])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = export("csv", None);
    assert_eq!(csv.lines().count(), 1 + 8, "{csv}");
    assert!(
        csv.contains("\nedge-01,edge,127.77.0.1,2222,ops,fleet-pw,ios-xe-16\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\ncore-3,core,127.0.0.1,20003,ops,fleet-pw,ios-xe-16\n"),
        "{csv}"
    );
    let halves = format!(
        "{}{}",
        export("csv", Some("0/2")),
        export("csv", Some("1/2"))
    );
    let mut merged: Vec<&str> = halves.lines().filter(|l| !l.starts_with("name,")).collect();
    merged.sort_unstable();
    let mut whole: Vec<&str> = csv.lines().skip(1).collect();
    whole.sort_unstable();
    assert_eq!(merged, whole);
    let ssh = export("ssh-config", None);
    assert!(
        ssh.contains("Host edge-05\n  HostName 127.77.0.5\n  Port 2222\n  User ops\n"),
        "{ssh}"
    );
    let ansible = export("ansible", None);
    assert!(
        ansible.contains("ansible_network_os: cisco.ios.ios"),
        "{ansible}"
    );
    let nornir = export("nornir", None);
    assert!(
        nornir.contains("\"core-2\":\n  hostname: \"127.0.0.1\"\n  port: 20002\n"),
        "{nornir}"
    );
}

/// Two processes serve the two halves of one inventory (`--shard`), and
/// a device that cannot start does not affect the others.
#[test]
fn shards_serve_disjoint_halves_and_a_broken_device_is_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (key, blob) = key(dir.path());
    let (edge_port, core_port) = (closed_tcp_port(), free_port_run(3));
    let inv = inventory(dir.path(), edge_port, core_port, &blob);
    let state = dir.path().join("state");
    let shard = |i: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ironconf"))
            .args(["fleet", "--shard", i, "--inventory"])
            .arg(&inv)
            .arg("--state-dir")
            .arg(&state)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let line = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.starts_with("fleet: "))
            .unwrap_or_default();
        (Fleet { child }, line)
    };
    let (first, said) = shard("0/2");
    assert!(
        said.starts_with("fleet: 4 devices listening (first edge-01"),
        "{said}"
    );
    let (second, said) = shard("1/2");
    assert!(
        said.starts_with("fleet: 4 devices listening (first edge-05"),
        "{said}"
    );
    // Each half answers for its own devices.
    let out = run_on(
        &key,
        "127.77.0.1",
        edge_port,
        "show version | include uptime",
    );
    assert!(out.contains("edge-01 uptime is"), "{out}");
    let out = run_on(
        &key,
        "127.77.0.5",
        edge_port,
        "show version | include uptime",
    );
    assert!(out.contains("edge-05 uptime is"), "{out}");
    drop(second);
    // A device whose startup-config is corrupt (not text): its
    // connections close, its neighbours answer.
    std::fs::create_dir_all(state.join("edge-02")).unwrap();
    std::fs::write(
        state.join("edge-02").join("startup-config"),
        [0xff, 0xfe, 0x00],
    )
    .unwrap();
    let broken = ssh(
        &key,
        "127.77.0.2",
        edge_port,
        &["-o", "BatchMode=yes"],
        &["show version"],
    )
    .spawn()
    .unwrap();
    let (_, status) = wait_output(broken, Duration::from_secs(30));
    assert_ne!(status, Some(0));
    let out = run_on(
        &key,
        "127.77.0.3",
        edge_port,
        "show version | include uptime",
    );
    assert!(out.contains("edge-03 uptime is"), "{out}");
    drop(first);
}

fn control(state: &Path, args: &[&str]) -> (String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["fleet", "--state-dir"])
        .arg(state)
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

fn reachable(key: &Path, address: &str, port: u16) -> bool {
    let child = ssh(
        key,
        address,
        port,
        &["-o", "BatchMode=yes"],
        &["show privilege"],
    )
    .spawn()
    .unwrap();
    let (out, status) = wait_output(child, Duration::from_secs(30));
    status == Some(0) && out.contains("Current privilege level is 15")
}

/// The control socket: status, remove, add (back, and new from the
/// inventory file), restart; its owner only.
#[test]
fn a_running_fleet_is_controlled_through_its_socket() {
    let dir = tempfile::tempdir().unwrap();
    let (key, blob) = key(dir.path());
    let (edge_port, core_port) = (closed_tcp_port(), free_port_run(3));
    let inv = inventory(dir.path(), edge_port, core_port, &blob);
    let state = dir.path().join("state");
    let fleet = start(&inv, &state);
    let socket = state.join(".fleet").join("control.sock");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&socket).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let (out, ok) = control(&state, &["status"]);
    assert!(ok, "{out}");
    assert!(
        out.starts_with("name address state sessions changes last-change-by\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("edge-01 127.77.0.1:{edge_port} idle 0 0 -\n")),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1 + 8, "{out}");
    assert!(reachable(&key, "127.77.0.1", edge_port));
    let (out, _) = control(&state, &["status"]);
    assert!(
        out.contains(&format!("edge-01 127.77.0.1:{edge_port} up ")),
        "{out}"
    );
    // Taken away, then back.
    let (out, ok) = control(&state, &["remove", "edge-01"]);
    assert!(ok && out == "removed edge-01\n", "{out}");
    assert!(!reachable(&key, "127.77.0.1", edge_port));
    assert!(
        control(&state, &["status"])
            .0
            .contains("edge-01 127.77.0.1")
    );
    assert!(control(&state, &["status"]).0.contains(" removed "));
    let (out, ok) = control(&state, &["add", "edge-01"]);
    assert!(ok && out == "added edge-01\n", "{out}");
    assert!(reachable(&key, "127.77.0.1", edge_port));
    // A device new in the inventory file, on the shared listener's port.
    let text = std::fs::read_to_string(&inv).unwrap();
    std::fs::write(&inv, text.replace("count = 5", "count = 6")).unwrap();
    let (out, ok) = control(&state, &["add", "edge-06"]);
    assert!(ok, "{out}");
    assert_eq!(out, format!("added edge-06 on 127.77.0.6:{edge_port}\n"));
    assert!(reachable(&key, "127.77.0.6", edge_port));
    // Restart: a reload; a shell held open ends.
    let mut held = ssh(&key, "127.77.0.6", edge_port, &["-tt"], &[])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let _stdin = held.stdin.take();
    std::thread::sleep(Duration::from_millis(800));
    let (out, ok) = control(&state, &["restart", "edge-06"]);
    assert!(ok && out == "restarted edge-06\n", "{out}");
    let (_, status) = wait_output(held, Duration::from_secs(15));
    assert!(status.is_some(), "the shell did not end");
    assert!(reachable(&key, "127.77.0.6", edge_port));
    // Errors, and other users.
    let (out, ok) = control(&state, &["remove", "nowhere"]);
    assert!(!ok && out.starts_with("error: no device nowhere"), "{out}");
    // A command past 1 kB, and a connection that says nothing: each gets
    // its error, and the socket still answers.
    let raw = |send: &[u8]| {
        use std::io::{Read as _, Write as _};
        let mut s = std::os::unix::net::UnixStream::connect(&socket).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = s.write_all(send);
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer
    };
    let long = format!("add {}\n", "x".repeat(2000));
    assert_eq!(
        raw(long.as_bytes()),
        "error: a command is at most 1024 bytes\n"
    );
    assert_eq!(raw(b"stat"), "error: no command within 5 s\n");
    assert!(control(&state, &["status"]).1);
    let other = Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(env!("CARGO_BIN_EXE_ironconf"))
        .args(["fleet", "--state-dir"])
        .arg(&state)
        .arg("status")
        .output();
    if let Ok(other) = other {
        assert!(!other.status.success(), "another user was answered");
    }
    drop(fleet);
}

/// A device of the fleet reaches another with its own `ssh`.
#[test]
fn devices_reach_each_other_with_their_own_ssh() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let (key, blob) = key(dir.path());
    let (edge_port, core_port) = (closed_tcp_port(), free_port_run(3));
    let inv = inventory(dir.path(), edge_port, core_port, &blob);
    let fleet = start(&inv, &dir.path().join("state"));
    let mut child = ssh(&key, "127.77.0.1", edge_port, &["-tt"], &[])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        let steps: [(&str, u64); 4] = [
            (
                &format!("ssh -l ops -p {edge_port} 127.77.0.2 show version\r"),
                1500,
            ),
            ("fleet-pw\r", 3000),
            ("exit\r", 500),
            ("", 0),
        ];
        for (keys, wait) in steps {
            let _ = stdin.write_all(keys.as_bytes());
            let _ = stdin.flush();
            std::thread::sleep(Duration::from_millis(wait));
        }
    });
    let (out, _) = wait_output(child, Duration::from_secs(30));
    assert!(out.contains("edge-01#ssh -l ops"), "{out}");
    assert!(out.contains("Password: "), "{out}");
    assert!(out.contains("edge-02 uptime is"), "{out}");
    drop(fleet);
}
