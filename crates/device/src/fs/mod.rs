//! The device's file systems, as IOS names them: the flash (`bootflash:`
//! with `flash:` as its alias on IOS XE, `flash:` on IOS 15 and 12),
//! `nvram:` (holding `startup-config`, the file the device boots from),
//! `system:` (`system:running-config`), `null:`, and the keywords
//! `running-config` and `startup-config`.
//!
//! A name given by a user is checked before anything is touched: plain
//! components only (no `.` or `..`, no control characters, bounded
//! lengths), always below the file system's root, so nothing outside it is
//! read or written. The flash keeps its files in a folder of the state
//! directory (or in memory), within a capacity that is enforced: a write
//! that would pass it fails and leaves nothing.

mod device;
pub mod remote;
pub mod store;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use store::{DiskStore, MemoryStore, NewFile, Store, StoreError, TEMP_PREFIX};

/// Longest file or directory name accepted.
pub const MAX_NAME: usize = 127;
/// Longest path accepted (below the file system's prefix).
pub const MAX_PATH: usize = 255;
/// Most bytes a command reads whole into memory (`more`, `copy` into
/// running-config, `show archive config differences`).
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;
/// The size `nvram:` reports.
pub const NVRAM_BYTES: u64 = 33_554_432;

pub use ironconf_core::profile::FlashSpec;

/// Where a copy reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `running-config`, `system:running-config`.
    Running,
    /// `startup-config`, `nvram:startup-config`.
    Startup,
    /// `null:` (anything below it).
    Null,
    /// A file or directory on the flash, by its components (none: the
    /// root).
    Flash(Vec<String>),
    /// A remote URL (`tftp://`, `scp://`, `http://`, …), as given.
    Remote(String),
    /// The directory of a file system that lists but holds no user files
    /// (`nvram:`, `system:`).
    Listing(&'static str),
}

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.as_str())]
#[non_exhaustive]
pub enum NameError {
    /// A prefix no file system has (`foo:`): IOS's parser refuses it.
    UnknownFileSystem,
    /// `.` or `..`, an empty name where one is needed, or a control
    /// character: `Invalid argument`.
    Invalid,
    /// Past [`MAX_NAME`] or [`MAX_PATH`]: `File name too long`.
    TooLong,
}

impl NameError {
    /// The words IOS puts in parentheses.
    pub fn as_str(self) -> &'static str {
        match self {
            NameError::UnknownFileSystem => "No such device",
            NameError::Invalid => "Invalid argument",
            NameError::TooLong => "File name too long",
        }
    }
}

/// The flash of one device (a clone is the same flash).
#[derive(Clone)]
pub(crate) struct Flash {
    spec: FlashSpec,
    store: Arc<dyn Store>,
    /// Bytes promised to files being written: space is reserved when a
    /// write starts (its announced size) or grows, so that writes at once
    /// cannot together spend more than is free.
    reserved: Arc<Mutex<u64>>,
}

impl std::fmt::Debug for Flash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flash")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

impl Flash {
    /// The flash in `dir` (a folder named after its prefix), or in memory.
    pub(crate) fn open(
        spec: FlashSpec,
        dir: Option<&std::path::Path>,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<Flash> {
        let store: Arc<dyn Store> = match dir {
            Some(d) => Arc::new(DiskStore::open(d.join(spec.name.trim_end_matches(':')))?),
            None => Arc::new(MemoryStore::new(clock)),
        };
        Ok(Flash {
            spec,
            store,
            reserved: Arc::default(),
        })
    }

    /// In memory (a device whose state directory cannot hold it).
    pub(crate) fn in_memory(spec: FlashSpec, clock: Arc<dyn Clock>) -> Flash {
        Flash {
            spec,
            store: Arc::new(MemoryStore::new(clock)),
            reserved: Arc::default(),
        }
    }
}

impl Flash {
    /// Reads a name as IOS does (what `Device::location` answers).
    pub(crate) fn location(&self, text: &str) -> Result<Location, NameError> {
        let spec = self.spec;
        let text = text.trim();
        if text.chars().any(char::is_control) {
            return Err(NameError::Invalid);
        }
        if !text.contains(':') {
            if abbreviates(text, "running-config") {
                return Ok(Location::Running);
            }
            if abbreviates(text, "startup-config") {
                return Ok(Location::Startup);
            }
            return components(text).map(Location::Flash);
        }
        let (prefix, rest) = match text.find(':') {
            Some(i) => (&text[..=i], &text[i + 1..]),
            None => (text, ""),
        };
        let prefix_lc = prefix.to_ascii_lowercase();
        if rest.starts_with("//") {
            return match prefix_lc.as_str() {
                "tftp:" | "scp:" | "http:" | "https:" | "ftp:" | "rcp:" => {
                    Ok(Location::Remote(text.to_owned()))
                }
                _ => Err(NameError::UnknownFileSystem),
            };
        }
        if prefix_lc == spec.name || Some(prefix_lc.as_str()) == spec.alias {
            return components(rest).map(Location::Flash);
        }
        let name = components(rest)?;
        match (prefix_lc.as_str(), name.as_slice()) {
            ("null:", _) => Ok(Location::Null),
            ("nvram:", []) => Ok(Location::Listing("nvram:")),
            ("nvram:", [f]) if f == "startup-config" => Ok(Location::Startup),
            ("system:", []) => Ok(Location::Listing("system:")),
            ("system:", [f]) if f == "running-config" => Ok(Location::Running),
            ("nvram:" | "system:", _) => Err(NameError::Invalid),
            ("tftp:" | "scp:" | "http:" | "https:" | "ftp:" | "rcp:", _) => {
                Ok(Location::Remote(text.to_owned()))
            }
            _ => Err(NameError::UnknownFileSystem),
        }
    }

    /// Whether a file is at `path` (a metadata lookup).
    pub(crate) fn is_file(&self, path: &[String]) -> bool {
        self.store.is_file(path)
    }
}

/// Splits `rest` (what follows a prefix) into checked components.
fn components(rest: &str) -> Result<Vec<String>, NameError> {
    let out: Vec<String> = rest
        .split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    check_path(&out)?;
    Ok(out)
}

/// Whether `path` may name a file: each component a name (not `.`, `..`,
/// a control character, or the store's own temporary prefix; at most
/// [`MAX_NAME`]) and the whole at most [`MAX_PATH`]. Every way a file is
/// made goes through it (`copy`, SCP, `mkdir`, `rename`), so no file can
/// exist that a command could not name.
pub(crate) fn check_path(path: &[String]) -> Result<(), NameError> {
    let mut total = 0;
    for c in path {
        if c.is_empty()
            || c == "."
            || c == ".."
            || c.contains('/')
            || c.chars().any(char::is_control)
            || c.starts_with(TEMP_PREFIX)
        {
            return Err(NameError::Invalid);
        }
        if c.len() > MAX_NAME {
            return Err(NameError::TooLong);
        }
        total += c.len() + usize::from(total > 0);
    }
    if total > MAX_PATH {
        return Err(NameError::TooLong);
    }
    Ok(())
}

/// True when `word` abbreviates `keyword` (at least three characters, as
/// IOS needs to tell `running-config` from `rcp:`).
fn abbreviates(word: &str, keyword: &str) -> bool {
    word.len() >= 3 && keyword.starts_with(word)
}

/// Why a whole read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.as_str())]
#[non_exhaustive]
pub enum FsReadError {
    /// The store's reason.
    Store(StoreError),
    /// Larger than the command reads (`File too large`).
    TooLarge,
}

impl FsReadError {
    /// The words IOS puts in parentheses.
    pub fn as_str(self) -> &'static str {
        match self {
            FsReadError::Store(e) => e.as_str(),
            FsReadError::TooLarge => "File too large",
        }
    }
}

/// Why a write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.as_str())]
#[non_exhaustive]
pub enum FsWriteError {
    /// The store's reason.
    Store(StoreError),
    /// The name cannot be a file's (`Invalid argument`, `File name too long`).
    Name(NameError),
    /// The flash is full: `No space left on device`.
    NoSpace,
}

impl FsWriteError {
    /// The words IOS puts in parentheses.
    pub fn as_str(self) -> &'static str {
        match self {
            FsWriteError::Store(e) => e.as_str(),
            FsWriteError::Name(e) => e.as_str(),
            FsWriteError::NoSpace => "No space left on device",
        }
    }

    pub(crate) fn from_io(e: std::io::Error) -> FsWriteError {
        FsWriteError::from_io_ref(&e)
    }

    pub(crate) fn from_io_ref(e: &std::io::Error) -> FsWriteError {
        if e.kind() == std::io::ErrorKind::StorageFull {
            FsWriteError::NoSpace
        } else {
            FsWriteError::Store(StoreError::from_io(e))
        }
    }
}

/// A new file that may not grow past the free space it started with.
struct Bounded {
    inner: Box<dyn NewFile>,
    space: Space,
}

/// The space one file being written holds on the flash.
struct Space {
    store: Arc<dyn Store>,
    reserved: Arc<Mutex<u64>>,
    capacity: u64,
    /// The size of the file it replaces, freed when it is put in place.
    replaced: u64,
    held: u64,
}

impl Space {
    /// Holds `more` bytes if the flash has them beside what the files and
    /// the other writes hold.
    fn reserve(&mut self, more: u64) -> bool {
        let mut reserved = self.reserved.lock().unwrap_or_else(|p| p.into_inner());
        let taken = self.store.used() + *reserved;
        if taken + more > self.capacity + self.replaced {
            return false;
        }
        *reserved += more;
        self.held += more;
        true
    }
}

impl Drop for Space {
    /// Gives the space back: to nobody if the write was dropped, or after
    /// the file was put in place (the store counts it from then on).
    fn drop(&mut self) {
        let mut reserved = self.reserved.lock().unwrap_or_else(|p| p.into_inner());
        *reserved = reserved.saturating_sub(self.held);
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let after = self.inner.written() + buf.len() as u64;
        if after > self.space.held && !self.space.reserve(after - self.space.held) {
            return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl NewFile for Bounded {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let Bounded { inner, space } = *self;
        // Held while the file goes in place, so that nobody sees its bytes
        // neither reserved nor used.
        let _reserved = space.reserved.clone();
        let guard = _reserved.lock().unwrap_or_else(|p| p.into_inner());
        let result = inner.commit();
        drop(guard);
        drop(space);
        result
    }

    fn written(&self) -> u64 {
        self.inner.written()
    }
}
