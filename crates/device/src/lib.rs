//! The emulated IOS device: running and startup configuration, settings
//! derived from them, NETCONF operations (one module each), locks,
//! sessions, counters and crash-safe persistence. A device is a value; a
//! process may run many.

pub mod admission;
pub mod configure;
pub mod device;
pub mod exec;
pub mod interfaces;
pub mod locks;
pub mod netconf;
pub mod ops;
pub mod profile;
pub mod shell;

pub use device::{
    BootReport, Counters, DebugFlags, DebugLevel, Device, DeviceError, KeyStore, KillSwitch,
    LineEntry, LineOwner, STARTUP_CONFIG, SshConnection, vty_line_number,
};
pub use netconf::NetconfHandler;
pub use profile::{Profile, TextEol};
