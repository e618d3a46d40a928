//! What identifies a setting (its class and key tokens) and where a
//! top-level item sits in rendering order.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::{Item, VERBATIM};
use crate::catalogue::{Behaviour, Catalogue, RuleId};
use crate::param::{INTERFACE_TYPES, parse_interface};

/// What identifies a setting: rules of one class with the same key replace
/// each other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident {
    /// Identity class (see the catalogue).
    pub class: u32,
    /// The identifying tokens.
    pub key: String,
}

pub(super) fn key_tokens(cat: &Catalogue, rule: RuleId, text: &str) -> (u32, &'static str, usize) {
    let r = cat.rule(rule);
    let n = match r.behaviour {
        Behaviour::Replace { key } | Behaviour::Section { key, .. } => key,
        Behaviour::List { group } => group,
    };
    let _ = text;
    (r.class, if r.negated { "no " } else { "" }, n)
}

/// The identifying part of a line's text.
pub(super) fn identity_key<'t>(cat: &Catalogue, rule: RuleId, text: &'t str) -> (u32, &'t str) {
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

pub(super) fn same_identity(cat: &Catalogue, rule: u32, text: &str, id: &Ident) -> bool {
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

pub(super) fn item_text(item: &Item) -> &str {
    match item {
        Item::Line(l) => &l.text,
        Item::List { group, .. } => group,
        Item::Section { header, .. } | Item::Banner { header, .. } => &header.text,
    }
}

pub(super) fn item_rule(item: &Item) -> Option<RuleId> {
    match item {
        Item::Line(l) => l.rule,
        Item::List { rule, .. } => Some(*rule),
        Item::Section { header, .. } | Item::Banner { header, .. } => header.rule,
    }
}

pub(super) fn item_identity(cat: &Catalogue, item: &Item) -> Option<Ident> {
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
    pub(super) rank: u32,
    /// The natural sort key, high half first (two words keep the
    /// alignment, and the item size, at 8 bytes).
    pub(super) sort: [u64; 2],
    pub(super) seq: u64,
}

/// A natural sort key packed in 128 bits: interface names by type and
/// numbers, numbers by value (a few leading tokens count).
pub(super) fn natural_key(text: &str) -> u128 {
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

pub(super) fn split_key(k: u128) -> [u64; 2] {
    [(k >> 64) as u64, k as u64]
}

pub(super) fn hash_key(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}
