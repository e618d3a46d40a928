//! The one path by which running-config changes, whatever the source:
//! NETCONF `edit-config` and `copy-config` to running, the shell's
//! configuration mode line by line, `reload`, and the boot itself. The core
//! ([`ironconf_core::configure`]) checks the datastore lock, applies the
//! change in a transaction, has the features' checks see it, and commits
//! and records it; once its lock is released, the device has each feature
//! react to it ([`crate::feature::Feature::react`]: notifications and log,
//! `no netconf ssh` ending the NETCONF sessions, an appliance installing
//! what it configures).

use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;

use crate::device::Device;
pub use ironconf_core::configure::{
    ChangedBy, Changer, Commit, Committed, ConfigureError, Refused, apply_lines,
};

impl Device {
    /// Applies a change to running-config: `apply` changes it within a
    /// transaction the path has opened (it must not commit it; it may roll
    /// it back, as rollback-on-error does) and returns its result. Refused,
    /// without calling `apply`, while another session holds the lock on
    /// running; refused and rolled back when a commit hook refuses it.
    pub fn change_running<R>(
        &self,
        who: Changer<'_>,
        apply: impl FnOnce(&Catalogue, &mut Config) -> R,
    ) -> Result<R, Refused> {
        let (result, committed) = self.change(who, apply)?;
        self.react(&committed);
        Ok(result)
    }

    /// Applies configuration lines as one change, all or nothing: what an
    /// appliance's own code uses to configure the device.
    pub fn configure(&self, who: Changer<'_>, lines: &[&str]) -> Result<(), ConfigureError> {
        self.change_running(who, |cat, running| apply_lines(cat, running, lines))
            .map_err(ConfigureError::Refused)?
    }

    /// Replaces running-config as a whole (`copy-config` to running), on
    /// the same terms as [`Device::change_running`].
    pub fn replace_running(&self, who: Changer<'_>, config: Config) -> Result<(), Refused> {
        self.replace_running_listed(who, config).map(|_| ())
    }

    /// [`Device::replace_running`], returning the commands the replacement
    /// amounts to (`configure replace … list`).
    pub fn replace_running_listed(
        &self,
        who: Changer<'_>,
        config: Config,
    ) -> Result<Vec<String>, Refused> {
        let committed = self.replace(who, config)?;
        self.react(&committed);
        Ok(committed.commands)
    }

    /// `reload`: running-config from startup-config again (empty when there
    /// is none), through the features' checks (which cannot refuse it),
    /// without a change record; locks released, every session on every
    /// line ended. Not subject to locks: it ends their holders.
    pub fn reload(&self) {
        let (committed, kills) = self.reload_with(self.startup_config());
        if let Some(c) = committed {
            self.react(&c);
        }
        // The buffer lives in RAM: a restart begins it anew.
        self.with_slot(|l: &mut crate::logging::Logging| *l = Default::default());
        self.log(crate::logging::LogMessage::new(
            "SYS",
            5,
            "RESTART",
            "System restarted --",
        ));
        tracing::info!(sessions = kills.len(), "reload");
        for k in kills {
            k();
        }
    }

    /// Shows the boot configuration to the features (an appliance sets
    /// itself up from it): their checks, whose refusals are returned and
    /// not enforced, then their reactions.
    pub(crate) fn boot_features(&self) -> Vec<String> {
        // The built-in features have nothing to do with a first boot.
        if self.shared.features.builtin() {
            return Vec::new();
        }
        let (refusals, committed) = self.boot_check();
        self.react(&committed);
        refusals
    }

    /// What follows a change once the device lock is released: each
    /// feature's reaction, in order.
    fn react(&self, committed: &Committed) {
        for f in self.shared.features.iter() {
            f.react(self, committed);
        }
    }
}
