//! The device as a value: configuration, settings, locks, sessions and
//! counters behind one lock, with its state directory (NVRAM and flash).
//! One process may hold many devices.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use ironconf_ios::apply::load;
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::change::ChangeRecord;

use crate::builder::Parts;
use crate::clock::Clock;
use crate::counters::Counters;

use crate::exec::registry::ExecRegistry;
use crate::interfaces::Interface;
use crate::keys::KeyStore;
use crate::lines::{LineEntry, LineOwner, SessionEntry, SshConnection};
use crate::locks::{Datastore, LockTable};
use crate::nvram::{BootReport, FileStamp};
use crate::ops::OperationRegistry;
use ironconf_ios::config::{Config, ItemChange};
use ironconf_ios::settings::{Settings, SettingsTracker};
use ironconf_proto::RpcError;
use ironconf_session::SessionConfig;

use crate::profile::Profile;

/// The mutable state of a device, behind its one lock.
#[derive(Debug)]
pub(crate) struct State {
    /// The running configuration.
    pub(crate) running: Config,
    /// Settings derived from it.
    pub(crate) settings: SettingsTracker,
    /// Configuration locks.
    pub(crate) locks: LockTable,
    /// Counters.
    pub(crate) counters: Counters,
    /// Live NETCONF sessions by id.
    pub(crate) sessions: BTreeMap<u32, SessionEntry>,
    /// vty lines in use, by vty number.
    pub(crate) lines: BTreeMap<u32, LineEntry>,
    /// Authenticated SSH connections by connection number.
    pub(crate) ssh_connections: BTreeMap<u32, SshConnection>,
    /// Sessions each vty line has carried since the device started.
    pub(crate) line_uses: BTreeMap<u32, u64>,
    /// The last change to the running configuration.
    pub(crate) last_change: Option<ChangeRecord>,
    pub(crate) next_sequential: u32,
    /// The features' state.
    pub(crate) slots: crate::feature::Slots,
    /// Counts the changes to running-config (what is derived from it is
    /// kept until the next one).
    pub(crate) generation: u64,
    /// The interfaces of running-config, as of a generation: every
    /// interface show command reads them, and deriving them from a large
    /// configuration costs more than the show.
    pub(crate) interfaces: Option<(u64, Arc<Vec<Interface>>)>,
}

impl State {
    /// The interfaces of running-config, derived again only after a change.
    pub(crate) fn interfaces(&mut self) -> Arc<Vec<Interface>> {
        if let Some((generation, list)) = &self.interfaces
            && *generation == self.generation
        {
            return list.clone();
        }
        let list = Arc::new(crate::interfaces::interfaces(&self.running));
        self.interfaces = Some((self.generation, list.clone()));
        list
    }

    pub(crate) fn free_vty(&self) -> u32 {
        (0..)
            .find(|n| !self.lines.contains_key(n))
            .unwrap_or(u32::MAX)
    }

    pub(crate) fn take_line(
        &mut self,
        vty: u32,
        user: &str,
        source: Option<IpAddr>,
        owner: LineOwner,
        now: Instant,
    ) {
        *self.line_uses.entry(vty).or_default() += 1;
        self.lines.insert(
            vty,
            LineEntry {
                user: user.to_owned(),
                source,
                last_input: now,
                owner,
                netconf: None,
                channels: 0,
                idle_since: Some(now),
            },
        );
    }

    /// The `!` lines that head the configuration.
    pub(crate) fn config_header(&self) -> Vec<String> {
        match &self.last_change {
            Some(c) => vec!["!".into(), c.header_line(), "!".into()],
            None => vec!["!".into()],
        }
    }

    /// Records a change to the running configuration by `user` (nothing
    /// when `changes` is empty) and recomputes the settings when a changed
    /// item is one they are read from. A change of more lines than a
    /// notification carries is recorded without them, so that replacing a
    /// large configuration does not keep it twice more as lines.
    pub(crate) fn note_change(
        &mut self,
        cat: &Catalogue,
        user: &str,
        changes: &[ItemChange],
        now: SystemTime,
    ) {
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
        self.counters.config_changes += 1;
        // Kept until the next change (and copied by `last_change`).
        let lines: usize = changes.iter().map(|c| c.before.len() + c.after.len()).sum();
        let changes = if lines > RECORDED_LINES {
            Vec::new()
        } else {
            changes.to_vec()
        };
        self.last_change = Some(ChangeRecord {
            user: user.to_owned(),
            time: now,
            changes,
        });
        if relevant {
            self.settings_changed(cat);
        }
    }

    /// Recomputes settings after a change; applies what affects live state.
    pub(crate) fn settings_changed(&mut self, cat: &Catalogue) {
        if self.settings.update(cat, &self.running) {
            let lock_time = self.settings.current().netconf.lock_time;
            self.locks
                .set_lock_time(Some(Duration::from_secs(u64::from(lock_time))));
        }
    }
}

/// What [`Device::with_features`] gives a feature.
#[derive(Debug)]
#[non_exhaustive]
pub struct FeatureState<'a> {
    /// The settings running-config makes.
    pub settings: &'a Settings,
    /// The features' state.
    pub slots: &'a mut crate::feature::Slots,
    /// The device's counters.
    pub counters: &'a mut Counters,
}

/// A read-only view of running-config, the settings it makes and the
/// features' state ([`Device::view`]).
pub struct View<'a> {
    st: &'a mut State,
    catalogue: &'a Catalogue,
}

impl std::fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View").finish_non_exhaustive()
    }
}

impl View<'_> {
    /// Running-config.
    pub fn running(&self) -> &Config {
        &self.st.running
    }

    /// The settings it makes.
    pub fn settings(&self) -> &Settings {
        self.st.settings.current()
    }

    /// The catalogue that reads and renders it.
    pub fn catalogue(&self) -> &Catalogue {
        self.catalogue
    }

    /// The features' state.
    pub fn slots(&self) -> &crate::feature::Slots {
        &self.st.slots
    }

    /// The `!` lines that head the configuration (the last change).
    pub fn header(&self) -> Vec<String> {
        self.st.config_header()
    }

    /// Running-config with its header, as `write memory` saves it.
    pub fn saved_text(&self) -> String {
        self.st.running.render(self.catalogue, &self.header())
    }

    /// The interfaces of running-config (derived again only after a
    /// change).
    pub fn interfaces(&mut self) -> Arc<Vec<Interface>> {
        self.st.interfaces()
    }

    /// The NETCONF counters.
    pub fn counters(&self) -> &Counters {
        &self.st.counters
    }

    /// The live NETCONF sessions by id.
    pub(crate) fn sessions(&self) -> &BTreeMap<u32, SessionEntry> {
        &self.st.sessions
    }

    /// The vty lines in use, by vty.
    pub(crate) fn lines(&self) -> &BTreeMap<u32, LineEntry> {
        &self.st.lines
    }

    /// Sessions each vty line has carried since the device started.
    pub(crate) fn line_uses(&self) -> &BTreeMap<u32, u64> {
        &self.st.line_uses
    }

    /// The lowest vty free.
    pub(crate) fn free_vty(&self) -> u32 {
        self.st.free_vty()
    }

    /// The authenticated SSH connections.
    pub(crate) fn ssh_connections(&self) -> &BTreeMap<u32, SshConnection> {
        &self.st.ssh_connections
    }
}

/// The most lines a change record keeps (a larger change is recorded
/// without them): as many as a configuration-change notification carries.
pub const RECORDED_LINES: usize = crate::notify::MAX_CHANGE_LINES;

/// Errors opening or saving a device.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// The state directory cannot be used (at start: the operator's
    /// message, with the path).
    #[error("state directory {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// NVRAM could not be written: the words IOS puts in parentheses
    /// (`No space left on device`), never a host path, since peers read it.
    #[error("{0}")]
    Nvram(&'static str),
}

pub(crate) struct Shared {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) started: Instant,
    /// The features, built-in ones first.
    pub(crate) features: crate::feature::Features,
    pub(crate) catalogue: Arc<Catalogue>,
    pub(crate) profile: Profile,
    pub(crate) state: Mutex<State>,
    /// What the features use outside the lock.
    pub(crate) parts: DeviceParts,
}

/// A device's resources that its features and commands use outside the
/// device lock, one set per device, made when it is built.
pub(crate) struct DeviceParts {
    pub(crate) keys: Mutex<Option<Arc<dyn KeyStore>>>,
    pub(crate) remote: Mutex<Option<Arc<dyn crate::fs::remote::Remote>>>,
    /// The EXEC commands and rpc operations (the built-in ones shared by
    /// every device that adds none).
    pub(crate) exec: Arc<ExecRegistry>,
    pub(crate) operations: Arc<OperationRegistry>,
    pub(crate) flash: crate::fs::Flash,
    pub(crate) state_dir: Option<PathBuf>,
    /// The startup-config's interfaces, with the file identity they were
    /// read from (`show ip interface brief` compares addresses with them;
    /// parsing a large startup-config for every show would cost more than
    /// the show).
    pub(crate) startup_interfaces: Mutex<Option<(FileStamp, Arc<Vec<Interface>>)>>,
    /// What sends datagrams to the `logging host`s.
    pub(crate) syslog: Mutex<Option<crate::logging::SyslogSender>>,
    /// What sends AAA accounting records.
    pub(crate) accounting: Mutex<Option<crate::aaa::AccountingSender>>,
    /// The capabilities new sessions are offered once
    /// [`Device::set_capabilities`] changed them (`None`: the profile's,
    /// with no copy per device).
    pub(crate) capabilities: Mutex<Option<Arc<Vec<String>>>>,
    /// What LLDP and CDP hear ([`Device::set_neighbors`]).
    pub(crate) neighbors: Mutex<Option<Arc<Vec<crate::features::Neighbor>>>>,
    /// Held by whoever writes NVRAM, from rendering what it writes to the
    /// rename: saves land whole and in the order they were rendered.
    pub(crate) nvram: Mutex<()>,
}

/// An emulated device. Cloning shares it.
#[derive(Clone)]
pub struct Device {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("profile", &self.shared.profile.name)
            .finish_non_exhaustive()
    }
}

impl Device {
    /// A device with no state directory, configured from `startup` text,
    /// with the built-in commands and the system clock (the builder,
    /// [`Device::builder`], adds an embedder's).
    pub fn in_memory(profile: Profile, startup: &str) -> (Device, BootReport) {
        let catalogue = Catalogue::builtin_shared();
        let (running, unknown) = load(&catalogue, startup);
        let flash = crate::fs::Flash::in_memory(profile.flash, Arc::new(crate::clock::SystemClock));
        let device = Device::from_parts(Parts::new(catalogue, profile, None, running, flash));
        (
            device,
            BootReport {
                unknown_lines: unknown,
                ..BootReport::default()
            },
        )
    }

    pub(crate) fn from_parts(parts: Parts) -> Device {
        let Parts {
            catalogue,
            profile,
            state_dir,
            running,
            clock,
            key_store,
            exec,
            operations,
            features,
            flash,
        } = parts;
        let mut state = State {
            running,
            settings: SettingsTracker::default(),
            locks: LockTable::new(Some(Duration::from_secs(10))),
            counters: Counters::default(),
            sessions: BTreeMap::new(),
            lines: BTreeMap::new(),
            ssh_connections: BTreeMap::new(),
            line_uses: BTreeMap::new(),
            last_change: None,
            next_sequential: 0,
            slots: Default::default(),
            generation: 0,
            interfaces: None,
        };
        state.settings_changed(&catalogue);
        // Read here, before any lock: the storage's check reads it from
        // memory.
        let startup = state_dir
            .as_ref()
            .is_some_and(|d| d.join(crate::nvram::STARTUP_CONFIG).is_file());
        state.slots.put(crate::storage::Files {
            flash: Some(flash.clone()),
            startup,
        });
        Device {
            shared: Arc::new(Shared {
                started: clock.now(),
                clock,
                features,
                catalogue,
                profile,
                state: Mutex::new(state),
                parts: DeviceParts {
                    keys: Mutex::new(key_store),
                    remote: Mutex::new(None),
                    exec,
                    operations,
                    flash,
                    state_dir,
                    startup_interfaces: Mutex::new(None),
                    syslog: Mutex::new(None),
                    accounting: Mutex::new(None),
                    capabilities: Mutex::new(None),
                    neighbors: Mutex::new(None),
                    nvram: Mutex::new(()),
                },
            }),
        }
    }

    /// Now, from the device's clock.
    pub fn now(&self) -> Instant {
        self.shared.clock.now()
    }

    /// The calendar time, from the device's clock.
    pub fn wall_clock(&self) -> SystemTime {
        self.shared.clock.wall()
    }

    /// The EXEC commands.
    pub(crate) fn exec_commands(&self) -> &ExecRegistry {
        &self.shared.parts.exec
    }

    /// The rpc operations.
    pub(crate) fn operations(&self) -> &OperationRegistry {
        &self.shared.parts.operations
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
        self.now().saturating_duration_since(self.shared.started)
    }

    /// The state directory, if any.
    pub fn state_dir(&self) -> Option<&Path> {
        self.shared.parts.state_dir.as_deref()
    }

    /// Locks the state. A poisoned lock (a panic while holding it) is
    /// recovered: the state is plain data and stays usable.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls `f` with the feature state of type `S` (made first if need
    /// be), under the device lock: `f` must be quick and must not call the
    /// device.
    pub fn with_slot<S: std::any::Any + Send + Default, R>(
        &self,
        f: impl FnOnce(&mut S) -> R,
    ) -> R {
        self.state().slots.with(f)
    }

    /// Calls `f` with the settings in force, the features' state and the
    /// counters, under the device lock (a feature's work that counts what
    /// it does): `f` must be quick and must not call the device.
    pub fn with_features<R>(&self, f: impl FnOnce(&mut FeatureState<'_>) -> R) -> R {
        let mut guard = self.state();
        let st = &mut *guard;
        f(&mut FeatureState {
            settings: st.settings.current(),
            slots: &mut st.slots,
            counters: &mut st.counters,
        })
    }

    /// Calls `f` with a read-only view of running-config and what is
    /// derived from it, under the device lock: `f` must be quick and must
    /// not call the device.
    pub fn view<R>(&self, f: impl FnOnce(&mut View<'_>) -> R) -> R {
        let mut st = self.state();
        f(&mut View {
            st: &mut st,
            catalogue: &self.shared.catalogue,
        })
    }

    /// The interfaces of running-config (derived again only after a
    /// change).
    pub fn interface_table(&self) -> Arc<Vec<Interface>> {
        self.state().interfaces()
    }

    /// The next moment one of the device's features has something to do
    /// (the server calls [`Device::handle_timeout`] then).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let (now, wall) = (self.now(), self.wall_clock());
        let st = self.state();
        let timers = crate::feature::Timers {
            settings: st.settings.current(),
            lines: &st.lines,
            slots: &st.slots,
            started: self.shared.started,
            now,
            wall,
        };
        self.shared
            .features
            .iter()
            .filter_map(|f| f.poll_timeout(&timers))
            .min()
    }

    /// Lets every feature do what is due at `now`, in order.
    pub fn handle_timeout(&self, now: Instant) {
        for f in self.shared.features.iter() {
            f.handle_timeout(self, now);
        }
    }

    /// Current settings.
    pub fn settings(&self) -> Settings {
        self.state().settings.current().clone()
    }

    /// Running-config as `show running-config` renders it, without its
    /// header.
    pub fn running_config(&self) -> String {
        let st = self.state();
        st.running.render(&self.shared.catalogue, &[])
    }

    /// The lines of running-config (section lines included, indented as
    /// rendered) that begin with `prefix`.
    pub fn running_config_lines(&self, prefix: &str) -> Vec<String> {
        self.running_config()
            .lines()
            .filter(|l| l.starts_with(prefix))
            .map(str::to_owned)
            .collect()
    }

    /// The last change to running-config, if any since boot.
    pub fn last_change(&self) -> Option<ChangeRecord> {
        self.state().last_change.clone()
    }

    /// The NETCONF counters.
    pub fn counters(&self) -> Counters {
        self.state().counters.clone()
    }

    /// `clear netconf counters`.
    pub fn clear_counters(&self) {
        self.state().counters = Counters::default();
    }

    /// The session holding the lock on `datastore`, if one does.
    pub fn lock_holder(&self, datastore: Datastore) -> Option<u32> {
        let now = self.now();
        let mut st = self.state();
        st.locks.handle_timeout(now);
        st.locks.holder(datastore)
    }

    /// Takes the lock on `datastore` for `session`, as `<lock>` does.
    pub fn lock_datastore(&self, datastore: Datastore, session: u32) -> Result<(), RpcError> {
        let now = self.now();
        self.state().locks.lock(datastore, session, now)
    }

    /// Gives back `session`'s lock on `datastore`, as `<unlock>` does.
    pub fn unlock_datastore(&self, datastore: Datastore, session: u32) -> Result<(), RpcError> {
        let now = self.now();
        self.state().locks.unlock(datastore, session, now)
    }

    /// Whether `session` may write `datastore` now (another session's lock
    /// refuses it with `in-use`).
    pub fn check_write(&self, datastore: Datastore, session: u32) -> Result<(), RpcError> {
        let now = self.now();
        self.state().locks.check_write(datastore, session, now)
    }

    /// Notes activity of `session` at `now` (its locks' `lock-time`).
    pub(crate) fn touch_session(&self, session: u32, now: Instant) {
        self.state().locks.touch(session, now);
    }

    /// The ids of the live NETCONF sessions.
    pub fn session_ids(&self) -> Vec<u32> {
        self.state().sessions.keys().copied().collect()
    }

    /// The vty lines in use, by vty number.
    pub fn lines_in_use(&self) -> Vec<u32> {
        self.state().lines.keys().copied().collect()
    }

    /// The capabilities a new session is offered in the server's hello.
    pub fn capabilities(&self) -> Arc<Vec<String>> {
        let set = self
            .shared
            .parts
            .capabilities
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        set.unwrap_or_else(|| Arc::new(self.shared.profile.capabilities.clone()))
    }

    /// Changes the capabilities new sessions are offered (an appliance
    /// that turns a feature on or off); sessions already open keep theirs.
    /// Subscribers hear of it: RFC 6470 `netconf-capability-change`.
    pub fn set_capabilities(&self, capabilities: Vec<String>) {
        let old = self.capabilities();
        *self
            .shared
            .parts
            .capabilities
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(capabilities.clone()));
        let added: Vec<String> = capabilities
            .iter()
            .filter(|c| !old.contains(c))
            .cloned()
            .collect();
        let removed: Vec<String> = old
            .iter()
            .filter(|c| !capabilities.contains(c))
            .cloned()
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            self.publish_capability_change(&added, &removed);
        }
    }

    /// The session parameters for a new session with this id.
    pub fn session_config(&self, id: u32) -> SessionConfig {
        let p = &self.shared.profile;
        let mut c = SessionConfig::new(
            id,
            match &*self
                .shared
                .parts
                .capabilities
                .lock()
                .unwrap_or_else(|p| p.into_inner())
            {
                Some(set) => set.to_vec(),
                None => p.capabilities.clone(),
            },
        );
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
}
