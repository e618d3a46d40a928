//! The device as a value: its core ([`ironconf_core::Core`]: the
//! configuration, settings, locks, sessions and counters behind one lock)
//! with its features and the resources they use outside that lock (the
//! state directory, flash, keys, the command and operation registries).
//! One process may hold many devices.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ironconf_ios::apply::load;
use ironconf_ios::catalogue::Catalogue;
use ironconf_session::SessionConfig;

use crate::builder::Parts;
use crate::exec::registry::ExecRegistry;
use crate::interfaces::Interface;
use crate::keys::KeyStore;
use crate::nvram::{BootReport, FileStamp};
use crate::ops::OperationRegistry;
use crate::profile::Profile;
use ironconf_core::Core;

pub use ironconf_core::device::RECORDED_LINES;

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
    /// The device's state and its one configuration path.
    pub(crate) core: Core,
    /// The features, built-in ones first.
    pub(crate) features: crate::feature::Features,
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

/// An emulated device. Cloning shares it. What its core does (the
/// configuration, locks, lines, sessions and counters) it does too.
#[derive(Clone)]
pub struct Device {
    pub(crate) shared: Arc<Shared>,
}

impl std::ops::Deref for Device {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.shared.core
    }
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("profile", &self.profile().name)
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
        // Read here, before any lock: the storage's check reads it from
        // memory.
        let startup = state_dir
            .as_ref()
            .is_some_and(|d| d.join(crate::nvram::STARTUP_CONFIG).is_file());
        let core = Core::new(catalogue, profile, running, clock, features.clone());
        core.with_slot(|files: &mut crate::storage::Files| {
            *files = crate::storage::Files {
                flash: Some(flash.clone()),
                startup,
            }
        });
        Device {
            shared: Arc::new(Shared {
                core,
                features,
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

    /// The EXEC commands.
    pub(crate) fn exec_commands(&self) -> &ExecRegistry {
        &self.shared.parts.exec
    }

    /// The rpc operations.
    pub(crate) fn operations(&self) -> &OperationRegistry {
        &self.shared.parts.operations
    }

    /// The state directory, if any.
    pub fn state_dir(&self) -> Option<&Path> {
        self.shared.parts.state_dir.as_deref()
    }

    /// Lets every feature do what is due at `now`, in order.
    pub fn handle_timeout(&self, now: Instant) {
        for f in self.shared.features.iter() {
            f.handle_timeout(self, now);
        }
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
        set.unwrap_or_else(|| Arc::new(self.profile().capabilities.clone()))
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
        let p = &self.profile();
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
