//! What the core asks of its features: under the device lock, whether a
//! change may be committed, and when one of them next has something to do.
//! The device implements it over its list of features; the core knows
//! none of them by name.

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use ironconf_ios::settings::Settings;

use crate::Slots;
use crate::configure::Commit;
use crate::lines::LineEntry;

/// The features' part under the device lock. Both methods must be quick
/// and do no I/O.
pub trait Checks: Send + Sync {
    /// Accepts a change (`Ok`) or refuses it with the first refusal's
    /// message, the features asked in their order.
    fn check(&self, commit: &Commit<'_>) -> Result<(), String>;

    /// Every feature's refusal of a change, in order (at boot, where
    /// refusals are reported, not enforced).
    fn refusals(&self, commit: &Commit<'_>) -> Vec<String>;

    /// The earliest moment one of the features has something to do.
    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<Instant>;
}

/// What a feature's timer reads: the settings in force and the features'
/// state, with the device's clock.
#[derive(Debug)]
#[non_exhaustive]
pub struct Timers<'a> {
    /// The settings running-config makes.
    pub settings: &'a Settings,
    /// The vty lines in use, by vty.
    pub lines: &'a BTreeMap<u32, LineEntry>,
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
