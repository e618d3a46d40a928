//! The seam a feature plugs into. A feature (AAA, the archive, events,
//! storage, an embedder's appliance logic) owns its state, kept in a typed
//! slot under the device's one lock ([`Slots`]); it may refuse a change
//! before it is committed ([`Feature::check`]), reacts to a committed one
//! once the lock is released ([`Feature::react`]), and keeps its own timer
//! ([`Feature::poll_timeout`] / [`Feature::handle_timeout`], `now` passed
//! in). The device's next deadline is the earliest of its features'.
//!
//! The built-in features register through the same seam as an embedder's
//! (`DeviceBuilder::feature`), before them and in a fixed order:
//! the device's own checks come first.
//!
//! ```
//! use std::time::Instant;
//! use ironconf_device::feature::{Committed, Feature, Timers};
//! use ironconf_device::{Commit, Device, Profile};
//!
//! /// Refuses a hostname longer than 16 characters; counts accepted changes.
//! struct ShortNames;
//!
//! #[derive(Default)]
//! struct Accepted(u32);
//!
//! impl Feature for ShortNames {
//!     fn name(&self) -> &'static str {
//!         "short-names"
//!     }
//!     fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
//!         match commit.added().iter().any(|l| l.starts_with("hostname ") && l.len() > 25) {
//!             true => Err("hostnames have at most 16 characters here".into()),
//!             false => Ok(()),
//!         }
//!     }
//!     fn react(&self, device: &Device, change: &Committed) {
//!         if !change.boot {
//!             device.with_slot(|n: &mut Accepted| n.0 += 1);
//!         }
//!     }
//! }
//!
//! let (device, _) = Device::builder(Profile::default())
//!     .in_memory("hostname r1\n")
//!     .feature(ShortNames)
//!     .build()?;
//! let who = ironconf_device::Changer { user: "ops", session: None, line: None };
//! assert!(device.configure(who, &["hostname edge-router-in-the-north"]).is_err());
//! device.configure(who, &["hostname r2"]).expect("accepted");
//! assert_eq!(device.with_slot(|n: &mut Accepted| n.0), 1);
//! # Ok::<(), ironconf_device::BuildError>(())
//! ```

use std::sync::Arc;
use std::time::Instant;

use ironconf_core::checks::Checks;

use crate::device::Device;
use ironconf_core::Commit;

/// A feature of the device. Every method has a default that does nothing,
/// so a feature implements only what it takes part in.
pub trait Feature: Send + Sync + 'static {
    /// The feature's name, for logs.
    fn name(&self) -> &'static str;

    /// Sees every change to running-config before it is committed, and
    /// may refuse it with the message the user sees (`% message` in the
    /// shell, an `operation-failed` rpc-error over NETCONF); the change is
    /// then rolled back. At boot and `reload` ([`Commit::boot`]) a refusal
    /// is reported, not enforced. Runs under the device lock: no I/O and
    /// no call to the [`Device`]; the feature's own state is in
    /// [`Commit::slots`].
    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        let _ = commit;
        Ok(())
    }

    /// Reacts to a change once it is committed and the device lock is
    /// released (before the change's reply is sent), and to the boot
    /// configuration once the device is built.
    fn react(&self, device: &Device, change: &Committed) {
        let _ = (device, change);
    }

    /// The next moment the feature has something to do. Read under the
    /// device lock, for every device about once a second: cheap, no I/O.
    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<Instant> {
        let _ = timers;
        None
    }

    /// Does what is due at `now` (outside the device lock).
    fn handle_timeout(&self, device: &Device, now: Instant) {
        let _ = (device, now);
    }
}

pub use ironconf_core::Slots;
pub use ironconf_core::checks::Timers;
pub use ironconf_core::configure::Committed;

/// The features of a device, in the order they run.
pub(crate) type Features = Arc<FeatureList>;

/// A device's features, in order; the core sees them as its checks.
pub(crate) struct FeatureList {
    list: Vec<Arc<dyn Feature>>,
    /// The built-in features alone.
    builtin: bool,
}

impl FeatureList {
    /// `list`, in order (`builtin`: the built-in features alone).
    pub(crate) fn new(list: Vec<Arc<dyn Feature>>, builtin: bool) -> FeatureList {
        FeatureList { list, builtin }
    }

    /// Whether these are the built-in features alone.
    pub(crate) fn builtin(&self) -> bool {
        self.builtin
    }
}

impl std::ops::Deref for FeatureList {
    type Target = [Arc<dyn Feature>];

    fn deref(&self) -> &[Arc<dyn Feature>] {
        &self.list
    }
}

impl Checks for FeatureList {
    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        // In registration order, the device's own first; the first refusal
        // wins.
        match self.list.iter().find_map(|f| f.check(commit).err()) {
            Some(message) => Err(message),
            None => Ok(()),
        }
    }

    fn refusals(&self, commit: &Commit<'_>) -> Vec<String> {
        self.list
            .iter()
            .filter_map(|f| f.check(commit).err())
            .collect()
    }

    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<Instant> {
        self.list
            .iter()
            .filter_map(|f| f.poll_timeout(timers))
            .min()
    }
}

/// Sees every change to running-config before it is committed, and may
/// refuse it: the change is then rolled back like a failed apply, and the
/// message is the error the user sees (`% message` in the shell, an
/// `operation-failed` rpc-error over NETCONF).
///
/// A hook runs under the device's lock: it must be quick and must not call
/// the [`Device`] (it has the change and the configuration it needs). A
/// closure `Fn(&Commit) -> Result<(), String>` is a hook.
pub trait CommitHook: Send + Sync {
    /// Accepts (`Ok`) or refuses (`Err(message)`) a change.
    fn check(&self, commit: &Commit<'_>) -> Result<(), String>;
}

impl<F> CommitHook for F
where
    F: Fn(&Commit<'_>) -> Result<(), String> + Send + Sync,
{
    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        self(commit)
    }
}

/// A [`CommitHook`] as a feature: it checks, and does nothing else.
pub(crate) struct Hook(pub(crate) Arc<dyn CommitHook>);

impl Feature for Hook {
    fn name(&self) -> &'static str {
        "commit-hook"
    }

    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        self.0.check(commit)
    }
}
