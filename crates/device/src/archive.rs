//! The configuration archive (`archive` / `path`, `maximum`,
//! `write-memory`, `time-period`) and Rollback Confirmed Change
//! (`configure replace … time N`, `configure confirm`, `configure revert`):
//! archive files on the flash, and a pending change that is reverted when
//! its time runs out unless confirmed. Time comes from the device's clock;
//! the server calls [`Device::handle_timeout`] when [`Device::poll_timeout`]
//! says.

use std::time::{Duration, Instant, SystemTime};

use ironconf_ios::change::IosTime;
use ironconf_ios::config::Config;

use crate::configure::{Changer, Refused};
use crate::device::Device;
use crate::feature::{Feature, Timers};
use crate::fs::{FsWriteError, Location};

/// The archive's files and the change waiting for confirmation.
#[derive(Debug, Default)]
pub(crate) struct ArchiveState {
    /// Files written, oldest first: the name as IOS lists it, and the
    /// path on the flash.
    files: Vec<(String, Vec<String>)>,
    /// The number the next file takes (the first is 0, as on IOS).
    next: u32,
    /// When the archive last wrote a file (for `time-period`).
    last: Option<Instant>,
    /// A change to confirm before its time runs out.
    pub(crate) pending: Option<Pending>,
}

/// A Rollback Confirmed Change.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    /// Running-config before the change: what a revert restores.
    pub(crate) previous: Config,
    /// When it is reverted.
    pub(crate) deadline: Instant,
    /// When it was set (or reset), for `show archive config rollback timer`.
    pub(crate) set_at: SystemTime,
    /// Its length in minutes.
    pub(crate) minutes: u32,
    /// Who made it.
    pub(crate) user: String,
}

/// Why the archive could not write a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// No `archive` / `path`.
    #[error("Archive feature not enabled")]
    Off,
    /// The path is not on the flash (its IOS message).
    #[error("{0}")]
    Path(String),
    /// The write failed (its IOS message).
    #[error("{0}")]
    Write(String),
}

impl Device {
    /// The name the next archive file gets, if the archive is on.
    pub fn next_archive_name(&self) -> Option<String> {
        let path = self.settings().archive.path?;
        let next = self.with_slot(|a: &mut ArchiveState| a.next);
        Some(self.archive_name(&path, next))
    }

    fn archive_name(&self, path: &str, n: u32) -> String {
        let t = IosTime::at(self.wall_clock());
        let (h, m, s) = t.hms;
        // `Mar-17-07-53-52.484-UTC`
        let time = format!(
            "{}-{}-{h:02}-{m:02}-{s:02}.{:03}-UTC",
            t.month, t.day, t.millis
        );
        let path = path
            .replace("$h", &self.settings().hostname)
            .replace("$t", &time);
        format!("{path}-{n}")
    }

    /// `archive config`: running-config into the next archive file; the
    /// oldest goes past `maximum`. Returns the file's name.
    pub fn archive_config(&self) -> Result<String, ArchiveError> {
        let settings = self.settings();
        let Some(path) = settings.archive.path.clone() else {
            return Err(ArchiveError::Off);
        };
        let n = self.with_slot(|a: &mut ArchiveState| a.next);
        let name = self.archive_name(&path, n);
        let components = match self.location(&name) {
            Ok(Location::Flash(p)) if !p.is_empty() => p,
            Ok(_) => {
                return Err(ArchiveError::Path(format!(
                    "%Error opening {name} (Operation not supported)"
                )));
            }
            Err(e) => {
                return Err(ArchiveError::Path(format!(
                    "%Error opening {name} ({})",
                    e.as_str()
                )));
            }
        };
        let text = self.view(|v| v.saved_text());
        self.flash_write(&components, text.as_bytes())
            .map_err(|e: FsWriteError| {
                ArchiveError::Write(format!("%Error copying {name} ({})", e.as_str()))
            })?;
        let now = self.now();
        let removed = self.with_slot(|a: &mut ArchiveState| {
            a.files.push((name.clone(), components));
            a.next = n + 1;
            a.last = Some(now);
            let keep = settings.archive.maximum.max(1) as usize;
            let excess = a.files.len().saturating_sub(keep);
            a.files.drain(..excess).collect::<Vec<_>>()
        });
        for (_, old) in removed {
            let _ = self.flash_remove(&old);
        }
        Ok(name)
    }

    /// The archive files kept, oldest first, by name.
    pub fn archive_files(&self) -> Vec<String> {
        self.with_slot(|a: &mut ArchiveState| {
            a.files.iter().map(|(name, _)| name.clone()).collect()
        })
    }

    /// Sets a Rollback Confirmed Change: unless confirmed within `minutes`,
    /// running-config returns to `previous`.
    pub(crate) fn set_pending_rollback(&self, previous: Config, minutes: u32, user: &str) {
        let pending = Pending {
            previous,
            deadline: self.now() + Duration::from_secs(u64::from(minutes) * 60),
            set_at: self.wall_clock(),
            minutes,
            user: user.to_owned(),
        };
        self.with_slot(|a: &mut ArchiveState| a.pending = Some(pending));
    }

    /// The change waiting for confirmation, if any.
    pub(crate) fn pending_rollback(&self) -> Option<Pending> {
        self.with_slot(|a: &mut ArchiveState| a.pending.clone())
    }

    /// `configure confirm`: keeps the change; false when none waits.
    pub fn confirm_rollback(&self) -> bool {
        self.with_slot(|a: &mut ArchiveState| a.pending.take().is_some())
    }

    /// `configure revert timer N`: the change is reverted N minutes from
    /// now; false when none waits.
    pub fn reset_rollback_timer(&self, minutes: u32) -> bool {
        let now = self.now();
        let wall = self.wall_clock();
        self.with_slot(|a: &mut ArchiveState| match &mut a.pending {
            Some(p) => {
                p.deadline = now + Duration::from_secs(u64::from(minutes) * 60);
                p.set_at = wall;
                p.minutes = minutes;
                true
            }
            None => false,
        })
    }

    /// `configure revert now` (and the timer running out): running-config
    /// returns to what it was before the change. `Ok(false)` when no change
    /// waits.
    pub fn revert_now(&self) -> Result<bool, Refused> {
        let Some(p) = self.with_slot(|a: &mut ArchiveState| a.pending.take()) else {
            return Ok(false);
        };
        let who = Changer {
            user: &p.user,
            session: None,
            line: None,
        };
        match self.replace_running(who, p.previous.clone()) {
            Ok(()) => Ok(true),
            Err(e) => {
                // Not reverted: the change still waits.
                self.with_slot(|a: &mut ArchiveState| a.pending = Some(p));
                Err(e)
            }
        }
    }
}

/// The archive as a feature: its timer reverts an unconfirmed change when
/// its time runs out and writes the periodic archive file.
pub(crate) struct Archive;

/// When the periodic archive is next due (`time-period`), if it is on.
fn archive_due(period: Option<u32>, last: Option<Instant>, started: Instant) -> Option<Instant> {
    match (period, last) {
        (Some(min), Some(last)) => Some(last + Duration::from_secs(u64::from(min) * 60)),
        (Some(_), None) => Some(started),
        _ => None,
    }
}

impl Feature for Archive {
    fn name(&self) -> &'static str {
        "archive"
    }

    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<Instant> {
        let a = timers.slots.get::<ArchiveState>();
        let rollback = a.and_then(|a| a.pending.as_ref()).map(|p| p.deadline);
        let periodic = archive_due(
            timers.settings.archive.time_period,
            a.and_then(|a| a.last),
            timers.started,
        );
        rollback.into_iter().chain(periodic).min()
    }

    fn handle_timeout(&self, device: &Device, now: Instant) {
        let expired = device.with_slot(|a: &mut ArchiveState| {
            a.pending.as_ref().is_some_and(|p| now >= p.deadline)
        });
        if expired {
            tracing::info!("rollback timer expired: reverting the unconfirmed change");
            if let Err(e) = device.revert_now() {
                tracing::warn!(?e, "rollback refused; retried at the next tick");
            }
        }
        // Read in place: the server asks every second, for every device.
        let period = device.view(|v| v.settings().archive.time_period);
        let started = device.started();
        let due = device.with_slot(|a: &mut ArchiveState| {
            archive_due(period, a.last, started).is_some_and(|t| now >= t)
        });
        if due && let Err(e) = device.archive_config() {
            tracing::warn!(?e, "periodic archive failed");
            // Try again a period later, not at every tick.
            device.with_slot(|a: &mut ArchiveState| a.last = Some(now));
        }
    }
}
