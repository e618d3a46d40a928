//! The emulated IOS device: running and startup configuration, settings
//! derived from them, NETCONF operations (one module each), EXEC commands
//! (one file per family), the interactive shell, locks, sessions, counters
//! and crash-safe persistence. A device is a value; a process may run many.
//!
//! # Building a device
//!
//! [`Device::in_memory`] and [`Device::open`] make the built-in IOS device.
//! [`Device::builder`] makes one an appliance embeds, with its own
//! configuration commands ([`DeviceBuilder::catalogue`]), EXEC commands
//! ([`exec::Command`]), rpc operations ([`DeviceBuilder::operation`]),
//! features ([`feature::Feature`]: state, a commit check, a reaction and a
//! timer), commit hooks ([`CommitHook`], a feature that only checks) and
//! [`clock::Clock`]:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use ironconf_device::clock::ManualClock;
//! use ironconf_device::exec::{Command, ExecCaller, ExecOutput, run};
//! use ironconf_device::{Changer, Commit, ConfigureError, Device, Profile, Refused};
//!
//! let clock = Arc::new(ManualClock::new());
//! let (device, _boot) = Device::builder(Profile::default())
//!     .in_memory("hostname edge1\n")
//!     .catalogue("config: sensor WORD threshold <1-100> ; key=2\n")
//!     .exec_command(Command::new("show sensors ; priv=1", |inv| {
//!         let n = inv.device.running_config_lines("sensor ").len();
//!         ExecOutput::ok(format!("{n} sensors\n"))
//!     }))
//!     .commit_hook(|c: &Commit<'_>| {
//!         if c.added().iter().any(|l| l.ends_with("threshold 100")) {
//!             return Err("threshold 100 never fires".into());
//!         }
//!         Ok(())
//!     })
//!     .clock(clock.clone())
//!     .build()?;
//!
//! // Every change goes through one path: the shell, NETCONF and Rust alike.
//! let who = Changer { user: "ops", session: None, line: None };
//! device.configure(who, &["sensor t1 threshold 70"]).expect("accepted");
//! assert_eq!(
//!     device.configure(who, &["sensor t2 threshold 100"]),
//!     Err(ConfigureError::Refused(Refused::Hook {
//!         message: "threshold 100 never fires".into()
//!     }))
//! );
//! assert!(matches!(
//!     device.configure(who, &["sensor t3 threshold 900"]),
//!     Err(ConfigureError::Line { .. })
//! ));
//!
//! let viewer = ExecCaller { session: None, user: "ops".into(), privilege: 1, line: None };
//! assert_eq!(run(&device, &viewer, "show sensors").text, "1 sensors\n");
//!
//! clock.advance(Duration::from_secs(60));
//! assert_eq!(device.uptime(), Duration::from_secs(60));
//! # Ok::<(), ironconf_device::BuildError>(())
//! ```
//!
//! The SSH server (`ironconf-server`) serves a device built either way;
//! `crates/server/examples/firewall.rs` is a whole appliance.

pub mod aaa;
pub mod admission;
pub mod archive;
pub mod builder;
pub mod configure;
mod debug;
pub mod device;
mod events;
pub mod exec;
pub mod feature;
/// What LLDP and CDP hear, BGP, VRFs, NTP, SNMP and VLANs, derived from
/// the configuration ([`ironconf_model`]).
pub mod features {
    pub use ironconf_model::bgp::*;
    pub use ironconf_model::neighbors::*;
    pub use ironconf_model::services::*;
}
pub mod fs;
pub use ironconf_core::{clock, counters, lines, locks, profile};
pub use ironconf_model::{interfaces, platform, routes};
mod idle_lines;
mod keys;
pub mod logging;
mod login_watch;
mod neighbors;
pub mod netconf;
pub mod notify;
mod nvram;
pub mod ops;
pub mod scp;
pub mod sessions;
pub mod shell;
mod storage;

pub use builder::{BuildError, DeviceBuilder, OperationHandler};
pub use configure::{Changer, Commit, ConfigureError, Refused};
pub use counters::Counters;
pub use debug::{DebugFlags, DebugLevel, MonitorSink};
pub use device::{Device, DeviceError};
pub use feature::CommitHook;
pub use ironconf_core::Core;
/// The typed settings the device derives from its configuration.
pub use ironconf_ios::settings;
pub use keys::KeyStore;
pub use lines::{KillSwitch, LineEntry, LineOwner, SshConnection, vty_line_number};
pub use netconf::NetconfHandler;
pub use nvram::{BootReport, STARTUP_CONFIG, write_atomically};
pub use profile::{Profile, TextEol};
