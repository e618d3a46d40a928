//! Host keys kept in the state directory, named the IOS way: an RSA key
//! pair per label (`hostname.domain`, or `ip ssh rsa keypair-name`) under
//! `keys/rsa/LABEL`, plus an Ed25519 key under `keys/ssh_host_ed25519_key`.
//! Keys are written crash-safely with mode 0600. At start an RSA key of
//! 2048 bits is made for the configured label when it has none: after
//! `crypto key zeroize rsa` SSH is disabled, as on IOS, and a restart is
//! how the operator of an emulated device gets back in (where a router's
//! operator would use the console).

use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::{KeypairData, RsaKeypair};
use russh::keys::{Algorithm, PrivateKey};

/// Host key errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostKeyError {
    /// Reading or writing a key file.
    #[error("host key {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Generating or decoding a key.
    #[error("host key {path}: {message}")]
    Key {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A modulus SSH version 2 cannot use.
    #[error("% Key modulus {0} is not supported: use 1024 to 4096 bits for SSH version 2")]
    Modulus(usize),
}

impl HostKeyError {
    /// What a peer is told (`No space left on device`): no host path. The
    /// whole error goes to the log.
    fn for_peer(&self) -> String {
        tracing::error!(error = %self, "key store");
        match self {
            HostKeyError::Io { source, .. } => io_reason(source).to_owned(),
            HostKeyError::Key { .. } => "key generation error".to_owned(),
            HostKeyError::Modulus(_) => self.to_string(),
        }
    }
}

/// An I/O error in the words IOS uses for its file systems.
fn io_reason(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => "No space left on device",
        K::NotFound => "No such file or directory",
        K::PermissionDenied => "Permission denied",
        _ => "I/O error",
    }
}

const ED25519: &str = "ssh_host_ed25519_key";

/// The device's host keys, loaded from its state directory on demand.
#[derive(Debug)]
pub struct HostKeys {
    dir: Option<PathBuf>,
    ed25519: PrivateKey,
    rsa: Mutex<HashMap<String, Option<PrivateKey>>>,
}

impl HostKeys {
    /// Opens the keys in `dir/keys` (creating the Ed25519 key, and an RSA
    /// key for `rsa_label` when it has none).
    pub fn open(dir: &Path, rsa_label: &str) -> Result<HostKeys, HostKeyError> {
        HostKeys::open_with(dir, rsa_label, None)
    }

    /// Like [`HostKeys::open`], but a missing RSA key for `rsa_label` is
    /// `rsa` (stored as the device's own) instead of a new one: a fleet's
    /// devices share one RSA key made once, since making 2048-bit keys for
    /// every device would take hours. Each still has its own Ed25519 key.
    pub fn open_with(
        dir: &Path,
        rsa_label: &str,
        rsa: Option<&PrivateKey>,
    ) -> Result<HostKeys, HostKeyError> {
        let keys = dir.join("keys");
        let fresh = !keys.exists();
        fs::create_dir_all(keys.join("rsa")).map_err(|source| HostKeyError::Io {
            path: keys.clone(),
            source,
        })?;
        let path = keys.join(ED25519);
        let ed25519 = match fs::read_to_string(&path) {
            Ok(text) => {
                PrivateKey::from_openssh(&text).map_err(|e| key_err(&path, e.to_string()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = new_ed25519().map_err(|m| key_err(&path, m))?;
                save(&path, &key)?;
                key
            }
            Err(source) => return Err(HostKeyError::Io { path, source }),
        };
        let host_keys = HostKeys {
            dir: Some(dir.to_owned()),
            ed25519,
            rsa: Mutex::new(HashMap::new()),
        };
        host_keys.repair_public_keys();
        if host_keys.rsa(rsa_label).is_none() {
            if !fresh {
                tracing::warn!(label = rsa_label, "no RSA key pair for SSH; generating one");
            }
            match rsa {
                Some(key) => {
                    host_keys.store_rsa(rsa_label, key.clone())?;
                }
                None => {
                    host_keys.generate_rsa(rsa_label, 2048)?;
                }
            }
        }
        Ok(host_keys)
    }

    /// A new RSA key of `bits`, kept nowhere (for [`HostKeys::open_with`]).
    pub fn new_rsa_key(bits: usize) -> Result<PrivateKey, HostKeyError> {
        new_rsa(bits).map_err(|m| key_err(Path::new("(memory)"), m))
    }

    /// Reads an RSA key from `path`, or makes one there.
    pub fn shared_rsa_key(path: &Path) -> Result<PrivateKey, HostKeyError> {
        match fs::read_to_string(path) {
            Ok(text) => PrivateKey::from_openssh(&text).map_err(|e| key_err(path, e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|source| HostKeyError::Io {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                let key = new_rsa(2048).map_err(|m| key_err(path, m))?;
                save(path, &key)?;
                Ok(key)
            }
            Err(source) => Err(HostKeyError::Io {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Rewrites each RSA pair's `.pub` from its private key where they
    /// differ: a crash between writing the two leaves the old public half,
    /// which `show ip ssh` would show for a key SSH no longer uses.
    fn repair_public_keys(&self) {
        let Some(dir) = &self.dir else {
            return;
        };
        let Ok(entries) = fs::read_dir(dir.join("keys").join("rsa")) else {
            return;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with(".pub") {
                continue;
            }
            let Some(key) = self.rsa(&name) else {
                continue;
            };
            let Ok(public) = key.public_key().to_openssh() else {
                continue;
            };
            let pub_path = e.path().with_file_name(format!("{name}.pub"));
            let shown = fs::read_to_string(&pub_path).unwrap_or_default();
            if shown.split_whitespace().nth(1) != public.split_whitespace().nth(1) {
                tracing::warn!(label = %name, "public key out of step with its private key; rewritten");
                if let Err(e) = write_private(&pub_path, format!("{public}\n").as_bytes()) {
                    tracing::warn!(label = %name, %e, "public key not rewritten");
                }
            }
        }
    }

    /// Keys for a device without a state directory (Ed25519 only).
    pub fn ephemeral() -> Result<HostKeys, HostKeyError> {
        Ok(HostKeys {
            dir: None,
            ed25519: new_ed25519().map_err(|m| key_err(Path::new("(memory)"), m))?,
            rsa: Mutex::new(HashMap::new()),
        })
    }

    fn rsa_path(&self, label: &str) -> Option<PathBuf> {
        // A label is a file name: no separators, no leading dot.
        if label.is_empty() || label.contains(['/', '\\']) || label.starts_with('.') {
            return None;
        }
        Some(self.dir.as_ref()?.join("keys").join("rsa").join(label))
    }

    /// The RSA key named `label`, if one was generated.
    pub fn rsa(&self, label: &str) -> Option<PrivateKey> {
        let mut cache = self.rsa.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = cache.get(label) {
            return k.clone();
        }
        let key = self
            .rsa_path(label)
            .and_then(|p| fs::read_to_string(p).ok())
            .and_then(|t| PrivateKey::from_openssh(&t).ok());
        cache.insert(label.to_owned(), key.clone());
        key
    }

    /// Generates (or replaces) the RSA key named `label` with `bits`.
    pub fn generate_rsa(&self, label: &str, bits: usize) -> Result<PrivateKey, HostKeyError> {
        if !(1024..=4096).contains(&bits) {
            return Err(HostKeyError::Modulus(bits));
        }
        let key = new_rsa(bits).map_err(|m| key_err(Path::new(label), m))?;
        self.store_rsa(label, key)
    }

    /// Keeps `key` as the RSA key named `label`.
    fn store_rsa(&self, label: &str, key: PrivateKey) -> Result<PrivateKey, HostKeyError> {
        let path = self
            .rsa_path(label)
            .ok_or_else(|| key_err(Path::new(label), "not a valid key label".into()))?;
        save(&path, &key)?;
        // The public half, for `show ip ssh` and `show crypto key`.
        let public = key
            .public_key()
            .to_openssh()
            .map_err(|e| key_err(&path, e.to_string()))?;
        let pub_path = path.with_file_name(format!("{label}.pub"));
        write_private(&pub_path, format!("{public}\n").as_bytes()).map_err(|source| {
            HostKeyError::Io {
                path: pub_path.clone(),
                source,
            }
        })?;
        self.rsa
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(label.to_owned(), Some(key.clone()));
        Ok(key)
    }

    /// Whether SSH is enabled: as on IOS, only while the RSA key pair
    /// SSH uses (`rsa_label`) exists. Keys without a state directory are
    /// Ed25519 only and always enabled.
    pub fn ssh_enabled(&self, rsa_label: Option<&str>) -> bool {
        self.dir.is_none() || rsa_label.and_then(|l| self.rsa(l)).is_some()
    }

    /// The keys to offer now: Ed25519, and the RSA key of `rsa_label` if
    /// it exists.
    pub fn current(&self, rsa_label: Option<&str>) -> Vec<PrivateKey> {
        let mut keys = vec![self.ed25519.clone()];
        keys.extend(rsa_label.and_then(|l| self.rsa(l)));
        keys
    }
}

impl ironconf_device::KeyStore for HostKeys {
    fn generate_rsa(&self, label: &str, bits: usize) -> Result<(), String> {
        HostKeys::generate_rsa(self, label, bits)
            .map(|_| ())
            .map_err(|e| e.for_peer())
    }

    fn zeroize_rsa(&self, labels: &[String]) -> Result<(), String> {
        for l in labels {
            let Some(path) = self.rsa_path(l) else {
                continue;
            };
            let public = path.with_file_name(format!("{l}.pub"));
            for p in [&path, &public] {
                match fs::remove_file(p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => {
                        let path = p.clone();
                        return Err(HostKeyError::Io { path, source }.for_peer());
                    }
                }
            }
            // The removal must survive a crash like a write does.
            if let Some(dir) = path.parent() {
                fs::File::open(dir)
                    .and_then(|d| d.sync_all())
                    .map_err(|source| {
                        let path = dir.to_owned();
                        HostKeyError::Io { path, source }.for_peer()
                    })?;
            }
            self.rsa
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(l.clone(), None);
        }
        Ok(())
    }
}

fn key_err(path: &Path, message: String) -> HostKeyError {
    HostKeyError::Key {
        path: path.to_owned(),
        message,
    }
}

fn new_ed25519() -> Result<PrivateKey, String> {
    let mut rng = russh::keys::key::safe_rng();
    PrivateKey::random(&mut rng, Algorithm::Ed25519).map_err(|e| e.to_string())
}

fn new_rsa(bits: usize) -> Result<PrivateKey, String> {
    let mut rng = russh::keys::key::safe_rng();
    let pair = RsaKeypair::random(&mut rng, bits).map_err(|e| e.to_string())?;
    PrivateKey::new(KeypairData::from(pair), "ironconf").map_err(|e| e.to_string())
}

fn save(path: &Path, key: &PrivateKey) -> Result<(), HostKeyError> {
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| key_err(path, e.to_string()))?;
    write_private(path, text.as_bytes()).map_err(|source| HostKeyError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes a key file (mode 0600) crash-safely, each write through a
/// temporary file of its own that is removed if the write fails.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp.{}.{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id(),
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let written = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_by_label_and_moduli_are_checked() {
        let dir = std::env::temp_dir().join(format!("ironconf-keys-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let keys = HostKeys::open(&dir, "r1.example.net");
        let keys = match keys {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        assert!(dir.join("keys/rsa/r1.example.net").exists());
        assert_eq!(keys.current(Some("r1.example.net")).len(), 2);
        assert_eq!(keys.current(Some("other.example.net")).len(), 1);
        assert!(matches!(
            keys.generate_rsa("x", 768),
            Err(HostKeyError::Modulus(768))
        ));
        assert!(keys.generate_rsa("../evil", 1024).is_err());
        let ed25519 = keys.ed25519.public_key().clone();
        let rsa = keys.rsa("r1.example.net").map(|k| k.public_key().clone());
        // Reopening keeps the same keys; a label without a pair gets one.
        let again = HostKeys::open(&dir, "r1.example.net");
        assert!(again.is_ok_and(|k| k.ed25519.public_key() == &ed25519
            && k.rsa("r1.example.net").map(|k| k.public_key().clone()) == rsa));
        assert!(!dir.join("keys/rsa/another.label").exists());
        let again = HostKeys::open(&dir, "another.label");
        assert!(again.is_ok_and(|k| k.rsa("another.label").is_some()));
        let _ = fs::remove_dir_all(&dir);
    }
}
