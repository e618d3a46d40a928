//! The one path by which running-config changes, whatever the source:
//! NETCONF `edit-config` and `copy-config` to running, the shell's
//! configuration mode line by line, `reload`, and the boot itself. Under the
//! device lock, in this order: the datastore lock is checked, a transaction
//! is opened and the change applied in it, the features' checks (the
//! device's own, then an embedder's commit hooks) see the change set and
//! may refuse it (then the transaction is rolled back), the change is
//! committed and recorded and settings follow it. Once the lock is
//! released, the device has each feature react to the [`Committed`] change
//! the path gives back (notifications and log, `no netconf ssh` ending the
//! NETCONF sessions, an appliance installing what it configures).

use ironconf_ios::apply::{ErrorOption, apply_batch_in};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::{Config, ItemChange};

use crate::Slots;
use crate::device::{Core, State};
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

/// Why a configuration change (`Device::configure`) changed nothing.
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
/// path's transaction (for [`Core::change`]); the first line that
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

/// How a change came about, for [`Core::conclude`].
enum Made<'a> {
    /// Applied in place, in the transaction the path opened.
    InPlace(Changer<'a>),
    /// Running-config was replaced; this was the one before, and what the
    /// replacement amounts to when it was worked out beforehand.
    Replaced(Changer<'a>, Config, Option<Compared>),
    /// Loaded from startup-config (boot, reload), replacing this one.
    Boot(Config),
}

impl Core {
    /// Applies a change to running-config: `apply` changes it within a
    /// transaction the path has opened (it must not commit it; it may roll
    /// it back, as rollback-on-error does) and returns its result. Refused,
    /// without calling `apply`, while another session holds the lock on
    /// running; refused and rolled back when a feature's check refuses it.
    /// The features react to what it gives back once the lock is released.
    pub fn change<R>(
        &self,
        who: Changer<'_>,
        apply: impl FnOnce(&Catalogue, &mut Config) -> R,
    ) -> Result<(R, Committed), Refused> {
        let cat = self.catalogue();
        let mut st = self.state();
        self.check_lock(&mut st, who)?;
        st.running.begin();
        let result = apply(cat, &mut st.running);
        let committed = self.conclude(&mut st, Made::InPlace(who))?;
        Ok((result, committed))
    }

    /// Replaces running-config as a whole (`copy-config` to running), on
    /// the same terms as [`Core::change`]; [`Committed::commands`] are the
    /// commands the replacement amounts to (`configure replace … list`).
    ///
    /// The comparison of two large configurations takes a while: it is made
    /// outside the device lock against running-config as it was, and used
    /// if nothing changed running-config meanwhile (else it is made again,
    /// under the lock), so other sessions are not kept waiting.
    pub fn replace(&self, who: Changer<'_>, config: Config) -> Result<Committed, Refused> {
        let cat = self.catalogue();
        let (before, generation) = {
            let mut st = self.state();
            self.check_lock(&mut st, who)?;
            (st.running.render(cat, &[]), st.generation)
        };
        let compared = compare(&before, &config.render(cat, &[]));
        drop(before);
        let mut st = self.state();
        self.check_lock(&mut st, who)?;
        let compared = (st.generation == generation).then_some(compared);
        let old = std::mem::replace(&mut st.running, config);
        self.conclude(&mut st, Made::Replaced(who, old, compared))
    }

    /// `reload` with `running` loaded from startup-config: through the
    /// features' checks (which cannot refuse it), without a change record;
    /// locks released. Not subject to locks: it ends their holders. Gives
    /// back the change and the kill switches of every session on every
    /// line, for the device to end them once its features have reacted.
    pub fn reload_with(&self, running: Config) -> (Option<Committed>, Vec<KillSwitch>) {
        let mut st = self.state();
        let old = std::mem::replace(&mut st.running, running);
        // A boot change is never refused.
        let committed = self.conclude(&mut st, Made::Boot(old)).ok();
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
        (committed, kills)
    }

    /// The boot configuration as a change, for the features (an appliance
    /// sets itself up from it): their checks' refusals, which are reported
    /// and not enforced, and the change for their reactions.
    pub fn boot_check(&self) -> (Vec<String>, Committed) {
        let cat = self.catalogue();
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
        let refusals = self.checks.refusals(&commit);
        drop(st);
        let committed = Committed {
            by: ChangedBy::default(),
            commands: Vec::new(),
            changes,
            boot: true,
        };
        (refusals, committed)
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
    fn conclude(&self, st: &mut State, mut made: Made<'_>) -> Result<Committed, Refused> {
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
            let refused = self.checks.check(&commit).err();
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
            change_lines(&changes, &|header, a, b| same_setting(cat, header, a, b))
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
        Ok(Committed {
            by,
            commands,
            changes,
            boot,
        })
    }
}

/// A committed change, as the features react to it once the device lock
/// is released (and the boot configuration, once the device is built).
#[derive(Debug, Clone)]
#[non_exhaustive]
#[must_use = "the features react to a committed change: hand it to them"]
pub struct Committed {
    /// Who made it (nobody at boot and `reload`).
    pub by: ChangedBy,
    /// The commands it amounts to, as the change notifications list them
    /// (none when nothing changed, and at the device's first boot).
    pub commands: Vec<String>,
    /// What changed, per top-level item (none for a change too large to
    /// list; at boot, the whole configuration as one item).
    pub changes: Vec<ItemChange>,
    /// Loaded from startup-config: the device's boot or `reload`.
    pub boot: bool,
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

/// The commands that turn `before` into `after`, one item's lines each
/// (sections keep their header): added lines as they are, removed ones
/// as `no …` unless a new line sets the same thing (`same(header, old,
/// new)`: ` description new` replaces ` description old`, and IOS lists
/// the new line only).
pub fn change_lines(
    changes: &[ironconf_ios::config::ItemChange],
    same: &dyn Fn(&str, &str, &str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for c in changes {
        let head = c.after.first().or(c.before.first());
        if c.after.is_empty() {
            if let Some(h) = c.before.first() {
                out.push(format!("no {h}"));
            }
            continue;
        }
        // A new item, or a line replaced by another of its identity
        // (`hostname B` over `hostname A`): the new lines say it all.
        if c.before.is_empty() || (c.after.len() == 1 && c.before.len() == 1) {
            out.extend(c.after.iter().cloned());
            continue;
        }
        let mut lines = Vec::new();
        for b in &c.before {
            let header = head.map_or("", String::as_str);
            if c.after.contains(b) || c.after.iter().any(|a| a != b && same(header, b, a)) {
                continue;
            }
            let indent = b.len() - b.trim_start().len();
            lines.push(format!("{}no {}", &b[..indent], b.trim_start()));
        }
        for a in &c.after {
            if !c.before.contains(a) {
                lines.push(a.clone());
            }
        }
        // A section's changed lines go under its header.
        if let Some(h) = head
            && !lines.is_empty()
            && lines.iter().all(|l| l.starts_with(' '))
        {
            out.push(h.clone());
        }
        out.extend(lines);
    }
    out
}
