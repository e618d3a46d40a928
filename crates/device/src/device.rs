//! The device as a value: configuration, settings, locks, sessions and
//! counters behind one lock, with its state directory (NVRAM and flash).
//! One process may hold many devices.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use ironconf_ios::apply::{LineFailure, load};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::change::ChangeRecord;

use crate::interfaces::{BriefRow, Interface, brief_rows, interfaces};
use crate::locks::LockTable;
use ironconf_ios::config::{Config, ItemChange};
use ironconf_ios::settings::{Settings, SettingsTracker};
use ironconf_proto::ErrorTag;
use ironconf_session::SessionConfig;
use rand::RngExt;

use crate::profile::{Profile, SessionIds};

/// Counters behind `show netconf counters` and `show netconf session`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// NETCONF connection attempts.
    pub connection_attempts: u64,
    /// Refused (limit, ACL, agent disabled).
    pub rejected: u64,
    /// Closed without a valid hello.
    pub no_hello: u64,
    /// Completed the hello exchange.
    pub success: u64,
    /// Rpcs processed.
    pub transactions_total: u64,
    /// Rpcs answered without error.
    pub transactions_success: u64,
    /// Rpcs answered with an error.
    pub transactions_errors: u64,
    /// Errors by tag (indexed by `ErrorTag::index`).
    pub error_tags: [u64; 20],
    /// SSH authentication failures.
    pub auth_errors: u64,
    /// Sessions refused for the session limit.
    pub connection_failures: u64,
    /// Connections refused by `netconf ssh acl`.
    pub acl_dropped: u64,
    /// Notifications sent.
    pub notifications_sent: u64,
}

impl Counters {
    /// Counts one reply.
    pub fn count_reply(&mut self, errors: &[ErrorTag]) {
        self.transactions_total += 1;
        if errors.is_empty() {
            self.transactions_success += 1;
        } else {
            self.transactions_errors += 1;
            for t in errors {
                self.error_tags[t.index()] += 1;
            }
        }
    }
}

/// Ends a session from outside (kill-session, clear netconf sessions).
pub type KillSwitch = Arc<dyn Fn() + Send + Sync>;

/// A NETCONF session known to the device.
#[derive(Clone)]
pub struct SessionEntry {
    /// The SSH user.
    pub user: String,
    /// Its privilege level.
    pub privilege: u8,
    /// Where it came from.
    pub source: Option<IpAddr>,
    /// When it started.
    pub started: SystemTime,
    pub(crate) kill: Option<KillSwitch>,
}

impl std::fmt::Debug for SessionEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionEntry")
            .field("user", &self.user)
            .field("privilege", &self.privilege)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Who holds a vty line.
#[derive(Clone)]
pub enum LineOwner {
    /// A NETCONF session (by session id).
    Netconf(u32),
    /// An EXEC shell, ended by its kill switch.
    Exec(KillSwitch),
}

/// A vty line in use.
#[derive(Clone)]
pub struct LineEntry {
    /// The user.
    pub user: String,
    /// Where the session came from.
    pub source: Option<IpAddr>,
    /// Last input on the line (for the `Idle` column).
    pub last_input: std::time::Instant,
    /// The session on it.
    pub owner: LineOwner,
    /// The NETCONF session running on the SSH connection that holds the
    /// line, if any.
    pub netconf: Option<u32>,
}

impl std::fmt::Debug for LineEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineEntry")
            .field("user", &self.user)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Receives debug lines for a terminal (`terminal monitor`); must not
/// block (the SSH layer queues, bounded, and drops when a terminal lags).
pub type MonitorSink = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
struct Sink(MonitorSink);

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sink")
    }
}

/// `debug netconf …` state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DebugFlags {
    /// `debug netconf error` (or `all`).
    pub errors: bool,
    /// `debug netconf all`.
    pub info: bool,
}

impl DebugFlags {
    /// Whether lines of `level` are on.
    pub fn covers(self, level: DebugLevel) -> bool {
        match level {
            DebugLevel::Error => self.errors,
            DebugLevel::Info => self.info,
        }
    }
}

/// What a debug line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugLevel {
    /// Errors (`debug netconf error`).
    Error,
    /// Everything else (`debug netconf all`).
    Info,
}

/// An authenticated SSH connection, as `show ssh` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshConnection {
    /// Negotiated cipher, client to server (`IN`).
    pub cipher_in: String,
    /// Negotiated cipher, server to client (`OUT`).
    pub cipher_out: String,
    /// Negotiated MAC, client to server.
    pub mac_in: String,
    /// Negotiated MAC, server to client.
    pub mac_out: String,
    /// The user.
    pub user: String,
}

/// The line number IOS shows for `vty N` (the console is line 0).
pub fn vty_line_number(vty: u32) -> u32 {
    vty + 1
}

/// The mutable state of a device.
#[derive(Debug)]
pub struct State {
    /// The running configuration.
    pub running: Config,
    /// Settings derived from it.
    pub settings: SettingsTracker,
    /// Configuration locks.
    pub locks: LockTable,
    /// Counters.
    pub counters: Counters,
    /// Live NETCONF sessions by id.
    pub sessions: BTreeMap<u32, SessionEntry>,
    /// vty lines in use, by vty number.
    pub lines: BTreeMap<u32, LineEntry>,
    /// Authenticated SSH connections by connection number.
    pub ssh_connections: BTreeMap<u32, SshConnection>,
    /// Sessions each vty line has carried since the device started.
    pub line_uses: BTreeMap<u32, u64>,
    /// `debug netconf`.
    pub debug: DebugFlags,
    /// Terminals that can show debug lines, by vty.
    monitor_sinks: BTreeMap<u32, Sink>,
    /// vtys with `terminal monitor` on.
    pub monitoring: std::collections::BTreeSet<u32>,
    /// The last change to the running configuration.
    pub last_change: Option<ChangeRecord>,
    next_sequential: u32,
}

impl State {
    fn free_vty(&self) -> u32 {
        (0..)
            .find(|n| !self.lines.contains_key(n))
            .unwrap_or(u32::MAX)
    }

    fn take_line(&mut self, vty: u32, user: &str, source: Option<IpAddr>, owner: LineOwner) {
        *self.line_uses.entry(vty).or_default() += 1;
        self.lines.insert(
            vty,
            LineEntry {
                user: user.to_owned(),
                source,
                last_input: std::time::Instant::now(),
                owner,
                netconf: None,
            },
        );
    }

    /// The `!` lines that head the configuration.
    pub fn config_header(&self) -> Vec<String> {
        match &self.last_change {
            Some(c) => vec!["!".into(), c.header_line(), "!".into()],
            None => vec!["!".into()],
        }
    }

    /// Records a change to the running configuration by `user` (nothing
    /// when `changes` is empty) and recomputes the settings when a changed
    /// item is one they are read from.
    pub fn note_change(&mut self, cat: &Catalogue, user: &str, changes: Vec<ItemChange>) {
        if changes.is_empty() {
            return;
        }
        // Each top-level line changed (an item's first line, or every line
        // of a whole-configuration replace).
        let relevant = changes.iter().any(|c| {
            c.before
                .iter()
                .chain(&c.after)
                .any(|l| !l.starts_with(' ') && Settings::reads(l))
        });
        self.last_change = Some(ChangeRecord {
            user: user.to_owned(),
            time: SystemTime::now(),
            changes,
        });
        if relevant {
            self.settings_changed(cat);
        }
    }

    /// Recomputes settings after a change; applies what affects live state.
    pub fn settings_changed(&mut self, cat: &Catalogue) {
        if self.settings.update(cat, &self.running) {
            let lock_time = self.settings.current().netconf.lock_time;
            self.locks
                .set_lock_time(Some(Duration::from_secs(u64::from(lock_time))));
        }
    }
}

/// Errors opening or saving a device.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The state directory cannot be used.
    #[error("state directory {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Where the device's RSA keys are made and destroyed: the SSH layer
/// supplies it (`crypto key generate rsa`, `crypto key zeroize rsa`).
pub trait KeyStore: Send + Sync {
    /// Generates (or replaces) the RSA key pair named `label`.
    fn generate_rsa(&self, label: &str, bits: usize) -> Result<(), String>;
    /// Removes the key pairs named in `labels`.
    fn zeroize_rsa(&self, labels: &[String]) -> Result<(), String>;
}

struct Shared {
    keys: Mutex<Option<Arc<dyn KeyStore>>>,
    started: std::time::Instant,
    catalogue: Arc<Catalogue>,
    profile: Profile,
    state_dir: Option<PathBuf>,
    state: Mutex<State>,
    /// The startup-config's interfaces, with the file identity they were
    /// read from (`show ip interface brief` compares addresses with them;
    /// parsing a large startup-config for every show would cost more than
    /// the show).
    startup_interfaces: Mutex<Option<(FileStamp, Arc<Vec<Interface>>)>>,
}

/// Identifies one version of a file: a save renames a new file into place
/// (a new inode); an edit in place changes the length or the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

/// An emulated device. Cloning shares it.
#[derive(Clone)]
pub struct Device {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("profile", &self.shared.profile.name)
            .finish_non_exhaustive()
    }
}

/// What a device reported when it started.
#[derive(Debug, Default)]
pub struct BootReport {
    /// The password of the `admin` user written into a new default
    /// startup-config (printed once; stored only as a hash).
    pub generated_password: Option<String>,
    /// Startup-config lines the catalogue does not know (kept verbatim).
    pub unknown_lines: Vec<LineFailure>,
}

/// The startup-config file in a state directory.
pub const STARTUP_CONFIG: &str = "startup-config";

/// The configuration a new device starts with; `{secret}` is replaced by a
/// type 9 hash of the generated password.
const DEFAULT_STARTUP: &str = "\
hostname ironconf
ip domain name example.net
username admin privilege 15 secret 9 {secret}
ip ssh version 2
line vty 0 15
 login local
 transport input ssh
netconf ssh
";

impl Device {
    /// A device with no state directory, configured from `startup` text.
    pub fn in_memory(profile: Profile, startup: &str) -> (Device, BootReport) {
        let catalogue = Catalogue::builtin_shared();
        let (running, unknown) = load(&catalogue, startup);
        let device = Device::from_parts(catalogue, profile, None, running);
        (
            device,
            BootReport {
                generated_password: None,
                unknown_lines: unknown,
            },
        )
    }

    /// Opens the device kept in `dir`, creating a default startup-config
    /// (with a random `admin` password) on first start.
    pub fn open(profile: Profile, dir: &Path) -> Result<(Device, BootReport), DeviceError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| DeviceError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        remove_stale_temporaries(dir);
        let file = dir.join(STARTUP_CONFIG);
        let mut report = BootReport::default();
        let text = match fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let password = random_password();
                let hash = ironconf_ios::secret::Secret::hash(&password)
                    .map(|s| s.text().to_owned())
                    .unwrap_or_default();
                let text = DEFAULT_STARTUP.replace("{secret}", &hash);
                let catalogue = Catalogue::builtin_shared();
                let (cfg, _) = load(&catalogue, &text);
                let rendered = cfg.render(&catalogue, &["!".to_owned()]);
                write_atomically(&file, rendered.as_bytes()).map_err(io(&file))?;
                report.generated_password = Some(password);
                rendered
            }
            Err(e) => {
                return Err(DeviceError::Io {
                    path: file,
                    source: e,
                });
            }
        };
        let catalogue = Catalogue::builtin_shared();
        let (running, unknown) = load_startup(&catalogue, &text);
        report.unknown_lines = unknown;
        Ok((
            Device::from_parts(catalogue, profile, Some(dir.to_owned()), running),
            report,
        ))
    }

    fn from_parts(
        catalogue: Arc<Catalogue>,
        profile: Profile,
        state_dir: Option<PathBuf>,
        running: Config,
    ) -> Device {
        let mut state = State {
            running,
            settings: SettingsTracker::default(),
            locks: LockTable::new(Some(Duration::from_secs(10))),
            counters: Counters::default(),
            sessions: BTreeMap::new(),
            lines: BTreeMap::new(),
            ssh_connections: BTreeMap::new(),
            line_uses: BTreeMap::new(),
            debug: DebugFlags::default(),
            monitor_sinks: BTreeMap::new(),
            monitoring: Default::default(),
            last_change: None,
            next_sequential: 0,
        };
        state.settings_changed(&catalogue);
        Device {
            shared: Arc::new(Shared {
                keys: Mutex::new(None),
                startup_interfaces: Mutex::new(None),
                started: std::time::Instant::now(),
                catalogue,
                profile,
                state_dir,
                state: Mutex::new(state),
            }),
        }
    }

    /// The command catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.shared.catalogue
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.shared.profile
    }

    /// How long the device has been up.
    pub fn uptime(&self) -> Duration {
        self.shared.started.elapsed()
    }

    /// The labels of the RSA key pairs in the state directory, sorted.
    pub fn rsa_labels(&self) -> Vec<String> {
        let Some(dir) = self.shared.state_dir.as_ref() else {
            return Vec::new();
        };
        let Ok(entries) = fs::read_dir(dir.join("keys").join("rsa")) else {
            return Vec::new();
        };
        let mut labels: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let label = name.strip_suffix(".pub")?;
                (!label.starts_with('.')).then(|| label.to_owned())
            })
            .collect();
        labels.sort();
        labels
    }

    /// The RSA key pair SSH uses: the `ip ssh rsa keypair-name` pair when
    /// configured (SSH stays disabled until it exists), else the
    /// `hostname.domain` pair, else (after a hostname or domain change) the
    /// first pair there is. With no pair SSH is disabled; the label is then
    /// the one `crypto key generate rsa` would make.
    pub fn ssh_rsa_label(&self) -> Option<String> {
        let settings = self.settings();
        let configured = settings.rsa_key_label();
        if settings.ssh.rsa_keypair.is_some()
            || configured
                .as_deref()
                .is_some_and(|l| self.rsa_public_key(l).is_some())
        {
            return configured;
        }
        self.rsa_labels().into_iter().next().or(configured)
    }

    /// The public half of the RSA key named `label` in SECSH form
    /// (`ssh-rsa AAAA…`), if the key exists (`keys/rsa/LABEL.pub`).
    pub fn rsa_public_key(&self, label: &str) -> Option<String> {
        let text = fs::read_to_string(self.rsa_public_path(label)?).ok()?;
        let mut words = text.split_whitespace();
        Some(format!("{} {}", words.next()?, words.next()?))
    }

    /// Installs the store that makes and removes RSA keys.
    pub fn set_key_store(&self, store: Arc<dyn KeyStore>) {
        *self.shared.keys.lock().unwrap_or_else(|p| p.into_inner()) = Some(store);
    }

    /// The RSA key store, if the device has one.
    pub fn key_store(&self) -> Option<Arc<dyn KeyStore>> {
        self.shared
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// When the RSA key named `label` was generated (its file's time).
    pub fn rsa_key_time(&self, label: &str) -> Option<SystemTime> {
        fs::metadata(self.rsa_public_path(label)?)
            .and_then(|m| m.modified())
            .ok()
    }

    /// `keys/rsa/LABEL.pub`; `None` for a label that is not a plain file
    /// name or a device without a state directory.
    fn rsa_public_path(&self, label: &str) -> Option<PathBuf> {
        if label.is_empty() || label.contains(['/', '\\']) || label.starts_with('.') {
            return None;
        }
        let dir = self.shared.state_dir.as_ref()?;
        Some(dir.join("keys").join("rsa").join(format!("{label}.pub")))
    }

    /// The state directory, if any.
    pub fn state_dir(&self) -> Option<&Path> {
        self.shared.state_dir.as_deref()
    }

    /// Locks the state. A poisoned lock (a panic while holding it) is
    /// recovered: the state is plain data and stays usable.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Current settings.
    pub fn settings(&self) -> Settings {
        self.state().settings.current().clone()
    }

    /// Registers a NETCONF session and returns its id.
    pub fn register_session(
        &self,
        user: &str,
        privilege: u8,
        source: Option<IpAddr>,
        kill: Option<KillSwitch>,
    ) -> u32 {
        self.register_session_within(u32::MAX, user, privilege, source, kill)
            .unwrap_or_default()
    }

    /// Registers a session unless `limit` sessions are live, checking and
    /// registering under one lock (two clients racing for the last place
    /// cannot both get it). `None` when the limit is reached.
    pub fn register_session_within(
        &self,
        limit: u32,
        user: &str,
        privilege: u8,
        source: Option<IpAddr>,
        kill: Option<KillSwitch>,
    ) -> Option<u32> {
        let mut st = self.state();
        if st.sessions.len() as u64 >= u64::from(limit) {
            return None;
        }
        let id = loop {
            let id = match self.shared.profile.session_ids {
                SessionIds::Sequential => {
                    st.next_sequential = st.next_sequential.wrapping_add(1).max(1);
                    st.next_sequential
                }
                SessionIds::PointerLike => {
                    rand::rng().random_range(0x0100_0000u32..0xFFFF_FFF8) & !7
                }
            };
            if id != 0 && !st.sessions.contains_key(&id) {
                break id;
            }
        };
        st.sessions.insert(
            id,
            SessionEntry {
                user: user.to_owned(),
                privilege,
                source,
                started: SystemTime::now(),
                kill,
            },
        );
        // A NETCONF session holds a vty line, as on IOS; the session limit
        // is already bounded by the vty count.
        let vty = st.free_vty();
        st.take_line(vty, user, source, LineOwner::Netconf(id));
        Some(id)
    }

    /// Forgets a session that ended and releases its locks.
    pub fn unregister_session(&self, id: u32) {
        let mut st = self.state();
        st.sessions.remove(&id);
        st.lines
            .retain(|_, l| !matches!(l.owner, LineOwner::Netconf(n) if n == id));
        for l in st.lines.values_mut() {
            if l.netconf == Some(id) {
                l.netconf = None;
            }
        }
        st.locks.release_session(id);
    }

    /// The NETCONF session `id` runs on line `vty`, which its SSH
    /// connection holds (every SSH connection holds one, as on IOS): the
    /// line the session took when it was registered is given back.
    pub fn run_session_on_line(&self, id: u32, vty: u32) {
        let mut st = self.state();
        if !st.lines.contains_key(&vty) {
            return;
        }
        st.lines
            .retain(|_, l| !matches!(l.owner, LineOwner::Netconf(n) if n == id));
        if let Some(l) = st.lines.get_mut(&vty) {
            l.netconf = Some(id);
        }
    }

    /// Takes the lowest free vty line for an EXEC session or an SSH
    /// connection, which `kill` ends; `None` when every configured vty
    /// line is busy (IOS's default is `line vty 0 4`).
    pub fn occupy_line(&self, user: &str, source: Option<IpAddr>, kill: KillSwitch) -> Option<u32> {
        let mut st = self.state();
        let count = st.settings.current().vty_lines();
        let vty = st.free_vty();
        if vty >= count {
            return None;
        }
        st.take_line(vty, user, source, LineOwner::Exec(kill));
        Some(vty)
    }

    /// Records an authenticated SSH connection; returns its number (the
    /// lowest free, from 0).
    pub fn open_ssh_connection(&self, connection: SshConnection) -> u32 {
        let mut st = self.state();
        let n = (0..)
            .find(|n| !st.ssh_connections.contains_key(n))
            .unwrap_or(u32::MAX);
        st.ssh_connections.insert(n, connection);
        n
    }

    /// Attaches (or with `None` detaches) the terminal of a vty, where
    /// debug lines go once `terminal monitor` is on.
    pub fn set_monitor_sink(&self, vty: u32, sink: Option<MonitorSink>) {
        let mut st = self.state();
        match sink {
            Some(s) => {
                st.monitor_sinks.insert(vty, Sink(s));
            }
            None => {
                st.monitor_sinks.remove(&vty);
                st.monitoring.remove(&vty);
            }
        }
    }

    /// True when debug lines of `level` are being produced (callers skip
    /// formatting otherwise).
    pub fn debugging(&self, level: DebugLevel) -> bool {
        let st = self.state();
        st.debug.covers(level) && !st.monitoring.is_empty()
    }

    /// Sends a debug line, timestamped as IOS does, to every monitoring
    /// terminal.
    pub fn debug(&self, level: DebugLevel, text: &str) {
        let sinks: Vec<MonitorSink> = {
            let st = self.state();
            if !st.debug.covers(level) {
                return;
            }
            st.monitoring
                .iter()
                .filter_map(|v| st.monitor_sinks.get(v).map(|s| s.0.clone()))
                .collect()
        };
        if sinks.is_empty() {
            return;
        }
        // `*Nov 25 03:19:45.123: ` (no weekday or year).
        let t = ironconf_ios::change::IosTime::at(SystemTime::now());
        let stamp = format!("*{} {:>2} {}.{:03}", t.month, t.day, t.clock(), t.millis);
        let line = format!("{stamp}: {text}");
        for s in sinks {
            s(&line);
        }
    }

    /// Forgets an SSH connection that ended.
    pub fn close_ssh_connection(&self, n: u32) {
        self.state().ssh_connections.remove(&n);
    }

    /// Frees an EXEC session's line.
    pub fn release_line(&self, vty: u32) {
        self.state().lines.remove(&vty);
    }

    /// Notes input on a line.
    pub fn touch_line(&self, vty: u32) {
        if let Some(l) = self.state().lines.get_mut(&vty) {
            l.last_input = std::time::Instant::now();
        }
    }

    /// `clear line N`: ends the session on line N; false if it is free.
    pub fn clear_line(&self, line: u32) -> bool {
        let owner = {
            let st = self.state();
            st.lines
                .iter()
                .find(|(vty, _)| vty_line_number(**vty) == line)
                .map(|(_, l)| l.owner.clone())
        };
        match owner {
            Some(LineOwner::Netconf(id)) => self.kill_session(id),
            Some(LineOwner::Exec(kill)) => {
                kill();
                true
            }
            None => false,
        }
    }

    /// `reload`: running-config from startup-config again (empty when there
    /// is none), locks released, every session on every line ended.
    pub fn reload(&self) {
        let cat = &self.shared.catalogue;
        let running = self.startup_config();
        let kills: Vec<KillSwitch> = {
            let mut st = self.state();
            st.running = running;
            st.last_change = None;
            st.settings_changed(cat);
            let mut kills: Vec<KillSwitch> = st
                .sessions
                .values()
                .filter_map(|s| s.kill.clone())
                .collect();
            kills.extend(st.lines.values().filter_map(|l| match &l.owner {
                LineOwner::Exec(k) => Some(k.clone()),
                LineOwner::Netconf(_) => None,
            }));
            let ids: Vec<u32> = st.sessions.keys().copied().collect();
            for id in ids {
                st.locks.release_session(id);
            }
            kills
        };
        tracing::info!(sessions = kills.len(), "reload");
        for k in kills {
            k();
        }
    }

    /// Ends a session from outside; false if there is no such session.
    pub fn kill_session(&self, id: u32) -> bool {
        let kill = {
            let mut st = self.state();
            st.locks.release_session(id);
            st.sessions.get(&id).and_then(|s| s.kill.clone())
        };
        match kill {
            Some(k) => {
                k();
                true
            }
            None => self.state().sessions.contains_key(&id),
        }
    }

    /// The session parameters for a new session with this id.
    pub fn session_config(&self, id: u32) -> SessionConfig {
        let p = &self.shared.profile;
        let mut c = SessionConfig::new(id, p.capabilities.clone());
        c.hello_style = p.hello;
        c.reply_style = p.reply;
        c.missing_message_id = p.missing_message_id;
        c.malformed_tag = p.malformed_tag;
        c.reject_client_session_id = p.reject_client_session_id;
        c.max_message_size = self
            .settings()
            .netconf
            .max_message_kb
            .map(|kb| u64::from(kb) * 1024);
        c
    }

    /// Saves the running configuration as the startup-config (crash-safe:
    /// temporary file, fsync, rename, fsync of the directory).
    pub fn save_startup(&self) -> Result<(), DeviceError> {
        let text = {
            let st = self.state();
            st.running
                .render(&self.shared.catalogue, &st.config_header())
        };
        match &self.shared.state_dir {
            Some(dir) => {
                let file = dir.join(STARTUP_CONFIG);
                write_atomically(&file, text.as_bytes())
                    .map_err(|source| DeviceError::Io { path: file, source })
            }
            None => Ok(()),
        }
    }

    /// The startup-config as a configuration (empty when there is none).
    pub fn startup_config(&self) -> Config {
        let text = self.startup_text().unwrap_or_default();
        load_startup(&self.shared.catalogue, &text).0
    }

    /// The rows of `show ip interface brief` (its text and XML forms).
    pub fn ip_interface_brief(&self) -> Vec<BriefRow> {
        let running = interfaces(&self.state().running);
        brief_rows(&running, &self.startup_interfaces())
    }

    /// The interfaces in startup-config, read again only when the file
    /// changed.
    pub fn startup_interfaces(&self) -> Arc<Vec<Interface>> {
        use std::os::unix::fs::MetadataExt as _;
        let Some(dir) = self.shared.state_dir.as_ref() else {
            return Arc::default();
        };
        let Ok(meta) = fs::metadata(dir.join(STARTUP_CONFIG)) else {
            return Arc::default();
        };
        let stamp = FileStamp {
            inode: meta.ino(),
            len: meta.len(),
            modified: meta.modified().ok(),
        };
        let mut cache = self
            .shared
            .startup_interfaces
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((seen, list)) = cache.as_ref()
            && *seen == stamp
        {
            return list.clone();
        }
        let list = Arc::new(interfaces(&self.startup_config()));
        *cache = Some((stamp, list.clone()));
        list
    }

    /// The startup-config text (`None`: erased or never saved).
    pub fn startup_text(&self) -> Option<String> {
        let dir = self.shared.state_dir.as_ref()?;
        fs::read_to_string(dir.join(STARTUP_CONFIG)).ok()
    }

    /// Erases the startup-config.
    pub fn erase_startup(&self) -> Result<(), DeviceError> {
        let Some(dir) = &self.shared.state_dir else {
            return Ok(());
        };
        let file = dir.join(STARTUP_CONFIG);
        match fs::remove_file(&file) {
            Ok(()) => sync_dir(dir).map_err(|source| DeviceError::Io {
                path: dir.clone(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(DeviceError::Io { path: file, source }),
        }
    }
}

/// Loads startup-config text as IOS does, reporting the lines it keeps
/// without knowing them.
fn load_startup(cat: &Catalogue, text: &str) -> (Config, Vec<LineFailure>) {
    let (cfg, unknown) = load(cat, text);
    for u in &unknown {
        tracing::warn!(line = u.index + 1, text = %u.line.trim(), "startup-config: {}", u.message());
    }
    (cfg, unknown)
}

fn random_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the
/// new file: temporary file in the same directory, fsync, rename, fsync of
/// the directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Removes temporary files a crash during a save left behind (the file they
/// were replacing is intact).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.contains(".tmp.") {
            tracing::info!(file = %name, "removing a temporary file left by an interrupted save");
            let _ = fs::remove_file(e.path());
        }
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}
