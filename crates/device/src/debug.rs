//! `debug netconf` and `terminal monitor`: which debug lines are produced,
//! and the terminals they go to.

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

impl Device {
    /// Attaches (or with `None` detaches) the terminal of a vty, where
    /// debug lines go once `terminal monitor` is on.
    pub fn set_monitor_sink(&self, vty: u32, sink: Option<MonitorSink>) {
        let mut st = self.state();
        match sink {
            Some(s) => {
                st.monitor_sinks.insert(vty, Sink(s));
            }
            None => {
                st.monitor_sinks.remove(&vty);
                st.monitoring.remove(&vty);
            }
        }
    }

    /// True when debug lines of `level` are being produced (callers skip
    /// formatting otherwise).
    pub fn debugging(&self, level: DebugLevel) -> bool {
        self.state().debug.covers(level)
    }

    /// Sends a debug line through the logging pipeline (severity
    /// debugging): to the buffer and the monitoring terminals, as `logging
    /// buffered` and `logging monitor` say, timestamped as IOS does.
    pub fn debug(&self, level: DebugLevel, text: &str) {
        if !self.state().debug.covers(level) {
            return;
        }
        self.log(crate::logging::LogMessage {
            facility: "",
            severity: 7,
            mnemonic: "",
            text: text.to_owned(),
        });
    }
}
