//! Applying configuration commands as if typed after `configure terminal`:
//! the mode persists from line to line, `exit`/`end` leave modes, a command
//! of an enclosing mode leaves the sub-mode, `no` and `default` remove,
//! `do` hands an EXEC command back to the caller, banners span lines.

use crate::catalogue::{Behaviour, Catalogue, ModeId, RuleId};
use crate::check::Verdict;
use crate::config::{Config, Ident, ItemChange, VerbatimAt, first_tokens, identity};
use crate::parse::{ParseError, Parsed, parse_line, tokenize};

/// What a line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The configuration (or the mode) changed, or nothing needed changing.
    Applied,
    /// A blank line or a `!` comment.
    Comment,
    /// `do CMD`: the caller runs CMD in EXEC mode.
    Exec(String),
    /// `end` (or `exit` at the top): configuration mode is over.
    End,
    /// Applied, with IOS's warning for the user
    /// (`% Hostname contains one or more illegal characters.`).
    Warning(String),
}

#[derive(Debug, Clone)]
struct PendingBanner {
    rule: RuleId,
    header: String,
    delimiter: String,
    text: String,
    path: Vec<Ident>,
}

/// A configuration-mode session: the mode stack and any banner being read.
#[derive(Debug, Clone)]
pub struct Applier<'c> {
    cat: &'c Catalogue,
    stack: Vec<(ModeId, Ident)>,
    banner: Option<PendingBanner>,
    /// Keep lines no rule knows, verbatim, instead of refusing them.
    pub permissive: bool,
    /// The last line kept verbatim and its indentation: the lines indented
    /// further are its own (a section the catalogue does not know), kept
    /// under it as they were written.
    unknown: Option<(usize, VerbatimAt)>,
}

/// The state of a configuration session between lines (its mode stack and
/// any banner being read), for callers that keep a session open across
/// several calls (an interactive CLI).
#[derive(Debug, Clone, Default)]
pub struct ApplierState {
    stack: Vec<(ModeId, Ident)>,
    banner: Option<PendingBanner>,
}

impl<'c> Applier<'c> {
    /// A session in global configuration mode.
    pub fn new(cat: &'c Catalogue) -> Self {
        Applier::resume(cat, ApplierState::default())
    }

    /// Continues a session from its saved state.
    pub fn resume(cat: &'c Catalogue, state: ApplierState) -> Self {
        Applier {
            cat,
            stack: state.stack,
            banner: state.banner,
            permissive: false,
            unknown: None,
        }
    }

    /// Saves the session's state.
    pub fn into_state(self) -> ApplierState {
        ApplierState {
            stack: self.stack,
            banner: self.banner,
        }
    }

    /// The current mode.
    pub fn mode(&self) -> ModeId {
        self.stack
            .last()
            .map_or(self.cat.config_mode(), |(m, _)| *m)
    }

    /// The prompt suffix of the current mode (`config-if`).
    pub fn prompt(&self) -> &str {
        &self.cat.mode(self.mode()).prompt
    }

    /// True while a banner's text is being read.
    pub fn in_banner(&self) -> bool {
        self.banner.is_some()
    }

    fn path(&self) -> Vec<Ident> {
        self.stack.iter().map(|(_, id)| id.clone()).collect()
    }

    /// The modes to try, innermost first, with the stack depth of each.
    fn chain(&self) -> Vec<(usize, ModeId)> {
        let mut v: Vec<(usize, ModeId)> = self
            .stack
            .iter()
            .enumerate()
            .map(|(i, (m, _))| (i + 1, *m))
            .rev()
            .collect();
        v.push((0, self.cat.config_mode()));
        v
    }

    /// Applies one line.
    pub fn apply_line(&mut self, cfg: &mut Config, line: &str) -> Result<Outcome, ParseError> {
        if self.banner.is_some() {
            self.banner_line(cfg, line);
            return Ok(Outcome::Applied);
        }
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some((base, at)) = &mut self.unknown {
            if indent > *base && !trimmed.is_empty() && trimmed != "!" {
                // A line of a section the catalogue does not know, with
                // its indentation and its comments (`! If contact email…`).
                // Spaces are the depth; a tab after them stays in the text.
                let text = line.trim_start_matches(' ').trim_end();
                let spaces = line.len() - line.trim_start_matches(' ').len();
                cfg.put_verbatim_child(at, spaces.saturating_sub(*base), text);
                return Ok(Outcome::Applied);
            }
            if !trimmed.is_empty() && trimmed != "!" {
                self.unknown = None;
            }
        }
        if trimmed.is_empty() || trimmed.starts_with('!') {
            return Ok(Outcome::Comment);
        }
        let mode = self.cat.mode(self.mode());
        let words = tokenize(trimmed);
        let first = words
            .first()
            .map(|w| w.text.to_ascii_lowercase())
            .unwrap_or_default();
        if mode.raw {
            if first == "exit" && words.len() == 1 {
                self.stack.pop();
            } else {
                cfg.put_verbatim(self.cat, &self.path(), trimmed);
            }
            return Ok(Outcome::Applied);
        }
        match first.as_str() {
            "end" if words.len() == 1 => {
                self.stack.clear();
                return Ok(Outcome::End);
            }
            "exit" if words.len() == 1 => {
                if self.stack.pop().is_none() {
                    return Ok(Outcome::End);
                }
                return Ok(Outcome::Applied);
            }
            "do" if words.len() > 1 => {
                let rest = trimmed[words[1].start..].to_owned();
                return Ok(Outcome::Exec(rest));
            }
            _ => {}
        }
        if mode.trailer.as_deref() == Some(first.as_str()) && words.len() == 1 {
            self.stack.pop();
            return Ok(Outcome::Applied);
        }
        let result = match first.as_str() {
            "no" if words.len() > 1 => self.negate(cfg, trimmed, words[1].start, false),
            "default" if words.len() > 1 => self.negate(cfg, trimmed, words[1].start, true),
            _ => self.positive(cfg, trimmed),
        };
        match result {
            // A line the catalogue cannot read whole (unknown, or a
            // keyword it lacks making it ambiguous or incomplete) is kept;
            // one it reads and refuses for its values is not, as at boot.
            Err(
                error @ (ParseError::Invalid { .. }
                | ParseError::Ambiguous
                | ParseError::Incomplete),
            ) if self.permissive => {
                tracing::debug!(line = trimmed, ?error, "unknown command kept verbatim");
                // Nothing tells where an unknown line belongs but its
                // indentation: an unindented one is a global line (and ends
                // the sub-mode). Global ones are stored unindented, so the
                // rendered text loads back the same way.
                if indent == 0 {
                    self.stack.clear();
                } else if indent < self.stack.len() {
                    // One space a level: a line less indented than the
                    // current sub-mode belongs to an enclosing one.
                    self.stack.truncate(indent);
                }
                self.unknown = cfg
                    .put_verbatim(self.cat, &self.path(), trimmed)
                    .map(|at| (indent, at));
                Err(error)
            }
            other => other,
        }
    }

    /// Parses `line` in the innermost mode that accepts it; on failure,
    /// reports the error that got furthest into the line.
    fn parse_in_chain(&self, line: &str, partial: bool) -> Result<(usize, Parsed), ParseError> {
        let mut best: Option<ParseError> = None;
        for (depth, mode) in self.chain() {
            match parse_line(self.cat, mode, line, partial) {
                Ok(p) => return Ok((depth, p)),
                Err(e) => {
                    let better = match (&best, &e) {
                        (None, _) => true,
                        (
                            Some(ParseError::Invalid { column: a }),
                            ParseError::Invalid { column: b },
                        ) => b > a,
                        (Some(ParseError::Invalid { .. }), _) => true,
                        _ => false,
                    };
                    if better {
                        best = Some(e);
                    }
                }
            }
        }
        Err(best.unwrap_or(ParseError::Invalid { column: 0 }))
    }

    fn positive(&mut self, cfg: &mut Config, line: &str) -> Result<Outcome, ParseError> {
        let (depth, parsed) = self.parse_in_chain(line, false)?;
        self.stack.truncate(depth);
        let Some(rule) = parsed.rule else {
            return Err(ParseError::Incomplete);
        };
        let verdict = self
            .cat
            .rule(rule)
            .check
            .map_or(Verdict::Accept, |c| c.run(&parsed.tokens));
        match verdict {
            Verdict::Refuse(message) => Err(ParseError::Refused(message)),
            Verdict::InvalidAt(word) => Err(ParseError::Invalid {
                column: word_column(line, word),
            }),
            Verdict::Incomplete => Err(ParseError::Incomplete),
            Verdict::Warn(message) => {
                self.store(cfg, rule, parsed.canonical());
                Ok(Outcome::Warning(message))
            }
            Verdict::Accept => {
                self.store(cfg, rule, parsed.canonical());
                Ok(Outcome::Applied)
            }
        }
    }

    fn store(&mut self, cfg: &mut Config, rule: RuleId, text: String) {
        let cat = self.cat;
        let r = cat.rule(rule);
        let text = if r.hash { hash_secret(text) } else { text };
        let text = if r.encrypt {
            key_as_stored(text, password_encryption(cfg))
        } else {
            text
        };
        let path = self.path();
        if r.pattern == "aaa new-model" {
            aaa_takes_over_logins(cat, cfg);
        }
        if text == "service password-encryption" {
            encrypt_keys(cat, cfg);
        }
        // Under AAA the lines' `login` / `login local` mean nothing: taken,
        // not kept (IOS shows none).
        if r.pattern == "login [local]" && top_line(cfg, "aaa new-model") {
            return;
        }
        match r.behaviour {
            Behaviour::Section { enter, .. } => {
                // Raw data (`key-string`) typed again replaces what was
                // there: the key is the data of its last entry.
                if cat.mode(enter).raw {
                    cfg.remove_identity(cat, &path, &identity(cat, rule, &text));
                }
                let id = cfg.open_section(cat, &path, rule, text);
                self.stack.push((enter, id));
            }
            Behaviour::List { .. } => cfg.put_list_line(cat, &path, rule, text),
            Behaviour::Replace { key } => {
                if r.banner {
                    return self.start_banner(cfg, rule, text, path);
                }
                let last = text.rsplit(' ').next().unwrap_or("");
                let is_default = r.is_default || r.default.as_deref() == Some(last);
                if is_default {
                    cfg.remove_identity(cat, &path, &identity(cat, rule, &text));
                    return;
                }
                if r.negated {
                    // `no ip address` also clears secondaries: everything
                    // under the positive prefix goes before it is stored.
                    let positive = text.strip_prefix("no ").unwrap_or(&text);
                    let prefix = first_tokens(positive, key);
                    if let Ok(p) = parse_line(cat, self.mode(), prefix, true) {
                        let rules = cat.rules_below(p.node);
                        let own = identity(cat, rule, &text);
                        cfg.remove_matching(cat, &path, &rules, prefix, Some(&own));
                    }
                }
                cfg.put_line(cat, &path, rule, text);
            }
        }
    }

    fn negate(
        &mut self,
        cfg: &mut Config,
        line: &str,
        rest_at: usize,
        default: bool,
    ) -> Result<Outcome, ParseError> {
        // A stored negation (`no ip domain lookup`) is a command of its own.
        if !default
            && let Ok((depth, parsed)) = self.parse_in_chain(line, false)
            && let Some(rule) = parsed.rule
            && self.cat.rule(rule).negated
        {
            self.stack.truncate(depth);
            self.store(cfg, rule, parsed.canonical());
            return Ok(Outcome::Applied);
        }
        let rest = &line[rest_at..];
        let (depth, parsed) = self.parse_in_chain(rest, true).map_err(|e| match e {
            ParseError::Invalid { column } => ParseError::Invalid {
                column: column + rest_at,
            },
            other => other,
        })?;
        let cat = self.cat;
        let typed = parsed.tokens.len();
        let eligible: Vec<RuleId> = cat
            .rules_below(parsed.node)
            .into_iter()
            .filter(|r| !cat.rule(*r).negated && cat.rule(*r).nomin <= typed)
            .collect();
        if eligible.is_empty() {
            return Err(ParseError::Incomplete);
        }
        self.stack.truncate(depth);
        let path = self.path();
        let typed_text = parsed.canonical();
        for rule in eligible {
            let r = cat.rule(rule);
            let prefix = match r.behaviour {
                Behaviour::Replace { key } | Behaviour::Section { key, .. }
                    if key != usize::MAX && typed >= key =>
                {
                    // For `ip domain-name`, the typed words differ from the
                    // canonical ones: the identity comes from the rule.
                    if let Some(t) = parsed.rule.filter(|x| *x == rule) {
                        identity(cat, t, &typed_text).key
                    } else if r.canon.is_some() {
                        first_tokens(r.canon.as_deref().unwrap_or(""), key).to_owned()
                    } else {
                        first_tokens(&typed_text, key).to_owned()
                    }
                }
                _ => typed_text.clone(),
            };
            cfg.remove_matching(cat, &path, &[rule], &prefix, None);
        }
        Ok(Outcome::Applied)
    }

    fn start_banner(&mut self, cfg: &mut Config, rule: RuleId, text: String, path: Vec<Ident>) {
        // `banner motd ^C…^C` or `banner motd #…#`: the delimiter is `^C`
        // or the first character after the banner keyword.
        let header = first_tokens(&text, 2).to_owned();
        let body = text[header.len()..].trim_start();
        let delimiter = if body.starts_with("^C") {
            "^C".to_owned()
        } else {
            body.chars().next().map(String::from).unwrap_or_default()
        };
        let after = &body[delimiter.len()..];
        let mut pending = PendingBanner {
            rule,
            header,
            delimiter,
            text: String::new(),
            path,
        };
        match after.find(&pending.delimiter) {
            Some(pos) => {
                pending.text.push_str(&after[..pos]);
                cfg.put_banner(self.cat, &pending.path, rule, pending.header, pending.text);
            }
            None => {
                pending.text.push_str(after);
                pending.text.push('\n');
                self.banner = Some(pending);
            }
        }
    }

    fn banner_line(&mut self, cfg: &mut Config, line: &str) {
        let Some(mut b) = self.banner.take() else {
            return;
        };
        match line.find(&b.delimiter) {
            Some(pos) => {
                b.text.push_str(&line[..pos]);
                cfg.put_banner(self.cat, &b.path, b.rule, b.header, b.text);
            }
            None => {
                b.text.push_str(line);
                b.text.push('\n');
                self.banner = Some(b);
            }
        }
    }

    /// Stores a banner whose closing delimiter never came (end of input).
    pub fn finish(&mut self, cfg: &mut Config) {
        if let Some(b) = self.banner.take() {
            cfg.put_banner(self.cat, &b.path, b.rule, b.header, b.text);
        }
    }
}

/// `service password-encryption` is configured.
fn password_encryption(cfg: &Config) -> bool {
    top_line(cfg, "service password-encryption")
}

/// A global line with exactly this text is configured.
fn top_line(cfg: &Config, text: &str) -> bool {
    cfg.items()
        .any(|i| matches!(i, crate::config::Item::Line(l) if &*l.text == text))
}

/// A clear `key TEXT` / `key 0 TEXT` as IOS stores it: `key TEXT`, or
/// `key 7 ENCRYPTED` under `service password-encryption`. Keys given
/// encrypted (types 6, 7) are kept as given.
fn key_as_stored(text: String, encrypt: bool) -> String {
    let tokens: Vec<&str> = text.splitn(3, ' ').collect();
    let plain = match tokens.as_slice() {
        ["key", "0", plain] => (*plain).to_owned(),
        ["key", "6" | "7", _] => return text,
        ["key", first, rest] => format!("{first} {rest}"),
        ["key", plain] => (*plain).to_owned(),
        _ => return text,
    };
    if encrypt {
        format!("key 7 {}", crate::secret::type7_encode(&plain, 0))
    } else {
        format!("key {plain}")
    }
}

/// `service password-encryption`, once configured: every clear server
/// key already in the configuration becomes type 7, as IOS does at once.
fn encrypt_keys(cat: &Catalogue, cfg: &mut Config) {
    let mut edits: Vec<(Ident, RuleId, String)> = Vec::new();
    for item in cfg.items() {
        let crate::config::Item::Section { header, body } = item else {
            continue;
        };
        let Some(section_rule) = header.rule else {
            continue;
        };
        for line in body.lines().filter(|l| l.depth == 0) {
            let (Some(rule), true) = (line.rule, line.text.starts_with("key ")) else {
                continue;
            };
            if !cat.rule(rule).encrypt {
                continue;
            }
            let stored = key_as_stored(line.text.to_owned(), true);
            if stored != line.text {
                edits.push((identity(cat, section_rule, &header.text), rule, stored));
            }
        }
    }
    for (section, rule, text) in edits {
        cfg.put_line(cat, &[section], rule, text);
    }
}

/// `aaa new-model`: logins on the lines go through AAA's method lists,
/// and the lines' own `login` / `login local` go from the configuration
/// (as IOS removes them).
fn aaa_takes_over_logins(cat: &Catalogue, cfg: &mut Config) {
    let lines: Vec<(Ident, RuleId)> = cfg
        .items()
        .filter_map(|i| match i {
            crate::config::Item::Section { header, .. } if header.text.starts_with("line ") => {
                let rule = header.rule?;
                Some((identity(cat, rule, &header.text), rule))
            }
            _ => None,
        })
        .collect();
    let Some(mode) = cat.mode_by_name("line") else {
        return;
    };
    let Ok(login) = parse_line(cat, mode, "login", false) else {
        return;
    };
    let Some(rule) = login.rule else {
        return;
    };
    for (line, _) in lines {
        cfg.remove_matching(cat, &[line], &[rule], "login", None);
    }
}

/// Where the `n`th word of `line` starts (0-based): the caret's column.
fn word_column(line: &str, n: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in line.char_indices() {
        let space = c.is_whitespace();
        if !space && !in_word {
            if words == n {
                return i;
            }
            words += 1;
        }
        in_word = !space;
    }
    line.len()
}

/// Replaces a clear-text `secret TEXT` / `secret 0 TEXT` with `secret 9
/// HASH`, as IOS stores it.
fn hash_secret(text: String) -> String {
    let tokens: Vec<&str> = text.split(' ').collect();
    let Some(i) = tokens.iter().position(|t| *t == "secret") else {
        return text;
    };
    let (plain, used) = match tokens.get(i + 1) {
        Some(&"5" | &"8" | &"9") => return text,
        Some(&"0") => match tokens.get(i + 2) {
            Some(p) => (*p, 2),
            None => return text,
        },
        Some(p) => (*p, 1),
        None => return text,
    };
    let Some(hashed) = crate::secret::Secret::hash(plain) else {
        return text;
    };
    let mut out: Vec<&str> = tokens[..=i].to_vec();
    out.push("9");
    out.push(hashed.text());
    out.extend(&tokens[i + 1 + used..]);
    out.join(" ")
}

/// What to do when a line of a batch fails (NETCONF `error-option`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorOption {
    /// Stop at the failing line; earlier lines stay applied.
    #[default]
    StopOnError,
    /// Skip failing lines.
    ContinueOnError,
    /// Undo the whole batch if any line fails.
    RollbackOnError,
}

/// A line of a batch that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFailure {
    /// 0-based index in the batch.
    pub index: usize,
    /// The line as given.
    pub line: String,
    /// Why.
    pub error: ParseError,
}

impl LineFailure {
    /// The IOS message.
    pub fn message(&self) -> String {
        self.error.message(&self.line)
    }
}

/// The result of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchResult {
    /// Lines that failed.
    pub failures: Vec<LineFailure>,
    /// `do` commands, with their line index, for the caller to run.
    pub execs: Vec<(usize, String)>,
    /// True if the batch was undone.
    pub rolled_back: bool,
    /// What changed (empty when rolled back).
    pub changes: Vec<ItemChange>,
}

impl BatchResult {
    /// True when every line applied.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// The change record of this batch, made by `user` at `time` (`None`
    /// when nothing changed).
    pub fn record(
        &self,
        user: &str,
        time: std::time::SystemTime,
    ) -> Option<crate::change::ChangeRecord> {
        (!self.changes.is_empty()).then(|| crate::change::ChangeRecord {
            user: user.to_owned(),
            time,
            changes: self.changes.clone(),
        })
    }
}

/// Applies lines as one batch starting in global configuration mode. `end`
/// returns to global configuration mode (a replayed configuration ends
/// with it).
pub fn apply_batch<'a>(
    cat: &Catalogue,
    cfg: &mut Config,
    lines: impl IntoIterator<Item = &'a str>,
    option: ErrorOption,
    permissive: bool,
) -> BatchResult {
    cfg.begin();
    let mut result = apply_batch_in(cat, cfg, lines, option, permissive);
    if !result.rolled_back {
        result.changes = cfg.commit(cat);
    }
    result
}

/// Applies lines as one batch within the caller's open transaction
/// ([`Config::begin`]): the caller commits it, or rolls it back. With
/// [`ErrorOption::RollbackOnError`] a failing line rolls the transaction
/// back here (`rolled_back`); `changes` is left empty for the caller to
/// take from its commit.
pub fn apply_batch_in<'a>(
    cat: &Catalogue,
    cfg: &mut Config,
    lines: impl IntoIterator<Item = &'a str>,
    option: ErrorOption,
    permissive: bool,
) -> BatchResult {
    let mut result = BatchResult::default();
    run_batch(cat, cfg, lines, option, permissive, &mut result);
    result
}

fn run_batch<'a>(
    cat: &Catalogue,
    cfg: &mut Config,
    lines: impl IntoIterator<Item = &'a str>,
    option: ErrorOption,
    permissive: bool,
    result: &mut BatchResult,
) {
    let mut applier = Applier::new(cat);
    applier.permissive = permissive;
    // After `end` the CLI is back in EXEC mode, where configuration
    // commands are invalid input (a startup-config ends with `end` and
    // what follows is ignored, as at boot).
    let mut ended = false;
    for (index, line) in lines.into_iter().enumerate() {
        let outcome = if ended {
            if permissive || line.trim().is_empty() || line.trim_start().starts_with('!') {
                continue;
            }
            let column = line.len() - line.trim_start().len();
            Err(crate::parse::ParseError::Invalid { column })
        } else {
            applier.apply_line(cfg, line)
        };
        match outcome {
            Ok(Outcome::Exec(cmd)) => result.execs.push((index, cmd)),
            Ok(Outcome::End) => ended = true,
            Ok(Outcome::Warning(message)) => {
                tracing::info!(line = line.trim(), "{message}");
            }
            Ok(_) => {}
            Err(error) => {
                result.failures.push(LineFailure {
                    index,
                    line: line.to_owned(),
                    error,
                });
                match option {
                    ErrorOption::StopOnError => break,
                    ErrorOption::ContinueOnError => {}
                    ErrorOption::RollbackOnError => {
                        cfg.rollback(cat);
                        result.rolled_back = true;
                        return;
                    }
                }
            }
        }
    }
    applier.finish(cfg);
}

/// Loads a startup-config as IOS does at boot: every line is tried, lines
/// no rule knows are kept verbatim and reported, and loading carries on.
pub fn load(cat: &Catalogue, text: &str) -> (Config, Vec<LineFailure>) {
    let mut cfg = Config::new();
    let mut r = BatchResult::default();
    // No transaction: nothing to undo or to report on a fresh configuration.
    run_batch(
        cat,
        &mut cfg,
        text.lines(),
        ErrorOption::ContinueOnError,
        true,
        &mut r,
    );
    cfg.shrink();
    (cfg, r.failures)
}
