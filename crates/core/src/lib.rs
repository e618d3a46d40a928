//! The device's core: what every device has whatever its features are —
//! its clock, the lock table, the counters, the profile it answers as, and
//! the typed slots its features keep their state in. It names no feature:
//! the features (AAA, the archive, events, storage, an embedder's) are
//! built above it and plug into the device through its seam.

pub mod clock;
pub mod counters;
pub mod locks;
pub mod profile;
mod slots;

pub use slots::Slots;
