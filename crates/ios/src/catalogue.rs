//! The command catalogue: every command the configuration engine knows, as
//! data. It is read from a small text format (the built-in catalogue is
//! `catalogue/ios.cat`; an application or a user may load more), expanded
//! into one keyword/parameter tree per configuration mode.
//!
//! ```text
//! mode interface prompt=config-if parent=config
//! config: hostname WORD ; key=1
//! config: interface IFNAME ; key=2 enter=interface sort=natural
//! interface: ip address A.B.C.D A.B.C.D ; key=2 class=ip-address
//! config: access-list <1-99> (permit|deny) LINE ; list=2
//! help config hostname "Set system's network name"
//! ```
//!
//! Patterns: keywords, `WORD`, `LINE`, `<lo-hi>`, `A.B.C.D`, `IFNAME`,
//! optional `[ … ]` and alternatives `( a | b )`. Attributes:
//! - `key=N`: the first N tokens identify the setting; a new line with the
//!   same identity replaces the old one (`hostname B` replaces `hostname A`).
//!   Without `key` or `list`, the whole line is its identity.
//! - `list=N`: lines accumulate in order, grouped by their first N tokens.
//! - `enter=MODE`: the line opens a section in MODE.
//! - `class=NAME`: rules sharing a class share identities (`ip address` and
//!   the stored `no ip address`).
//! - `default=V`: a line whose last token is V is the default: not stored.
//! - `isdefault`: the line is the default state: not stored.
//! - `nomin=N`: the `no` form needs at least N tokens (default: the key).
//! - `sort=natural`: siblings ordered by name (interfaces), not by arrival.
//! - `banner`: the last token opens a delimited multi-line text.
//! - `hash`: a clear-text `secret` (type 0 or no type) is stored as type 9.
//! - `encrypt`: a clear-text `key` (type 0 or no type) is stored as type 7
//!   while `service password-encryption` is configured.
//! - `priv=N`: the privilege level an EXEC command needs (default 15).
//! - `cluster=N`: lines sharing their first N tokens are rendered together
//!   (per-neighbor BGP lines).
//! - `check=NAME`: values checked after parsing, as IOS does
//!   (`hostname`, `ip-address`, `ip-route`; see the `check` module).
//! - `WORD:N`, `LINE:N`: at most N characters (the caret goes under the
//!   first one too many); `X:X:X:X::X` and `X:X:X:X::X/<0-128>`: IPv6.
//! - `samerank`: shares the previous rule's place in rendering order, so
//!   lines of both keep arrival order (access-list entries and remarks).
//!
//! The order of rules is the order IOS renders a configuration in.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::param::ParamKind;

/// Index of a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModeId(pub u16);

/// Index of a rule (one catalogue line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub u32);

/// Index of a node in a mode's command tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub u32);

/// A configuration mode.
#[derive(Debug, Clone)]
pub struct Mode {
    /// Its name in the catalogue (`config`, `interface`, …).
    pub name: String,
    /// The prompt suffix (`config-if` gives `host(config-if)#`).
    pub prompt: String,
    /// The enclosing mode; commands of ancestors are accepted too.
    pub parent: Option<ModeId>,
    /// Every line is data (`key-string` blocks) until `exit`.
    pub raw: bool,
    /// A keyword that closes the section and is rendered as its last line
    /// (`exit-address-family`).
    pub trailer: Option<String>,
    /// Root of its command tree.
    pub root: NodeId,
    /// Its element in XML-PI, from the prompt (`config-if` gives
    /// `ConfigIf-Configuration`).
    pub xml: String,
}

/// How a rule's lines are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// One line per identity; a new one replaces it.
    Replace {
        /// Tokens in the identity.
        key: usize,
    },
    /// Lines accumulate, grouped by a prefix.
    List {
        /// Tokens in the group prefix.
        group: usize,
    },
    /// The line heads a section of sub-mode lines.
    Section {
        /// Tokens in the identity.
        key: usize,
        /// The mode of the section's lines.
        enter: ModeId,
    },
}

/// One catalogue line.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its id; also its rank in rendering order.
    pub id: RuleId,
    /// The mode it belongs to.
    pub mode: ModeId,
    /// The pattern as written.
    pub pattern: String,
    /// How its lines are stored.
    pub behaviour: Behaviour,
    /// Identity class (rules in one class replace each other).
    pub class: u32,
    /// A last-token value that means "default" (line not stored).
    pub default: Option<String>,
    /// The line is the default state (not stored).
    pub is_default: bool,
    /// The pattern starts with `no` (a stored negation such as `no ip address`).
    pub negated: bool,
    /// Tokens a `no` form needs.
    pub nomin: usize,
    /// Siblings sorted by name.
    pub sort_natural: bool,
    /// Opens delimited text (`banner motd ^C … ^C`).
    pub banner: bool,
    /// Canonical spelling of the leading keywords (`ip domain-name` is
    /// stored as `ip domain name`).
    pub canon: Option<String>,
    /// A clear-text `secret` in the line is stored as a type 9 hash.
    pub hash: bool,
    /// A clear-text `key` is stored as type 7 under `service
    /// password-encryption`.
    pub encrypt: bool,
    /// The privilege level the command needs (EXEC commands; 15 unless
    /// the catalogue says otherwise).
    pub privilege: u8,
    /// Position in rendering order (rules marked `samerank` share the
    /// previous rule's, so their lines keep arrival order among each other).
    pub rank: u32,
    /// Lines sharing their first N tokens stay together, in rank order
    /// (`neighbor X remote-as`, `neighbor X description`, then the next
    /// neighbor).
    pub cluster: Option<usize>,
    /// A check of the values after parsing.
    pub check: Option<crate::check::Check>,
}

/// A token of an expanded pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Token {
    /// A keyword, as spelt in the catalogue.
    Keyword(String),
    /// A parameter.
    Param(ParamKind),
}

/// A node of a command tree.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Keyword children.
    pub keywords: Vec<(String, NodeId)>,
    /// Parameter children.
    pub params: Vec<(ParamKind, NodeId)>,
    /// The rule a line ending here matches.
    pub terminal: Option<RuleId>,
    /// For a parameter's node: its help text (`?`), from a `help` line
    /// naming the parameter.
    pub help: Option<Arc<str>>,
    /// For a parameter's node: its element in XML-PI, derived from its help
    /// text as IOS derives it (`This system's network name` gives
    /// `SystemNetworkName`); `Param` without help.
    pub leaf: Option<Arc<str>>,
}

/// An error in catalogue text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalogue line {line}: {message}")]
pub struct CatalogueError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The whole catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    modes: Vec<Mode>,
    nodes: Vec<Node>,
    rules: Vec<Rule>,
    classes: HashMap<String, u32>,
    help: HashMap<(ModeId, String), String>,
    /// Classes found by position (see [`Catalogue::natural_rank`]).
    natural: HashMap<u32, u32>,
}

/// The built-in catalogue text.
pub const BUILTIN: &str = include_str!("../catalogue/ios.cat");

/// The built-in EXEC command catalogue (mode `exec`).
pub const BUILTIN_EXEC: &str = include_str!("../catalogue/exec.cat");

impl Catalogue {
    /// An empty catalogue with the `config` mode only.
    pub fn empty() -> Self {
        let mut c = Catalogue {
            modes: Vec::new(),
            nodes: Vec::new(),
            rules: Vec::new(),
            classes: HashMap::new(),
            help: HashMap::new(),
            natural: HashMap::new(),
        };
        c.add_mode("config", "config", None, false);
        c
    }

    /// The built-in IOS catalogue.
    /// The built-in catalogue, built once per process and shared: it is
    /// read-only, and each device holding its own copy would cost it about
    /// 270 kB and half a millisecond to build.
    pub fn builtin_shared() -> Arc<Catalogue> {
        static BUILTIN_SHARED: OnceLock<Arc<Catalogue>> = OnceLock::new();
        BUILTIN_SHARED
            .get_or_init(|| Arc::new(Catalogue::builtin()))
            .clone()
    }

    /// The built-in catalogue, as a value of its own (to extend).
    pub fn builtin() -> Self {
        let mut c = Catalogue::empty();
        // The built-in text is tested; an error here is a build defect that
        // the test suite reports, so fall back to what loaded.
        if let Err(e) = c.load(BUILTIN).and_then(|()| c.load(BUILTIN_EXEC)) {
            tracing::error!(%e, "built-in catalogue");
        }
        c
    }

    fn add_mode(&mut self, name: &str, prompt: &str, parent: Option<ModeId>, raw: bool) -> ModeId {
        let root = self.new_node();
        self.modes.push(Mode {
            name: name.to_owned(),
            prompt: prompt.to_owned(),
            parent,
            raw,
            trailer: None,
            root,
            xml: crate::xmlpi::mode_element(prompt),
        });
        ModeId((self.modes.len() - 1) as u16)
    }

    fn new_node(&mut self) -> NodeId {
        self.nodes.push(Node::default());
        NodeId((self.nodes.len() - 1) as u32)
    }

    /// The global configuration mode.
    pub fn config_mode(&self) -> ModeId {
        ModeId(0)
    }

    /// A mode by id.
    pub fn mode(&self, id: ModeId) -> &Mode {
        &self.modes[usize::from(id.0).min(self.modes.len() - 1)]
    }

    /// A mode by name.
    pub fn mode_by_name(&self, name: &str) -> Option<ModeId> {
        self.modes
            .iter()
            .position(|m| m.name == name)
            .map(|i| ModeId(i as u16))
    }

    /// A rule by id.
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[(id.0 as usize).min(self.rules.len().saturating_sub(1))]
    }

    /// Every rule, in rendering order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[(id.0 as usize).min(self.nodes.len() - 1)]
    }

    /// The shared rank of a class whose rules are all naturally sorted
    /// top-level rules of one rank (their items are found by position).
    pub fn natural_rank(&self, class: u32) -> Option<u32> {
        self.natural.get(&class).copied()
    }

    fn compute_natural(&mut self) {
        let config = self.config_mode();
        let mut map: HashMap<u32, Option<u32>> = HashMap::new();
        for r in &self.rules {
            let ok = r.sort_natural && r.mode == config;
            map.entry(r.class)
                .and_modify(|v| {
                    if !ok || *v != Some(r.rank) {
                        *v = None;
                    }
                })
                .or_insert(ok.then_some(r.rank));
        }
        self.natural = map
            .into_iter()
            .filter_map(|(c, r)| r.map(|r| (c, r)))
            .collect();
    }

    /// Help text for a keyword path in a mode (`netconf max-sessions`).
    pub fn help(&self, mode: ModeId, path: &str) -> Option<&str> {
        self.help.get(&(mode, path.to_owned())).map(String::as_str)
    }

    /// The lines that are in effect when a configuration does not say
    /// otherwise (`isdefault` rules, and `default=V` rules with V), one per
    /// identity, for `show running-config all`: (mode, rule, line).
    pub fn default_lines(&self) -> Vec<(ModeId, RuleId, String)> {
        let mut out: Vec<(ModeId, RuleId, String)> = Vec::new();
        for r in &self.rules {
            if r.negated && !r.is_default {
                continue;
            }
            let Ok(alternatives) = lex(&r.pattern).and_then(|lx| expand(&lx)) else {
                continue;
            };
            for alt in alternatives {
                let mut words = Vec::with_capacity(alt.len());
                let mut ok = true;
                for (i, t) in alt.iter().enumerate() {
                    match (t, &r.default) {
                        (Token::Keyword(k), _) => words.push(k.clone()),
                        (Token::Param(_), Some(v)) if !r.is_default && i + 1 == alt.len() => {
                            words.push(v.clone());
                        }
                        _ => ok = false,
                    }
                }
                if !ok || !(r.is_default || r.default.is_some()) {
                    continue;
                }
                let line = words.join(" ");
                let id = crate::config::identity(self, r.id, &line);
                // The longest spelling of an identity wins (`file prompt
                // alert` over `file prompt`).
                match out
                    .iter_mut()
                    .find(|(m, rr, l)| *m == r.mode && crate::config::identity(self, *rr, l) == id)
                {
                    Some(existing) if existing.2.len() < line.len() => {
                        *existing = (r.mode, r.id, line);
                    }
                    Some(_) => {}
                    None => out.push((r.mode, r.id, line)),
                }
            }
        }
        out
    }

    /// Rules reachable below a node (for `no` forms and `?`).
    pub fn rules_below(&self, node: NodeId) -> Vec<RuleId> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let n = self.node(n);
            out.extend(n.terminal);
            stack.extend(n.keywords.iter().map(|(_, c)| *c));
            stack.extend(n.params.iter().map(|(_, c)| *c));
        }
        out.sort();
        out.dedup();
        out
    }

    /// Adds the definitions in a catalogue file (a user's extension).
    pub fn load_file(&mut self, path: &std::path::Path) -> Result<(), CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|e| CatalogueError {
            line: 0,
            message: format!("{}: {e}", path.display()),
        })?;
        self.load(&text)
    }

    /// Adds the definitions in `text` (same format as the built-in file).
    pub fn load(&mut self, text: &str) -> Result<(), CatalogueError> {
        let result = self.load_lines(text);
        self.compute_natural();
        result
    }

    fn load_lines(&mut self, text: &str) -> Result<(), CatalogueError> {
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| CatalogueError { line, message };
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            if let Some(rest) = l.strip_prefix("mode ") {
                self.load_mode(rest).map_err(err)?;
            } else if let Some(rest) = l.strip_prefix("help ") {
                self.load_help(rest).map_err(err)?;
            } else {
                self.load_rule(l).map_err(err)?;
            }
        }
        Ok(())
    }

    fn load_mode(&mut self, rest: &str) -> Result<(), String> {
        let mut words = rest.split_whitespace();
        let name = words.next().ok_or("mode needs a name")?;
        if self.mode_by_name(name).is_some() {
            return Err(format!("mode '{name}' is defined twice"));
        }
        let mut prompt = name.to_owned();
        let mut parent = None;
        let mut raw = false;
        let mut trailer = None;
        for w in words {
            if let Some(p) = w.strip_prefix("prompt=") {
                prompt = p.to_owned();
            } else if let Some(p) = w.strip_prefix("parent=") {
                parent = Some(
                    self.mode_by_name(p)
                        .ok_or(format!("unknown parent mode '{p}'"))?,
                );
            } else if w == "raw" {
                raw = true;
            } else if let Some(t) = w.strip_prefix("trailer=") {
                trailer = Some(t.to_owned());
            } else {
                return Err(format!("unknown mode attribute '{w}'"));
            }
        }
        let id = self.add_mode(name, &prompt, parent, raw);
        self.modes[usize::from(id.0)].trailer = trailer;
        Ok(())
    }

    fn load_help(&mut self, rest: &str) -> Result<(), String> {
        let (head, text) = rest.split_once('"').ok_or("help needs quoted text")?;
        let text = text
            .strip_suffix('"')
            .ok_or("help text must end with '\"'")?;
        let mut words = head.split_whitespace();
        let mode = words.next().ok_or("help needs a mode")?;
        let mode = self
            .mode_by_name(mode)
            .ok_or(format!("unknown mode '{mode}'"))?;
        let path: Vec<&str> = words.collect();
        if path.is_empty() {
            return Err("help needs a keyword path".into());
        }
        if path.iter().any(|w| ParamKind::from_pattern(w).is_some()) {
            return self.param_help(mode, &path, text);
        }
        self.help.insert((mode, path.join(" ")), text.to_owned());
        Ok(())
    }

    /// `help MODE … PARAM "text"`: the help of the parameter the path ends
    /// with, and its XML-PI element.
    fn param_help(&mut self, mode: ModeId, path: &[&str], text: &str) -> Result<(), String> {
        let mut node = self.mode(mode).root;
        for w in path {
            let n = self.node(node);
            let next = match ParamKind::from_pattern(w) {
                Some(kind) => n
                    .params
                    .iter()
                    .find(|(p, _)| *p == kind || kind.same_slot(p))
                    .map(|(_, c)| *c),
                None => n.keywords.iter().find(|(k, _)| k == w).map(|(_, c)| *c),
            };
            node = next.ok_or_else(|| format!("help for '{w}': no such word here"))?;
        }
        if ParamKind::from_pattern(path.last().copied().unwrap_or_default()).is_none() {
            return Err("help for a parameter must end with it".into());
        }
        let leaf = crate::xmlpi::leaf_from_help(text);
        if leaf.is_empty() {
            return Err("help text gives no element name".into());
        }
        let n = &mut self.nodes[node.0 as usize];
        n.help = Some(Arc::from(text));
        n.leaf = Some(Arc::from(leaf));
        Ok(())
    }

    fn load_rule(&mut self, l: &str) -> Result<(), String> {
        let (mode_name, rest) = l.split_once(':').ok_or("expected 'mode: pattern'")?;
        let mode = self
            .mode_by_name(mode_name.trim())
            .ok_or(format!("unknown mode '{}'", mode_name.trim()))?;
        let (pattern, attrs) = match rest.split_once(';') {
            Some((p, a)) => (p.trim(), a.trim()),
            None => (rest.trim(), ""),
        };
        let alternatives = expand(&lex(pattern)?)?;
        let mut behaviour_key = None;
        let mut list = None;
        let mut enter = None;
        let mut class = None;
        let mut default = None;
        let mut is_default = false;
        let mut nomin = None;
        let mut sort_natural = false;
        let mut banner = false;
        let mut canon = None;
        let mut hash = false;
        let mut encrypt = false;
        let mut privilege = 15u8;
        let mut cluster = None;
        let mut same_rank = false;
        let mut check = None;
        for a in attrs.split_whitespace() {
            let (k, v) = a.split_once('=').unwrap_or((a, ""));
            let num = || {
                v.parse::<usize>()
                    .map_err(|_| format!("'{a}' needs a number"))
            };
            match k {
                "key" => behaviour_key = Some(num()?),
                "list" => list = Some(num()?),
                "nomin" => nomin = Some(num()?),
                "enter" => enter = Some(self.mode_by_name(v).ok_or(format!("unknown mode '{v}'"))?),
                "class" => class = Some(v.to_owned()),
                "default" => default = Some(v.to_owned()),
                "isdefault" => is_default = true,
                "sort" if v == "natural" => sort_natural = true,
                "banner" => banner = true,
                "hash" => hash = true,
                "encrypt" => encrypt = true,
                "priv" => privilege = v.parse().map_err(|_| format!("'{a}' needs a level 0-15"))?,
                "cluster" => cluster = Some(num()?),
                "samerank" => same_rank = true,
                "check" => {
                    check = Some(
                        crate::check::Check::by_name(v).ok_or(format!("unknown check '{v}'"))?,
                    );
                }
                "canon" => canon = Some(v.replace('_', " ")),
                _ => return Err(format!("unknown attribute '{a}'")),
            }
        }
        let negated = alternatives
            .iter()
            .all(|alt| alt.first() == Some(&Token::Keyword("no".into())));
        let shortest = alternatives.iter().map(Vec::len).min().unwrap_or(0);
        let behaviour = match (behaviour_key, list, enter) {
            (_, Some(_), Some(_)) => return Err("'list' and 'enter' exclude each other".into()),
            (key, None, Some(enter)) => Behaviour::Section {
                key: key.unwrap_or(usize::MAX),
                enter,
            },
            (None, Some(group), None) => Behaviour::List { group },
            (Some(key), None, None) => Behaviour::Replace { key },
            (None, None, None) => Behaviour::Replace { key: usize::MAX },
            (Some(_), Some(_), None) => return Err("'key' and 'list' exclude each other".into()),
        };
        let identity = match behaviour {
            Behaviour::Replace { key } | Behaviour::Section { key, .. } => key,
            Behaviour::List { group } => group,
        };
        // Keys count tokens of the canonical spelling.
        let shortest = match &canon {
            Some(c) => {
                let lead = alternatives.first().map_or(0, |alt| {
                    alt.iter()
                        .take_while(|t| matches!(t, Token::Keyword(_)))
                        .count()
                });
                shortest - lead + c.split_whitespace().count()
            }
            None => shortest,
        };
        if identity != usize::MAX && identity + usize::from(negated) > shortest {
            return Err(format!(
                "key/list of {identity} tokens is longer than the pattern"
            ));
        }
        let id = RuleId(self.rules.len() as u32);
        let class = match class {
            Some(name) => {
                let next = self.rules.len() as u32 + 1_000_000;
                *self.classes.entry(name).or_insert(next)
            }
            None => id.0,
        };
        let rule = Rule {
            id,
            mode,
            pattern: pattern.to_owned(),
            behaviour,
            class,
            default,
            is_default,
            negated,
            nomin: nomin.unwrap_or(if identity == usize::MAX {
                shortest
            } else {
                identity
            }),
            sort_natural,
            banner,
            canon,
            hash,
            encrypt,
            privilege,
            rank: match self.rules.last() {
                Some(prev) if same_rank => prev.rank,
                _ => id.0,
            },
            cluster,
            check,
        };
        for alt in &alternatives {
            self.insert_path(mode, alt, id)?;
        }
        self.rules.push(rule);
        Ok(())
    }

    fn insert_path(&mut self, mode: ModeId, tokens: &[Token], rule: RuleId) -> Result<(), String> {
        let mut node = self.mode(mode).root;
        for t in tokens {
            let existing = {
                let n = self.node(node);
                match t {
                    Token::Keyword(k) => n.keywords.iter().find(|(kk, _)| kk == k).map(|(_, c)| *c),
                    Token::Param(p) => {
                        // Two WORDs (or LINEs) at one position would
                        // compete for the same token: one bound only.
                        if let Some((other, _)) =
                            n.params.iter().find(|(pp, _)| pp != p && pp.same_slot(p))
                        {
                            return Err(format!(
                                "'{}' here has another bound elsewhere ({other:?} vs {p:?})",
                                p.help()
                            ));
                        }
                        n.params.iter().find(|(pp, _)| pp == p).map(|(_, c)| *c)
                    }
                }
            };
            node = match existing {
                Some(c) => c,
                None => {
                    let c = self.new_node();
                    let n = &mut self.nodes[node.0 as usize];
                    match t {
                        Token::Keyword(k) => n.keywords.push((k.clone(), c)),
                        Token::Param(p) => n.params.push((p.clone(), c)),
                    }
                    c
                }
            };
        }
        let n = &mut self.nodes[node.0 as usize];
        match n.terminal {
            Some(other) if other != rule => Err(format!("pattern duplicates rule {}", other.0)),
            _ => {
                n.terminal = Some(rule);
                Ok(())
            }
        }
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::builtin()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Lexeme {
    Tok(Token),
    Open(char),
    Close(char),
    Bar,
}

fn lex(pattern: &str) -> Result<Vec<Lexeme>, String> {
    let mut out = Vec::new();
    let spaced = pattern
        .replace('[', " [ ")
        .replace(']', " ] ")
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('|', " | ");
    for w in spaced.split_whitespace() {
        out.push(match w {
            "[" => Lexeme::Open('['),
            "(" => Lexeme::Open('('),
            "]" => Lexeme::Close(']'),
            ")" => Lexeme::Close(')'),
            "|" => Lexeme::Bar,
            _ => match ParamKind::from_pattern(w) {
                Some(p) => Lexeme::Tok(Token::Param(p)),
                None if w.starts_with('<') => return Err(format!("unknown parameter '{w}'")),
                None => Lexeme::Tok(Token::Keyword(w.to_owned())),
            },
        });
    }
    Ok(out)
}

/// Expands groups and alternatives into every linear token sequence.
fn expand(lexemes: &[Lexeme]) -> Result<Vec<Vec<Token>>, String> {
    let (alts, used) = expand_seq(lexemes, 0)?;
    if used != lexemes.len() {
        return Err("unbalanced brackets".into());
    }
    if alts.iter().any(Vec::is_empty) {
        return Err("pattern can be empty".into());
    }
    if alts.len() > 4096 {
        return Err("pattern expands to too many alternatives".into());
    }
    Ok(alts)
}

/// Parses a sequence until a closing bracket or bar; returns the sequences
/// it can produce and the index after it.
fn expand_seq(lx: &[Lexeme], mut i: usize) -> Result<(Vec<Vec<Token>>, usize), String> {
    let mut seqs: Vec<Vec<Token>> = vec![Vec::new()];
    while i < lx.len() {
        match &lx[i] {
            Lexeme::Tok(t) => {
                seqs.iter_mut().for_each(|s| s.push(t.clone()));
                i += 1;
            }
            Lexeme::Open(kind) => {
                let close = if *kind == '[' { ']' } else { ')' };
                let mut choices: Vec<Vec<Token>> = Vec::new();
                let mut j = i + 1;
                loop {
                    let (alts, next) = expand_seq(lx, j)?;
                    choices.extend(alts);
                    match lx.get(next) {
                        Some(Lexeme::Bar) => j = next + 1,
                        Some(Lexeme::Close(c)) if *c == close => {
                            i = next + 1;
                            break;
                        }
                        _ => return Err(format!("expected '{close}'")),
                    }
                }
                if *kind == '[' {
                    choices.push(Vec::new());
                }
                let mut next = Vec::new();
                for s in &seqs {
                    for c in &choices {
                        let mut n = s.clone();
                        n.extend(c.iter().cloned());
                        next.push(n);
                    }
                }
                if next.len() > 4096 {
                    return Err("pattern expands to too many alternatives".into());
                }
                seqs = next;
            }
            Lexeme::Close(_) | Lexeme::Bar => return Ok((seqs, i)),
        }
    }
    Ok((seqs, i))
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Keyword(k) => f.write_str(k),
            Token::Param(p) => write!(f, "{p}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seqs(p: &str) -> Vec<String> {
        let lx = lex(p).unwrap_or_default();
        expand(&lx)
            .unwrap_or_default()
            .iter()
            .map(|s| {
                s.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn patterns_expand() {
        assert_eq!(
            seqs("netconf ssh [acl <1-2699>]"),
            vec!["netconf ssh acl <1-2699>", "netconf ssh"]
        );
        assert_eq!(
            seqs("ip ssh version (1|2)"),
            vec!["ip ssh version 1", "ip ssh version 2"]
        );
        assert_eq!(seqs("a [b [c]]"), vec!["a b c", "a b", "a"]);
        assert!(expand(&lex("a [b").unwrap_or_default()).is_err());
        assert!(lex("a <1>").is_err());
        assert!(expand(&lex("[a]").unwrap_or_default()).is_err());
    }

    #[test]
    fn builtin_catalogue_loads() {
        let mut c = Catalogue::empty();
        assert_eq!(c.load(BUILTIN), Ok(()));
        assert_eq!(c.load(BUILTIN_EXEC), Ok(()));
        assert!(c.rules().len() > 100, "{} rules", c.rules().len());
    }

    #[test]
    fn catalogue_errors_name_the_line() {
        let mut c = Catalogue::empty();
        let e = c.load("# x\nconfig: hostname WORD ; key=9\n");
        assert_eq!(e.map_err(|e| e.line), Err(2));
        let e = c.load("nomode: a\n");
        assert!(e.is_err());
        let e = c.load("config: a ; bogus\n");
        assert!(e.is_err());
        let e = c.load("config: x WORD\nconfig: x WORD\n");
        assert_eq!(e.map_err(|e| e.line), Err(2));
    }
}
