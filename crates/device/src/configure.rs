//! The one path by which running-config changes, whatever the source:
//! NETCONF `edit-config` and `copy-config` to running, the shell's
//! configuration mode line by line, `reload`, and the boot itself. Under the
//! device lock, in this order: the datastore lock is checked, a transaction
//! is opened and the change applied in it, the features' checks (the
//! device's own, then an embedder's commit hooks) see the change set and
//! may refuse it (then the transaction is rolled back), the change is
//! committed and recorded and settings follow it. Once the lock is
//! released, each feature reacts to it ([`crate::feature::Feature::react`]:
//! notifications and log, `no netconf ssh` ending the NETCONF sessions, an
//! appliance installing what it configures).

use ironconf_ios::apply::{ErrorOption, apply_batch_in};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::{Config, ItemChange};

use crate::device::{Device, State};
use crate::feature::Slots;
use crate::lines::{KillSwitch, LineOwner};
use crate::locks::Datastore;

/// Who changes running-config.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    /// The user, for the change record.
    pub user: &'a str,
    /// The NETCONF session making the change, if one is: its own lock lets
    /// it through, and it is not ended when the change switches the agent
    /// off (its client closes it).
    pub session: Option<u32>,
    /// The vty line the change came in on, if known (a NETCONF session's
    /// is found from the session); notifications and syslog name it.
    pub line: Option<u32>,
}

/// Why a change was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refused {
    /// Another session holds the running datastore's lock.
    Locked {
        /// The session holding it.
        holder: u32,
    },
    /// A commit hook refused the change; it was rolled back.
    Hook {
        /// The hook's reason, shown to the user.
        message: String,
    },
}

/// A change to running-config about to be committed, as a commit hook or
/// a feature's check sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Commit<'a> {
    /// Who made it (empty at boot and reload).
    pub user: &'a str,
    /// The NETCONF session that made it, if one did.
    pub session: Option<u32>,
    /// Running-config loaded from startup-config (boot, `reload`): a hook
    /// cannot refuse it (its refusal is logged), as IOS boots whatever its
    /// startup-config holds.
    pub boot: bool,
    /// What changed, per top-level item (a whole replacement is one item
    /// holding every line).
    pub changes: &'a [ItemChange],
    /// Running-config as it will be once committed.
    pub running: &'a Config,
    /// The catalogue, to render or read `running`.
    pub catalogue: &'a Catalogue,
    /// The features' state (read-only: a check decides, it changes
    /// nothing).
    pub slots: &'a Slots,
}

impl Commit<'_> {
    /// Lines added, each with its section header.
    pub fn added(&self) -> Vec<String> {
        self.changes.iter().flat_map(ItemChange::added).collect()
    }

    /// Lines removed, each with its section header.
    pub fn removed(&self) -> Vec<String> {
        self.changes.iter().flat_map(ItemChange::removed).collect()
    }

    /// Running-config as it will be, rendered without a header.
    pub fn running_text(&self) -> String {
        self.running.render(self.catalogue, &[])
    }
}

/// Sees every change to running-config before it is committed, and may
/// refuse it: the change is then rolled back like a failed apply, and the
/// message is the error the user sees (`% message` in the shell, an
/// `operation-failed` rpc-error over NETCONF).
///
/// A hook runs under the device's lock: it must be quick and must not call
/// the [`Device`] (it has the change and the configuration it needs). A
/// closure `Fn(&Commit) -> Result<(), String>` is a hook.
pub trait CommitHook: Send + Sync {
    /// Accepts (`Ok`) or refuses (`Err(message)`) a change.
    fn check(&self, commit: &Commit<'_>) -> Result<(), String>;
}

impl<F> CommitHook for F
where
    F: Fn(&Commit<'_>) -> Result<(), String> + Send + Sync,
{
    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        self(commit)
    }
}

/// Why [`Device::configure`] changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigureError {
    /// The path refused the change (a lock, a hook).
    #[error("{0}")]
    Refused(Refused),
    /// A line was not accepted; the change was rolled back.
    #[error("'{line}': {message}")]
    Line {
        /// The line.
        line: String,
        /// IOS's message (`% Invalid input detected at '^' marker.`).
        message: String,
    },
}

impl std::error::Error for Refused {}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Locked { holder } => {
                write!(f, "running-config is locked by NETCONF session {holder}")
            }
            Refused::Hook { message } => f.write_str(message),
        }
    }
}

/// Applies configuration lines, from global configuration mode, within the
/// path's transaction (for [`Device::change_running`]); the first line that
/// fails rolls the transaction back and is returned.
pub fn apply_lines(
    cat: &Catalogue,
    running: &mut Config,
    lines: &[&str],
) -> Result<(), ConfigureError> {
    let result = apply_batch_in(
        cat,
        running,
        lines.iter().copied(),
        ErrorOption::RollbackOnError,
        false,
    );
    match result.failures.into_iter().next() {
        None => Ok(()),
        Some(f) => Err(ConfigureError::Line {
            message: f.message(),
            line: f.line,
        }),
    }
}

/// How a change came about, for [`Device::conclude`].
enum Made<'a> {
    /// Applied in place, in the transaction the path opened.
    InPlace(Changer<'a>),
    /// Running-config was replaced; this was the one before, and what the
    /// replacement amounts to when it was worked out beforehand.
    Replaced(Changer<'a>, Config, Option<Compared>),
    /// Loaded from startup-config (boot, reload), replacing this one.
    Boot(Config),
}

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
        let cat = self.catalogue();
        let (result, reactions) = {
            let mut st = self.state();
            self.check_lock(&mut st, who)?;
            st.running.begin();
            let result = apply(cat, &mut st.running);
            let reactions = self.conclude(&mut st, Made::InPlace(who))?;
            (result, reactions)
        };
        self.react(reactions);
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
    ///
    /// The comparison of two large configurations takes a while: it is made
    /// outside the device lock against running-config as it was, and used
    /// if nothing changed running-config meanwhile (else it is made again,
    /// under the lock), so other sessions are not kept waiting.
    pub fn replace_running_listed(
        &self,
        who: Changer<'_>,
        config: Config,
    ) -> Result<Vec<String>, Refused> {
        let cat = self.catalogue();
        let (before, generation) = {
            let mut st = self.state();
            self.check_lock(&mut st, who)?;
            (st.running.render(cat, &[]), st.generation)
        };
        let compared = compare(&before, &config.render(cat, &[]));
        drop(before);
        let reactions = {
            let mut st = self.state();
            self.check_lock(&mut st, who)?;
            let compared = (st.generation == generation).then_some(compared);
            let old = std::mem::replace(&mut st.running, config);
            self.conclude(&mut st, Made::Replaced(who, old, compared))?
        };
        Ok(self.react(reactions))
    }

    /// `reload`: running-config from startup-config again (empty when there
    /// is none), through the features' checks (which cannot refuse it),
    /// without a change record; locks released, every session on every
    /// line ended. Not subject to locks: it ends their holders.
    pub fn reload(&self) {
        let running = self.startup_config();
        let (kills, reactions) = {
            let mut st = self.state();
            let old = std::mem::replace(&mut st.running, running);
            // A boot change is never refused.
            let reactions = self.conclude(&mut st, Made::Boot(old)).ok();
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
            (kills, reactions)
        };
        if let Some(r) = reactions {
            self.react(r);
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
        if crate::feature::is_builtin(&self.shared.features) {
            return Vec::new();
        }
        let cat = self.catalogue();
        let (refusals, changes) = {
            let st = self.state();
            let after = st.running.render(cat, &[]);
            let changes = vec![ItemChange {
                before: Vec::new(),
                after: after.lines().map(str::to_owned).collect(),
            }];
            let commit = Commit {
                user: "",
                session: None,
                boot: true,
                changes: &changes,
                running: &st.running,
                catalogue: cat,
                slots: &st.slots,
            };
            let refusals = self
                .shared
                .features
                .iter()
                .filter_map(|f| f.check(&commit).err())
                .collect();
            (refusals, changes)
        };
        self.react(Reactions {
            by: ChangedBy::default(),
            commands: Vec::new(),
            changes,
            boot: true,
        });
        refusals
    }

    fn check_lock(&self, st: &mut State, who: Changer<'_>) -> Result<(), Refused> {
        st.locks.handle_timeout(self.now());
        match st.locks.holder(Datastore::Running) {
            Some(holder) if Some(holder) != who.session => Err(Refused::Locked { holder }),
            _ => Ok(()),
        }
    }

    /// Ends a change already made to `st.running`: the features' checks,
    /// rollback or commit, change record, settings, and the reactions to
    /// run.
    fn conclude(&self, st: &mut State, mut made: Made<'_>) -> Result<Reactions, Refused> {
        let cat = self.catalogue();
        // A whole replacement is compared once, block by block: its change
        // and the commands it amounts to (for its notifications).
        let (changes, replaced) = match &mut made {
            Made::InPlace(_) => (st.running.pending_changes(cat), None),
            Made::Replaced(_, _, compared @ Some(_)) => {
                let (changes, commands) = compared.take().unwrap_or_default();
                (changes, Some(commands))
            }
            Made::Replaced(_, old, None) | Made::Boot(old) => {
                let (changes, commands) = whole_change(cat, old, &st.running);
                (changes, Some(commands))
            }
        };
        let (who, boot) = match &made {
            Made::InPlace(w) | Made::Replaced(w, _, _) => (Some(*w), false),
            Made::Boot(_) => (None, true),
        };
        if !changes.is_empty() {
            let commit = Commit {
                user: who.map_or("", |w| w.user),
                session: who.and_then(|w| w.session),
                boot,
                changes: &changes,
                running: &st.running,
                catalogue: cat,
                slots: &st.slots,
            };
            // In registration order, the device's own first; the first
            // refusal wins.
            let refused = self
                .shared
                .features
                .iter()
                .find_map(|f| f.check(&commit).err());
            if let Some(message) = refused {
                match made {
                    Made::Boot(_) => {
                        tracing::warn!(%message, "a feature refused the startup-config");
                    }
                    Made::InPlace(_) => {
                        st.running.rollback(cat);
                        return Err(Refused::Hook { message });
                    }
                    Made::Replaced(_, old, _) => {
                        st.running = old;
                        return Err(Refused::Hook { message });
                    }
                }
            }
        }
        if let Made::InPlace(_) = made {
            // The transaction ends; its changes were taken above.
            st.running.commit(cat);
        }
        st.generation += 1;
        let commands = replaced.unwrap_or_else(|| {
            crate::notify::change_lines(&changes, &|header, a, b| same_setting(cat, header, a, b))
        });
        let by = changed_by(st, who);
        let now = self.wall_clock();
        match who {
            // The record copies a change's lines up to a bound; the
            // reactions see them all and drop them after.
            Some(w) => st.note_change(cat, w.user, &changes, now),
            None => {
                st.last_change = None;
                st.settings_changed(cat);
            }
        }
        Ok(Reactions {
            by,
            commands,
            changes,
            boot,
        })
    }

    /// What follows a change once the device lock is released: each
    /// feature's reaction, in order. Gives back the commands the change
    /// amounted to.
    fn react(&self, reactions: Reactions) -> Vec<String> {
        let committed = crate::feature::Committed {
            by: &reactions.by,
            commands: &reactions.commands,
            changes: &reactions.changes,
            boot: reactions.boot,
        };
        for f in self.shared.features.iter() {
            f.react(self, &committed);
        }
        reactions.commands
    }
}

/// A concluded change, for the reactions once the lock is released.
pub(crate) struct Reactions {
    by: ChangedBy,
    /// The commands it amounts to (none when nothing changed).
    commands: Vec<String>,
    changes: Vec<ItemChange>,
    boot: bool,
}

/// Who made a configuration change, as its notifications and log name
/// them.
#[derive(Debug, Clone, Default)]
pub struct ChangedBy {
    /// The user.
    pub user: String,
    /// The NETCONF session, if one made it (0 in RFC 6470's terms otherwise).
    pub session: Option<u32>,
    /// The vty line.
    pub line: Option<u32>,
    /// Where the user came from.
    pub source: Option<std::net::IpAddr>,
}

/// Who made a change, as its notifications name them: the NETCONF
/// session's or the line's source address and line.
fn changed_by(st: &State, who: Option<Changer<'_>>) -> ChangedBy {
    let Some(w) = who else {
        return ChangedBy::default();
    };
    let vty = w.line.or_else(|| {
        let id = w.session?;
        st.lines
            .iter()
            .find(|(_, l)| {
                l.netconf == Some(id) || matches!(l.owner, LineOwner::Netconf(n) if n == id)
            })
            .map(|(v, _)| *v)
    });
    let source = w
        .session
        .and_then(|id| st.sessions.get(&id).and_then(|s| s.source))
        .or_else(|| vty.and_then(|v| st.lines.get(&v).and_then(|l| l.source)));
    ChangedBy {
        user: w.user.to_owned(),
        session: w.session,
        line: vty,
        source,
    }
}

/// True when lines `a` and `b` of the section headed `header` set the same
/// thing (one replaces the other), by their rules' identities.
fn same_setting(cat: &Catalogue, header: &str, a: &str, b: &str) -> bool {
    use ironconf_ios::catalogue::Behaviour;
    use ironconf_ios::parse::parse_line;
    let Ok(h) = parse_line(cat, cat.config_mode(), header, false) else {
        return false;
    };
    let Some(Behaviour::Section { enter, .. }) = h.rule.map(|r| cat.rule(r).behaviour) else {
        return false;
    };
    let ident = |line: &str| {
        let p = parse_line(cat, enter, line.trim(), false).ok()?;
        let rule = p.rule?;
        Some(ironconf_ios::config::identity(cat, rule, &p.canonical()))
    };
    match (ident(a), ident(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// A whole replacement as one change holding every line before and after
/// (none when the rendered text is the same), and the commands between
/// the two.
/// A whole replacement compared: its change, and the commands it amounts to.
type Compared = (Vec<ItemChange>, Vec<String>);

fn whole_change(cat: &Catalogue, before: &Config, after: &Config) -> Compared {
    compare(&before.render(cat, &[]), &after.render(cat, &[]))
}

fn compare(before: &str, after: &str) -> Compared {
    if before == after {
        return (Vec::new(), Vec::new());
    }
    let commands = ironconf_ios::diff::replace_commands(
        &ironconf_ios::diff::Blocks::of_text(before),
        &ironconf_ios::diff::Blocks::of_text(after),
    );
    let change = ItemChange {
        before: before.lines().map(str::to_owned).collect(),
        after: after.lines().map(str::to_owned).collect(),
    };
    (vec![change], commands)
}
