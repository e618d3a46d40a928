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
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use crate::catalogue::{Behaviour, Catalogue, RuleId};
use crate::param::{INTERFACE_TYPES, parse_interface};

/// Rule id stored for a line no rule knows.
const VERBATIM: u32 = u32::MAX;

/// A stored top-level line: canonical text and the rule it matched (`None`:
/// a line kept verbatim because no rule knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    /// Canonical text, without indentation.
    pub text: Box<str>,
    /// The rule it matched.
    pub rule: Option<RuleId>,
}

/// Lines kept packed: the rendered text (each line indented by `base`
/// spaces plus one per nesting level, ending in `\n`) and a rule per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    text: String,
    rules: Vec<u32>,
    base: u8,
}

/// A line of a [`Body`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLine<'a> {
    /// Nesting depth (0 for the section's own lines).
    pub depth: usize,
    /// The text, without indentation.
    pub text: &'a str,
    /// The rule it matched.
    pub rule: Option<RuleId>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    depth: usize,
    start: usize,
    end: usize,
    rule: u32,
}

impl Body {
    fn new(base: u8) -> Self {
        Body {
            text: String::new(),
            rules: Vec::new(),
            base,
        }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The lines as rendered (indented, newline-terminated).
    pub fn rendered(&self) -> &str {
        &self.text
    }

    /// The lines.
    pub fn lines(&self) -> impl Iterator<Item = BodyLine<'_>> {
        let base = usize::from(self.base);
        self.text.lines().zip(&self.rules).map(move |(l, r)| {
            let text = l.trim_start_matches(' ');
            BodyLine {
                depth: (l.len() - text.len()).saturating_sub(base),
                text,
                rule: (*r != VERBATIM).then_some(RuleId(*r)),
            }
        })
    }

    fn spans(&self) -> Vec<Span> {
        let base = usize::from(self.base);
        let mut out = Vec::with_capacity(self.rules.len());
        let mut start = 0;
        for (line, rule) in self.text.split_inclusive('\n').zip(&self.rules) {
            let indent = line.len() - line.trim_start_matches(' ').len();
            out.push(Span {
                depth: indent.saturating_sub(base),
                start,
                end: start + line.len(),
                rule: *rule,
            });
            start += line.len();
        }
        out
    }

    fn line_text<'a>(&'a self, s: &Span) -> &'a str {
        self.text[s.start..s.end]
            .trim_start_matches(' ')
            .trim_end_matches('\n')
    }

    fn insert(&mut self, spans: &[Span], index: usize, depth: usize, text: &str, rule: u32) {
        let at = spans.get(index).map_or(self.text.len(), |s| s.start);
        let mut line = " ".repeat(usize::from(self.base) + depth);
        line.push_str(text);
        line.push('\n');
        self.text.insert_str(at, &line);
        self.rules.insert(index, rule);
    }

    fn replace(&mut self, spans: &[Span], index: usize, text: &str, rule: u32) {
        let Some(s) = spans.get(index) else {
            return;
        };
        let mut line = " ".repeat(usize::from(self.base) + s.depth);
        line.push_str(text);
        line.push('\n');
        self.text.replace_range(s.start..s.end, &line);
        self.rules[index] = rule;
    }

    fn remove(&mut self, spans: &[Span], lines: Range<usize>) {
        if lines.is_empty() {
            return;
        }
        let start = spans[lines.start].start;
        let end = spans[lines.end - 1].end;
        self.text.replace_range(start..end, "");
        self.rules.drain(lines);
    }
}

/// Where lines of a depth live inside a body: line indices and depth.
#[derive(Debug, Clone)]
struct Scope {
    lines: Range<usize>,
    depth: usize,
}

fn subtree_end(spans: &[Span], index: usize) -> usize {
    let d = spans[index].depth;
    spans[index + 1..]
        .iter()
        .position(|s| s.depth <= d)
        .map_or(spans.len(), |p| index + 1 + p)
}

/// The lines at the scope's depth, each with the end of its subtree.
fn members(spans: &[Span], scope: &Scope) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = scope.lines.start;
    while i < scope.lines.end {
        if spans[i].depth == scope.depth {
            let end = subtree_end(spans, i).min(scope.lines.end);
            out.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

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

/// What identifies a setting: rules of one class with the same key replace
/// each other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident {
    /// Identity class (see the catalogue).
    pub class: u32,
    /// The identifying tokens.
    pub key: String,
}

fn key_tokens(cat: &Catalogue, rule: RuleId, text: &str) -> (u32, &'static str, usize) {
    let r = cat.rule(rule);
    let n = match r.behaviour {
        Behaviour::Replace { key } | Behaviour::Section { key, .. } => key,
        Behaviour::List { group } => group,
    };
    let _ = text;
    (r.class, if r.negated { "no " } else { "" }, n)
}

/// The identifying part of a line's text.
fn identity_key<'t>(cat: &Catalogue, rule: RuleId, text: &'t str) -> (u32, &'t str) {
    let (class, neg, n) = key_tokens(cat, rule, text);
    let body = text.strip_prefix(neg).unwrap_or(text);
    (class, first_tokens(body, n))
}

/// Identity of a line of a rule.
pub fn identity(cat: &Catalogue, rule: RuleId, text: &str) -> Ident {
    let (class, key) = identity_key(cat, rule, text);
    Ident {
        class,
        key: key.to_owned(),
    }
}

fn same_identity(cat: &Catalogue, rule: u32, text: &str, id: &Ident) -> bool {
    rule != VERBATIM && {
        let (class, key) = identity_key(cat, RuleId(rule), text);
        class == id.class && key == id.key
    }
}

/// The first `n` space-separated tokens of canonical text.
pub fn first_tokens(text: &str, n: usize) -> &str {
    if n == usize::MAX {
        return text;
    }
    if n == 0 {
        return "";
    }
    let mut seen = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b' ' {
            seen += 1;
            if seen == n {
                return &text[..i];
            }
        }
    }
    text
}

fn item_text(item: &Item) -> &str {
    match item {
        Item::Line(l) => &l.text,
        Item::List { group, .. } => group,
        Item::Section { header, .. } | Item::Banner { header, .. } => &header.text,
    }
}

fn item_rule(item: &Item) -> Option<RuleId> {
    match item {
        Item::Line(l) => l.rule,
        Item::List { rule, .. } => Some(*rule),
        Item::Section { header, .. } | Item::Banner { header, .. } => header.rule,
    }
}

fn item_identity(cat: &Catalogue, item: &Item) -> Option<Ident> {
    match item {
        Item::List { rule, group, .. } => Some(Ident {
            class: cat.rule(*rule).class,
            key: group.to_string(),
        }),
        other => item_rule(other).map(|r| identity(cat, r, item_text(other))),
    }
}

/// Position of a top-level item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Order {
    rank: u32,
    /// The natural sort key, high half first (two words keep the
    /// alignment, and the item size, at 8 bytes).
    sort: [u64; 2],
    seq: u64,
}

/// A natural sort key packed in 128 bits: interface names by type and
/// numbers, numbers by value (a few leading tokens count).
fn natural_key(text: &str) -> u128 {
    let mut key: u128 = 0;
    let mut bits = 0u32;
    let mut push = |v: u128, width: u32| {
        if bits + width <= 128 {
            key = (key << width) | (v & ((1u128 << width) - 1));
            bits += width;
        }
    };
    for tok in text.split(' ').skip(1).take(3) {
        if let Some((name, _)) = parse_interface(tok, None)
            && INTERFACE_TYPES.iter().any(|t| tok.starts_with(t))
        {
            // Type, then "flat" (a bare number sorts after slotted ones),
            // then up to four number components.
            push(0, 2);
            push(name.type_index as u128, 6);
            push(u128::from(!name.number.contains('/')), 1);
            let mut parts = name.number.split(['/', '.', ':']);
            for _ in 0..4 {
                let v = parts.next().map_or(0, |p| {
                    p.parse::<u128>()
                        .map_or((1 << 22) - 1, |v| v.min((1 << 22) - 2) + 1)
                });
                push(v, 22);
            }
        } else if let Ok(n) = tok.parse::<u64>() {
            push(1, 2);
            push(u128::from(n.min((1 << 32) - 1)), 32);
        } else {
            push(2, 2);
            for b in tok.bytes().take(4) {
                push(u128::from(b), 8);
            }
        }
    }
    // Left-align so that a shorter key sorts before its extensions.
    if bits == 0 { 0 } else { key << (128 - bits) }
}

/// One changed top-level item: its lines before and after.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemChange {
    /// Rendered lines before (empty if it was created).
    pub before: Vec<String>,
    /// Rendered lines after (empty if it was removed).
    pub after: Vec<String>,
}

impl ItemChange {
    /// Lines present after and not before, with their section header.
    pub fn added(&self) -> Vec<String> {
        diff_lines(&self.after, &self.before)
    }

    /// Lines present before and not after, with their section header.
    pub fn removed(&self) -> Vec<String> {
        diff_lines(&self.before, &self.after)
    }
}

fn diff_lines(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = a.iter().filter(|l| !b.contains(l)).cloned().collect();
    // Keep the section header for context when only body lines changed.
    if let (Some(h), Some(first)) = (a.first(), out.first())
        && first != h
        && first.starts_with(' ')
    {
        out.insert(0, h.clone());
    }
    out
}

fn split_key(k: u128) -> [u64; 2] {
    [(k >> 64) as u64, k as u64]
}

fn hash_key(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
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

    /// Starts a transaction (nested calls join the open one).
    pub fn begin(&mut self) {
        if self.saved.is_none() {
            self.saved = Some(Vec::new());
            self.position_at_begin = self.last_position;
        }
    }

    /// Ends the transaction; returns what changed, per top-level item.
    pub fn commit(&mut self, cat: &Catalogue) -> Vec<ItemChange> {
        let changes = self.pending_changes(cat);
        self.saved = None;
        self.touched.clear();
        changes
    }

    /// What the open transaction has changed so far, per top-level item
    /// (empty when none is open).
    pub fn pending_changes(&self, cat: &Catalogue) -> Vec<ItemChange> {
        let mut changes = Vec::new();
        for (order, before) in self.saved.iter().flatten() {
            let before = before
                .as_ref()
                .map(|i| render_item_lines(cat, i))
                .unwrap_or_default();
            let after = self
                .top
                .get(order)
                .map(|i| render_item_lines(cat, i))
                .unwrap_or_default();
            if before != after {
                changes.push(ItemChange { before, after });
            }
        }
        changes
    }

    /// Undoes everything since [`Config::begin`].
    pub fn rollback(&mut self, cat: &Catalogue) {
        let saved = self.saved.take().unwrap_or_default();
        self.touched.clear();
        // A verbatim line after the rollback goes where it would have gone
        // had the batch never run.
        self.last_position = self.position_at_begin;
        for (order, before) in saved.into_iter().rev() {
            if let Some(current) = self.top.remove(&order)
                && let Some(id) = item_identity(cat, &current)
            {
                self.index_remove(&id, order);
            }
            if let Some(item) = before {
                let id = item_identity(cat, &item);
                self.top.insert(order, item);
                if let Some(id) = id {
                    self.index_insert(cat, id, order);
                }
            }
        }
    }

    fn touch(&mut self, order: Order) {
        if let Some(saved) = &mut self.saved
            && self.touched.insert(order)
        {
            saved.push((order, self.top.get(&order).cloned()));
        }
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
    pub fn put_verbatim(&mut self, cat: &Catalogue, path: &[Ident], text: &str) {
        if path.is_empty() {
            let order = self.new_order(cat, None, text);
            self.touch(order);
            let line = StoredLine {
                text: text.into(),
                rule: None,
            };
            self.top.insert(order, Item::Line(line));
            return;
        }
        self.with_scope(cat, path, |body, spans, scope| {
            body.insert(&spans, scope.lines.end, scope.depth, text, VERBATIM);
        });
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
    let rank_of = |i: usize| match spans[i].rule {
        VERBATIM => 0,
        x => cat.rule(RuleId(x)).rank,
    };
    let pos = if let Some(pos) = cluster_position(cat, body, spans, &lines, rule, text) {
        pos
    } else {
        let key = r.sort_natural.then(|| natural_key(text));
        lines
            .iter()
            .rev()
            .find(|(i, _)| {
                let other = rank_of(*i);
                other < rank
                    || (other == rank
                        && match key {
                            Some(k) => natural_key(body.line_text(&spans[*i])) <= k,
                            None => true,
                        })
            })
            .map_or(scope.lines.start, |(_, end)| *end)
    };
    body.insert(spans, pos, scope.depth, text, rule.0);
}

/// Where a clustered line goes: among the lines of its cluster by rank,
/// or after the last cluster of its family (same first keyword).
fn cluster_position(
    cat: &Catalogue,
    body: &Body,
    spans: &[Span],
    lines: &[(usize, usize)],
    rule: RuleId,
    text: &str,
) -> Option<usize> {
    let r = cat.rule(rule);
    let n = r.cluster?;
    let prefix = first_tokens(text, n);
    let family = first_tokens(text, 1);
    let clustered =
        |i: usize| spans[i].rule != VERBATIM && cat.rule(RuleId(spans[i].rule)).cluster.is_some();
    let members: Vec<(usize, usize)> = lines
        .iter()
        .copied()
        .filter(|(i, _)| clustered(*i) && first_tokens(body.line_text(&spans[*i]), n) == prefix)
        .collect();
    if let (Some(first), Some(last)) = (members.first(), members.last()) {
        let after = members
            .iter()
            .rev()
            .find(|(i, _)| cat.rule(RuleId(spans[*i].rule)).rank <= r.rank)
            .map(|(_, end)| *end);
        return Some(after.unwrap_or(first.0).min(last.1));
    }
    lines
        .iter()
        .rev()
        .find(|(i, _)| clustered(*i) && first_tokens(body.line_text(&spans[*i]), 1) == family)
        .map(|(_, end)| *end)
}

/// The rendered lines of one top-level item (no separators).
pub fn render_item_lines(cat: &Catalogue, item: &Item) -> Vec<String> {
    let mut s = String::new();
    render_item(cat, item, &mut s);
    s.lines().map(str::to_owned).collect()
}

/// The trailer line a section's mode ends with (`exit-address-family`, or
/// `exit` for raw data).
fn trailer(cat: &Catalogue, rule: Option<RuleId>) -> Option<&str> {
    let rule = rule?;
    let Behaviour::Section { enter, .. } = cat.rule(rule).behaviour else {
        return None;
    };
    let mode = cat.mode(enter);
    match (&mode.trailer, mode.raw) {
        (Some(t), _) => Some(t.as_str()),
        (None, true) => Some("exit"),
        _ => None,
    }
}

fn render_body(cat: &Catalogue, header: &StoredLine, body: &Body, out: &mut String) {
    let mut open: Vec<(usize, &str)> = Vec::new();
    // Read from the rules alone: splitting the text would cost a scan of
    // every section on every render.
    let needs_walk = body
        .rules
        .iter()
        .any(|&r| r != VERBATIM && trailer(cat, Some(RuleId(r))).is_some());
    if !needs_walk {
        out.push_str(&body.text);
    } else {
        for l in body.lines() {
            while let Some((d, t)) = open.last().copied()
                && d >= l.depth
            {
                push_indented(out, d + 2, t);
                open.pop();
            }
            push_indented(out, l.depth + 1, l.text);
            if let Some(t) = trailer(cat, l.rule) {
                open.push((l.depth, t));
            }
        }
        while let Some((d, t)) = open.pop() {
            push_indented(out, d + 2, t);
        }
    }
    if let Some(t) = trailer(cat, header.rule) {
        push_indented(out, 1, t);
    }
}

fn push_indented(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push(' ');
    }
    out.push_str(text);
    out.push('\n');
}

fn render_item(cat: &Catalogue, item: &Item, out: &mut String) {
    match item {
        Item::Line(l) => push_indented(out, 0, &l.text),
        Item::List { body, .. } => out.push_str(&body.text),
        Item::Section { header, body } => {
            push_indented(out, 0, &header.text);
            render_body(cat, header, body, out);
        }
        Item::Banner { header, text } => {
            out.push_str(&header.text);
            out.push_str(" ^C");
            out.push_str(text);
            out.push_str("^C\n");
        }
    }
}

impl Config {
    /// Renders the configuration body as IOS shows it: items in order, `!`
    /// around sections, `end` last. `header` lines (the `!` block with the
    /// last-change line) come first.
    pub fn render(&self, cat: &Catalogue, header: &[String]) -> String {
        // A guess at the size: a large text grows by reallocation, which
        // the allocator does by remapping rather than copying.
        let mut out = String::with_capacity(self.top.len() * 48 + 64);
        for h in header {
            out.push_str(h);
            out.push('\n');
        }
        if header.is_empty() {
            out.push_str("!\n");
        }
        let mut last_bang = out.ends_with("!\n");
        for item in self.top.values() {
            let section = matches!(item, Item::Section { .. });
            if section && !last_bang {
                out.push_str("!\n");
            }
            render_item(cat, item, &mut out);
            last_bang = false;
            if section {
                out.push_str("!\n");
                last_bang = true;
            }
        }
        if !last_bang {
            out.push_str("!\n");
        }
        out.push_str("end\n");
        out
    }
}
