//! The seam a feature plugs into. A feature (AAA, the archive, events,
//! storage, an embedder's appliance logic) owns its state, kept in a typed
//! slot under the device's one lock ([`Slots`]); it may refuse a change
//! before it is committed ([`Feature::check`]), reacts to a committed one
//! once the lock is released ([`Feature::react`]), and keeps its own timer
//! ([`Feature::poll_timeout`] / [`Feature::handle_timeout`], `now` passed
//! in). The device's next deadline is the earliest of its features'.
//!
//! The built-in features register through the same seam as an embedder's
//! ([`crate::DeviceBuilder::feature`]), before them and in a fixed order:
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
//!     fn react(&self, device: &Device, change: &Committed<'_>) {
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

use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};

use ironconf_ios::config::ItemChange;
use ironconf_ios::settings::Settings;

use crate::configure::{ChangedBy, Commit, CommitHook};
use crate::device::Device;

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
    fn react(&self, device: &Device, change: &Committed<'_>) {
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

/// What [`Feature::poll_timeout`] reads: the settings in force and the
/// features' state, with the device's clock.
#[derive(Debug)]
#[non_exhaustive]
pub struct Timers<'a> {
    /// The settings running-config makes.
    pub settings: &'a Settings,
    /// The vty lines in use, by vty.
    pub lines: &'a std::collections::BTreeMap<u32, crate::LineEntry>,
    /// The features' state.
    pub slots: &'a Slots,
    /// When the device started.
    pub started: Instant,
    /// Now, monotonic.
    pub now: Instant,
    /// Now, on the calendar.
    pub wall: SystemTime,
}

impl Timers<'_> {
    /// `at` on the calendar as a monotonic deadline (now when it has
    /// passed).
    pub fn deadline(&self, at: SystemTime) -> Instant {
        self.now + at.duration_since(self.wall).unwrap_or_default()
    }
}

/// A committed change, as [`Feature::react`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Committed<'a> {
    /// Who made it (nobody at boot and `reload`).
    pub by: &'a ChangedBy,
    /// The commands it amounts to, as the change notifications list them
    /// (none when nothing changed, and at the device's first boot).
    pub commands: &'a [String],
    /// What changed, per top-level item (none for a change too large to
    /// list; at boot, the whole configuration as one item).
    pub changes: &'a [ItemChange],
    /// Loaded from startup-config: the device's boot or `reload`.
    pub boot: bool,
}

pub use ironconf_core::Slots;

/// The features of a device, in the order they run.
pub(crate) type Features = Arc<Vec<Arc<dyn Feature>>>;

/// The built-in features, in order: the device's own checks run before an
/// embedder's, and timers in this order (subscriptions end, quiet mode
/// ends, an unconfirmed change reverts, the periodic archive is written).
fn builtin() -> Vec<Arc<dyn Feature>> {
    vec![
        Arc::new(crate::storage::Storage),
        Arc::new(crate::events::Events),
        Arc::new(crate::login_watch::Admission),
        Arc::new(crate::archive::Archive),
        Arc::new(crate::netconf::Agent),
        Arc::new(crate::lines::IdleLines),
    ]
}

/// The built-in features, shared by every device that adds none.
pub(crate) fn builtin_shared() -> Features {
    static BUILTIN: OnceLock<Features> = OnceLock::new();
    BUILTIN.get_or_init(|| Arc::new(builtin())).clone()
}

/// Whether `features` are the built-in ones alone.
pub(crate) fn is_builtin(features: &Features) -> bool {
    Arc::ptr_eq(features, &builtin_shared())
}

/// The built-in features followed by an embedder's.
pub(crate) fn with_builtin(added: Vec<Arc<dyn Feature>>) -> Features {
    if added.is_empty() {
        return builtin_shared();
    }
    let mut all = builtin();
    all.extend(added);
    Arc::new(all)
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
