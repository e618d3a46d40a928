//! The device as a value: configuration, settings, locks, sessions and
//! counters behind one lock, with its state directory (NVRAM and flash).
//! One process may hold many devices.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use ironconf_ios::apply::load;
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::change::ChangeRecord;

use crate::counters::Counters;
use crate::debug::{DebugFlags, Sink};
use crate::interfaces::Interface;
use crate::keys::KeyStore;
use crate::lines::{LineEntry, LineOwner, SessionEntry, SshConnection};
use crate::locks::LockTable;
use crate::nvram::{BootReport, FileStamp};
use ironconf_ios::config::{Config, ItemChange};
use ironconf_ios::settings::{Settings, SettingsTracker};
use ironconf_session::SessionConfig;

use crate::profile::Profile;

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
    pub(crate) monitor_sinks: BTreeMap<u32, Sink>,
    /// vtys with `terminal monitor` on.
    pub monitoring: std::collections::BTreeSet<u32>,
    /// The last change to the running configuration.
    pub last_change: Option<ChangeRecord>,
    pub(crate) next_sequential: u32,
}

impl State {
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
    ) {
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

pub(crate) struct Shared {
    pub(crate) keys: Mutex<Option<Arc<dyn KeyStore>>>,
    pub(crate) started: std::time::Instant,
    pub(crate) catalogue: Arc<Catalogue>,
    pub(crate) profile: Profile,
    pub(crate) state_dir: Option<PathBuf>,
    pub(crate) state: Mutex<State>,
    /// The startup-config's interfaces, with the file identity they were
    /// read from (`show ip interface brief` compares addresses with them;
    /// parsing a large startup-config for every show would cost more than
    /// the show).
    pub(crate) startup_interfaces: Mutex<Option<(FileStamp, Arc<Vec<Interface>>)>>,
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

    pub(crate) fn from_parts(
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
}
