//! The one path by which running-config changes, whatever the source:
//! NETCONF `edit-config` and `copy-config` to running, and the shell's
//! configuration mode line by line. Under the device lock, in this order:
//! the datastore lock is checked, the change is applied (each source brings
//! its own transaction: a batch with its error option, or one line), the
//! change record is written and settings follow it, and the reactions are
//! decided (`no netconf ssh` ends the NETCONF sessions). The reactions run
//! once the lock is released.

use std::time::Instant;

use crate::locks::Datastore;
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::{Config, ItemChange};

use crate::device::Device;
use crate::lines::{KillSwitch, LineOwner};

/// Who changes running-config.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    /// The user, for the change record.
    pub user: &'a str,
    /// The NETCONF session making the change, if one is: its own lock lets
    /// it through, and it is not ended when the change switches the agent
    /// off (its client closes it).
    pub session: Option<u32>,
}

/// Why a change was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Another session holds the running datastore's lock.
    Locked {
        /// The session holding it.
        holder: u32,
    },
}

impl Device {
    /// Applies a change to running-config: `apply` changes it and returns
    /// its result with the items it changed. Refused, without calling
    /// `apply`, while another session holds the lock on running.
    pub fn change_running<R>(
        &self,
        who: Changer<'_>,
        now: Instant,
        apply: impl FnOnce(&Catalogue, &mut Config) -> (R, Vec<ItemChange>),
    ) -> Result<R, Refused> {
        let cat = self.catalogue();
        let (result, reactions) = {
            let mut st = self.state();
            st.locks.handle_timeout(now);
            if let Some(holder) = st.locks.holder(Datastore::Running)
                && Some(holder) != who.session
            {
                return Err(Refused::Locked { holder });
            }
            let (result, changes) = apply(cat, &mut st.running);
            st.note_change(cat, who.user, changes);
            // The agent switched off: every NETCONF session ends but the
            // one that made the change.
            let reactions: Vec<KillSwitch> = if st.settings.current().netconf.ssh {
                Vec::new()
            } else {
                st.sessions
                    .iter()
                    .filter(|(id, _)| Some(**id) != who.session)
                    .filter_map(|(_, s)| s.kill.clone())
                    .collect()
            };
            (result, reactions)
        };
        if !reactions.is_empty() {
            tracing::info!(
                sessions = reactions.len(),
                "no netconf ssh: ending NETCONF sessions"
            );
        }
        for end in reactions {
            end();
        }
        Ok(result)
    }

    /// `reload`: running-config from startup-config again (empty when there
    /// is none), locks released, every session on every line ended.
    pub fn reload(&self) {
        let cat = &self.shared.catalogue;
        let running = self.startup_config();
        let kills: Vec<KillSwitch> = {
            let mut st = self.state();
            st.running = running;
            st.last_change = None;
            st.settings_changed(cat);
            let mut kills: Vec<KillSwitch> = st
                .sessions
                .values()
                .filter_map(|s| s.kill.clone())
                .collect();
            kills.extend(st.lines.values().filter_map(|l| match &l.owner {
                LineOwner::Exec(k) => Some(k.clone()),
                LineOwner::Netconf(_) => None,
            }));
            let ids: Vec<u32> = st.sessions.keys().copied().collect();
            for id in ids {
                st.locks.release_session(id);
            }
            kills
        };
        tracing::info!(sessions = kills.len(), "reload");
        for k in kills {
            k();
        }
    }
}
