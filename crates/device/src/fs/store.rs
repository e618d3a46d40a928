//! Where a file system's files are kept: a folder of the state directory
//! (crash-safe writes, symbolic links refused) or memory (a device without
//! a state directory). Paths reaching a store are already checked: plain
//! components, no `.` or `..`, no control characters.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::clock::Clock;

/// Prefix of the temporary files a write goes through (hidden from `dir`,
/// refused as a file name, removed at start if a crash left one).
pub(crate) const TEMP_PREFIX: &str = ".ironconf-tmp.";

/// One directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// A directory.
    pub dir: bool,
    /// Size in bytes (0 for a directory).
    pub size: u64,
    /// Last modification.
    pub modified: SystemTime,
    /// A stable number for `dir`'s first column (the inode on disk).
    pub id: u64,
}

/// Why a store operation failed, as IOS words it in parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.as_str())]
#[non_exhaustive]
pub enum StoreError {
    /// `No such file or directory`
    NotFound,
    /// `File exists`
    Exists,
    /// `Is a directory`
    IsDir,
    /// `Not a directory`
    NotDir,
    /// `Directory not empty`
    NotEmpty,
    /// `Permission denied` (a symbolic link, or an entry the store cannot use)
    Denied,
    /// `I/O error`
    Io,
}

impl StoreError {
    /// The words IOS puts in parentheses.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreError::NotFound => "No such file or directory",
            StoreError::Exists => "File exists",
            StoreError::IsDir => "Is a directory",
            StoreError::NotDir => "Not a directory",
            StoreError::NotEmpty => "Directory not empty",
            StoreError::Denied => "Permission denied",
            StoreError::Io => "I/O error",
        }
    }

    pub(crate) fn from_io(e: &std::io::Error) -> StoreError {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::NotFound => StoreError::NotFound,
            K::AlreadyExists => StoreError::Exists,
            K::PermissionDenied => StoreError::Denied,
            K::IsADirectory => StoreError::IsDir,
            K::NotADirectory => StoreError::NotDir,
            K::DirectoryNotEmpty => StoreError::NotEmpty,
            _ => StoreError::Io,
        }
    }
}

/// A file being written: invisible until [`NewFile::commit`]; dropped
/// uncommitted, it leaves nothing.
pub trait NewFile: Write + Send {
    /// Puts the file in place (replacing one of that name), crash-safely.
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
    /// Bytes written so far.
    fn written(&self) -> u64;
}

/// A file system's storage.
pub trait Store: Send + Sync {
    /// The entry at `path` (the root when empty).
    fn stat(&self, path: &[String]) -> Result<Entry, StoreError>;
    /// The entries of the directory at `path`, by name.
    fn list(&self, path: &[String]) -> Result<Vec<Entry>, StoreError>;
    /// Opens the file at `path` for reading.
    fn open(&self, path: &[String]) -> Result<Box<dyn Read + Send>, StoreError>;
    /// Starts writing the file at `path` (its directory must exist).
    fn create(&self, path: &[String]) -> Result<Box<dyn NewFile>, StoreError>;
    /// Removes the file at `path`.
    fn remove(&self, path: &[String]) -> Result<(), StoreError>;
    /// Makes the directory at `path`.
    fn mkdir(&self, path: &[String]) -> Result<(), StoreError>;
    /// Removes the empty directory at `path`.
    fn rmdir(&self, path: &[String]) -> Result<(), StoreError>;
    /// Renames `from` to `to`.
    fn rename(&self, from: &[String], to: &[String]) -> Result<(), StoreError>;
    /// Bytes used by every file.
    fn used(&self) -> u64;
    /// Whether a file is at `path`: a lookup of its metadata, never of
    /// its contents (the configuration path asks it under the device
    /// lock).
    fn is_file(&self, path: &[String]) -> bool {
        self.stat(path).is_ok_and(|e| !e.dir)
    }
}

/// Files in a folder of the state directory.
#[derive(Debug)]
pub struct DiskStore {
    root: PathBuf,
    /// Bytes the files use: counted once at open, then kept as files are
    /// written and removed (walking the folder for every new file made
    /// each one slower than the last).
    used: Arc<AtomicU64>,
}

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

impl DiskStore {
    /// The store in `root` (made if missing); temporary files a crash left
    /// behind are removed.
    pub fn open(root: PathBuf) -> std::io::Result<DiskStore> {
        fs::create_dir_all(&root)?;
        remove_temporaries(&root);
        let used = Arc::new(AtomicU64::new(walk_used(&root)));
        Ok(DiskStore { root, used })
    }

    /// The host path of `path`, refusing symbolic links on the way (a link
    /// placed in the state directory is never followed).
    fn host(&self, path: &[String]) -> Result<PathBuf, StoreError> {
        let mut p = self.root.clone();
        for c in path {
            p.push(c);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => return Err(StoreError::Denied),
                Ok(_) => {}
                // What does not exist is checked by the operation itself.
                Err(_) => {}
            }
        }
        Ok(p)
    }
}

/// Subtracts `n` from a count of bytes, stopping at zero.
fn take(count: &AtomicU64, n: u64) {
    let _ = count.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| {
        Some(v.saturating_sub(n))
    });
}

/// Bytes the files under `dir` use (symbolic links not followed).
fn walk_used(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut total = 0;
    for e in entries.filter_map(Result::ok) {
        let Ok(m) = e.metadata() else { continue };
        if m.file_type().is_symlink() {
            continue;
        }
        total += if m.is_dir() {
            walk_used(&e.path())
        } else {
            m.len()
        };
    }
    total
}

fn entry_of(name: String, m: &fs::Metadata) -> Entry {
    use std::os::unix::fs::MetadataExt as _;
    Entry {
        name,
        dir: m.is_dir(),
        size: if m.is_dir() { 0 } else { m.len() },
        modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        id: m.ino(),
    }
}

fn remove_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            remove_temporaries(&e.path());
        } else if name.starts_with(TEMP_PREFIX) {
            tracing::info!(file = %e.path().display(), "removing a temporary file left by an interrupted write");
            let _ = fs::remove_file(e.path());
        }
    }
}

struct DiskNewFile {
    file: fs::File,
    temp: PathBuf,
    target: PathBuf,
    written: u64,
    done: bool,
    used: Arc<AtomicU64>,
}

impl Write for DiskNewFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl NewFile for DiskNewFile {
    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::from_io(&e);
        self.file.sync_all().map_err(io)?;
        let replaced = match fs::symlink_metadata(&self.target) {
            Ok(m) if m.is_dir() => return Err(StoreError::IsDir),
            Ok(m) => m.len(),
            Err(_) => 0,
        };
        fs::rename(&self.temp, &self.target).map_err(io)?;
        self.done = true;
        self.used.fetch_add(self.written, Ordering::SeqCst);
        take(&self.used, replaced);
        if let Some(dir) = self.target.parent() {
            fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(())
    }

    fn written(&self) -> u64 {
        self.written
    }
}

impl Drop for DiskNewFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

impl Store for DiskStore {
    fn stat(&self, path: &[String]) -> Result<Entry, StoreError> {
        let p = self.host(path)?;
        let m = fs::symlink_metadata(&p).map_err(|e| StoreError::from_io(&e))?;
        Ok(entry_of(path.last().cloned().unwrap_or_default(), &m))
    }

    fn list(&self, path: &[String]) -> Result<Vec<Entry>, StoreError> {
        let p = self.host(path)?;
        let m = fs::symlink_metadata(&p).map_err(|e| StoreError::from_io(&e))?;
        if !m.is_dir() {
            return Err(StoreError::NotDir);
        }
        let mut out = Vec::new();
        for e in fs::read_dir(&p).map_err(|e| StoreError::from_io(&e))? {
            let Ok(e) = e else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMP_PREFIX) {
                continue;
            }
            let Ok(m) = e.metadata() else { continue };
            if m.file_type().is_symlink() {
                continue;
            }
            out.push(entry_of(name, &m));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn open(&self, path: &[String]) -> Result<Box<dyn Read + Send>, StoreError> {
        let p = self.host(path)?;
        let m = fs::symlink_metadata(&p).map_err(|e| StoreError::from_io(&e))?;
        if m.is_dir() {
            return Err(StoreError::IsDir);
        }
        let f = fs::File::open(&p).map_err(|e| StoreError::from_io(&e))?;
        Ok(Box::new(f))
    }

    fn create(&self, path: &[String]) -> Result<Box<dyn NewFile>, StoreError> {
        let target = self.host(path)?;
        let dir = target.parent().ok_or(StoreError::NotFound)?.to_owned();
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(StoreError::NotDir),
            Err(e) => return Err(StoreError::from_io(&e)),
        }
        let name = path.last().cloned().unwrap_or_default();
        let temp = dir.join(format!(
            "{TEMP_PREFIX}{}.{}.{name}",
            std::process::id(),
            TEMP_SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| StoreError::from_io(&e))?;
        Ok(Box::new(DiskNewFile {
            file,
            temp,
            target,
            written: 0,
            done: false,
            used: self.used.clone(),
        }))
    }

    fn remove(&self, path: &[String]) -> Result<(), StoreError> {
        let p = self.host(path)?;
        let m = fs::symlink_metadata(&p).map_err(|e| StoreError::from_io(&e))?;
        if m.is_dir() {
            return Err(StoreError::IsDir);
        }
        fs::remove_file(&p).map_err(|e| StoreError::from_io(&e))?;
        take(&self.used, m.len());
        sync_parent(&p)
    }

    fn mkdir(&self, path: &[String]) -> Result<(), StoreError> {
        let p = self.host(path)?;
        fs::create_dir(&p).map_err(|e| StoreError::from_io(&e))?;
        sync_parent(&p)
    }

    fn rmdir(&self, path: &[String]) -> Result<(), StoreError> {
        let p = self.host(path)?;
        let m = fs::symlink_metadata(&p).map_err(|e| StoreError::from_io(&e))?;
        if !m.is_dir() {
            return Err(StoreError::NotDir);
        }
        fs::remove_dir(&p).map_err(|e| StoreError::from_io(&e))?;
        sync_parent(&p)
    }

    fn rename(&self, from: &[String], to: &[String]) -> Result<(), StoreError> {
        let a = self.host(from)?;
        let b = self.host(to)?;
        fs::symlink_metadata(&a).map_err(|e| StoreError::from_io(&e))?;
        if fs::symlink_metadata(&b).is_ok() {
            return Err(StoreError::Exists);
        }
        fs::rename(&a, &b).map_err(|e| StoreError::from_io(&e))?;
        sync_parent(&b)
    }

    fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }
}

fn sync_parent(p: &Path) -> Result<(), StoreError> {
    match p.parent() {
        Some(dir) => fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::from_io(&e)),
        None => Ok(()),
    }
}

/// Files in memory, for a device without a state directory; their times
/// come from the device's clock.
pub struct MemoryStore {
    inner: Arc<Mutex<MemoryTree>>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct MemoryTree {
    /// Files by full path (`a/b`), with their bytes and time.
    files: BTreeMap<String, (Arc<Vec<u8>>, SystemTime, u64)>,
    /// Directories by full path.
    dirs: BTreeMap<String, (SystemTime, u64)>,
    next_id: u64,
}

fn joined(path: &[String]) -> String {
    path.join("/")
}

fn parent_of(path: &[String]) -> String {
    joined(&path[..path.len().saturating_sub(1)])
}

impl MemoryTree {
    fn is_dir(&self, p: &str) -> bool {
        p.is_empty() || self.dirs.contains_key(p)
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

impl MemoryStore {
    /// An empty store whose files are stamped by `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> MemoryStore {
        MemoryStore {
            inner: Arc::default(),
            clock,
        }
    }

    fn tree(&self) -> std::sync::MutexGuard<'_, MemoryTree> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct MemoryNewFile {
    tree: Arc<Mutex<MemoryTree>>,
    clock: Arc<dyn Clock>,
    path: String,
    bytes: Vec<u8>,
}

impl Write for MemoryNewFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl NewFile for MemoryNewFile {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let mut t = self.tree.lock().unwrap_or_else(|p| p.into_inner());
        if t.dirs.contains_key(&self.path) {
            return Err(StoreError::IsDir);
        }
        let id = match t.files.get(&self.path) {
            Some((_, _, id)) => *id,
            None => t.id(),
        };
        t.files
            .insert(self.path, (Arc::new(self.bytes), self.clock.wall(), id));
        Ok(())
    }

    fn written(&self) -> u64 {
        self.bytes.len() as u64
    }
}

impl Store for MemoryStore {
    fn stat(&self, path: &[String]) -> Result<Entry, StoreError> {
        let t = self.tree();
        let p = joined(path);
        let name = path.last().cloned().unwrap_or_default();
        if p.is_empty() {
            return Ok(Entry {
                name,
                dir: true,
                size: 0,
                modified: SystemTime::UNIX_EPOCH,
                id: 0,
            });
        }
        if let Some((m, id)) = t.dirs.get(&p) {
            return Ok(Entry {
                name,
                dir: true,
                size: 0,
                modified: *m,
                id: *id,
            });
        }
        let (bytes, m, id) = t.files.get(&p).ok_or(StoreError::NotFound)?;
        Ok(Entry {
            name,
            dir: false,
            size: bytes.len() as u64,
            modified: *m,
            id: *id,
        })
    }

    fn list(&self, path: &[String]) -> Result<Vec<Entry>, StoreError> {
        let t = self.tree();
        let p = joined(path);
        if !t.is_dir(&p) {
            return Err(if t.files.contains_key(&p) {
                StoreError::NotDir
            } else {
                StoreError::NotFound
            });
        }
        let prefix = if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        };
        let direct = |k: &String| {
            k.strip_prefix(&prefix)
                .filter(|rest| !rest.is_empty() && !rest.contains('/'))
                .map(str::to_owned)
        };
        let mut out: Vec<Entry> = t
            .dirs
            .iter()
            .filter_map(|(k, (m, id))| {
                direct(k).map(|name| Entry {
                    name,
                    dir: true,
                    size: 0,
                    modified: *m,
                    id: *id,
                })
            })
            .chain(t.files.iter().filter_map(|(k, (b, m, id))| {
                direct(k).map(|name| Entry {
                    name,
                    dir: false,
                    size: b.len() as u64,
                    modified: *m,
                    id: *id,
                })
            }))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn open(&self, path: &[String]) -> Result<Box<dyn Read + Send>, StoreError> {
        let t = self.tree();
        let p = joined(path);
        if t.is_dir(&p) {
            return Err(StoreError::IsDir);
        }
        let (bytes, _, _) = t.files.get(&p).ok_or(StoreError::NotFound)?;
        Ok(Box::new(std::io::Cursor::new(ArcBytes(bytes.clone()))))
    }

    fn create(&self, path: &[String]) -> Result<Box<dyn NewFile>, StoreError> {
        let t = self.tree();
        let parent = parent_of(path);
        if !t.is_dir(&parent) {
            return Err(if t.files.contains_key(&parent) {
                StoreError::NotDir
            } else {
                StoreError::NotFound
            });
        }
        Ok(Box::new(MemoryNewFile {
            tree: self.inner.clone(),
            clock: self.clock.clone(),
            path: joined(path),
            bytes: Vec::new(),
        }))
    }

    fn remove(&self, path: &[String]) -> Result<(), StoreError> {
        let mut t = self.tree();
        let p = joined(path);
        if t.is_dir(&p) {
            return Err(StoreError::IsDir);
        }
        t.files.remove(&p).map(|_| ()).ok_or(StoreError::NotFound)
    }

    fn mkdir(&self, path: &[String]) -> Result<(), StoreError> {
        let mut t = self.tree();
        let p = joined(path);
        if t.is_dir(&p) || t.files.contains_key(&p) {
            return Err(StoreError::Exists);
        }
        if !t.is_dir(&parent_of(path)) {
            return Err(StoreError::NotFound);
        }
        let id = t.id();
        t.dirs.insert(p, (self.clock.wall(), id));
        Ok(())
    }

    fn rmdir(&self, path: &[String]) -> Result<(), StoreError> {
        let mut t = self.tree();
        let p = joined(path);
        if !t.dirs.contains_key(&p) {
            return Err(if t.files.contains_key(&p) {
                StoreError::NotDir
            } else {
                StoreError::NotFound
            });
        }
        let prefix = format!("{p}/");
        if t.files
            .keys()
            .chain(t.dirs.keys())
            .any(|k| k.starts_with(&prefix))
        {
            return Err(StoreError::NotEmpty);
        }
        t.dirs.remove(&p);
        Ok(())
    }

    fn rename(&self, from: &[String], to: &[String]) -> Result<(), StoreError> {
        let mut t = self.tree();
        let a = joined(from);
        let b = joined(to);
        if t.files.contains_key(&b) || t.dirs.contains_key(&b) {
            return Err(StoreError::Exists);
        }
        if !t.is_dir(&parent_of(to)) {
            return Err(StoreError::NotFound);
        }
        if let Some(f) = t.files.remove(&a) {
            t.files.insert(b, f);
            return Ok(());
        }
        if !t.dirs.contains_key(&a) {
            return Err(StoreError::NotFound);
        }
        // A directory moves with everything below it.
        let prefix = format!("{a}/");
        let moved = |k: &str| format!("{b}{}", &k[a.len()..]);
        let files: Vec<String> = t
            .files
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in files {
            if let Some(v) = t.files.remove(&k) {
                t.files.insert(moved(&k), v);
            }
        }
        let dirs: Vec<String> = t
            .dirs
            .keys()
            .filter(|k| **k == a || k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in dirs {
            if let Some(v) = t.dirs.remove(&k) {
                t.dirs.insert(moved(&k), v);
            }
        }
        Ok(())
    }

    fn used(&self) -> u64 {
        self.tree()
            .files
            .values()
            .map(|(b, _, _)| b.len() as u64)
            .sum()
    }
}

/// Shared file bytes, readable without a copy.
struct ArcBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
