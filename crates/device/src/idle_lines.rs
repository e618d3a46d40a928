//! IOS's idle timeout, as a feature of the device.

use crate::device::Device;
use crate::feature::{Feature, Timers};

/// IOS's idle timeout as a feature: an SSH connection that has had no
/// channel open for the vty lines' `exec-timeout` is ended and its line
/// reclaimed (a login that never opens a session must not hold a vty line
/// for ever). One deadline for the device, not a wake-up per connection.
pub(crate) struct IdleLines;

impl Feature for IdleLines {
    fn name(&self) -> &'static str {
        "idle-lines"
    }

    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<std::time::Instant> {
        let timeout = timers.settings.vty_exec_timeout()?;
        timers
            .lines
            .values()
            .filter_map(|l| l.idle_deadline(timeout))
            .min()
    }

    fn handle_timeout(&self, device: &Device, now: std::time::Instant) {
        for kill in device.take_idle_lines(now) {
            tracing::info!(
                "no session on the connection for the exec-timeout: its line is reclaimed"
            );
            kill();
        }
    }
}
