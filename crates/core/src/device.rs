//! The device's core value: running-config, the settings it makes, the
//! locks, sessions, lines and counters behind one lock, with the clock,
//! the catalogue and the profile. It names no feature: the features' state
//! is in typed slots ([`crate::Slots`]), their checks and timers behind
//! [`crate::checks::Checks`].

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::change::ChangeRecord;
use ironconf_ios::config::{Config, ItemChange};
use ironconf_ios::settings::{Settings, SettingsTracker};
use ironconf_model::interfaces::Interface;
use ironconf_proto::RpcError;

use crate::checks::Checks;
use crate::clock::Clock;
use crate::counters::Counters;
use crate::lines::{LineEntry, LineOwner, SessionEntry, SshConnection};
use crate::locks::{Datastore, LockTable};
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
    pub(crate) slots: crate::Slots,
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
        let list = Arc::new(ironconf_model::interfaces::interfaces(&self.running));
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

/// What [`Core::with_features`] gives a feature.
#[derive(Debug)]
#[non_exhaustive]
pub struct FeatureState<'a> {
    /// The settings running-config makes.
    pub settings: &'a Settings,
    /// The features' state.
    pub slots: &'a mut crate::Slots,
    /// The device's counters.
    pub counters: &'a mut Counters,
}

/// A read-only view of running-config, the settings it makes and the
/// features' state ([`Core::view`]).
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
    pub fn slots(&self) -> &crate::Slots {
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
    pub fn sessions(&self) -> &BTreeMap<u32, SessionEntry> {
        &self.st.sessions
    }

    /// The vty lines in use, by vty.
    pub fn lines(&self) -> &BTreeMap<u32, LineEntry> {
        &self.st.lines
    }

    /// Sessions each vty line has carried since the device started.
    pub fn line_uses(&self) -> &BTreeMap<u32, u64> {
        &self.st.line_uses
    }

    /// The lowest vty free.
    pub fn free_vty(&self) -> u32 {
        self.st.free_vty()
    }

    /// The authenticated SSH connections.
    pub fn ssh_connections(&self) -> &BTreeMap<u32, SshConnection> {
        &self.st.ssh_connections
    }
}

/// The most lines a change record keeps (a larger change is recorded
/// without them): as many as a configuration-change notification carries.
pub const RECORDED_LINES: usize = 4096;

/// The device's core: the one owner of its state. Every change to
/// running-config goes through its configuration path
/// ([`Core::change`], [`Core::replace`], [`Core::reload_with`]), and only
/// it locks the state.
pub struct Core {
    clock: Arc<dyn Clock>,
    started: Instant,
    catalogue: Arc<Catalogue>,
    profile: Profile,
    state: Mutex<State>,
    /// What the features keep outside the lock.
    handles: crate::slots::Handles,
    /// The features' checks and timers.
    pub(crate) checks: Arc<dyn Checks>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("profile", &self.profile.name)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// A core running `running`, with the features' `checks`; what a
    /// feature keeps in its slot is made on first use.
    pub fn new(
        catalogue: Arc<Catalogue>,
        profile: Profile,
        running: Config,
        clock: Arc<dyn Clock>,
        checks: Arc<dyn Checks>,
    ) -> Core {
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
        Core {
            started: clock.now(),
            clock,
            catalogue,
            profile,
            state: Mutex::new(state),
            handles: Default::default(),
            checks,
        }
    }

    /// The handle of type `H` a feature keeps outside the device lock (a
    /// sender, a store, a cache), if one is set.
    pub fn handle<H: std::any::Any + Clone + Send + Sync>(&self) -> Option<H> {
        self.handles.get()
    }

    /// Sets the handle of type `H` (`None` removes it).
    pub fn set_handle<H: std::any::Any + Clone + Send + Sync>(&self, value: Option<H>) {
        self.handles.set(value)
    }

    /// When the device started, on its clock.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Now, from the device's clock.
    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The calendar time, from the device's clock.
    pub fn wall_clock(&self) -> SystemTime {
        self.clock.wall()
    }

    /// The command catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// How long the device has been up.
    pub fn uptime(&self) -> Duration {
        self.now().saturating_duration_since(self.started)
    }

    /// Locks the state (the core alone does). A poisoned lock (a panic while holding it) is
    /// recovered: the state is plain data and stays usable.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
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
            catalogue: &self.catalogue,
        })
    }

    /// The interfaces of running-config (derived again only after a
    /// change).
    pub fn interface_table(&self) -> Arc<Vec<Interface>> {
        self.state().interfaces()
    }

    /// The next moment one of the device's features has something to do
    /// (the server calls `handle_timeout` then).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let (now, wall) = (self.now(), self.wall_clock());
        let st = self.state();
        let timers = crate::checks::Timers {
            settings: st.settings.current(),
            lines: &st.lines,
            slots: &st.slots,
            started: self.started,
            now,
            wall,
        };
        self.checks.poll_timeout(&timers)
    }

    /// Current settings.
    pub fn settings(&self) -> Settings {
        self.state().settings.current().clone()
    }

    /// Running-config as `show running-config` renders it, without its
    /// header.
    pub fn running_config(&self) -> String {
        let st = self.state();
        st.running.render(&self.catalogue, &[])
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
    pub fn touch_session(&self, session: u32, now: Instant) {
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
}
