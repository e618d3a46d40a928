//! NVRAM: the startup-config in the state directory, read at boot and
//! written crash-safely (temporary file, fsync, rename, fsync of the
//! directory).

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use ironconf_ios::apply::{LineFailure, load};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;
use rand::RngExt;

use crate::device::{Device, DeviceError};
use crate::interfaces::{BriefRow, Interface, brief_rows, interfaces};

/// Identifies one version of a file: a save renames a new file into place
/// (a new inode); an edit in place changes the length or the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStamp {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

/// What a device reported when it started.
#[derive(Debug, Default)]
pub struct BootReport {
    /// The password of the `admin` user written into a new default
    /// startup-config (printed once; stored only as a hash).
    pub generated_password: Option<String>,
    /// Startup-config lines the catalogue does not know (kept verbatim).
    pub unknown_lines: Vec<LineFailure>,
    /// What commit hooks said against the startup-config (it is loaded
    /// all the same, as IOS boots whatever its startup-config holds).
    pub hook_refusals: Vec<String>,
}

/// The startup-config file in a state directory.
pub const STARTUP_CONFIG: &str = "startup-config";

/// The configuration a new device starts with; `{secret}` is replaced by a
/// type 9 hash of the generated password.
const DEFAULT_STARTUP: &str = "\
hostname ironconf
ip domain name example.net
username admin privilege 15 secret 9 {secret}
ip ssh version 2
line vty 0 15
 login local
 transport input ssh
netconf ssh
";

/// The startup-config's interfaces, with the file identity they were read
/// from (`show ip interface brief` compares addresses with them; parsing a
/// large startup-config for every show would cost more than the show).
#[derive(Clone)]
struct StartupInterfaces(FileStamp, Arc<Vec<Interface>>);

impl Device {
    /// Saves the running configuration as the startup-config (crash-safe:
    /// temporary file, fsync, rename, fsync of the directory).
    pub fn save_startup(&self) -> Result<(), DeviceError> {
        {
            // Rendered and written under one writer's hold: a save that
            // renders later also lands later.
            let _writer = self.nvram_writer();
            let text = self.view(|v| v.saved_text());
            if let Some(dir) = &self.shared.parts.state_dir {
                write_nvram(&dir.join(STARTUP_CONFIG), text.as_bytes())?;
            }
        }
        // `archive` / `write-memory`: every save is archived too.
        if self.settings().archive.write_memory
            && let Err(e) = self.archive_config()
        {
            tracing::warn!(?e, "archive on write memory failed");
        }
        Ok(())
    }

    /// The startup-config as a configuration (empty when there is none).
    pub fn startup_config(&self) -> Config {
        let text = self.startup_text().unwrap_or_default();
        load_startup(self.catalogue(), &text).0
    }

    /// The rows of `show ip interface brief` (its text and XML forms).
    pub fn ip_interface_brief(&self) -> Vec<BriefRow> {
        let running = self.interface_table();
        brief_rows(&running, &self.startup_interfaces())
    }

    /// The interfaces in startup-config, read again only when the file
    /// changed.
    pub fn startup_interfaces(&self) -> Arc<Vec<Interface>> {
        use std::os::unix::fs::MetadataExt as _;
        let Some(dir) = self.shared.parts.state_dir.as_ref() else {
            return Arc::default();
        };
        let Ok(meta) = fs::metadata(dir.join(STARTUP_CONFIG)) else {
            return Arc::default();
        };
        let stamp = FileStamp {
            inode: meta.ino(),
            len: meta.len(),
            modified: meta.modified().ok(),
        };
        if let Some(StartupInterfaces(seen, list)) = self.handle()
            && seen == stamp
        {
            return list;
        }
        let list = Arc::new(interfaces(&self.startup_config()));
        self.set_handle(Some(StartupInterfaces(stamp, list.clone())));
        list
    }

    /// The startup-config text (`None`: erased or never saved).
    pub fn startup_text(&self) -> Option<String> {
        let dir = self.shared.parts.state_dir.as_ref()?;
        fs::read_to_string(dir.join(STARTUP_CONFIG)).ok()
    }

    /// Replaces the startup-config with `text` (crash-safe); a device
    /// without a state directory keeps none.
    pub fn write_startup_text(&self, text: &str) -> Result<(), DeviceError> {
        match &self.shared.parts.state_dir {
            Some(dir) => {
                let _writer = self.nvram_writer();
                write_nvram(&dir.join(STARTUP_CONFIG), text.as_bytes())?;
                self.with_slot(|f: &mut crate::storage::Files| f.startup = true);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Erases the startup-config.
    pub fn erase_startup(&self) -> Result<(), DeviceError> {
        let Some(dir) = &self.shared.parts.state_dir else {
            return Ok(());
        };
        let _writer = self.nvram_writer();
        let file = dir.join(STARTUP_CONFIG);
        let erased = match fs::remove_file(&file).and_then(|()| sync_dir(dir)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(nvram_error(&file, &e)),
        };
        if erased.is_ok() {
            self.with_slot(|f: &mut crate::storage::Files| f.startup = false);
        }
        erased
    }

    fn nvram_writer(&self) -> std::sync::MutexGuard<'_, ()> {
        self.shared
            .parts
            .nvram
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}

/// Writes NVRAM crash-safely; a failure is logged with its path for the
/// operator and reported in IOS's words.
fn write_nvram(file: &Path, bytes: &[u8]) -> Result<(), DeviceError> {
    write_atomically(file, bytes).map_err(|e| nvram_error(file, &e))
}

fn nvram_error(file: &Path, e: &std::io::Error) -> DeviceError {
    tracing::error!(file = %file.display(), error = %e, "NVRAM write failed");
    DeviceError::Nvram(crate::fs::FsWriteError::from_io_ref(e).as_str())
}

/// The startup-config text in `dir`, creating the directory and a default
/// startup-config (with a random `admin` password, returned) on first
/// start.
pub(crate) fn read_startup(
    dir: &Path,
    catalogue: &Catalogue,
) -> Result<(String, Option<String>), DeviceError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| DeviceError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    remove_stale_temporaries(dir);
    let file = dir.join(STARTUP_CONFIG);
    match fs::read_to_string(&file) {
        Ok(t) => Ok((t, None)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let password = random_password();
            let hash = ironconf_ios::secret::Secret::hash(&password)
                .map(|s| s.text().to_owned())
                .unwrap_or_default();
            let text = DEFAULT_STARTUP.replace("{secret}", &hash);
            let (cfg, _) = load(catalogue, &text);
            let rendered = cfg.render(catalogue, &["!".to_owned()]);
            write_atomically(&file, rendered.as_bytes()).map_err(io(&file))?;
            Ok((rendered, Some(password)))
        }
        Err(source) => Err(DeviceError::Io { path: file, source }),
    }
}

/// Loads startup-config text as IOS does, reporting the lines it keeps
/// without knowing them.
pub(crate) fn load_startup(cat: &Catalogue, text: &str) -> (Config, Vec<LineFailure>) {
    let (cfg, unknown) = load(cat, text);
    for u in &unknown {
        tracing::warn!(line = u.index + 1, text = %u.line.trim(), "startup-config: {}", u.message());
    }
    (cfg, unknown)
}

pub(crate) fn random_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the
/// new file: temporary file in the same directory, fsync, rename, fsync of
/// the directory.
///
/// Each write has a temporary file of its own (two writers never share
/// one), removed if the write fails: a full disk keeps the old file and
/// nothing else.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp.{}.{n}", std::process::id()));
    let written = fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// Removes temporary files a crash during a save left behind (the file they
/// were replacing is intact).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.contains(".tmp.") {
            tracing::info!(file = %name, "removing a temporary file left by an interrupted save");
            let _ = fs::remove_file(e.path());
        }
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}
