//! Fleets: many independent ironconf devices from one inventory, in one
//! process. Each device listens on its own address (one loopback address
//! per device, or one port per device), keeps everything a served device
//! keeps (running and startup-config, host keys, users, locks, counters,
//! file systems) under `STATE/NAME/`, and is made only when its first
//! connection arrives: a device never reached costs its inventory entry
//! and its listening socket. `ironconf serve` is the one-device case of
//! the same server code (`ironconf_server::serve_slots`).

pub mod control;
pub mod inventory;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use inventory::{DeviceSpec, Export, Inventory, InventoryError, Options};
use ironconf_device::{Device, Profile};
use ironconf_server::{CancellationToken, Route, Slot};

/// Why a fleet cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// The inventory is refused.
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    /// A device's address cannot be listened on.
    #[error("device {name}: cannot listen on {address}: {source}")]
    Listen {
        /// The device.
        name: String,
        /// Its address.
        address: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The state directory cannot be read or made.
    #[error("state directory {path}: {source}")]
    State {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("{0}")]
    Serve(String),
}

/// State directories under `state` that no device of the inventory has:
/// kept, and reported.
pub fn orphans(inventory: &Inventory, state: &Path) -> Result<Vec<String>, FleetError> {
    let names: std::collections::HashSet<&str> =
        inventory.devices.iter().map(|d| d.name.as_str()).collect();
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(state) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(source) => {
            return Err(FleetError::State {
                path: state.to_owned(),
                source,
            });
        }
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() && !name.starts_with('.') && !names.contains(name.as_str()) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Writes `text` to `path` crash-safely: a temporary file, fsync, rename,
/// fsync of the directory.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

/// Makes a device of the fleet: its state directory (with the template's
/// startup-config the first time), the device, its host keys.
fn make_device(
    inventory: &Inventory,
    index: usize,
    state: &Path,
    rsa: &ironconf_server::HostKey,
) -> Result<(Device, ironconf_server::HostKeys), String> {
    let spec = &inventory.devices[index];
    let started = std::time::Instant::now();
    let dir = state.join(&spec.name);
    let startup = dir.join(ironconf_device::STARTUP_CONFIG);
    if !dir.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let text = inventory.startup(spec).map_err(|e| e.to_string())?;
        write_new(&startup, &text).map_err(|e| format!("{}: {e}", startup.display()))?;
    }
    let profile = &inventory.groups[spec.group].profile;
    let profile = Profile::by_name(profile).ok_or_else(|| format!("unknown profile {profile}"))?;
    let (device, boot) =
        Device::open(profile, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for u in &boot.unknown_lines {
        tracing::warn!(
            device = %spec.name,
            line = u.index + 1,
            text = %u.line.trim(),
            message = %u.message(),
            "startup-config line kept verbatim"
        );
    }
    device.set_neighbors(inventory.neighbors(index));
    let opened = started.elapsed();
    let keys = ironconf_server::host_keys_with(&device, Some(rsa)).map_err(|e| e.to_string())?;
    tracing::info!(
        device = %spec.name,
        address = %spec.address,
        opened_us = opened.as_micros() as u64,
        keys_us = (started.elapsed() - opened).as_micros() as u64,
        "device started"
    );
    Ok((device, keys))
}

/// A running fleet: its inventory, a slot per device served (those made
/// so far have a device), the shared listeners' address maps (devices can
/// be added to them), where state lives.
pub struct Fleet {
    /// The inventory served (replaced when `add` reads the file again).
    pub inventory: std::sync::Mutex<Arc<Inventory>>,
    /// One slot per device served: its index in the inventory it came
    /// from, and the slot.
    pub slots: std::sync::Mutex<Vec<(usize, Arc<Slot>)>>,
    shared_ports: HashMap<u16, Arc<ironconf_server::AddressMap>>,
    state: Arc<PathBuf>,
    rsa: Arc<ironconf_server::HostKey>,
}

impl Fleet {
    /// How many devices are served, and the first one's name and address.
    pub fn summary(&self) -> (usize, Option<(String, SocketAddr)>) {
        let inv = self
            .inventory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let first = slots
            .first()
            .map(|(i, _)| (inv.devices[*i].name.clone(), inv.devices[*i].address));
        (slots.len(), first)
    }
}

/// How a fleet's devices listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listeners {
    /// Devices on loopback addresses share one socket per port on the
    /// loopback interface (any number of devices in a few open files).
    Shared,
    /// A socket per device: what shards of one inventory on one machine
    /// need (two processes cannot share a port's listener).
    PerDevice,
}

/// Binds every device of `devices` (indexes into the inventory) and serves
/// them until `shutdown`; `listening` is called once all listen.
pub async fn serve(
    inventory: Arc<Inventory>,
    inventory_path: PathBuf,
    devices: Vec<usize>,
    state: PathBuf,
    listeners_kind: Listeners,
    shutdown: CancellationToken,
    listening: impl FnOnce(&Fleet),
) -> Result<(), FleetError> {
    std::fs::create_dir_all(&state).map_err(|source| FleetError::State {
        path: state.clone(),
        source,
    })?;
    // One RSA host key for the fleet, made once (see `HostKeys::open_with`).
    let rsa =
        ironconf_server::HostKeys::shared_rsa_key(&state.join(".fleet").join("ssh_host_rsa_key"))
            .map_err(|e| FleetError::Serve(e.to_string()))?;
    let rsa = Arc::new(rsa);
    let state = Arc::new(state);
    let mut slots = Vec::with_capacity(devices.len());
    for &i in &devices {
        let spec = &inventory.devices[i];
        let (inv, st, key) = (inventory.clone(), state.clone(), rsa.clone());
        let slot = Arc::new(Slot::lazy(spec.name.clone(), move || {
            make_device(&inv, i, &st, &key)
        }));
        slots.push((i, slot));
    }
    // Devices on loopback addresses share one listener per port, on the
    // loopback interface (the local address tells them apart): a socket
    // per device would need as many open files as devices. Others get one
    // socket each.
    let mut by_port: HashMap<u16, Vec<usize>> = HashMap::new();
    for (k, (i, _)) in slots.iter().enumerate() {
        by_port
            .entry(inventory.devices[*i].address.port())
            .or_default()
            .push(k);
    }
    let mut ports: Vec<u16> = by_port.keys().copied().collect();
    ports.sort_unstable();
    let mut listeners = Vec::new();
    let mut shared_ports = HashMap::new();
    for port in ports {
        let members = &by_port[&port];
        let all_loopback = members
            .iter()
            .all(|&k| inventory.devices[slots[k].0].address.ip().is_loopback());
        if members.len() > 1 && all_loopback && listeners_kind == Listeners::Shared {
            let first = &inventory.devices[slots[members[0]].0];
            let listener = bind_loopback_interface(port).map_err(|source| {
                let hint = if source.kind() == std::io::ErrorKind::AddrInUse {
                    " (another process, another shard perhaps, listens on this port of the loopback interface: --listeners per-device)"
                } else {
                    ""
                };
                FleetError::Listen {
                    name: first.name.clone(),
                    address: first.address,
                    source: std::io::Error::new(source.kind(), format!("{source}{hint}")),
                }
            })?;
            let map: HashMap<SocketAddr, Arc<Slot>> = members
                .iter()
                .map(|&k| (inventory.devices[slots[k].0].address, slots[k].1.clone()))
                .collect();
            let map = Arc::new(std::sync::RwLock::new(map));
            shared_ports.insert(port, map.clone());
            listeners.push((listener, Route::ByAddress(map)));
            continue;
        }
        for &k in members {
            let spec = &inventory.devices[slots[k].0];
            let listener = bind(spec.address).map_err(|source| FleetError::Listen {
                name: spec.name.clone(),
                address: spec.address,
                source,
            })?;
            listeners.push((listener, Route::One(slots[k].1.clone())));
        }
    }
    let fleet = Arc::new(Fleet {
        inventory: std::sync::Mutex::new(inventory.clone()),
        slots: std::sync::Mutex::new(slots),
        shared_ports,
        state: state.clone(),
        rsa: rsa.clone(),
    });
    // The control socket answers before the fleet says it listens.
    control::listen(fleet.clone(), inventory_path, shutdown.clone()).map_err(|source| {
        FleetError::State {
            path: state.join(".fleet"),
            source,
        }
    })?;
    listening(&fleet);
    ironconf_server::serve_slots(
        listeners,
        ironconf_server::Limits::default(),
        shutdown,
        false,
    )
    .await
    .map_err(|e| FleetError::Serve(e.to_string()))
}

/// A socket listening on `port` of every address of the loopback
/// interface, and of no other interface.
fn bind_loopback_interface(port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind_device(Some(b"lo"))?;
    socket.bind(SocketAddr::from(([0, 0, 0, 0], port)))?;
    socket.listen(4096)
}

/// A listening socket on `addr`, with the backlog a device needs.
fn bind(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}
