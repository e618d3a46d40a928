//! The device's SSH client for the MACs its SSH library lacks (`-m hmac-md5`,
//! `hmac-md5-96`, `hmac-sha1-96`): the OpenSSH client program carries the
//! connection, on a pseudo-terminal of its own, with exactly the cipher and
//! MAC asked for. The terminal sees what the built-in client gives it: the
//! connection errors first, `Password:` from the device, the remote's
//! screen, window changes, suspend and resume, IOS's messages.
//!
//! The password goes to `ssh` through an askpass helper that prints it from
//! the helper's environment (never on a command line). The host key is the
//! device's to judge ([`Device::check_server_key`], as for the built-in
//! client): a first run of `ssh` hands the key the server offers to a
//! `KnownHostsCommand` that writes it down and accepts nothing, the device
//! checks it, and the run that logs in accepts that key alone.

use std::io::Write as _;
use std::os::fd::{AsFd as _, OwnedFd};
use std::process::Stdio;

use ironconf_device::Device;
use ironconf_device::sessions::{SessionEvent, SshTarget};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::mpsc;

use crate::ssh_client::Cmd;

/// What the askpass helper and the host key check are made of, in a
/// private directory removed with the connection.
const ASKPASS: &str = "#!/bin/sh\nprintf '%s\\n' \"$IRONCONF_SSH_PASSWORD\"\n";
/// A `KnownHostsCommand` (`%t %K` as arguments) that writes the key the
/// server offers down for the device and accepts none. `ssh` also runs it
/// before the key exchange, with no key, to order its algorithms.
const OFFERED: &str = "#!/bin/sh\n[ -n \"$2\" ] && printf '%s %s\\n' \"$1\" \"$2\" > \"$IRONCONF_OFFERED_KEY\"\nexit 0\n";

/// The OpenSSH client's messages that say why a connection failed.
fn failure(stderr: &str, target: &SshTarget, mac: &str) -> String {
    if let Some(offer) = stderr.lines().find_map(|l| {
        l.split_once("no matching MAC found. Their offer: ")
            .map(|(_, o)| o)
    }) {
        return format!(
            "%SSH-3-NO_MATCH: No matching hmac found: client {mac} server {}",
            offer.trim()
        );
    }
    if let Some(offer) = stderr.lines().find_map(|l| {
        l.split_once("no matching cipher found. Their offer: ")
            .map(|(_, o)| o)
    }) {
        return format!(
            "%SSH-3-NO_MATCH: No matching cipher found: client {} server {}",
            target.cipher.unwrap_or_default(),
            offer.trim()
        );
    }
    if stderr.contains("Host key verification failed") {
        // The key the device accepted was not the one offered again.
        return "% SSH: the host key changed while connecting; connection refused".to_owned();
    }
    if stderr.contains("Permission denied") {
        return "% Authentication failed.".to_owned();
    }
    if stderr.contains("timed out") {
        return crate::ssh_client::TIMED_OUT.to_owned();
    }
    if stderr.contains("Connection refused") {
        return "% Connection refused by remote host".to_owned();
    }
    "% Connection closed by remote host".to_owned()
}

/// A pseudo-terminal: the side the device reads and writes, and the side
/// `ssh` gets as its standard input and output.
fn pty(cols: u32, rows: u32) -> std::io::Result<(OwnedFd, OwnedFd)> {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let name = ptsname(&master, Vec::new())?;
    let slave = rustix::fs::open(
        name.as_c_str(),
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    set_size(&master, cols, rows)?;
    Ok((master, slave))
}

fn set_size(master: &OwnedFd, cols: u32, rows: u32) -> std::io::Result<()> {
    let size = rustix::termios::Winsize {
        ws_row: u16::try_from(rows).unwrap_or(u16::MAX),
        ws_col: u16::try_from(cols).unwrap_or(u16::MAX),
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    rustix::termios::tcsetwinsize(master.as_fd(), size)?;
    Ok(())
}

/// One connection through `ssh`, to its end: `Err` is what the terminal is
/// told. Each password the terminal gives is one run of `ssh`.
pub(crate) async fn session(
    device: Device,
    id: u32,
    target: SshTarget,
    (mut cols, mut rows): (u32, u32),
    mut cmds: mpsc::Receiver<Cmd>,
    events: &mpsc::Sender<SessionEvent>,
) -> Result<(), String> {
    let mac = target.mac.unwrap_or_default();
    // Errors in reaching the host come first, as with the built-in client.
    let wait = device.synwait();
    drop(crate::ssh_client::reach(&device, &target).await?);
    let dir = tempfile::Builder::new()
        .prefix("ironconf-ssh")
        .tempdir()
        .map_err(|_| format!("% MAC {mac} is not available on this device"))?;
    let write_script = |name: &str, text: &str| -> std::io::Result<std::path::PathBuf> {
        use std::os::unix::fs::OpenOptionsExt as _;
        let path = dir.path().join(name);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o700)
            .open(&path)?;
        f.write_all(text.as_bytes())?;
        Ok(path)
    };
    let unavailable = |_| format!("% MAC {mac} is not available on this device");
    let askpass = write_script("askpass", ASKPASS).map_err(unavailable)?;
    let offered_key = dir.path().join("offered");
    let offered = write_script("offered-key", OFFERED).map_err(unavailable)?;
    let known_hosts = dir.path().join("known_hosts");
    let mut options: Vec<String> = vec![
        "StrictHostKeyChecking=yes".to_owned(),
        format!("UserKnownHostsFile={}", known_hosts.display()),
        "GlobalKnownHostsFile=/dev/null".to_owned(),
    ];
    options.extend([
        "BatchMode=no".to_owned(),
        "NumberOfPasswordPrompts=1".to_owned(),
        "PreferredAuthentications=password,keyboard-interactive".to_owned(),
        "PubkeyAuthentication=no".to_owned(),
        "GSSAPIAuthentication=no".to_owned(),
        format!("ConnectTimeout={}", wait.as_secs().max(1)),
        "LogLevel=VERBOSE".to_owned(),
    ]);
    // Negotiation and the host key are checked before a password is asked
    // for, as the built-in client does: a first run that offers no
    // authentication.
    let mut probe = tokio::process::Command::new("ssh");
    probe.arg("-F").arg("/dev/null");
    for o in &options {
        probe.arg("-o").arg(o);
    }
    if let Some(c) = target.cipher {
        probe.arg("-c").arg(c);
    }
    let probed = probe
        .arg("-o")
        .arg(format!("KnownHostsCommand={} %t %K", offered.display()))
        .args([
            "-o",
            "BatchMode=yes",
            "-o",
            "PreferredAuthentications=none",
            "-T",
        ])
        .arg("-m")
        .arg(mac)
        .arg("-p")
        .arg(target.port.to_string())
        .arg("-l")
        .arg(&target.user)
        .arg(&target.host)
        .arg("true")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("IRONCONF_OFFERED_KEY", &offered_key)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(wait * 2, probed).await {
        Err(_) => return Err(crate::ssh_client::TIMED_OUT.to_owned()),
        Ok(Err(_)) => return Err(format!("% MAC {mac} is not available on this device")),
        Ok(Ok(out)) => {
            let said = String::from_utf8_lossy(&out.stderr);
            // Negotiation fails before a key is offered (and `ssh` may
            // have run the command once already, to order algorithms).
            let key = std::fs::read_to_string(&offered_key).unwrap_or_default();
            if said.contains("Unable to negotiate") || key.trim().is_empty() {
                return Err(failure(&said, &target, mac));
            }
            let mut words = key.split_whitespace();
            let (kind, blob) = (
                words.next().unwrap_or_default(),
                words.next().unwrap_or_default(),
            );
            device.check_server_key(&target.host, kind, blob)?;
            // Only that key from now on (OpenSSH names a host on another
            // port `[host]:port`).
            let name = match target.port {
                22 => target.host.clone(),
                p => format!("[{}]:{p}", target.host),
            };
            std::fs::write(&known_hosts, format!("{name} {kind} {blob}\n")).map_err(unavailable)?;
        }
    }
    loop {
        if events.send(SessionEvent::Password { id }).await.is_err() {
            return Ok(());
        }
        let password = loop {
            match cmds.recv().await {
                Some(Cmd::Password(p)) => break p,
                Some(Cmd::Close) | None => return Ok(()),
                Some(Cmd::Window(c, r)) => (cols, rows) = (c, r),
                Some(_) => {}
            }
        };
        let (master, slave) = pty(cols, rows).map_err(unavailable)?;
        // Kept to set the terminal's size on window changes.
        let sizer = master.try_clone().map_err(unavailable)?;
        let mut command = tokio::process::Command::new("ssh");
        command.arg("-F").arg("/dev/null");
        for o in &options {
            command.arg("-o").arg(o);
        }
        if let Some(c) = target.cipher {
            command.arg("-c").arg(c);
        }
        command
            .arg("-m")
            .arg(mac)
            .arg("-p")
            .arg(target.port.to_string())
            .arg("-l")
            .arg(&target.user);
        match &target.command {
            Some(c) => command.arg("-T").arg(&target.host).arg(c),
            None => command.arg("-tt").arg(&target.host),
        };
        let stdin = slave.try_clone().map_err(unavailable)?;
        let mut child = match command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "vt100")
            .env("SSH_ASKPASS", &askpass)
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env("IRONCONF_SSH_PASSWORD", &password)
            .stdin(Stdio::from(stdin))
            .stdout(Stdio::from(slave))
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
        {
            Ok(c) => c,
            Err(_) => return Err(format!("% MAC {mac} is not available on this device")),
        };
        drop(command);
        // Its log lines tell when it is in and why it failed; read on a
        // thread (a pipe), kept to the last few kB.
        let Some(stderr) = child.stderr.take() else {
            return Err(format!("% MAC {mac} is not available on this device"));
        };
        let (log_tx, mut log_rx) = mpsc::channel::<String>(64);
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stderr);
            let mut line = String::new();
            loop {
                line.clear();
                match tokio::io::AsyncBufReadExt::read_line(&mut lines, &mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if log_tx.send(line.trim_end().to_owned()).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let mut log = String::new();
        // One file to read the screen and another to write keys: a file's
        // operations run one at a time, and a read waits for output.
        let keys = master.try_clone().map_err(unavailable)?;
        let mut screen = tokio::fs::File::from_std(std::fs::File::from(master));
        let mut keys = tokio::fs::File::from_std(std::fs::File::from(keys));
        let mut buf = vec![0u8; 32 * 1024];
        let mut connected = false;
        let mut paused = false;
        let mut log_open = true;
        loop {
            tokio::select! {
                line = log_rx.recv(), if log_open => match line {
                    Some(line) => {
                        if line.starts_with("Authenticated to ") && !connected {
                            connected = true;
                            if events.send(SessionEvent::Connected { id }).await.is_err() {
                                let _ = child.kill().await;
                                return Ok(());
                            }
                        }
                        if log.len() < 16 * 1024 {
                            log.push_str(&line);
                            log.push('\n');
                        }
                    }
                    None => log_open = false,
                },
                n = screen.read(&mut buf), if !paused && connected => match n {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let output = SessionEvent::Output { id, bytes: buf[..n].to_vec() };
                        if events.send(output).await.is_err() {
                            let _ = child.kill().await;
                            return Ok(());
                        }
                    }
                },
                status = child.wait(), if !connected => {
                    let _ = status;
                    break;
                }
                cmd = cmds.recv() => match cmd {
                    Some(Cmd::Data(bytes)) => {
                        if keys.write_all(&bytes).await.is_err() || keys.flush().await.is_err() {
                            break;
                        }
                    }
                    Some(Cmd::Window(c, r)) => {
                        (cols, rows) = (c, r);
                        let _ = set_size(&sizer, c, r);
                        if let Some(pid) = child.id().and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
                            let _ = rustix::process::kill_process(pid, rustix::process::Signal::WINCH);
                        }
                    }
                    Some(Cmd::Pause) => paused = true,
                    Some(Cmd::Resume) => paused = false,
                    Some(Cmd::Password(_)) => {}
                    Some(Cmd::Close) | None => {
                        let _ = child.kill().await;
                        return Ok(());
                    }
                }
            }
        }
        // Whatever it still said about why it ended.
        while let Ok(Some(line)) =
            tokio::time::timeout(std::time::Duration::from_millis(200), log_rx.recv()).await
        {
            if log.len() < 16 * 1024 {
                log.push_str(&line);
                log.push('\n');
            }
        }
        let _ = child.wait().await;
        tracing::debug!(host = %target.host, log = %log, "ssh (OpenSSH client) ended");
        if connected {
            return Ok(());
        }
        let message = failure(&log, &target, mac);
        if message != "% Authentication failed." {
            return Err(message);
        }
        // A wrong password: the terminal asks again, as many times as its
        // prompts allow (it counts them).
    }
}
