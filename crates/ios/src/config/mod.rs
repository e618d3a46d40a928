//! The configuration store: top-level items in IOS rendering order, each a
//! line, a list of lines, a section of sub-mode lines, or a banner.
//!
//! Top-level items live in a B-tree keyed by (catalogue rank, natural sort
//! key, arrival), with a hash index by identity, so a one-line change to a
//! very large configuration touches O(log n) entries. A section's lines
//! (nested sub-sections included, by indentation) and a list's lines are
//! kept packed as the text IOS renders plus one rule id per line: memory
//! stays close to the size of the text, and rendering is mostly a copy.
//! Changes happen inside a transaction that keeps a copy of every
//! top-level item it touches: rollback restores them, commit turns them
//! into a diff.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::catalogue::{Behaviour, Catalogue, RuleId};

mod body;
mod identity;
mod render;
mod transaction;

pub use body::*;
pub use identity::*;
pub use render::*;
pub use transaction::*;

/// One entry of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A single line.
    Line(StoredLine),
    /// Lines that accumulate under a shared prefix (`access-list 1 …`).
    List {
        /// The rule of the group.
        rule: RuleId,
        /// The shared prefix (`access-list 1`).
        group: Box<str>,
        /// The lines, in order, unindented.
        body: Body,
    },
    /// A section header and its sub-mode lines.
    Section {
        /// The header line.
        header: StoredLine,
        /// The lines below it.
        body: Body,
    },
    /// `banner motd ^C…^C`.
    Banner {
        /// `banner motd`
        header: StoredLine,
        /// The text between the delimiters.
        text: String,
    },
}

/// Where the lines under a verbatim line go (see [`Config::put_verbatim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerbatimAt {
    order: Order,
    /// Inside a section: the index of the last line kept (the verbatim line
    /// itself, then each line under it). `None`: the verbatim line is a
    /// top-level item and its lines are its body.
    last: Option<usize>,
    /// Inside a section: the verbatim line's depth in its body.
    depth: usize,
}

/// The configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    top: BTreeMap<Order, Item>,
    /// Identity (class and key hash) to position; identities whose hash
    /// collides with another's go to `collisions`.
    index: HashMap<(u32, u64), Order>,
    collisions: HashMap<Ident, Order>,
    next_seq: u64,
    /// Top-level items touched by the open transaction, as they were.
    saved: Option<Vec<(Order, Option<Item>)>>,
    /// The orders in `saved`, for a constant-time membership test.
    touched: HashSet<Order>,
    /// Where verbatim lines go: the rank and sort key of the last
    /// catalogued top-level item created. Copying both keeps the rendered
    /// order a fixed point of loading, since a reload gives a verbatim line
    /// the position of the catalogued line rendered before it, whichever
    /// item it followed when it was made (even one removed since).
    last_position: (u32, [u64; 2]),
    /// `last_position` when the open transaction began, for rollback.
    position_at_begin: (u32, [u64; 2]),
}

impl Config {
    /// An empty configuration.
    pub fn new() -> Self {
        Config::default()
    }

    /// Number of top-level items.
    pub fn len(&self) -> usize {
        self.top.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.top.is_empty()
    }

    /// The top-level items in order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.top.values()
    }

    fn lookup(&self, cat: &Catalogue, id: &Ident) -> Option<Order> {
        // Naturally sorted classes (interfaces, vlans, access lists) are
        // found by their position: no index entry needed.
        if let Some(rank) = cat.natural_rank(id.class) {
            let sort = split_key(natural_key(&id.key));
            let lo = Order { rank, sort, seq: 0 };
            let hi = Order {
                rank,
                sort,
                seq: u64::MAX,
            };
            return self
                .top
                .range(lo..=hi)
                .find(|(_, i)| item_identity(cat, i).as_ref() == Some(id))
                .map(|(o, _)| *o);
        }
        if let Some(o) = self.index.get(&(id.class, hash_key(&id.key)))
            && self.top.get(o).and_then(|i| item_identity(cat, i)).as_ref() == Some(id)
        {
            return Some(*o);
        }
        self.collisions.get(id).copied()
    }

    fn index_insert(&mut self, cat: &Catalogue, id: Ident, order: Order) {
        if cat.natural_rank(id.class).is_some() {
            return;
        }
        let k = (id.class, hash_key(&id.key));
        match self.index.get(&k) {
            Some(o)
                if self.top.get(o).and_then(|i| item_identity(cat, i)).as_ref() != Some(&id) =>
            {
                self.collisions.insert(id, order);
            }
            _ => {
                self.index.insert(k, order);
            }
        }
    }

    fn index_remove(&mut self, id: &Ident, order: Order) {
        let k = (id.class, hash_key(&id.key));
        if self.index.get(&k) == Some(&order) {
            self.index.remove(&k);
        } else {
            self.collisions.remove(id);
        }
    }

    /// The top-level item with this identity.
    pub fn get(&self, cat: &Catalogue, ident: &Ident) -> Option<&Item> {
        self.lookup(cat, ident).and_then(|o| self.top.get(&o))
    }

    fn new_order(&mut self, cat: &Catalogue, rule: Option<RuleId>, text: &str) -> Order {
        self.next_seq += 1;
        let (rank, sort) = match rule {
            Some(r) => {
                let rule = cat.rule(r);
                // Natural order comes from the identity, so that lookups by
                // identity can find the position.
                let sort = if rule.sort_natural {
                    split_key(natural_key(&identity(cat, r, text).key))
                } else {
                    [0, 0]
                };
                self.last_position = (rule.rank, sort);
                self.last_position
            }
            None => self.last_position,
        };
        Order {
            rank,
            sort,
            seq: self.next_seq,
        }
    }

    /// Inserts a top-level item, replacing the one with the same identity.
    fn put_top(&mut self, cat: &Catalogue, item: Item) {
        let ident = item_identity(cat, &item);
        if let Some(id) = &ident
            && let Some(order) = self.lookup(cat, id)
        {
            self.touch(order);
            self.top.insert(order, item);
            return;
        }
        let order = self.new_order(cat, item_rule(&item), item_text(&item));
        self.touch(order);
        self.top.insert(order, item);
        if let Some(id) = ident {
            self.index_insert(cat, id, order);
        }
    }

    fn remove_top(&mut self, cat: &Catalogue, order: Order) {
        self.touch(order);
        if let Some(item) = self.top.remove(&order)
            && let Some(id) = item_identity(cat, &item)
        {
            self.index_remove(&id, order);
        }
    }

    /// Releases spare capacity (after loading a whole configuration).
    pub fn shrink(&mut self) {
        for item in self.top.values_mut() {
            if let Item::Section { body, .. } | Item::List { body, .. } = item {
                body.text.shrink_to_fit();
                body.rules.shrink_to_fit();
            }
        }
    }

    /// Runs `f` on the body of the section at `path` (top-level identity
    /// first, then nested section identities) with the scope of its lines.
    fn with_scope<R>(
        &mut self,
        cat: &Catalogue,
        path: &[Ident],
        f: impl FnOnce(&mut Body, Vec<Span>, Scope) -> R,
    ) -> Option<R> {
        let (first, rest) = path.split_first()?;
        let order = self.lookup(cat, first)?;
        self.touch(order);
        let Some(Item::Section { body, .. }) = self.top.get_mut(&order) else {
            return None;
        };
        let spans = body.spans();
        let mut scope = Scope {
            lines: 0..spans.len(),
            depth: 0,
        };
        for id in rest {
            let (i, end) = members(&spans, &scope).into_iter().find(|(i, _)| {
                let s = &spans[*i];
                s.rule != VERBATIM
                    && matches!(
                        cat.rule(RuleId(s.rule)).behaviour,
                        Behaviour::Section { .. }
                    )
                    && same_identity(cat, s.rule, body.line_text(s), id)
            })?;
            scope = Scope {
                lines: i + 1..end,
                depth: scope.depth + 1,
            };
        }
        Some(f(body, spans, scope))
    }

    /// Stores a line (replace or whole-line identity) at `path`.
    pub fn put_line(&mut self, cat: &Catalogue, path: &[Ident], rule: RuleId, text: String) {
        if path.is_empty() {
            return self.put_top(
                cat,
                Item::Line(StoredLine {
                    text: text.into_boxed_str(),
                    rule: Some(rule),
                }),
            );
        }
        self.with_scope(cat, path, |body, spans, scope| {
            put_in_scope(cat, body, &spans, &scope, rule, &text);
        });
    }

    /// Stores a banner at `path`.
    pub fn put_banner(
        &mut self,
        cat: &Catalogue,
        path: &[Ident],
        rule: RuleId,
        header: String,
        text: String,
    ) {
        if path.is_empty() {
            let item = Item::Banner {
                header: StoredLine {
                    text: header.into_boxed_str(),
                    rule: Some(rule),
                },
                text,
            };
            return self.put_top(cat, item);
        }
        // Inside a section a banner is kept as one line.
        let line = format!("{header} ^C{}^C", text.replace('\n', " "));
        self.put_line(cat, path, rule, line);
    }

    /// Keeps a line no rule knows (permissive loading; `key-string` data).
    /// Returns where the lines indented below it go ([`Config::put_verbatim_child`]):
    /// a section the device cannot model keeps its lines under it.
    pub fn put_verbatim(
        &mut self,
        cat: &Catalogue,
        path: &[Ident],
        text: &str,
    ) -> Option<VerbatimAt> {
        if path.is_empty() {
            let order = self.new_order(cat, None, text);
            self.touch(order);
            let line = StoredLine {
                text: text.into(),
                rule: None,
            };
            self.top.insert(order, Item::Line(line));
            return Some(VerbatimAt {
                order,
                last: None,
                depth: 0,
            });
        }
        let order = self.lookup(cat, path.first()?)?;
        self.with_scope(cat, path, |body, spans, scope| {
            body.insert(&spans, scope.lines.end, scope.depth, text, VERBATIM);
            VerbatimAt {
                order,
                last: Some(scope.lines.end),
                depth: scope.depth,
            }
        })
    }

    /// Keeps a line indented `indent` spaces further than the verbatim line
    /// `at` was opened with, after the lines already kept under it: its
    /// indentation (in spaces) and its place are the ones it was given.
    pub fn put_verbatim_child(&mut self, at: &mut VerbatimAt, indent: usize, text: &str) {
        self.touch(at.order);
        let Some(item) = self.top.get_mut(&at.order) else {
            return;
        };
        if let Item::Line(line) = item
            && line.rule.is_none()
        {
            // The first line under a global verbatim line makes it a section.
            let header = line.clone();
            *item = Item::Section {
                header,
                body: Body::new(1),
            };
        }
        let Item::Section { body, .. } = item else {
            return;
        };
        let (index, depth) = match at.last {
            None => (body.len(), indent.saturating_sub(1)),
            Some(i) => ((i + 1).min(body.len()), at.depth + indent),
        };
        let spans = body.spans();
        body.insert(&spans, index, depth, text, VERBATIM);
        if at.last.is_some() {
            at.last = Some(index);
        }
    }

    /// Appends a line to its list at `path`, creating the list.
    pub fn put_list_line(&mut self, cat: &Catalogue, path: &[Ident], rule: RuleId, text: String) {
        if !path.is_empty() {
            return self.put_line(cat, path, rule, text);
        }
        let id = identity(cat, rule, &text);
        if let Some(order) = self.lookup(cat, &id) {
            self.touch(order);
            if let Some(Item::List { body, .. }) = self.top.get_mut(&order)
                && !body.lines().any(|l| l.text == text)
            {
                let n = body.len();
                body.insert(&[], n, 0, &text, rule.0);
            }
            return;
        }
        let mut body = Body::new(0);
        body.insert(&[], 0, 0, &text, rule.0);
        let item = Item::List {
            rule,
            group: id.key.into_boxed_str(),
            body,
        };
        self.put_top(cat, item);
    }

    /// Opens (creating if needed) the section headed by `text` at `path`;
    /// returns its identity.
    pub fn open_section(
        &mut self,
        cat: &Catalogue,
        path: &[Ident],
        rule: RuleId,
        text: String,
    ) -> Ident {
        let id = identity(cat, rule, &text);
        if path.is_empty() {
            if self.lookup(cat, &id).is_none() {
                let header = StoredLine {
                    text: text.into_boxed_str(),
                    rule: Some(rule),
                };
                self.put_top(
                    cat,
                    Item::Section {
                        header,
                        body: Body::new(1),
                    },
                );
            }
            return id;
        }
        self.with_scope(cat, path, |body, spans, scope| {
            let exists = members(&spans, &scope)
                .iter()
                .any(|(i, _)| same_identity(cat, spans[*i].rule, body.line_text(&spans[*i]), &id));
            if !exists {
                put_in_scope(cat, body, &spans, &scope, rule, &text);
            }
        });
        id
    }

    /// Removes at `path` every line, list or section of the given rules (or
    /// their classes) whose text starts with `prefix` token-wise, except
    /// the setting `keep`. Returns how many went.
    pub fn remove_matching(
        &mut self,
        cat: &Catalogue,
        path: &[Ident],
        rules: &[RuleId],
        prefix: &str,
        keep: Option<&Ident>,
    ) -> usize {
        let matches = |rule: Option<RuleId>, text: &str| -> bool {
            let Some(rule) = rule else {
                return false;
            };
            if keep.is_some_and(|k| same_identity(cat, rule.0, text, k)) {
                return false;
            }
            let r = cat.rule(rule);
            let body = if r.negated {
                text.strip_prefix("no ").unwrap_or(text)
            } else {
                text
            };
            // A rule may match through its class (a stored `no ip address`
            // goes with `ip address`).
            let eligible = rules
                .iter()
                .any(|x| *x == rule || cat.rule(*x).class == r.class);
            eligible && token_prefix(body, prefix)
        };
        if !path.is_empty() {
            return self
                .with_scope(cat, path, |body, spans, scope| {
                    let gone: Vec<(usize, usize)> = members(&spans, &scope)
                        .into_iter()
                        .filter(|(i, _)| {
                            let s = &spans[*i];
                            matches(
                                (s.rule != VERBATIM).then_some(RuleId(s.rule)),
                                body.line_text(s),
                            )
                        })
                        .collect();
                    for (i, end) in gone.iter().rev() {
                        body.remove(&spans, *i..*end);
                    }
                    gone.len()
                })
                .unwrap_or(0);
        }
        let mut removed = 0;
        let mut to_remove = Vec::new();
        let mut list_edits = Vec::new();
        for (order, item) in &self.top {
            match item {
                Item::List { rule, group, body } => {
                    if matches(Some(*rule), group) && prefix.len() <= group.len() {
                        to_remove.push(*order);
                    } else if token_prefix(prefix, group)
                        && matches(Some(*rule), prefix)
                        && body.lines().any(|l| token_prefix(l.text, prefix))
                    {
                        list_edits.push(*order);
                    }
                }
                other => {
                    if matches(item_rule(other), item_text(other)) {
                        to_remove.push(*order);
                    }
                }
            }
        }
        for order in list_edits {
            self.touch(order);
            let mut empty = false;
            if let Some(Item::List { body, .. }) = self.top.get_mut(&order) {
                let spans = body.spans();
                let doomed: Vec<usize> = (0..spans.len())
                    .filter(|i| token_prefix(body.line_text(&spans[*i]), prefix))
                    .collect();
                for i in doomed.iter().rev() {
                    body.remove(&spans, *i..*i + 1);
                }
                removed += doomed.len();
                empty = body.is_empty();
            }
            if empty {
                self.remove_top(cat, order);
            }
        }
        for order in to_remove {
            self.remove_top(cat, order);
            removed += 1;
        }
        removed
    }

    /// Removes the setting with this identity (a default value was set).
    pub fn remove_identity(&mut self, cat: &Catalogue, path: &[Ident], id: &Ident) {
        if path.is_empty() {
            if let Some(order) = self.lookup(cat, id) {
                self.remove_top(cat, order);
            }
            return;
        }
        self.with_scope(cat, path, |body, spans, scope| {
            let gone: Vec<(usize, usize)> = members(&spans, &scope)
                .into_iter()
                .filter(|(i, _)| same_identity(cat, spans[*i].rule, body.line_text(&spans[*i]), id))
                .collect();
            for (i, end) in gone.iter().rev() {
                body.remove(&spans, *i..*end);
            }
        });
    }
}

/// True if `text` starts with the tokens of `prefix`.
pub fn token_prefix(text: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || text.starts_with(prefix)
            && (text.len() == prefix.len() || text.as_bytes().get(prefix.len()) == Some(&b' '))
}

/// Stores a line in a scope: replaces the line with the same identity,
/// otherwise inserts it at its place in rendering order.
fn put_in_scope(
    cat: &Catalogue,
    body: &mut Body,
    spans: &[Span],
    scope: &Scope,
    rule: RuleId,
    text: &str,
) {
    let id = identity(cat, rule, text);
    let lines = members(spans, scope);
    if let Some((i, _)) = lines
        .iter()
        .find(|(i, _)| same_identity(cat, spans[*i].rule, body.line_text(&spans[*i]), &id))
    {
        body.replace(spans, *i, text, rule.0);
        return;
    }
    let r = cat.rule(rule);
    let rank = r.rank;
    // A line kept verbatim ranks as the line before it, so that it stays
    // where it was written, after that line.
    let mut previous = 0;
    let ranks: Vec<u32> = lines
        .iter()
        .map(|(i, _)| {
            if spans[*i].rule != VERBATIM {
                previous = cat.rule(RuleId(spans[*i].rule)).rank;
            }
            previous
        })
        .collect();
    let pos = if let Some(pos) = cluster_position(cat, body, spans, &lines, &ranks, rule, text) {
        pos
    } else {
        let key = r.sort_natural.then(|| natural_key(text));
        lines
            .iter()
            .zip(&ranks)
            .rev()
            .find(|((i, _), other)| {
                let other = **other;
                other < rank
                    || (other == rank
                        && match key {
                            Some(k) => natural_key(body.line_text(&spans[*i])) <= k,
                            None => true,
                        })
            })
            .map_or(scope.lines.start, |((_, end), _)| *end)
    };
    body.insert(spans, pos, scope.depth, text, rule.0);
}

/// Where a clustered line goes: among the lines of its cluster by rank,
/// or after the last cluster of its family (same first keyword). A line
/// kept verbatim that starts as the cluster does (`neighbor 10.0.0.1 …`)
/// is one of it, with the rank it has in `ranks`.
fn cluster_position(
    cat: &Catalogue,
    body: &Body,
    spans: &[Span],
    lines: &[(usize, usize)],
    ranks: &[u32],
    rule: RuleId,
    text: &str,
) -> Option<usize> {
    let r = cat.rule(rule);
    let n = r.cluster?;
    let prefix = first_tokens(text, n);
    let family = first_tokens(text, 1);
    let clustered =
        |i: usize| spans[i].rule == VERBATIM || cat.rule(RuleId(spans[i].rule)).cluster.is_some();
    let members: Vec<((usize, usize), u32)> = lines
        .iter()
        .copied()
        .zip(ranks.iter().copied())
        .filter(|((i, _), _)| {
            clustered(*i) && first_tokens(body.line_text(&spans[*i]), n) == prefix
        })
        .collect();
    if let (Some(first), Some(last)) = (members.first(), members.last()) {
        let after = members
            .iter()
            .rev()
            .find(|(_, rank)| *rank <= r.rank)
            .map(|((_, end), _)| *end);
        return Some(after.unwrap_or(first.0.0).min(last.0.1));
    }
    lines
        .iter()
        .rev()
        .find(|(i, _)| clustered(*i) && first_tokens(body.line_text(&spans[*i]), 1) == family)
        .map(|(_, end)| *end)
}
