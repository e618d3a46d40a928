//! Rendering: items to the text `show running-config` prints.

use super::{Body, Config, Item, StoredLine, VERBATIM};
use crate::catalogue::{Behaviour, Catalogue, RuleId};

/// The rendered lines of one top-level item (no separators).
pub fn render_item_lines(cat: &Catalogue, item: &Item) -> Vec<String> {
    let mut s = String::new();
    render_item(cat, item, &mut s);
    s.lines().map(str::to_owned).collect()
}

/// The trailer line a section's mode ends with (`exit-address-family`, or
/// `exit` for raw data).
pub(super) fn trailer(cat: &Catalogue, rule: Option<RuleId>) -> Option<&str> {
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

pub(super) fn render_body(cat: &Catalogue, header: &StoredLine, body: &Body, out: &mut String) {
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

pub(super) fn push_indented(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push(' ');
    }
    out.push_str(text);
    out.push('\n');
}

pub(super) fn render_item(cat: &Catalogue, item: &Item, out: &mut String) {
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
