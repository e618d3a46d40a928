//! The device as a value: its core ([`ironconf_core::Core`]: the
//! configuration, settings, locks, sessions and counters behind one lock,
//! and the handles its features keep outside it) with its features, its
//! state directory and its flash. One process may hold many devices.
//!
//! This file names no feature: each adds what it does to [`Device`] in its
//! own module, and keeps its state in the core's slots and handles.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ironconf_core::Core;

use crate::feature::Features;
use crate::fs::Flash;

pub use ironconf_core::device::RECORDED_LINES;

/// Errors opening or saving a device.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// The state directory cannot be used (at start: the operator's
    /// message, with the path).
    #[error("state directory {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// NVRAM could not be written: the words IOS puts in parentheses
    /// (`No space left on device`), never a host path, since peers read it.
    #[error("{0}")]
    Nvram(&'static str),
}

pub(crate) struct Shared {
    /// The device's state and its one configuration path.
    pub(crate) core: Core,
    /// The features, built-in ones first.
    pub(crate) features: Features,
    /// Where the device keeps its files.
    pub(crate) parts: DeviceParts,
}

/// Where a device keeps its files, made when it is built.
pub(crate) struct DeviceParts {
    pub(crate) flash: Flash,
    pub(crate) state_dir: Option<PathBuf>,
    /// Held by whoever writes NVRAM, from rendering what it writes to the
    /// rename: saves land whole and in the order they were rendered.
    pub(crate) nvram: Mutex<()>,
}

/// An emulated device. Cloning shares it. What its core does (the
/// configuration, locks, lines, sessions and counters) it does too.
#[derive(Clone)]
pub struct Device {
    pub(crate) shared: Arc<Shared>,
}

impl std::ops::Deref for Device {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.shared.core
    }
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("profile", &self.profile().name)
            .finish_non_exhaustive()
    }
}

impl Device {
    /// A device of `core` with `features`, keeping its files in `parts`.
    pub(crate) fn new(core: Core, features: Features, parts: DeviceParts) -> Device {
        Device {
            shared: Arc::new(Shared {
                core,
                features,
                parts,
            }),
        }
    }

    /// The state directory, if any.
    pub fn state_dir(&self) -> Option<&Path> {
        self.shared.parts.state_dir.as_deref()
    }

    /// Lets every feature do what is due at `now`, in order.
    pub fn handle_timeout(&self, now: Instant) {
        for f in self.shared.features.iter() {
            f.handle_timeout(self, now);
        }
    }
}
