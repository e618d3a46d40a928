//! `login block-for`: failed logins are watched, and once `attempts` of them
//! fall within `within` seconds the device refuses every login for `block`
//! seconds (IOS's quiet mode). Sans I/O: `now` is passed in, and what
//! should be logged is returned.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use ironconf_ios::settings::LoginBlock;

use crate::device::Device;
use crate::feature::{Feature, Timers};

/// The watch over failed logins.
#[derive(Debug, Default)]
pub(crate) struct LoginWatch {
    /// Failures inside the current window, oldest first (at most
    /// `attempts` are kept: older ones cannot matter any more).
    failures: VecDeque<Instant>,
    /// When the current watch window began.
    window_start: Option<Instant>,
    /// While in quiet mode: when it ends.
    quiet_until: Option<Instant>,
    total_failures: u64,
}

/// What a change of mode asks to be logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuietMode {
    /// `%SEC_LOGIN-1-QUIET_MODE_ON`, with the seconds it lasts.
    On(u64),
    /// `%SEC_LOGIN-5-QUIET_MODE_OFF`.
    Off,
}

impl LoginWatch {
    /// Counts a failed login at `now`; `Some(On)` when it starts quiet mode.
    pub(crate) fn failed(&mut self, policy: Option<LoginBlock>, now: Instant) -> Option<QuietMode> {
        self.total_failures += 1;
        let policy = policy?;
        if self.quiet_until.is_some_and(|t| now < t) {
            return None;
        }
        let within = Duration::from_secs(u64::from(policy.within));
        if self.window_start.is_none_or(|s| now >= s + within) {
            self.window_start = Some(now);
        }
        while self.failures.front().is_some_and(|t| now >= *t + within) {
            self.failures.pop_front();
        }
        self.failures.push_back(now);
        let attempts = policy.attempts.max(1) as usize;
        while self.failures.len() > attempts {
            self.failures.pop_front();
        }
        if self.failures.len() < attempts {
            return None;
        }
        self.failures.clear();
        self.window_start = None;
        self.quiet_until = Some(now + Duration::from_secs(u64::from(policy.block)));
        Some(QuietMode::On(u64::from(policy.block)))
    }

    /// How long logins stay refused (`None`: they are not).
    pub(crate) fn quiet_for(&self, now: Instant) -> Option<Duration> {
        self.quiet_until
            .and_then(|t| t.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }

    /// When quiet mode ends, for the device's next deadline.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.quiet_until
    }

    /// Leaves quiet mode once its time is over (or the command is removed).
    pub(crate) fn handle_timeout(
        &mut self,
        policy: Option<LoginBlock>,
        now: Instant,
    ) -> Option<QuietMode> {
        let until = self.quiet_until?;
        if policy.is_some() && now < until {
            return None;
        }
        self.quiet_until = None;
        Some(QuietMode::Off)
    }

    /// `show login`.
    pub(crate) fn show(&self, policy: Option<LoginBlock>, now: Instant) -> String {
        let mut out = String::new();
        out.push_str("     A default login delay of 1 seconds is applied.\n");
        out.push_str("     No Quiet-Mode access list has been configured.\n\n");
        let Some(p) = policy else {
            out.push_str("     Router NOT enabled to watch for login Attacks\n");
            return out;
        };
        let _ = writeln!(out, "     Router enabled to watch for login Attacks.");
        let _ = writeln!(
            out,
            "     If more than {} login failures occur in {} seconds or less,",
            p.attempts, p.within
        );
        let _ = writeln!(
            out,
            "     logins will be disabled for {} seconds.\n",
            p.block
        );
        if let Some(left) = self.quiet_for(now) {
            out.push_str("     Router presently in Quiet-Mode.\n");
            let _ = writeln!(
                out,
                "     Will remain in Quiet-Mode for {} seconds.",
                left.as_secs_f64().ceil() as u64
            );
            out.push_str("     Denying logins from all sources.\n");
        } else {
            let within = Duration::from_secs(u64::from(p.within));
            let (remaining, in_window) = match self.window_start {
                Some(s) if now < s + within => (
                    (s + within).saturating_duration_since(now).as_secs(),
                    self.failures.iter().filter(|t| now < **t + within).count(),
                ),
                _ => (0, 0),
            };
            out.push_str("     Router presently in Normal-Mode.\n");
            out.push_str("     Current Watch Window\n");
            let _ = writeln!(out, "         Time remaining: {remaining} seconds.");
            let _ = writeln!(
                out,
                "         Login failures for current window: {in_window}."
            );
        }
        let _ = writeln!(out, "     Total login failures: {}.", self.total_failures);
        out
    }
}

/// Admission as a feature: its timer ends quiet mode.
pub(crate) struct Admission;

impl Feature for Admission {
    fn name(&self) -> &'static str {
        "admission"
    }

    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<Instant> {
        timers.slots.get::<LoginWatch>()?.poll_timeout()
    }

    fn handle_timeout(&self, device: &Device, now: Instant) {
        // Read in place: the server asks every second, for every device.
        let policy = device.view(|v| v.settings().login_block);
        let over = device.with_slot(|w: &mut LoginWatch| w.handle_timeout(policy, now));
        if over.is_some() {
            tracing::info!("login block-for: quiet mode off");
            device.log_quiet_mode(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: LoginBlock = LoginBlock {
        block: 30,
        attempts: 3,
        within: 10,
    };

    #[test]
    fn attempts_within_the_window_start_quiet_mode_for_its_time() {
        let t0 = Instant::now();
        let s = |n: u64| t0 + Duration::from_secs(n);
        let mut w = LoginWatch::default();
        assert_eq!(w.failed(Some(POLICY), s(0)), None);
        assert_eq!(w.failed(Some(POLICY), s(1)), None);
        // The first failure left the window: still two.
        assert_eq!(w.failed(Some(POLICY), s(10)), None);
        assert!(
            w.show(Some(POLICY), s(10))
                .contains("Login failures for current window: 2.")
        );
        assert_eq!(w.failed(Some(POLICY), s(10)), Some(QuietMode::On(30)));
        assert_eq!(w.quiet_for(s(10)), Some(Duration::from_secs(30)));
        let shown = w.show(Some(POLICY), s(20));
        assert!(
            shown.contains(
                "Router presently in Quiet-Mode.\n     Will remain in Quiet-Mode for 20 seconds."
            ),
            "{shown}"
        );
        assert!(shown.contains("Total login failures: 4."), "{shown}");
        // Failures while quiet do not extend it.
        assert_eq!(w.failed(Some(POLICY), s(20)), None);
        assert_eq!(w.handle_timeout(Some(POLICY), s(39)), None);
        assert_eq!(w.handle_timeout(Some(POLICY), s(40)), Some(QuietMode::Off));
        assert_eq!(w.quiet_for(s(40)), None);
        assert!(
            w.show(Some(POLICY), s(40))
                .contains("Router presently in Normal-Mode.")
        );
        // Without the command nothing is watched, and quiet mode ends.
        assert_eq!(w.failed(None, s(50)), None);
        assert!(w.show(None, s(50)).contains("Router NOT enabled"));
    }

    #[test]
    fn removing_the_command_ends_quiet_mode() {
        let t0 = Instant::now();
        let mut w = LoginWatch::default();
        let one = LoginBlock {
            attempts: 1,
            ..POLICY
        };
        assert_eq!(w.failed(Some(one), t0), Some(QuietMode::On(30)));
        assert_eq!(w.handle_timeout(None, t0), Some(QuietMode::Off));
        assert_eq!(w.quiet_for(t0), None);
    }
}
