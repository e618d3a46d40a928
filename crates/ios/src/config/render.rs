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
/// `exit` for raw data), and how much further than its header it is
/// indented: a mode's trailer stands level with its header, raw data's
/// `exit` level with the data (`  key-string` / `   exit`).
pub(super) fn trailer(cat: &Catalogue, rule: Option<RuleId>) -> Option<(&str, usize)> {
    let rule = rule?;
    let Behaviour::Section { enter, .. } = cat.rule(rule).behaviour else {
        return None;
    };
    let mode = cat.mode(enter);
    match (&mode.trailer, mode.raw) {
        (Some(t), _) => Some((t.as_str(), 0)),
        (None, true) => Some(("exit", 1)),
        _ => None,
    }
}

pub(super) fn render_body(cat: &Catalogue, header: &StoredLine, body: &Body, out: &mut String) {
    let mut open: Vec<(usize, (&str, usize))> = Vec::new();
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
            while let Some((d, (t, more))) = open.last().copied()
                && d >= l.depth
            {
                push_indented(out, d + 1 + more, t);
                open.pop();
            }
            push_indented(out, l.depth + 1, l.text);
            if let Some(t) = trailer(cat, l.rule) {
                open.push((l.depth, t));
            }
        }
        while let Some((d, (t, more))) = open.pop() {
            push_indented(out, d + 1 + more, t);
        }
    }
    if let Some((t, more)) = trailer(cat, header.rule) {
        push_indented(out, more, t);
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
        self.render_with_defaults(cat, header, &[])
    }
}

/// A default line to show where a configuration says nothing
/// (`show running-config all`).
#[derive(Debug, Clone)]
pub struct DefaultLine {
    /// The mode it belongs to.
    pub mode: crate::catalogue::ModeId,
    /// Its rule.
    pub rule: RuleId,
    /// The line.
    pub text: String,
}

/// A default line prepared for rendering: its identity and rank.
struct Prepared<'d> {
    line: &'d DefaultLine,
    class: u32,
    key: &'d str,
    rank: u32,
}

impl Config {
    /// Renders like [`Config::render`], with each default line the
    /// configuration does not override, in its rule's place: at the top
    /// level and in each section whose mode has defaults. Streams; the
    /// configuration is not copied.
    pub fn render_with_defaults(
        &self,
        cat: &Catalogue,
        header: &[String],
        defaults: &[DefaultLine],
    ) -> String {
        let config_mode = cat.config_mode();
        let mut prepared: Vec<Prepared<'_>> = defaults
            .iter()
            .map(|d| {
                let (class, key) = super::identity_key(cat, d.rule, &d.text);
                Prepared {
                    line: d,
                    class,
                    key,
                    rank: cat.rule(d.rule).rank,
                }
            })
            .collect();
        prepared.sort_by_key(|p| p.rank);
        // Top-level defaults missing from the configuration, by rank.
        let mut top = prepared
            .iter()
            .filter(|p| p.line.mode == config_mode)
            .filter(|p| {
                self.get(
                    cat,
                    &super::Ident {
                        class: p.class,
                        key: p.key.to_owned(),
                    },
                )
                .is_none()
            })
            .peekable();
        // Each mode's defaults, found once (a section looks its mode up).
        let mut by_mode: Vec<(crate::catalogue::ModeId, Vec<&Prepared<'_>>, usize)> = Vec::new();
        for p in &prepared {
            match by_mode.iter_mut().find(|(m, _, _)| *m == p.line.mode) {
                Some((_, v, len)) => {
                    v.push(p);
                    *len += p.line.text.len() + 2;
                }
                None => by_mode.push((p.line.mode, vec![p], p.line.text.len() + 2)),
            }
        }
        let section_defaults = |rule: Option<RuleId>| match rule.map(|r| cat.rule(r).behaviour) {
            Some(Behaviour::Section { enter, .. }) => by_mode
                .iter()
                .find(|(m, _, _)| *m == enter)
                .map(|(_, v, len)| (v.as_slice(), *len)),
            _ => None,
        };
        // Sized once, from what will be written: a large text grown by
        // doubling would be copied again and again.
        let size: usize = self
            .top
            .values()
            .map(|item| match item {
                Item::Section { header, body } => {
                    header.text.len()
                        + body.text.len()
                        + 4
                        + section_defaults(header.rule).map_or(0, |(_, len)| len)
                }
                Item::List { body, .. } => body.text.len(),
                Item::Line(l) => l.text.len() + 1,
                Item::Banner { header, text } => header.text.len() + text.len() + 8,
            })
            .sum();
        let mut present = Vec::new();
        let mut out = String::with_capacity(size + 4096);
        for h in header {
            out.push_str(h);
            out.push('\n');
        }
        if header.is_empty() {
            out.push_str("!\n");
        }
        let mut last_bang = out.ends_with("!\n");
        for (order, item) in &self.top {
            while let Some(p) = top.next_if(|p| p.rank < order.rank) {
                push_indented(&mut out, 0, &p.line.text);
                last_bang = false;
            }
            let section = matches!(item, Item::Section { .. });
            if section && !last_bang {
                out.push_str("!\n");
            }
            match item {
                Item::Section { header, body } => {
                    push_indented(&mut out, 0, &header.text);
                    match section_defaults(header.rule) {
                        Some((own, _)) => {
                            render_body_with(cat, header, body, own, &mut present, &mut out);
                        }
                        None => render_body(cat, header, body, &mut out),
                    }
                }
                other => render_item(cat, other, &mut out),
            }
            last_bang = false;
            if section {
                out.push_str("!\n");
                last_bang = true;
            }
        }
        for p in top {
            push_indented(&mut out, 0, &p.line.text);
            last_bang = false;
        }
        if !last_bang {
            out.push_str("!\n");
        }
        out.push_str("end\n");
        out
    }
}

/// A section's body with the defaults (by rank) its lines do not
/// override, each before the first top line of a later rank.
fn render_body_with(
    cat: &Catalogue,
    header: &StoredLine,
    body: &Body,
    defaults: &[&Prepared<'_>],
    present: &mut Vec<bool>,
    out: &mut String,
) {
    let nested_trailers = body
        .rules
        .iter()
        .any(|&r| r != VERBATIM && trailer(cat, Some(RuleId(r))).is_some());
    if nested_trailers {
        return render_body(cat, header, body, out);
    }
    present.clear();
    present.resize(defaults.len(), false);
    for l in body.lines().filter(|l| l.depth == 0) {
        let Some(r) = l.rule else { continue };
        let class = cat.rule(r).class;
        for (i, d) in defaults.iter().enumerate() {
            if d.class == class && super::identity_key(cat, r, l.text).1 == d.key {
                present[i] = true;
            }
        }
    }
    if present.iter().all(|p| *p) {
        return render_body(cat, header, body, out);
    }
    let mut missing = defaults
        .iter()
        .zip(present.iter())
        .filter(|(_, p)| !**p)
        .map(|(d, _)| *d)
        .peekable();
    for l in body.lines() {
        if l.depth == 0 {
            let rank = l.rule.map_or(u32::MAX, |r| cat.rule(r).rank);
            while let Some(d) = missing.next_if(|d| d.rank < rank) {
                push_indented(out, 1, &d.line.text);
            }
        }
        push_indented(out, l.depth + 1, l.text);
    }
    for d in missing {
        push_indented(out, 1, &d.line.text);
    }
    if let Some((t, more)) = trailer(cat, header.rule) {
        push_indented(out, more, t);
    }
}
