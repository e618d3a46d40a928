//! `debug netconf` and `terminal monitor`: which debug lines are produced,
//! and the terminals they go to.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::device::Device;

/// Receives debug lines for a terminal (`terminal monitor`); must not
/// block (the SSH layer queues, bounded, and drops when a terminal lags).
pub type MonitorSink = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub(crate) struct Sink(pub(crate) MonitorSink);

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sink")
    }
}

/// `debug netconf …` state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DebugFlags {
    /// `debug netconf error` (or `all`).
    pub errors: bool,
    /// `debug netconf all`.
    pub info: bool,
    /// `debug aaa authentication`.
    pub aaa_authentication: bool,
}

impl DebugFlags {
    /// Whether lines of `level` are on.
    pub fn covers(self, level: DebugLevel) -> bool {
        match level {
            DebugLevel::Error => self.errors,
            DebugLevel::Info => self.info,
            DebugLevel::AaaAuthentication => self.aaa_authentication,
        }
    }
}

/// What a debug line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugLevel {
    /// Errors (`debug netconf error`).
    Error,
    /// Everything else (`debug netconf all`).
    Info,
    /// Logins through AAA (`debug aaa authentication`).
    AaaAuthentication,
}

/// What is debugged and which terminals show it: the events feature's
/// state, in a slot of the device.
#[derive(Debug, Default)]
pub(crate) struct Debugging {
    /// `debug …`.
    pub(crate) flags: DebugFlags,
    /// Terminals that can show debug lines, by vty.
    pub(crate) sinks: BTreeMap<u32, Sink>,
    /// vtys with `terminal monitor` on.
    pub(crate) monitoring: BTreeSet<u32>,
}

impl Debugging {
    /// The sinks of the terminals monitoring.
    pub(crate) fn monitors(&self) -> Vec<MonitorSink> {
        self.monitoring
            .iter()
            .filter_map(|v| self.sinks.get(v).map(|s| s.0.clone()))
            .collect()
    }
}

impl Device {
    /// Attaches (or with `None` detaches) the terminal of a vty, where
    /// debug lines go once `terminal monitor` is on.
    pub fn set_monitor_sink(&self, vty: u32, sink: Option<MonitorSink>) {
        self.with_slot(|d: &mut Debugging| match sink {
            Some(s) => {
                d.sinks.insert(vty, Sink(s));
            }
            None => {
                d.sinks.remove(&vty);
                d.monitoring.remove(&vty);
            }
        });
    }

    /// `terminal monitor` (`on`) or `terminal no monitor` on `vty`.
    pub(crate) fn set_monitoring(&self, vty: u32, on: bool) {
        self.with_slot(|d: &mut Debugging| {
            if on {
                d.monitoring.insert(vty);
            } else {
                d.monitoring.remove(&vty);
            }
        });
    }

    /// What is being debugged.
    pub fn debug_flags(&self) -> DebugFlags {
        self.view(|v| v.slots().get::<Debugging>().map(|d| d.flags))
            .unwrap_or_default()
    }

    /// Changes what is debugged (`debug …`, `undebug …`).
    pub(crate) fn set_debug_flags(&self, f: impl FnOnce(&mut DebugFlags)) {
        self.with_slot(|d: &mut Debugging| f(&mut d.flags));
    }

    /// True when debug lines of `level` are being produced (callers skip
    /// formatting otherwise).
    pub fn debugging(&self, level: DebugLevel) -> bool {
        self.debug_flags().covers(level)
    }
}
