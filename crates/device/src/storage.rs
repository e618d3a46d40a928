//! Storage as a feature: what the configuration path needs to know of the
//! device's files. A `netconf format` line must name a schema file that
//! exists; the check runs under the device lock, so it reads no file: a
//! flash name costs one lookup of its metadata (only when a change adds
//! such a line), and whether NVRAM holds a startup-config is kept in
//! memory by its one writer ([`Files`]).

use crate::configure::Commit;
use crate::feature::Feature;
use crate::fs::{Flash, Location};

/// The storage feature.
pub(crate) struct Storage;

/// What the storage knows without I/O, kept in the device's slots.
#[derive(Default)]
pub(crate) struct Files {
    /// The device's flash (a handle to it).
    pub(crate) flash: Option<Flash>,
    /// Whether NVRAM holds a startup-config, kept by its one writer.
    pub(crate) startup: bool,
}

impl Files {
    /// Whether `name` (a flash path or `startup-config`) is a file.
    fn holds(&self, name: &str) -> bool {
        let Some(flash) = &self.flash else {
            return false;
        };
        match flash.location(name) {
            Ok(Location::Flash(p)) if !p.is_empty() => flash.is_file(&p),
            Ok(Location::Startup) => self.startup,
            _ => false,
        }
    }
}

impl Feature for Storage {
    fn name(&self) -> &'static str {
        "storage"
    }

    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        // IOS boots whatever its startup-config holds.
        if commit.boot {
            return Ok(());
        }
        let files = commit.slots.get::<Files>();
        for c in commit.changes {
            for line in c.added() {
                let Some(name) = line.strip_prefix("netconf format ") else {
                    continue;
                };
                let name = name.trim();
                if !files.is_some_and(|f| f.holds(name)) {
                    return Err(format!("%Error opening {name} (No such file or directory)"));
                }
            }
        }
        Ok(())
    }
}
