//! Where a device's time comes from. Nothing in the device reads the
//! system clock itself: lock-time, `exec-timeout`, `ip ssh time-out`, the
//! `show clock` time and the change record all take `now` from the device's
//! [`Clock`], which the embedder provides ([`SystemClock`] by default, a
//! [`ManualClock`] in tests and simulations).

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A source of time: monotonic for deadlines, calendar for what is shown.
pub trait Clock: Send + Sync {
    /// Monotonic time, for deadlines and durations.
    fn now(&self) -> Instant;
    /// Calendar time, for `show clock`, the change record and debug lines.
    fn wall(&self) -> SystemTime;
}

/// The system's clocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to: both times advance together.
///
/// ```
/// use std::time::Duration;
/// use ironconf_core::clock::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let t0 = clock.now();
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(clock.now() - t0, Duration::from_secs(90));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    at: Mutex<(Instant, SystemTime)>,
}

impl ManualClock {
    /// A clock standing at the present moment.
    pub fn new() -> Self {
        ManualClock {
            at: Mutex::new((Instant::now(), SystemTime::now())),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut at = self.at.lock().unwrap_or_else(|p| p.into_inner());
        at.0 += by;
        at.1 += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.at.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    fn wall(&self) -> SystemTime {
        self.at.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}
