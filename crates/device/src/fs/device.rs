//! The device's file systems as its commands use them: names read, files
//! listed, read and written on the flash, NVRAM and remote URLs.

use std::io::Write;

use super::store::{Entry, StoreError};
use super::*;
use crate::device::Device;

impl Device {
    /// The flash's prefix (`bootflash:` or `flash:`).
    pub fn flash_name(&self) -> &'static str {
        self.shared.parts.flash.spec.name
    }

    /// Reads a name as IOS does: a keyword, a prefix and path, or a path
    /// on the flash (the working directory).
    pub fn location(&self, text: &str) -> Result<Location, NameError> {
        self.shared.parts.flash.location(text)
    }

    /// How IOS prints a location in messages and listings.
    pub fn location_name(&self, loc: &Location) -> String {
        match loc {
            Location::Running => "system:running-config".into(),
            Location::Startup => "nvram:startup-config".into(),
            Location::Null => "null:".into(),
            Location::Flash(p) => format!("{}/{}", self.flash_name(), p.join("/")),
            Location::Remote(u) => u.clone(),
            Location::Listing(fs) => format!("{fs}/"),
        }
    }

    /// Bytes the flash holds and its capacity.
    pub fn flash_usage(&self) -> (u64, u64) {
        let f = &self.shared.parts.flash;
        (f.store.used(), f.spec.capacity)
    }

    /// The entry at `path` on the flash.
    pub fn flash_stat(&self, path: &[String]) -> Result<Entry, StoreError> {
        self.shared.parts.flash.store.stat(path)
    }

    /// The entries of a directory on the flash.
    pub fn flash_list(&self, path: &[String]) -> Result<Vec<Entry>, StoreError> {
        self.shared.parts.flash.store.list(path)
    }

    /// Opens a file on the flash for reading.
    pub fn flash_open(&self, path: &[String]) -> Result<Box<dyn Read + Send>, StoreError> {
        self.shared.parts.flash.store.open(path)
    }

    /// Starts writing a file on the flash of (at most) `expected` bytes,
    /// refused at once when they cannot fit; the writer refuses bytes past
    /// the free space as they come, so a full flash keeps no partial file.
    pub fn flash_create(
        &self,
        path: &[String],
        expected: Option<u64>,
    ) -> Result<Box<dyn NewFile>, FsWriteError> {
        let f = &self.shared.parts.flash;
        if path.is_empty() {
            return Err(FsWriteError::Store(StoreError::IsDir));
        }
        check_path(path).map_err(FsWriteError::Name)?;
        let replaced = f.store.stat(path).map(|e| e.size).unwrap_or(0);
        let mut space = Space {
            store: f.store.clone(),
            reserved: f.reserved.clone(),
            capacity: f.spec.capacity,
            replaced,
            held: 0,
        };
        if !space.reserve(expected.unwrap_or(0)) {
            return Err(FsWriteError::NoSpace);
        }
        let inner = f.store.create(path).map_err(FsWriteError::Store)?;
        Ok(Box::new(Bounded { inner, space }))
    }

    /// Removes a file on the flash.
    pub fn flash_remove(&self, path: &[String]) -> Result<(), StoreError> {
        self.shared.parts.flash.store.remove(path)
    }

    /// Makes a directory on the flash.
    pub fn flash_mkdir(&self, path: &[String]) -> Result<(), FsWriteError> {
        check_path(path).map_err(FsWriteError::Name)?;
        self.shared
            .parts
            .flash
            .store
            .mkdir(path)
            .map_err(FsWriteError::Store)
    }

    /// Removes an empty directory on the flash.
    pub fn flash_rmdir(&self, path: &[String]) -> Result<(), StoreError> {
        self.shared.parts.flash.store.rmdir(path)
    }

    /// Renames on the flash.
    pub fn flash_rename(&self, from: &[String], to: &[String]) -> Result<(), FsWriteError> {
        check_path(to).map_err(FsWriteError::Name)?;
        self.shared
            .parts
            .flash
            .store
            .rename(from, to)
            .map_err(FsWriteError::Store)
    }

    /// Reads a file on the flash whole, up to `max` bytes.
    pub fn flash_read(&self, path: &[String], max: u64) -> Result<Vec<u8>, FsReadError> {
        let entry = self.flash_stat(path).map_err(FsReadError::Store)?;
        if entry.dir {
            return Err(FsReadError::Store(StoreError::IsDir));
        }
        if entry.size > max {
            return Err(FsReadError::TooLarge);
        }
        let mut r = self.flash_open(path).map_err(FsReadError::Store)?;
        let mut out = Vec::with_capacity(entry.size as usize);
        r.by_ref()
            .take(max.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|_| FsReadError::Store(StoreError::Io))?;
        if out.len() as u64 > max {
            return Err(FsReadError::TooLarge);
        }
        Ok(out)
    }

    /// Writes a whole file on the flash, crash-safely.
    pub fn flash_write(&self, path: &[String], bytes: &[u8]) -> Result<(), FsWriteError> {
        let mut w = self.flash_create(path, Some(bytes.len() as u64))?;
        w.write_all(bytes).map_err(FsWriteError::from_io)?;
        w.commit().map_err(FsWriteError::Store)
    }
}

impl Device {
    /// Reads a location whole, up to `max` bytes; the error is IOS's
    /// message (`%Error opening NAME (REASON)`).
    pub fn read_location(&self, loc: &Location, max: u64) -> Result<Vec<u8>, String> {
        let name = self.location_name(loc);
        let opening = |reason: &str| format!("%Error opening {name} ({reason})");
        match loc {
            Location::Running => Ok(self.view(|v| v.saved_text()).into_bytes()),
            Location::Startup => self
                .startup_text()
                .map(String::into_bytes)
                .ok_or_else(|| opening("No such file or directory")),
            Location::Null => Ok(Vec::new()),
            Location::Flash(p) => self.flash_read(p, max).map_err(|e| opening(e.as_str())),
            Location::Remote(u) => self.fetch_remote(u, max),
            Location::Listing(_) => Err(opening("Is a directory")),
        }
    }

    /// Writes a location whole: a flash file, startup-config, `null:`.
    /// running-config is changed through the configuration path instead.
    pub fn write_location(&self, loc: &Location, bytes: &[u8]) -> Result<(), String> {
        let name = self.location_name(loc);
        match loc {
            Location::Flash(p) => self
                .flash_write(p, bytes)
                .map_err(|e| format!("%Error copying {name} ({})", e.as_str())),
            Location::Startup => self
                .write_startup_text(&String::from_utf8_lossy(bytes))
                .map_err(|e| format!("%Error copying {name} ({e})")),
            Location::Null => Ok(()),
            Location::Remote(u) => self.put_remote(u, bytes),
            Location::Running | Location::Listing(_) => {
                Err(format!("%Error opening {name} (Permission denied)"))
            }
        }
    }
}
