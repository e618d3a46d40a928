//! Building a device: the built-in IOS device, or an appliance that embeds
//! the agent with its own configuration commands, EXEC commands, rpc
//! operations, features and commit hooks.
//!
//! ```
//! use ironconf_device::{Device, Profile};
//! use ironconf_device::exec::{Command, ExecOutput};
//!
//! let (device, _report) = Device::builder(Profile::default())
//!     // Configuration commands, in the catalogue's format.
//!     .catalogue("config: firewall rule <1-9999> (permit|deny) LINE ; key=3\n")
//!     // An EXEC command with its grammar, privilege and help.
//!     .exec_command(
//!         Command::new("show firewall ; priv=1", |inv| {
//!             let rules = inv.device.running_config_lines("firewall rule");
//!             ExecOutput::ok(rules.iter().map(|l| format!("{l}\n")).collect())
//!         })
//!         .help("show firewall", "Firewall rules"),
//!     )
//!     // A hook that may refuse a change before it is committed.
//!     .commit_hook(|commit: &ironconf_device::configure::Commit<'_>| {
//!         match commit.added().iter().any(|l| l.contains("deny any any")) {
//!             true => Err("a deny-all rule would cut the management path".to_owned()),
//!             false => Ok(()),
//!         }
//!     })
//!     .in_memory("hostname fw1\nfirewall rule 10 permit tcp any any eq 22\n")
//!     .build()?;
//! assert_eq!(
//!     device.running_config_lines("firewall rule"),
//!     ["firewall rule 10 permit tcp any any eq 22"]
//! );
//! # Ok::<(), ironconf_device::BuildError>(())
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use ironconf_ios::apply::load;
use ironconf_ios::catalogue::{Catalogue, CatalogueError};
use ironconf_ios::config::Config;

use crate::clock::{Clock, SystemClock};
use ironconf_core::Core;

use crate::device::{Device, DeviceError, DeviceParts};
use crate::exec::Command;
use crate::feature::{CommitHook, Feature, FeatureList, Features};
use crate::fs::Flash;
use crate::keys::KeyStore;
use crate::nvram::{BootReport, STARTUP_CONFIG, load_startup, read_startup};
use crate::ops::{Operation, OperationFn};
use crate::profile::Profile;

/// Why a device could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The embedder's catalogue text (or a command's grammar) is not valid.
    #[error("catalogue line {line}: {message}")]
    Catalogue {
        /// The line of the text given (0 when unknown).
        line: usize,
        /// Why.
        message: String,
    },
    /// An EXEC command's grammar names no keyword to register it by.
    #[error("EXEC command '{0}' has no leading keyword")]
    Command(String),
    /// The state directory cannot be used.
    #[error(transparent)]
    Device(#[from] DeviceError),
}

impl From<CatalogueError> for BuildError {
    fn from(e: CatalogueError) -> Self {
        BuildError::Catalogue {
            line: e.line,
            message: e.message,
        }
    }
}

/// What answers an embedder's rpc operation: any
/// `Fn(&Context, &Request) -> Result<Reply, RpcError>` that can be shared
/// between sessions.
pub trait OperationHandler:
    Fn(
        &crate::ops::Context<'_>,
        &ironconf_session::Request,
    ) -> Result<ironconf_session::Reply, ironconf_proto::RpcError>
    + Send
    + Sync
    + 'static
{
}

impl<F> OperationHandler for F where
    F: Fn(
            &crate::ops::Context<'_>,
            &ironconf_session::Request,
        ) -> Result<ironconf_session::Reply, ironconf_proto::RpcError>
        + Send
        + Sync
        + 'static
{
}

/// Where the device keeps its startup-config.
#[derive(Debug)]
enum Storage {
    /// Nowhere: running-config starts from this text and `write memory`
    /// keeps nothing.
    Memory(String),
    /// A state directory (NVRAM and flash).
    Dir(PathBuf),
}

/// Builds a [`Device`]; see the module documentation for an example.
pub struct DeviceBuilder {
    profile: Profile,
    storage: Storage,
    catalogue: String,
    clock: Arc<dyn Clock>,
    key_store: Option<Arc<dyn KeyStore>>,
    commands: Vec<Command>,
    operations: Vec<Operation>,
    features: Vec<Arc<dyn Feature>>,
}

impl std::fmt::Debug for DeviceBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceBuilder")
            .field("profile", &self.profile.name)
            .field("storage", &self.storage)
            .field("commands", &self.commands)
            .finish_non_exhaustive()
    }
}

impl Device {
    /// A builder for a device of `profile`: in memory with an empty
    /// configuration, the built-in commands and the system clock until told
    /// otherwise.
    pub fn builder(profile: Profile) -> DeviceBuilder {
        DeviceBuilder {
            profile,
            storage: Storage::Memory(String::new()),
            catalogue: String::new(),
            clock: Arc::new(SystemClock),
            key_store: None,
            commands: Vec::new(),
            operations: Vec::new(),
            features: Vec::new(),
        }
    }
}

impl DeviceBuilder {
    /// Keeps nothing on disk; running-config starts from `startup`.
    pub fn in_memory(mut self, startup: &str) -> Self {
        self.storage = Storage::Memory(startup.to_owned());
        self
    }

    /// Keeps the startup-config (and RSA keys) in `dir`, made on first
    /// start with a default configuration and a random `admin` password
    /// ([`BootReport::generated_password`]).
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.storage = Storage::Dir(dir.into());
        self
    }

    /// Adds catalogue definitions (modes, configuration rules, EXEC rules,
    /// help) in the format of the built-in catalogue, after it: the new
    /// configuration lines are rendered after the built-in ones.
    pub fn catalogue(mut self, text: &str) -> Self {
        self.catalogue.push_str(text);
        if !text.ends_with('\n') {
            self.catalogue.push('\n');
        }
        self
    }

    /// Adds an EXEC command: it runs in the shell, on the exec channel and
    /// in `oper-data-format-text-block`, found before the built-in ones (so
    /// it may replace one).
    pub fn exec_command(mut self, command: Command) -> Self {
        self.commands.push(command);
        self
    }

    /// Adds an rpc operation `name` in `namespace` (`None`: the NETCONF
    /// base namespace), open to every session (it may check the caller's
    /// level itself). Advertise its namespace with
    /// [`DeviceBuilder::capability`].
    pub fn operation(
        self,
        namespace: Option<&str>,
        name: &str,
        run: impl OperationHandler,
    ) -> Self {
        self.operation_at(1, namespace, name, run)
    }

    /// Adds an rpc operation that sessions below privilege `level` are
    /// refused (`operation-failed`) before it runs.
    pub fn operation_at(
        mut self,
        level: u8,
        namespace: Option<&str>,
        name: &str,
        run: impl OperationHandler,
    ) -> Self {
        let run: OperationFn = Arc::new(run);
        self.operations.push(Operation {
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
            privilege: level,
            run,
        });
        self
    }

    /// Adds a capability URI to the server's hello.
    pub fn capability(mut self, uri: &str) -> Self {
        self.profile.capabilities.push(uri.to_owned());
        self
    }

    /// Adds a commit hook: a feature that only checks. Features run in
    /// the order added, after the built-in ones.
    pub fn commit_hook(mut self, hook: impl CommitHook + 'static) -> Self {
        self.features
            .push(Arc::new(crate::feature::Hook(Arc::new(hook))));
        self
    }

    /// Adds a feature (see [`crate::feature`]); features run in the order
    /// added, after the built-in ones.
    pub fn feature(mut self, feature: impl Feature) -> Self {
        self.features.push(Arc::new(feature));
        self
    }

    /// Where time comes from (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// What makes and removes RSA keys (`crypto key …`); the SSH server
    /// installs its own when it serves the device.
    pub fn key_store(mut self, store: Arc<dyn KeyStore>) -> Self {
        self.key_store = Some(store);
        self
    }

    /// Builds the device and boots it: startup-config loaded, the commit
    /// hooks shown it.
    pub fn build(self) -> Result<(Device, BootReport), BuildError> {
        let mut text = self.catalogue;
        for c in &self.commands {
            if c.pattern.first().is_none_or(|w| w == "..") {
                return Err(BuildError::Command(c.grammar.clone()));
            }
            text.push_str(&c.catalogue_text());
        }
        let catalogue = if text.is_empty() {
            Catalogue::builtin_shared()
        } else {
            let mut cat = Catalogue::builtin();
            cat.load(&text)?;
            Arc::new(cat)
        };
        let mut report = BootReport::default();
        let (running, state_dir) = match self.storage {
            Storage::Memory(startup) => {
                let (running, unknown) = load(&catalogue, &startup);
                report.unknown_lines = unknown;
                (running, None)
            }
            Storage::Dir(dir) => {
                let (startup, password) = read_startup(&dir, &catalogue)?;
                let (running, unknown) = load_startup(&catalogue, &startup);
                report.unknown_lines = unknown;
                report.generated_password = password;
                (running, Some(dir))
            }
        };
        let flash = flash_for(&self.profile, state_dir.as_deref(), self.clock.clone())?;
        let device = Parts {
            flash,
            catalogue,
            profile: self.profile,
            state_dir,
            running,
            clock: self.clock,
            features: with_builtin(self.features),
        }
        .into_device();
        if let Some(store) = self.key_store {
            device.set_key_store(store);
        }
        device.add_exec_commands(&self.commands);
        device.add_operations(self.operations);
        report.hook_refusals = device.boot_features();
        Ok((device, report))
    }
}

/// What a device is made of.
struct Parts {
    catalogue: Arc<Catalogue>,
    profile: Profile,
    state_dir: Option<PathBuf>,
    running: Config,
    clock: Arc<dyn Clock>,
    features: Features,
    flash: Flash,
}

impl Parts {
    /// The built-in device's parts.
    fn builtin(
        catalogue: Arc<Catalogue>,
        profile: Profile,
        state_dir: Option<PathBuf>,
        running: Config,
        flash: Flash,
    ) -> Parts {
        Parts {
            catalogue,
            profile,
            state_dir,
            running,
            clock: Arc::new(SystemClock),
            features: builtin_shared(),
            flash,
        }
    }

    /// The device: its core running `running`, its features, its files.
    fn into_device(self) -> Device {
        let Parts {
            catalogue,
            profile,
            state_dir,
            running,
            clock,
            features,
            flash,
        } = self;
        // Read here, before any lock: the storage's check reads it from
        // memory.
        let startup = state_dir
            .as_ref()
            .is_some_and(|d| d.join(STARTUP_CONFIG).is_file());
        let core = Core::new(catalogue, profile, running, clock, features.clone());
        core.with_slot(|files: &mut crate::storage::Files| {
            *files = crate::storage::Files {
                flash: Some(flash.clone()),
                startup,
            }
        });
        Device::new(
            core,
            features,
            DeviceParts {
                flash,
                state_dir,
                nvram: Mutex::new(()),
            },
        )
    }
}

impl Device {
    /// A device with no state directory, configured from `startup` text,
    /// with the built-in commands and the system clock (the builder,
    /// [`Device::builder`], adds an embedder's).
    pub fn in_memory(profile: Profile, startup: &str) -> (Device, BootReport) {
        let catalogue = Catalogue::builtin_shared();
        let (running, unknown) = load(&catalogue, startup);
        let flash = Flash::in_memory(profile.flash, Arc::new(SystemClock));
        let device = Parts::builtin(catalogue, profile, None, running, flash).into_device();
        (
            device,
            BootReport {
                unknown_lines: unknown,
                ..BootReport::default()
            },
        )
    }

    /// Opens the device kept in `dir`, creating a default startup-config
    /// (with a random `admin` password) on first start.
    pub fn open(profile: Profile, dir: &Path) -> Result<(Device, BootReport), DeviceError> {
        let catalogue = Catalogue::builtin_shared();
        let (text, generated_password) = read_startup(dir, &catalogue)?;
        let (running, unknown) = load_startup(&catalogue, &text);
        let flash = flash_for(&profile, Some(dir), Arc::new(SystemClock))?;
        let parts = Parts::builtin(catalogue, profile, Some(dir.to_owned()), running, flash);
        Ok((
            parts.into_device(),
            BootReport {
                generated_password,
                unknown_lines: unknown,
                ..BootReport::default()
            },
        ))
    }
}

/// The built-in features, in order: the device's own checks run before an
/// embedder's, and timers in this order (subscriptions end, quiet mode
/// ends, an unconfirmed change reverts, the periodic archive is written,
/// idle lines are reclaimed).
fn builtin() -> Vec<Arc<dyn Feature>> {
    vec![
        Arc::new(crate::storage::Storage),
        Arc::new(crate::events::Events),
        Arc::new(crate::login_watch::Admission),
        Arc::new(crate::archive::Archive),
        Arc::new(crate::netconf::Agent),
        Arc::new(crate::idle_lines::IdleLines),
    ]
}

/// The built-in features, shared by every device that adds none.
fn builtin_shared() -> Features {
    static BUILTIN: OnceLock<Features> = OnceLock::new();
    BUILTIN
        .get_or_init(|| Arc::new(FeatureList::new(builtin(), true)))
        .clone()
}

/// The built-in features followed by an embedder's.
fn with_builtin(added: Vec<Arc<dyn Feature>>) -> Features {
    if added.is_empty() {
        return builtin_shared();
    }
    let mut all = builtin();
    all.extend(added);
    Arc::new(FeatureList::new(all, false))
}

/// The profile's flash: a folder of the state directory, or memory.
fn flash_for(
    profile: &Profile,
    dir: Option<&std::path::Path>,
    clock: Arc<dyn Clock>,
) -> Result<Flash, DeviceError> {
    match dir {
        Some(d) => Flash::open(profile.flash, Some(d), clock).map_err(|source| DeviceError::Io {
            path: d.join(profile.flash.name.trim_end_matches(':')),
            source,
        }),
        None => Ok(Flash::in_memory(profile.flash, clock)),
    }
}
