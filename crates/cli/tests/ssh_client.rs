//! The device's own SSH client, typed at its shell through OpenSSH `ssh
//! -tt`: to another ironconf device (interactive, one command, suspend and
//! resume, the window size), to OpenSSH sshd with each cipher and MAC of
//! the seed, and IOS's messages for a refused port, a silent host, a failed
//! login and a host key it must not trust.
//!
//! The sshd tests need root and `openssh-server` (`scripts/test` installs
//! it and sets IRONCONF_REQUIRE_BASELINES=1, which turns a missing
//! prerequisite into a failure instead of a skip).

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Device, closed_tcp_port, ssh_command, start};

/// A terminal on a device's shell: keys in, screen out, waited for.
struct Terminal {
    child: Child,
    stdin: ChildStdin,
    screen: Arc<Mutex<Vec<u8>>>,
    /// How much of the screen earlier waits consumed.
    seen: usize,
}

impl Terminal {
    fn open(dev: &Device, extra: &[&str]) -> Terminal {
        let mut options = vec!["-tt"];
        options.extend_from_slice(extra);
        let mut cmd = ssh_command(dev, "admin", &options);
        cmd.stdin(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let screen = Arc::new(Mutex::new(Vec::new()));
        let s = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let mut t = Terminal {
            child,
            stdin,
            screen,
            seen: 0,
        };
        t.expect("#");
        t
    }

    fn send(&mut self, keys: &str) {
        self.stdin.write_all(keys.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits until `text` is on the screen after what earlier waits saw;
    /// returns the screen up to its end.
    fn expect(&mut self, text: &str) -> String {
        self.expect_within(text, Duration::from_secs(20))
    }

    fn expect_within(&mut self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            {
                let screen = self.screen.lock().unwrap();
                let shown = String::from_utf8_lossy(&screen[self.seen..]).into_owned();
                if let Some(at) = shown.find(text) {
                    let end = at + text.len();
                    self.seen += shown[..end].len();
                    return shown[..end].to_owned();
                }
                assert!(
                    start.elapsed() < limit,
                    "waited {limit:?} for {text:?}; the screen since:\n{shown}"
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const LOCAL: &str = "hostname A\nusername admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
line vty 0 4\n login local\n transport input ssh\n";

const REMOTE: &str = "hostname B\nusername bob privilege 15 secret 0 pw\n\
line vty 0 4\n login local\n transport input ssh\n";

#[test]
fn to_another_device_interactive_suspended_and_resumed() {
    let a = start(LOCAL);
    let b = start(REMOTE);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!("ssh -l bob -p {} 127.0.0.1\r", b.port));
    t.expect("Password: ");
    t.send("pw\r");
    t.expect("B#");
    t.send("terminal length 0\rshow version | include uptime\r");
    t.expect("B uptime is");
    t.expect("B#");
    // The escape sequence suspends: the device's own prompt.
    t.send("\x1ex");
    t.expect("A#");
    t.send("show sessions\r");
    let out = t.expect("A#");
    assert!(
        out.contains("Conn Host                Address             Byte  Idle Conn Name"),
        "{out}"
    );
    assert!(out.contains("*  1 127.0.0.1"), "{out}");
    // Suspended, the remote keeps what it writes; resume shows it.
    t.send("resume 1\r");
    t.expect("[Resuming connection 1 to 127.0.0.1 ... ]");
    t.send("show privilege\r");
    t.expect("Current privilege level is 15");
    // The remote's end returns to the device's prompt.
    t.send("exit\r");
    t.expect("[Connection to 127.0.0.1 closed by foreign host]");
    t.expect("A#");
    t.send("show sessions\r");
    t.expect("% No connections open");
    // One command, then the prompt.
    t.send(&format!(
        "ssh -l bob -p {} 127.0.0.1 show version\r",
        b.port
    ));
    t.expect("Password: ");
    t.send("pw\r");
    let out = t.expect("A#");
    assert!(out.contains("B uptime is"), "{out}");
    assert!(out.contains("Configuration register is 0x2102"), "{out}");
    assert!(!out.contains("closed by foreign host"), "{out}");
    // disconnect asks to confirm.
    t.send(&format!("ssh -p {} bob@127.0.0.1\r", b.port));
    t.expect("Password: ");
    t.send("pw\r");
    t.expect("B#");
    t.send("\x1eX");
    t.expect("A#");
    t.send("disconnect\r");
    t.expect("Closing connection to 127.0.0.1 [confirm]");
    t.send("\r");
    t.expect("A#");
    t.send("show sessions\r");
    t.expect("% No connections open");
    t.send("exit\r");
}

#[test]
fn failures_have_ios_messages_and_leave_the_shell_intact() {
    let a = start(&format!("{LOCAL}ip tcp synwait-time 5\n"));
    let b = start(REMOTE);
    let mut t = Terminal::open(&a, &[]);
    // Nothing listens: refused at once.
    t.send(&format!("ssh -p {} 127.0.0.1\r", closed_tcp_port()));
    t.expect("% Connection refused by remote host");
    t.expect("A#");
    // A host that accepts and never speaks: ip tcp synwait-time (5 s).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = Instant::now();
    t.send(&format!("ssh -p {port} 127.0.0.1\r"));
    t.expect_within(
        "% Connection timed out; remote host not responding",
        Duration::from_secs(15),
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(12),
        "{waited:?}"
    );
    t.expect("A#");
    // Wrong passwords, as many as -o numberofpasswordprompts allows.
    t.send(&format!(
        "ssh -o numberofpasswordprompts 2 -l bob -p {} 127.0.0.1\r",
        b.port
    ));
    t.expect("Password: ");
    t.send("wrong\r");
    t.expect("Password: ");
    t.send("wrong again\r");
    t.expect("% Authentication failed.");
    t.expect("A#");
    // SSH version 1: refused before connecting.
    t.send("ssh -v 1 127.0.0.1\r");
    t.expect("% SSH version 1 is not supported");
    // The shell is intact.
    t.send("show privilege\r");
    t.expect("Current privilege level is 15");
    t.send("exit\r");
}

#[test]
fn host_keys_are_checked_as_ios_does() {
    let b = start(REMOTE);
    // B's key, as IOS keeps it under `server` (`key-hash`: its MD5).
    let scan = Command::new("ssh-keyscan")
        .args(["-t", "ed25519", "-p", &b.port.to_string(), "127.0.0.1"])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&scan.stdout).into_owned();
    let keyfile = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keyfile.path(), &line).unwrap();
    let fp = Command::new("ssh-keygen")
        .args(["-l", "-E", "md5", "-f"])
        .arg(keyfile.path())
        .output()
        .unwrap();
    let fp = String::from_utf8_lossy(&fp.stdout).into_owned();
    let md5: String = fp
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.strip_prefix("MD5:"))
        .unwrap_or_else(|| panic!("ssh-keygen -l: {fp} ({line})"))
        .replace(':', "")
        .to_ascii_uppercase();
    let strict = format!("{LOCAL}ip ssh stricthostkeycheck\n");
    // Strict, and no key for the host: refused.
    let a = start(&strict);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!("ssh -l bob -p {} 127.0.0.1\r", b.port));
    t.expect("% SSH: no host key for 127.0.0.1 under ip ssh pubkey-chain");
    t.expect("A#");
    drop(t);
    // The key under `server 127.0.0.1`: accepted.
    let trusted = strict.replace(
        "  exit\n",
        &format!("  exit\n server 127.0.0.1\n  key-hash ssh-ed25519 {md5}\n"),
    );
    let a = start(&trusted);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!(
        "ssh -l bob -p {} 127.0.0.1 show privilege\r",
        b.port
    ));
    t.expect("Password: ");
    t.send("pw\r");
    t.expect("Current privilege level is 15");
    drop(t);
    // Another key under it (strict or not): a changed key, refused.
    let changed = format!(
        "{LOCAL}ip ssh pubkey-chain\n server 127.0.0.1\n  key-hash ssh-ed25519 00112233445566778899AABBCCDDEEFF\n"
    );
    let a = start(&changed);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!("ssh -l bob -p {} 127.0.0.1\r", b.port));
    t.expect("% SSH: the host key of 127.0.0.1 does not match");
    t.expect("A#");
}

/// The terminal's size goes to the remote pty, and follows it.
#[test]
fn the_window_size_follows_the_terminal() {
    let a = start(LOCAL);
    let b = start(REMOTE);
    let mut t = Terminal::open(&a, &[]);
    t.send("terminal length 7\r");
    t.expect("A#");
    t.send(&format!("ssh -l bob -p {} 127.0.0.1\r", b.port));
    t.expect("Password: ");
    t.send("pw\r");
    t.expect("B#");
    // B pages by the rows its pty was given: A's 7 (`terminal length`),
    // so 6 lines, then --More--.
    t.send("show running-config all\r");
    let out = t.expect("--More--");
    let lines = out
        .lines()
        .skip_while(|l| !l.contains("show running-config all"))
        .count();
    assert_eq!(lines, 1 + 6 + 1, "{out}");
    t.send("q");
    t.expect("B#");
    t.send("exit\r");
    t.expect("A#");
}

struct Sshd {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SSHD_USER: &str = "ironconf-sshc";
const SSHD_PASSWORD: &str = "ironconf-sshc-pw";

/// OpenSSH sshd on loopback taking `ciphers` and `macs` only, with a
/// password account; `None` (or a failure where required) without root or
/// sshd.
fn sshd(ciphers: &str, macs: &str) -> Option<Sshd> {
    let required = std::env::var_os("IRONCONF_REQUIRE_BASELINES").is_some();
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !(Path::new("/usr/sbin/sshd").exists() && root) {
        assert!(
            !required,
            "sshd missing or not root: run scripts/baseline install as root"
        );
        eprintln!("skipped: openssh-server and root are needed; scripts/test sets them up");
        return None;
    }
    let st = Command::new("flock")
        .args([
            "/tmp/ironconf-baseline.lock",
            "sh",
            "-c",
            &format!(
                "id {SSHD_USER} >/dev/null 2>&1 || useradd -M -s /bin/sh {SSHD_USER}; echo '{SSHD_USER}:{SSHD_PASSWORD}' | chpasswd"
            ),
        ])
        .status()
        .unwrap();
    assert!(st.success(), "could not make the test account");
    std::fs::create_dir_all("/run/sshd").ok();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("hostkey");
    Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    let port = closed_tcp_port();
    let log = dir.path().join("sshd.log");
    let conf = dir.path().join("sshd_config");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}/sshd.pid\n\
             UsePAM no\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n\
             PermitRootLogin no\nStrictModes no\nCiphers {ciphers}\nMACs {macs}\nLogLevel DEBUG\n",
            key.display(),
            dir.path().display()
        ),
    )
    .unwrap();
    let child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-f"])
        .arg(&conf)
        .arg("-E")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "sshd did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Sshd {
        child,
        port,
        log,
        _dir: dir,
    })
}

/// Each cipher and MAC of the seed that this device has, against an sshd
/// that takes them (and the modern ones): exactly the one asked for is
/// agreed, as sshd's log shows.
#[test]
fn to_openssh_sshd_with_each_cipher_and_mac_of_the_seed() {
    let Some(server) = sshd(
        "3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
        "hmac-sha1,hmac-sha2-256,hmac-sha2-512",
    ) else {
        return;
    };
    let a = start(LOCAL);
    let mut t = Terminal::open(&a, &[]);
    for (cipher, mac, ssh_cipher) in [
        ("3des", "hmac-sha1", "3des-cbc"),
        ("aes128-cbc", "hmac-sha1", "aes128-cbc"),
        ("aes192-cbc", "hmac-sha1", "aes192-cbc"),
        ("aes256-cbc", "hmac-sha1", "aes256-cbc"),
        ("aes256-ctr", "hmac-sha2-256", "aes256-ctr"),
        ("aes128-gcm", "hmac-sha2-512", "aes128-gcm@openssh.com"),
    ] {
        t.send(&format!(
            "ssh -v 2 -c {cipher} -m {mac} -l {SSHD_USER} -p {} 127.0.0.1 echo agreed-{cipher}\r",
            server.port
        ));
        t.expect("Password: ");
        t.send(&format!("{SSHD_PASSWORD}\r"));
        t.expect(&format!("agreed-{cipher}"));
        t.expect("A#");
        let log = std::fs::read_to_string(&server.log).unwrap_or_default();
        let mac_shown = if ssh_cipher.contains("gcm") {
            "<implicit>"
        } else {
            mac
        };
        assert!(
            log.contains(&format!(
                "kex: client->server cipher: {ssh_cipher} MAC: {mac_shown}"
            )),
            "{cipher}/{mac} not agreed:\n{log}"
        );
    }
    // The seed's example, interactive: the remote shell in the device's.
    t.send(&format!(
        "ssh -v 2 -c aes256-cbc -m hmac-sha1 -l {SSHD_USER} -p {} 127.0.0.1\r",
        server.port
    ));
    t.expect("Password: ");
    t.send(&format!("{SSHD_PASSWORD}\r"));
    t.expect("$ ");
    t.send("echo inside-$((6*7))\r");
    t.expect("inside-42");
    t.send("exit\r");
    t.expect("[Connection to 127.0.0.1 closed by foreign host]");
    t.expect("A#");
    t.send("exit\r");
}

/// The seed's example command and the other MACs the SSH library lacks,
/// each against an sshd that takes only that MAC: the device's `ssh`
/// carries them through the OpenSSH client program, sshd's log shows the
/// MAC agreed, and the terminal is back at the device's prompt after.
#[test]
fn to_openssh_sshd_with_the_macs_russh_lacks() {
    let a = start(LOCAL);
    let mut t = Terminal::open(&a, &[]);
    for mac in ["hmac-sha1-96", "hmac-md5", "hmac-md5-96"] {
        let Some(server) = sshd("aes256-cbc,aes128-ctr", mac) else {
            return;
        };
        // A wrong password first: asked again, as IOS does.
        t.send(&format!(
            "ssh -v 2 -c aes256-cbc -m {mac} -l {SSHD_USER} -p {} 127.0.0.1\r",
            server.port
        ));
        t.expect("Password: ");
        t.send("not-the-password\r");
        t.expect("Password: ");
        t.send(&format!("{SSHD_PASSWORD}\r"));
        t.expect("$ ");
        t.send(&format!("echo inside-{mac}-$((6*7))\r"));
        t.expect(&format!("inside-{mac}-42"));
        t.send("exit\r");
        t.expect("[Connection to 127.0.0.1 closed by foreign host]");
        t.expect("A#");
        let log = std::fs::read_to_string(&server.log).unwrap_or_default();
        assert!(
            log.contains(&format!(
                "kex: client->server cipher: aes256-cbc MAC: {mac}"
            )),
            "{mac} not agreed:\n{log}"
        );
        // A command, and a server that does not take the MAC asked for.
        t.send(&format!(
            "ssh -m {mac} -l {SSHD_USER} -p {} 127.0.0.1 echo command-{mac}\r",
            server.port
        ));
        t.expect("Password: ");
        t.send(&format!("{SSHD_PASSWORD}\r"));
        t.expect(&format!("command-{mac}"));
        t.expect("A#");
        let other = if mac == "hmac-md5" {
            "hmac-md5-96"
        } else {
            "hmac-md5"
        };
        t.send(&format!(
            "ssh -m {other} -l {SSHD_USER} -p {} 127.0.0.1\r",
            server.port
        ));
        t.expect(&format!(
            "%SSH-3-NO_MATCH: No matching hmac found: client {other} server {mac}"
        ));
        t.expect("A#");
    }
    t.send("exit\r");
    drop(t);
    // Host keys as the device judges them: strict with no key, refused
    // before the password; the server's key under `server 127.0.0.1`, in.
    let Some(server) = sshd("aes256-cbc,aes128-ctr", "hmac-md5") else {
        return;
    };
    let strict = format!("{LOCAL}ip ssh stricthostkeycheck\n");
    let a = start(&strict);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!(
        "ssh -m hmac-md5 -l {SSHD_USER} -p {} 127.0.0.1\r",
        server.port
    ));
    t.expect("% SSH: no host key for 127.0.0.1 under ip ssh pubkey-chain");
    t.expect("A#");
    drop(t);
    let public = std::fs::read_to_string(server._dir.path().join("hostkey.pub")).unwrap();
    let blob = public.split_whitespace().nth(1).unwrap_or_default();
    let trusted = strict.replace(
        "  exit\n",
        &format!("  exit\n server 127.0.0.1\n  key-string\n   ssh-ed25519 {blob}\n   exit\n"),
    );
    let a = start(&trusted);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!(
        "ssh -m hmac-md5 -l {SSHD_USER} -p {} 127.0.0.1 echo trusted-key\r",
        server.port
    ));
    t.expect("Password: ");
    t.send(&format!("{SSHD_PASSWORD}\r"));
    t.expect("trusted-key");
    t.expect("A#");
}

/// A cipher the server does not take: IOS's NO_MATCH message.
#[test]
fn a_cipher_the_server_lacks_is_refused() {
    let Some(server) = sshd("aes128-ctr", "hmac-sha2-256") else {
        return;
    };
    let a = start(LOCAL);
    let mut t = Terminal::open(&a, &[]);
    t.send(&format!(
        "ssh -c aes256-cbc -l {SSHD_USER} -p {} 127.0.0.1\r",
        server.port
    ));
    t.expect("%SSH-3-NO_MATCH: No matching cipher found: client aes256-cbc server aes128-ctr");
    t.expect("A#");
    t.send("ssh -m hmac-sha1 -l x -p 1 127.0.0.1\r");
    t.expect("A#");
    t.send("exit\r");
}
