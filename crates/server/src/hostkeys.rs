//! Host keys kept in the state directory: an Ed25519 key and a 2048-bit RSA
//! key, generated on first start and written crash-safely with mode 0600.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::{KeypairData, RsaKeypair};
use russh::keys::{Algorithm, PrivateKey};

/// Host key errors.
#[derive(Debug, thiserror::Error)]
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
}

const ED25519: &str = "ssh_host_ed25519_key";
const RSA: &str = "ssh_host_rsa_key";

fn key_err(path: &Path) -> impl Fn(String) -> HostKeyError + '_ {
    move |message| HostKeyError::Key {
        path: path.to_owned(),
        message,
    }
}

/// Loads the host keys in `dir`, generating missing ones.
pub fn load_or_create_host_keys(dir: &Path) -> Result<Vec<PrivateKey>, HostKeyError> {
    let mut keys = Vec::new();
    for (name, generate) in [(ED25519, true), (RSA, false)] {
        let path = dir.join(name);
        let key = match fs::read_to_string(&path) {
            Ok(text) => {
                PrivateKey::from_openssh(&text).map_err(|e| key_err(&path)(e.to_string()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = if generate {
                    new_ed25519()
                } else {
                    new_rsa(2048)
                }
                .map_err(key_err(&path))?;
                let text = key
                    .to_openssh(LineEnding::LF)
                    .map_err(|e| key_err(&path)(e.to_string()))?;
                write_private(&path, text.as_bytes()).map_err(|source| HostKeyError::Io {
                    path: path.clone(),
                    source,
                })?;
                key
            }
            Err(source) => return Err(HostKeyError::Io { path, source }),
        };
        keys.push(key);
    }
    Ok(keys)
}

/// Keys for a device without a state directory.
pub(crate) fn ephemeral() -> Result<Vec<PrivateKey>, HostKeyError> {
    new_ed25519()
        .map(|k| vec![k])
        .map_err(key_err(Path::new("(memory)")))
}

fn new_ed25519() -> Result<PrivateKey, String> {
    let mut rng = russh::keys::key::safe_rng();
    PrivateKey::random(&mut rng, Algorithm::Ed25519).map_err(|e| e.to_string())
}

/// An RSA key of `bits` (1024-4096, as IOS allows for SSH version 2).
pub(crate) fn new_rsa(bits: usize) -> Result<PrivateKey, String> {
    let mut rng = russh::keys::key::safe_rng();
    let pair = RsaKeypair::random(&mut rng, bits).map_err(|e| e.to_string())?;
    PrivateKey::new(KeypairData::from(pair), "ironconf").map_err(|e| e.to_string())
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp.{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    fs::File::open(dir)?.sync_all()
}
