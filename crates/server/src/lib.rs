//! The SSH side of the device, kept thin: an accept loop (TCP_NODELAY, a
//! bound on connections not yet authenticated, a pre-authentication
//! deadline), password and public-key authentication against the running
//! configuration's users, and the `netconf` subsystem driving a sans-I/O
//! session per channel. russh is used behind this crate only.

mod conn;
pub mod gather;
mod hostkeys;
mod inbound;
mod kexinit;
mod killable;
mod netconf;
mod openssh_client;
mod pending;
mod quickack;
mod radius;
mod remote;
mod scp;
mod shell;
mod ssh_client;
mod syslog;
mod tacacs;

use std::sync::Arc;

use ironconf_device::Device;
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

pub use hostkeys::{HostKeyError, HostKeys};
/// A host key (a fleet's shared RSA key).
pub use russh::keys::PrivateKey as HostKey;
pub use tokio_util::sync::CancellationToken;

/// Server limits not set by the device's configuration.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections allowed to be in SSH negotiation or authentication at
    /// once; past it the oldest is dropped, so a flood of half-open
    /// connections holds bounded resources and cannot starve real users.
    pub max_unauthenticated: usize,
    /// How long [`serve`] waits, once shut down, for open connections to
    /// end (their sessions are told to end at once); it returns after
    /// this even if some have not.
    pub shutdown_grace: std::time::Duration,
    /// How long an event's notifications wait before their sessions write
    /// them: the change's reply leaves first, and a burst of events goes
    /// out in one write per session. Zero writes them at once.
    pub notification_gather: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unauthenticated: 128,
            shutdown_grace: std::time::Duration::from_secs(3),
            notification_gather: DEFAULT_NOTIFICATION_GATHER,
        }
    }
}

/// [`Limits::notification_gather`]'s default.
pub const DEFAULT_NOTIFICATION_GATHER: std::time::Duration = crate::gather::DEFAULT_WINDOW;

/// Errors from [`serve`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// Host keys could not be loaded or created.
    #[error(transparent)]
    HostKeys(#[from] HostKeyError),
}

/// Sleeps until `deadline` on the device's clock, forever when `None`. The
/// wait is measured against the device's clock, whatever it is; the caller
/// checks the deadline again on waking.
pub(crate) async fn sleep_until(device: &Device, deadline: Option<std::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep(d.saturating_duration_since(device.now())).await,
        None => std::future::pending().await,
    }
}

/// The device's host keys: from its state directory (generated on first
/// start), or ephemeral for a device without one.
pub fn host_keys(device: &Device) -> Result<HostKeys, HostKeyError> {
    host_keys_with(device, None)
}

/// Like [`host_keys`], with `rsa` as the RSA key of a device that has none
/// yet (a fleet's shared key: see [`HostKeys::open_with`]).
pub fn host_keys_with(device: &Device, rsa: Option<&HostKey>) -> Result<HostKeys, HostKeyError> {
    match device.state_dir() {
        // Without a domain name IOS cannot name a pair; the emulated
        // device names it after the hostname so that it can be reached.
        Some(dir) => HostKeys::open_with(
            dir,
            &device
                .ssh_rsa_label()
                .unwrap_or_else(|| device.settings().hostname.clone()),
            rsa,
        ),
        None => HostKeys::ephemeral(),
    }
}

type MakeDevice = dyn Fn() -> Result<(Device, HostKeys), String> + Send + Sync;

/// A device behind a listener, made when its first connection arrives:
/// a fleet serves many devices and materialises only those that are
/// reached. A device that cannot be made (a corrupt state directory) is
/// logged and its connections closed; the others are not affected.
pub struct Slot {
    /// The device's name, for the logs.
    pub name: String,
    make: Arc<MakeDevice>,
    ready: tokio::sync::OnceCell<Option<(Device, Arc<HostKeys>)>>,
    /// Taken away (a fleet's `remove`): connections are closed at once.
    removed: std::sync::atomic::AtomicBool,
}

impl Slot {
    /// A slot that makes its device with `make` on first use.
    pub fn lazy(
        name: impl Into<String>,
        make: impl Fn() -> Result<(Device, HostKeys), String> + Send + Sync + 'static,
    ) -> Slot {
        Slot {
            name: name.into(),
            make: Arc::new(make),
            ready: tokio::sync::OnceCell::new(),
            removed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Takes the device away (`true`: its connections are closed as they
    /// arrive) or puts it back.
    pub fn set_removed(&self, removed: bool) {
        self.removed
            .store(removed, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the device is taken away.
    pub fn is_removed(&self) -> bool {
        self.removed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The device, if it has been made.
    pub fn device(&self) -> Option<&Device> {
        self.ready.get().and_then(|r| r.as_ref()).map(|(d, _)| d)
    }

    /// The device, made (once, off the async workers: key generation is
    /// slow) if it was not yet; `None` when it cannot be made.
    async fn get(&self, shared: &Shared) -> Option<(Device, Arc<HostKeys>)> {
        self.ready
            .get_or_init(|| async {
                let make = self.make.clone();
                let made = tokio::task::spawn_blocking(move || make())
                    .await
                    .unwrap_or_else(|e| Err(format!("device start failed: {e}")));
                match made {
                    Ok((device, keys)) => {
                        let keys = Arc::new(keys);
                        shared.attach(&device, keys.clone());
                        Some((device, keys))
                    }
                    Err(e) => {
                        tracing::error!(device = %self.name, error = %e, "device cannot start");
                        None
                    }
                }
            })
            .await
            .clone()
    }
}

/// What every device of a server shares: the bound on connections not yet
/// authenticated, the AAA waits, the task tracker and shutdown.
#[derive(Clone)]
struct Shared {
    unauthenticated: pending::Pending,
    aaa_waits: Arc<tokio::sync::Semaphore>,
    clock: Arc<crate::gather::Clock>,
    tracker: TaskTracker,
    shutdown: CancellationToken,
}

impl Shared {
    /// Gives a device what the server provides (its key store, remote
    /// transfers, AAA accounting, syslog) and its tick.
    fn attach(&self, device: &Device, keys: Arc<HostKeys>) {
        device.set_key_store(keys);
        device.set_remote(Arc::new(remote::Transfers));
        // AAA accounting records: each sent on its own task, at most
        // MAX_ACCOUNTING at once; past that, records are dropped (and
        // logged), never queued without bound.
        {
            let handle = tokio::runtime::Handle::current();
            let sender_device = device.clone();
            let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            device.set_accounting_sender(Some(Arc::new(move |job| {
                use std::sync::atomic::Ordering;
                if in_flight.fetch_add(1, Ordering::AcqRel) >= radius::MAX_ACCOUNTING {
                    in_flight.fetch_sub(1, Ordering::AcqRel);
                    tracing::warn!("AAA: accounting record dropped: too many in flight");
                    return;
                }
                let device = sender_device.clone();
                let in_flight = in_flight.clone();
                handle.spawn(async move {
                    radius::account(&device, job).await;
                    in_flight.fetch_sub(1, Ordering::AcqRel);
                });
            })));
        }
        let syslog = Arc::new(syslog::Sender::default());
        device.set_syslog_sender(Some(Arc::new(move |to, datagram: &[u8]| {
            syslog.send(to, datagram)
        })));
        // What the device has due (an unconfirmed change to revert, the
        // periodic archive), checked every second on the device's clock.
        let device = device.clone();
        let shutdown = self.shutdown.clone();
        self.tracker.spawn(async move {
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
                let now = device.now();
                if device.poll_timeout().is_some_and(|t| t <= now) {
                    let device = device.clone();
                    let _ = tokio::task::spawn_blocking(move || device.handle_timeout(now)).await;
                }
            }
        });
    }
}

/// Serves `device` on the listeners until `shutdown` is cancelled, then
/// ends every connection and waits for them, at most
/// [`Limits::shutdown_grace`].
pub async fn serve(
    device: Device,
    keys: HostKeys,
    listeners: Vec<TcpListener>,
    limits: Limits,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    // One device, made already: a slot that hands it out.
    let made = std::sync::Mutex::new(Some((device, keys)));
    let slot = Arc::new(Slot::lazy("device", move || {
        made.lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| "the device was already started".to_owned())
    }));
    let listeners = listeners
        .into_iter()
        .map(|l| (l, Route::One(slot.clone())))
        .collect();
    serve_slots(listeners, limits, shutdown, true).await
}

/// Which device a listener's connections go to.
#[derive(Clone)]
pub enum Route {
    /// Every connection to this one.
    One(Arc<Slot>),
    /// By the local address the connection arrived on (a listener on the
    /// loopback interface's every address, for a fleet whose devices each
    /// have one: one socket for any number of devices). A connection to an
    /// address no device has is closed at once.
    ByAddress(Arc<AddressMap>),
}

/// The devices behind a shared listener, by address; devices may be added
/// while it serves.
pub type AddressMap = std::sync::RwLock<std::collections::HashMap<std::net::SocketAddr, Arc<Slot>>>;

/// Serves each listener's device (a fleet: many listeners, each its own
/// device, made on first connection unless `eager`) until `shutdown` is
/// cancelled, then ends every connection and waits for them, at most
/// [`Limits::shutdown_grace`].
pub async fn serve_slots(
    listeners: Vec<(TcpListener, Route)>,
    limits: Limits,
    shutdown: CancellationToken,
    eager: bool,
) -> Result<(), ServeError> {
    let shared = Shared {
        unauthenticated: pending::Pending::new(limits.max_unauthenticated),
        // Logins waiting on AAA servers leave the half-open bound (which
        // drops the oldest: a server that is slow to answer must not cost
        // them their connection) for this one, which makes the next wait.
        aaa_waits: Arc::new(tokio::sync::Semaphore::new(radius::MAX_LOGINS_WAITING)),
        clock: Arc::new(crate::gather::Clock::new(limits.notification_gather)),
        tracker: TaskTracker::new(),
        shutdown: shutdown.clone(),
    };
    if eager {
        for (_, route) in &listeners {
            if let Route::One(slot) = route {
                slot.get(&shared).await;
            }
        }
    }
    let mut accepts = Vec::new();
    for (listener, route) in listeners {
        let shared = shared.clone();
        accepts.push(tokio::spawn(async move {
            let addr = listener
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            loop {
                let (tcp, peer) = tokio::select! {
                    _ = shared.shutdown.cancelled() => return,
                    r = listener.accept() => match r {
                        Ok(x) => x,
                        Err(source) => {
                            // Out of file descriptors and the like: log, pause, go on.
                            tracing::warn!(%addr, %source, "accept failed");
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                            continue;
                        }
                    },
                };
                let slot = match &route {
                    Route::One(slot) => slot.clone(),
                    Route::ByAddress(map) => {
                        let found = tcp.local_addr().ok().and_then(|a| {
                            map.read()
                                .unwrap_or_else(|p| p.into_inner())
                                .get(&a)
                                .cloned()
                        });
                        match found {
                            Some(slot) => slot,
                            None => continue,
                        }
                    }
                };
                if slot.is_removed() {
                    continue;
                }
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(%peer, %e, "TCP_NODELAY");
                }
                let kill = shared.shutdown.child_token();
                let ticket = shared.unauthenticated.admit(kill.clone());
                let shared2 = shared.clone();
                // The device is made (the first time) on the connection's
                // own task: one listener serves many devices.
                shared.tracker.spawn(async move {
                    let Some((device, keys)) = slot.get(&shared2).await else {
                        return;
                    };
                    let conn = conn::Connection::new(
                        device,
                        keys,
                        shared2.aaa_waits.clone(),
                        shared2.clock.clone(),
                        peer,
                        kill,
                    );
                    conn.run(tcp, ticket).await;
                });
            }
        }));
    }
    for a in accepts {
        // An accept task ends only at shutdown.
        let _ = a.await;
    }
    let tracker = shared.tracker;
    tracker.close();
    if tokio::time::timeout(limits.shutdown_grace, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            connections = tracker.len(),
            grace = ?limits.shutdown_grace,
            "connections still open at shutdown; left behind"
        );
    }
    Ok(())
}
