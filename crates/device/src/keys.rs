//! The device's RSA key pairs (`crypto key …`, the SSH host key): their
//! labels and public halves in the state directory, and the store the SSH
//! layer supplies to make and remove them.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use crate::device::Device;

/// Where the device's RSA keys are made and destroyed: the SSH layer
/// supplies it (`crypto key generate rsa`, `crypto key zeroize rsa`).
pub trait KeyStore: Send + Sync {
    /// Generates (or replaces) the RSA key pair named `label`.
    fn generate_rsa(&self, label: &str, bits: usize) -> Result<(), String>;
    /// Removes the key pairs named in `labels`.
    fn zeroize_rsa(&self, labels: &[String]) -> Result<(), String>;
}

/// The device's key store, kept as its handle.
#[derive(Clone)]
struct Keys(Arc<dyn KeyStore>);

impl Device {
    /// The labels of the RSA key pairs in the state directory, sorted.
    pub fn rsa_labels(&self) -> Vec<String> {
        let Some(dir) = self.shared.parts.state_dir.as_ref() else {
            return Vec::new();
        };
        let Ok(entries) = fs::read_dir(dir.join("keys").join("rsa")) else {
            return Vec::new();
        };
        let mut labels: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let label = name.strip_suffix(".pub")?;
                (!label.starts_with('.')).then(|| label.to_owned())
            })
            .collect();
        labels.sort();
        labels
    }

    /// The RSA key pair SSH uses: the `ip ssh rsa keypair-name` pair when
    /// configured (SSH stays disabled until it exists), else the
    /// `hostname.domain` pair, else (after a hostname or domain change) the
    /// first pair there is. With no pair SSH is disabled; the label is then
    /// the one `crypto key generate rsa` would make.
    pub fn ssh_rsa_label(&self) -> Option<String> {
        let settings = self.settings();
        let configured = settings.rsa_key_label();
        if settings.ssh.rsa_keypair.is_some()
            || configured
                .as_deref()
                .is_some_and(|l| self.rsa_public_key(l).is_some())
        {
            return configured;
        }
        self.rsa_labels().into_iter().next().or(configured)
    }

    /// The public half of the RSA key named `label` in SECSH form
    /// (`ssh-rsa AAAA…`), if the key exists (`keys/rsa/LABEL.pub`).
    pub fn rsa_public_key(&self, label: &str) -> Option<String> {
        let text = fs::read_to_string(self.rsa_public_path(label)?).ok()?;
        let mut words = text.split_whitespace();
        Some(format!("{} {}", words.next()?, words.next()?))
    }

    /// Installs the store that makes and removes RSA keys.
    pub fn set_key_store(&self, store: Arc<dyn KeyStore>) {
        self.set_handle(Some(Keys(store)));
    }

    /// The RSA key store, if the device has one.
    pub fn key_store(&self) -> Option<Arc<dyn KeyStore>> {
        self.handle::<Keys>().map(|k| k.0)
    }

    /// When the RSA key named `label` was generated (its file's time).
    pub fn rsa_key_time(&self, label: &str) -> Option<SystemTime> {
        fs::metadata(self.rsa_public_path(label)?)
            .and_then(|m| m.modified())
            .ok()
    }

    /// `keys/rsa/LABEL.pub`; `None` for a label that is not a plain file
    /// name or a device without a state directory.
    fn rsa_public_path(&self, label: &str) -> Option<PathBuf> {
        if label.is_empty() || label.contains(['/', '\\']) || label.starts_with('.') {
            return None;
        }
        let dir = self.shared.parts.state_dir.as_ref()?;
        Some(dir.join("keys").join("rsa").join(format!("{label}.pub")))
    }
}
