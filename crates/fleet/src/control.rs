//! The control socket of a running fleet: `STATE/.fleet/control.sock`, a
//! Unix socket of mode 0600 that answers only its owner (the peer's uid
//! is checked too). One command a connection, one line, answered in text:
//! `status` (each device: made or not, taken away, its NETCONF sessions
//! and its configuration changes), `add NAME` (a device taken away comes
//! back; one new in the inventory file, read again, is served if its
//! address shares a running listener), `remove NAME` (taken away: every
//! session ends, connections are refused, its state stays), `restart
//! NAME` (a reload: running-config from its startup-config, every session
//! ended). An answer that starts with `error:` is a refusal.

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ironconf_server::{CancellationToken, Slot};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};

use crate::{Fleet, Inventory, Options, make_device};

/// The socket's path under a fleet's state directory.
pub fn socket_path(state: &Path) -> PathBuf {
    state.join(".fleet").join("control.sock")
}

/// The longest command line read.
const MAX_COMMAND: u64 = 1024;
/// How long a connection may take to send its command.
const COMMAND_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Listens on the control socket until `shutdown`.
pub(crate) fn listen(
    fleet: Arc<Fleet>,
    inventory_path: PathBuf,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let path = socket_path(&fleet.state);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let me = std::fs::metadata("/proc/self")?.uid();
    tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                _ = shutdown.cancelled() => break,
                r = listener.accept() => match r {
                    Ok((s, _)) => s,
                    Err(e) => {
                        tracing::warn!(%e, "control socket");
                        continue;
                    }
                },
            };
            let fleet = fleet.clone();
            let inventory_path = inventory_path.clone();
            tokio::spawn(async move {
                if stream.peer_cred().map(|c| c.uid()).ok() != Some(me) {
                    tracing::warn!("control socket: a connection from another user refused");
                    return;
                }
                let (read, mut write) = stream.into_split();
                let mut line = String::new();
                let mut reader =
                    tokio::io::BufReader::new(tokio::io::AsyncReadExt::take(read, MAX_COMMAND));
                let answer = match tokio::time::timeout(COMMAND_WAIT, reader.read_line(&mut line))
                    .await
                {
                    Err(_) => format!("error: no command within {} s\n", COMMAND_WAIT.as_secs()),
                    Ok(Err(e)) => format!("error: {e}\n"),
                    Ok(Ok(n)) if n as u64 >= MAX_COMMAND && !line.ends_with('\n') => {
                        format!("error: a command is at most {MAX_COMMAND} bytes\n")
                    }
                    Ok(Ok(_)) => command(&fleet, &inventory_path, line.trim()).await,
                };
                let _ = write.write_all(answer.as_bytes()).await;
                let _ = write.shutdown().await;
            });
        }
        let _ = std::fs::remove_file(&path);
    });
    Ok(())
}

/// The slot of `name`, if it is served.
fn slot(fleet: &Fleet, name: &str) -> Option<Arc<Slot>> {
    fleet
        .slots
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|(_, s)| s.name == name)
        .map(|(_, s)| s.clone())
}

async fn command(fleet: &Arc<Fleet>, inventory_path: &Path, line: &str) -> String {
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("status"), None, None) => status(fleet),
        (Some("remove"), Some(name), None) => match slot(fleet, name) {
            Some(s) => {
                s.set_removed(true);
                if let Some(d) = s.device() {
                    // Taken away: its sessions end now.
                    let d = d.clone();
                    let _ = tokio::task::spawn_blocking(move || {
                        for id in d.session_ids() {
                            d.kill_session(id);
                        }
                        d.reload();
                    })
                    .await;
                }
                format!("removed {name}\n")
            }
            None => format!("error: no device {name} in this fleet\n"),
        },
        (Some("restart"), Some(name), None) => match slot(fleet, name) {
            Some(s) => {
                s.set_removed(false);
                if let Some(d) = s.device() {
                    let d = d.clone();
                    let _ = tokio::task::spawn_blocking(move || d.reload()).await;
                }
                format!("restarted {name}\n")
            }
            None => format!("error: no device {name} in this fleet\n"),
        },
        (Some("add"), Some(name), None) => add(fleet, inventory_path, name),
        _ => "error: commands are status, add NAME, remove NAME, restart NAME\n".into(),
    }
}

fn status(fleet: &Fleet) -> String {
    let inv = fleet
        .inventory
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let slots = fleet.slots.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = String::from("name address state sessions changes last-change-by\n");
    for (i, s) in slots.iter() {
        let spec = &inv.devices[*i];
        let state = if s.is_removed() {
            "removed"
        } else if s.device().is_some() {
            "up"
        } else {
            "idle"
        };
        let (sessions, changes, by) = match s.device() {
            Some(d) => (
                d.session_ids().len(),
                d.counters().config_changes,
                d.last_change()
                    .map(|c| c.user)
                    .unwrap_or_else(|| "-".into()),
            ),
            None => (0, 0, "-".into()),
        };
        out.push_str(&format!(
            "{} {} {state} {sessions} {changes} {by}\n",
            spec.name, spec.address
        ));
    }
    out
}

fn add(fleet: &Arc<Fleet>, inventory_path: &Path, name: &str) -> String {
    if let Some(s) = slot(fleet, name) {
        if s.is_removed() {
            s.set_removed(false);
            return format!("added {name}\n");
        }
        return format!("error: {name} is served already\n");
    }
    let text = match std::fs::read_to_string(inventory_path) {
        Ok(t) => t,
        Err(e) => return format!("error: {}: {e}\n", inventory_path.display()),
    };
    let inventory = match Inventory::parse(&text, Options::default()) {
        Ok(i) => Arc::new(i),
        Err(e) => return format!("error: {e}\n"),
    };
    let Some(index) = inventory.devices.iter().position(|d| d.name == name) else {
        return format!("error: no device {name} in {}\n", inventory_path.display());
    };
    let address = inventory.devices[index].address;
    let Some(map) = fleet.shared_ports.get(&address.port()) else {
        return format!(
            "error: {name} ({address}) shares no running listener: restart the fleet to serve it\n"
        );
    };
    if map
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(&address)
    {
        return format!("error: {address} is served already\n");
    }
    let (inv, st, key) = (inventory.clone(), fleet.state.clone(), fleet.rsa.clone());
    let slot = Arc::new(Slot::lazy(name.to_owned(), move || {
        make_device(&inv, index, &st, &key)
    }));
    // The fleet now answers from the file's inventory: the devices served
    // before keep their places in it only if they are still there.
    {
        let mut slots = fleet.slots.lock().unwrap_or_else(|p| p.into_inner());
        let current = fleet
            .inventory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut remapped = Vec::with_capacity(slots.len() + 1);
        for (i, s) in slots.iter() {
            let old = &current.devices[*i].name;
            match inventory.devices.iter().position(|d| &d.name == old) {
                Some(j) => remapped.push((j, s.clone())),
                None => {
                    return format!(
                        "error: {old} is served but no longer in {}: add only adds\n",
                        inventory_path.display()
                    );
                }
            }
        }
        remapped.push((index, slot.clone()));
        *slots = remapped;
        *fleet.inventory.lock().unwrap_or_else(|p| p.into_inner()) = inventory;
    }
    map.write()
        .unwrap_or_else(|p| p.into_inner())
        .insert(address, slot);
    format!("added {name} on {address}\n")
}

/// Sends `command` to the fleet whose state is under `state`; its answer.
pub fn send(state: &Path, command: &str) -> std::io::Result<String> {
    use std::io::{Read as _, Write as _};
    let path = socket_path(state);
    let mut stream = std::os::unix::net::UnixStream::connect(&path).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("{}: {e} (is the fleet running?)", path.display()),
        )
    })?;
    stream.write_all(format!("{command}\n").as_bytes())?;
    stream.shutdown(std::net::Shutdown::Write)?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}
