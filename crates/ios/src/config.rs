//! The configuration store: top-level items in IOS rendering order, each a
//! line, a list of lines, a section of sub-mode lines, or a banner.
//!
//! Top-level items live in a B-tree keyed by (catalogue rank, natural sort
//! key, arrival), with a hash index by identity, so a one-line change to a
//! very large configuration touches O(log n) entries. Section bodies are
//! small vectors. Changes happen inside a transaction that keeps a copy of
//! every top-level item it touches: rollback restores them, commit turns
//! them into a diff.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::catalogue::{Behaviour, Catalogue, RuleId};
use crate::param::{INTERFACE_TYPES, parse_interface};

/// A stored line: canonical text and the rule it matched (`None`: a line
/// kept verbatim because no rule knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    /// Canonical text, without indentation.
    pub text: Box<str>,
    /// The rule it matched.
    pub rule: Option<RuleId>,
}

/// One entry of a block.
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
        /// The lines, in order.
        lines: Vec<StoredLine>,
    },
    /// A section header and its sub-mode lines.
    Section {
        /// The header line.
        header: StoredLine,
        /// The body.
        body: Vec<Item>,
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

/// Identity of a line of a rule.
pub fn identity(cat: &Catalogue, rule: RuleId, text: &str) -> Ident {
    let r = cat.rule(rule);
    let body = if r.negated {
        text.strip_prefix("no ").unwrap_or(text)
    } else {
        text
    };
    let n = match r.behaviour {
        Behaviour::Replace { key } | Behaviour::Section { key, .. } => key,
        Behaviour::List { group } => group,
    };
    Ident {
        class: r.class,
        key: first_tokens(body, n).to_owned(),
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

fn item_identity(cat: &Catalogue, item: &Item) -> Option<Ident> {
    match item {
        Item::Line(l) => l.rule.map(|r| identity(cat, r, &l.text)),
        Item::List { rule, group, .. } => Some(Ident {
            class: cat.rule(*rule).class,
            key: group.to_string(),
        }),
        Item::Section { header, .. } | Item::Banner { header, .. } => {
            header.rule.map(|r| identity(cat, r, &header.text))
        }
    }
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

/// Position of a top-level item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Order {
    rank: u32,
    sort: Box<[u8]>,
    seq: u64,
}

/// A natural sort key: interface names by type and numbers, numbers by
/// value, words by bytes.
fn natural_key(text: &str) -> Box<[u8]> {
    let mut key = Vec::new();
    for tok in text.split(' ') {
        if let Some((name, _)) = parse_interface(tok, None)
            && INTERFACE_TYPES.iter().any(|t| tok.starts_with(t))
        {
            key.push(0);
            key.extend(name.sort_key());
        } else if let Ok(n) = tok.parse::<u64>() {
            key.push(1);
            key.extend_from_slice(&n.to_be_bytes());
        } else {
            key.push(2);
            key.extend_from_slice(tok.as_bytes());
            key.push(0);
        }
    }
    key.into_boxed_slice()
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

/// The configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    top: BTreeMap<Order, Item>,
    index: HashMap<Ident, Order>,
    next_seq: u64,
    /// Top-level items touched by the open transaction, as they were.
    saved: Option<Vec<(Order, Option<Item>)>>,
    /// The orders in `saved`, for a constant-time membership test.
    touched: HashSet<Order>,
    /// Rank used for verbatim lines (the rank of the last known line).
    last_rank: u32,
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

    /// The top-level item with this identity.
    pub fn get(&self, ident: &Ident) -> Option<&Item> {
        self.index.get(ident).and_then(|o| self.top.get(o))
    }

    /// Starts a transaction (nested calls join the open one).
    pub fn begin(&mut self) {
        if self.saved.is_none() {
            self.saved = Some(Vec::new());
        }
    }

    /// Ends the transaction; returns what changed, per top-level item.
    pub fn commit(&mut self, cat: &Catalogue) -> Vec<ItemChange> {
        let saved = self.saved.take().unwrap_or_default();
        self.touched.clear();
        let mut changes = Vec::new();
        for (order, before) in saved {
            let before = before
                .map(|i| render_item_lines(cat, &i))
                .unwrap_or_default();
            let after = self
                .top
                .get(&order)
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
        for (order, before) in saved.into_iter().rev() {
            if let Some(current) = self.top.remove(&order)
                && let Some(id) = item_identity(cat, &current)
            {
                self.index.remove(&id);
            }
            if let Some(item) = before {
                if let Some(id) = item_identity(cat, &item) {
                    self.index.insert(id, order.clone());
                }
                self.top.insert(order, item);
            }
        }
    }

    fn touch(&mut self, order: &Order) {
        if let Some(saved) = &mut self.saved
            && self.touched.insert(order.clone())
        {
            saved.push((order.clone(), self.top.get(order).cloned()));
        }
    }

    fn new_order(&mut self, cat: &Catalogue, rule: Option<RuleId>, text: &str) -> Order {
        self.next_seq += 1;
        let rank = match rule {
            Some(r) => {
                self.last_rank = cat.rule(r).rank;
                self.last_rank
            }
            None => self.last_rank,
        };
        let sort = match rule {
            Some(r) if cat.rule(r).sort_natural => natural_key(text),
            _ => Box::default(),
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
            && let Some(order) = self.index.get(id).cloned()
        {
            self.touch(&order);
            self.top.insert(order, item);
            return;
        }
        let order = self.new_order(cat, item_rule(&item), item_text(&item));
        self.touch(&order);
        if let Some(id) = ident {
            self.index.insert(id, order.clone());
        }
        self.top.insert(order, item);
    }

    fn remove_top(&mut self, cat: &Catalogue, order: &Order) {
        self.touch(order);
        if let Some(item) = self.top.remove(order)
            && let Some(id) = item_identity(cat, &item)
        {
            self.index.remove(&id);
        }
    }

    /// Runs `f` on the body of the section at `path` (top-level identity
    /// first, then nested section identities). `None` if it does not exist.
    pub fn with_block<R>(
        &mut self,
        cat: &Catalogue,
        path: &[Ident],
        f: impl FnOnce(&mut Vec<Item>) -> R,
    ) -> Option<R> {
        let (first, rest) = path.split_first()?;
        let order = self.index.get(first)?.clone();
        self.touch(&order);
        let mut body = match self.top.get_mut(&order)? {
            Item::Section { body, .. } => body,
            _ => return None,
        };
        for id in rest {
            let pos = body.iter().position(|i| {
                matches!(i, Item::Section { .. }) && item_identity(cat, i).as_ref() == Some(id)
            })?;
            body = match &mut body[pos] {
                Item::Section { body, .. } => body,
                _ => return None,
            };
        }
        Some(f(body))
    }

    /// Stores a line (replace or whole-line identity) at `path`.
    pub fn put_line(&mut self, cat: &Catalogue, path: &[Ident], rule: RuleId, text: String) {
        let item = Item::Line(StoredLine {
            text: text.into_boxed_str(),
            rule: Some(rule),
        });
        self.put_item(cat, path, item);
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
        let item = Item::Banner {
            header: StoredLine {
                text: header.into_boxed_str(),
                rule: Some(rule),
            },
            text,
        };
        self.put_item(cat, path, item);
    }

    /// Keeps a line no rule knows (permissive loading).
    pub fn put_verbatim(&mut self, cat: &Catalogue, path: &[Ident], text: &str) {
        let line = StoredLine {
            text: text.into(),
            rule: None,
        };
        if path.is_empty() {
            let order = self.new_order(cat, None, text);
            self.touch(&order);
            self.top.insert(order, Item::Line(line));
        } else {
            self.with_block(cat, path, |body| body.push(Item::Line(line)));
        }
    }

    fn put_item(&mut self, cat: &Catalogue, path: &[Ident], item: Item) {
        if path.is_empty() {
            return self.put_top(cat, item);
        }
        self.with_block(cat, path, |body| put_sub(cat, body, item));
    }

    /// Appends a line to its list at `path`, creating the list.
    pub fn put_list_line(&mut self, cat: &Catalogue, path: &[Ident], rule: RuleId, text: String) {
        let id = identity(cat, rule, &text);
        let line = StoredLine {
            text: text.into_boxed_str(),
            rule: Some(rule),
        };
        let add = |lines: &mut Vec<StoredLine>, line: StoredLine| {
            if !lines.iter().any(|l| l.text == line.text) {
                lines.push(line);
            }
        };
        if path.is_empty() {
            if let Some(order) = self.index.get(&id).cloned() {
                self.touch(&order);
                if let Some(Item::List { lines, .. }) = self.top.get_mut(&order) {
                    add(lines, line);
                }
                return;
            }
            let item = Item::List {
                rule,
                group: id.key.clone().into_boxed_str(),
                lines: vec![line],
            };
            return self.put_top(cat, item);
        }
        self.with_block(cat, path, |body| {
            let pos = body.iter().position(|i| {
                matches!(i, Item::List { .. }) && item_identity(cat, i).as_ref() == Some(&id)
            });
            match pos {
                Some(p) => {
                    if let Item::List { lines, .. } = &mut body[p] {
                        add(lines, line);
                    }
                }
                None => put_sub(
                    cat,
                    body,
                    Item::List {
                        rule,
                        group: id.key.clone().into_boxed_str(),
                        lines: vec![line],
                    },
                ),
            }
        });
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
        let header = StoredLine {
            text: text.into_boxed_str(),
            rule: Some(rule),
        };
        if path.is_empty() {
            if !self.index.contains_key(&id) {
                self.put_top(
                    cat,
                    Item::Section {
                        header,
                        body: Vec::new(),
                    },
                );
            }
            return id;
        }
        self.with_block(cat, path, |body| {
            let exists = body.iter().any(|i| {
                matches!(i, Item::Section { .. }) && item_identity(cat, i).as_ref() == Some(&id)
            });
            if !exists {
                put_sub(
                    cat,
                    body,
                    Item::Section {
                        header,
                        body: Vec::new(),
                    },
                );
            }
        });
        id
    }

    /// Removes at `path` every item of the given rules whose text starts
    /// with `prefix` (token-wise), and list lines likewise; `exact_key`
    /// items are matched by identity instead. Returns how many went.
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
            if keep.is_some_and(|k| *k == identity(cat, rule, text)) {
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
        if path.is_empty() {
            let mut removed = 0;
            let mut to_remove = Vec::new();
            let mut list_edits = Vec::new();
            for (order, item) in &self.top {
                match item {
                    Item::List { rule, group, lines } => {
                        if matches(Some(*rule), group) && prefix.len() <= group.len() {
                            to_remove.push(order.clone());
                        } else if token_prefix(prefix, group) && matches(Some(*rule), prefix) {
                            let n = lines
                                .iter()
                                .filter(|l| token_prefix(&l.text, prefix))
                                .count();
                            if n > 0 {
                                list_edits.push(order.clone());
                            }
                        }
                    }
                    other => {
                        if matches(item_rule(other), item_text(other)) {
                            to_remove.push(order.clone());
                        }
                    }
                }
            }
            for order in list_edits {
                self.touch(&order);
                let mut empty = false;
                if let Some(Item::List { lines, .. }) = self.top.get_mut(&order) {
                    let before = lines.len();
                    lines.retain(|l| !token_prefix(&l.text, prefix));
                    removed += before - lines.len();
                    empty = lines.is_empty();
                }
                if empty {
                    self.remove_top(cat, &order);
                }
            }
            for order in to_remove {
                self.remove_top(cat, &order);
                removed += 1;
            }
            return removed;
        }
        self.with_block(cat, path, |body| {
            let before: usize = body.len();
            let mut removed = 0;
            for item in body.iter_mut() {
                if let Item::List { rule, group, lines } = item
                    && token_prefix(prefix, group)
                    && matches(Some(*rule), prefix)
                    && prefix.len() > group.len()
                {
                    let n = lines.len();
                    lines.retain(|l| !token_prefix(&l.text, prefix));
                    removed += n - lines.len();
                }
            }
            body.retain(|i| match i {
                Item::List { rule, group, lines } => {
                    let whole_group = matches(Some(*rule), group) && prefix.len() <= group.len();
                    !(lines.is_empty() || whole_group)
                }
                other => !matches(item_rule(other), item_text(other)),
            });
            removed + before - body.len()
        })
        .unwrap_or(0)
    }

    /// Removes items of a class with an identity (replace semantics for
    /// default values).
    pub fn remove_identity(&mut self, cat: &Catalogue, path: &[Ident], id: &Ident) {
        if path.is_empty() {
            if let Some(order) = self.index.get(id).cloned() {
                self.remove_top(cat, &order);
            }
            return;
        }
        self.with_block(cat, path, |body| {
            body.retain(|i| item_identity(cat, i).as_ref() != Some(id))
        });
    }
}

/// True if `text` starts with the tokens of `prefix`.
pub fn token_prefix(text: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || text.starts_with(prefix)
            && (text.len() == prefix.len() || text.as_bytes().get(prefix.len()) == Some(&b' '))
}

/// Inserts into a section body: replaces the item with the same identity,
/// otherwise inserts after the last item of equal or lower rank.
fn put_sub(cat: &Catalogue, body: &mut Vec<Item>, item: Item) {
    let id = item_identity(cat, &item);
    if let Some(id) = &id
        && let Some(pos) = body
            .iter()
            .position(|i| item_identity(cat, i).as_ref() == Some(id))
    {
        body[pos] = item;
        return;
    }
    let rank = item_rule(&item).map_or(u32::MAX, |r| cat.rule(r).rank);
    if let Some(pos) = cluster_position(cat, body, &item, rank) {
        body.insert(pos, item);
        return;
    }
    let natural = item_rule(&item).is_some_and(|r| cat.rule(r).sort_natural);
    let key = natural.then(|| natural_key(item_text(&item)));
    let pos = body
        .iter()
        .rposition(|i| {
            let r = item_rule(i).map_or(0, |r| cat.rule(r).rank);
            r < rank
                || (r == rank
                    && match &key {
                        Some(k) => natural_key(item_text(i)) <= *k,
                        None => true,
                    })
        })
        .map_or(0, |p| p + 1);
    body.insert(pos, item);
}

/// Where a clustered line goes: among the lines of its cluster by rank,
/// or after the last cluster of its family (same first keyword).
fn cluster_position(cat: &Catalogue, body: &[Item], item: &Item, rank: u32) -> Option<usize> {
    let n = item_rule(item).and_then(|r| cat.rule(r).cluster)?;
    let text = item_text(item);
    let prefix = first_tokens(text, n);
    let family = first_tokens(text, 1);
    let clustered = |i: &Item| item_rule(i).is_some_and(|r| cat.rule(r).cluster.is_some());
    let members: Vec<usize> = body
        .iter()
        .enumerate()
        .filter(|(_, i)| clustered(i) && first_tokens(item_text(i), n) == prefix)
        .map(|(p, _)| p)
        .collect();
    if let (Some(first), Some(last)) = (members.first(), members.last()) {
        let after = members
            .iter()
            .rev()
            .find(|p| item_rule(&body[**p]).is_some_and(|r| cat.rule(r).rank <= rank))
            .map(|p| p + 1);
        return Some(after.unwrap_or(*first).min(last + 1));
    }
    body.iter()
        .rposition(|i| clustered(i) && first_tokens(item_text(i), 1) == family)
        .map(|p| p + 1)
}

/// The rendered lines of one top-level item (no separators).
pub fn render_item_lines(cat: &Catalogue, item: &Item) -> Vec<String> {
    let mut s = String::new();
    render_item(cat, item, 0, &mut s);
    s.lines().map(str::to_owned).collect()
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push(' ');
    }
}

fn render_item(cat: &Catalogue, item: &Item, depth: usize, out: &mut String) {
    match item {
        Item::Line(l) => {
            indent(out, depth);
            out.push_str(&l.text);
            out.push('\n');
        }
        Item::List { lines, .. } => {
            for l in lines {
                indent(out, depth);
                out.push_str(&l.text);
                out.push('\n');
            }
        }
        Item::Section { header, body } => {
            indent(out, depth);
            out.push_str(&header.text);
            out.push('\n');
            for i in body {
                render_item(cat, i, depth + 1, out);
            }
            if let Some(rule) = header.rule
                && let Behaviour::Section { enter, .. } = cat.rule(rule).behaviour
            {
                let mode = cat.mode(enter);
                let trailer = match (&mode.trailer, mode.raw) {
                    (Some(t), _) => Some(t.as_str()),
                    (None, true) => Some("exit"),
                    _ => None,
                };
                if let Some(t) = trailer {
                    indent(out, depth + 1);
                    out.push_str(t);
                    out.push('\n');
                }
            }
        }
        Item::Banner { header, text } => {
            indent(out, depth);
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
        let mut out = String::with_capacity(self.top.len() * 48);
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
            render_item(cat, item, 0, &mut out);
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
