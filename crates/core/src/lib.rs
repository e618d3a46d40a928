//! The device's core: what every device has whatever its features are —
//! running-config and its one configuration path, the settings it makes,
//! the lock table, the NETCONF sessions, vty lines and SSH connections, the
//! counters, the clock, the profile it answers as, and the typed slots its
//! features keep their state in. It names no feature: the features (AAA,
//! the archive, events, storage, an embedder's) are built above it and
//! plug in through [`checks::Checks`] (under the lock) and the device's
//! reactions and timers (outside it). Its state is private: only [`Core`]
//! locks it.

pub mod checks;
pub mod clock;
pub mod configure;
pub mod counters;
pub mod device;
pub mod lines;
pub mod locks;
pub mod profile;
mod slots;

pub use configure::{ChangedBy, Changer, Commit, Committed, ConfigureError, Refused};
pub use device::{Core, FeatureState, View};
pub use slots::{Handles, Slots};
