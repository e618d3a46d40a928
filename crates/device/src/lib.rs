//! The emulated IOS device: running and startup configuration, settings
//! derived from them, NETCONF operations (one module each), locks,
//! sessions, counters and crash-safe persistence. A device is a value; a
//! process may run many.

pub mod admission;
pub mod builder;
pub mod clock;
pub mod configure;
mod counters;
mod debug;
pub mod device;
pub mod exec;
pub mod interfaces;
mod keys;
mod lines;
pub mod locks;
pub mod netconf;
mod nvram;
pub mod ops;
pub mod profile;
pub mod shell;

pub use builder::{BuildError, DeviceBuilder};
pub use configure::{Changer, Commit, CommitHook, Refused};
pub use counters::Counters;
pub use debug::{DebugFlags, DebugLevel, MonitorSink};
pub use device::{Device, DeviceError};
/// The typed settings the device derives from its configuration.
pub use ironconf_ios::settings;
pub use keys::KeyStore;
pub use lines::{KillSwitch, LineEntry, LineOwner, SshConnection, vty_line_number};
pub use netconf::NetconfHandler;
pub use nvram::{BootReport, STARTUP_CONFIG, write_atomically};
pub use profile::{Profile, TextEol};
