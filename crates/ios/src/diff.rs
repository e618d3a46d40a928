//! Differences between two configurations, as IOS's archive shows and
//! applies them: the contextual diff of `show archive config differences`
//! (a section's header given as context, its changed lines signed after
//! their indentation), the lines of a file a merge would add
//! (`show archive config incremental-diffs`), and the commands that turn
//! one configuration into another (`configure replace … list`).
//!
//! Both sides are configuration text as rendered (a file the device wrote
//! reads back the same), seen as blocks: a top-level line and the indented
//! lines below it. Blocks borrow the text: a 250,000-line configuration is
//! indexed without a copy of its lines, and a section the same on both
//! sides costs one slice comparison.

use std::collections::{HashMap, HashSet};

/// Configuration text as blocks, in order.
#[derive(Debug, Clone, Default)]
pub struct Blocks<'a> {
    lines: Vec<&'a str>,
    /// Each block's lines: `lines[start..end]`, the header first.
    blocks: Vec<(usize, usize)>,
}

impl<'a> Blocks<'a> {
    /// Configuration text as it stands: comments and blank lines skipped,
    /// `end` ends it.
    pub fn of_text(text: &'a str) -> Blocks<'a> {
        let mut b = Blocks::default();
        for line in text.lines() {
            let line = line.trim_end();
            if line == "end" {
                break;
            }
            if line.trim_start().is_empty() || line.trim_start().starts_with('!') {
                continue;
            }
            if line.starts_with(' ') {
                if let Some(last) = b.blocks.last_mut() {
                    b.lines.push(line);
                    last.1 = b.lines.len();
                }
            } else {
                b.lines.push(line);
                b.blocks.push((b.lines.len() - 1, b.lines.len()));
            }
        }
        b
    }

    /// How many blocks.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    fn header(&self, i: usize) -> &'a str {
        self.lines[self.blocks[i].0]
    }

    fn body(&self, i: usize) -> &[&'a str] {
        let (s, e) = self.blocks[i];
        &self.lines[s + 1..e]
    }

    fn index(&self) -> HashMap<&'a str, usize> {
        (0..self.blocks.len())
            .map(|i| (self.header(i), i))
            .collect()
    }
}

impl PartialEq for Blocks<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.blocks.len() == other.blocks.len()
            && (0..self.blocks.len())
                .all(|i| self.header(i) == other.header(i) && self.body(i) == other.body(i))
    }
}

/// Puts `sign` after a line's indentation: ` +description x`.
fn signed(sign: char, line: &str) -> String {
    let text = line.trim_start();
    let indent = &line[..line.len() - text.len()];
    format!("{indent}{sign}{text}")
}

/// The lines of `a` missing from `b`, in `a`'s order (nothing to look up
/// when the two are the same, as almost every section is).
fn missing<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    if a == b {
        return Vec::new();
    }
    let have: HashSet<&str> = b.iter().copied().collect();
    a.iter().copied().filter(|l| !have.contains(l)).collect()
}

/// `show archive config differences A B`: what changes from `a` to `b`
/// (`+` in `b` only, `-` in `a` only); empty when they are the same.
pub fn contextual(a: &Blocks<'_>, b: &Blocks<'_>) -> Vec<String> {
    let in_a = a.index();
    let in_b = b.index();
    let mut out = Vec::new();
    for j in 0..b.len() {
        let header = b.header(j);
        match in_a.get(header) {
            None => {
                out.push(signed('+', header));
                out.extend(b.body(j).iter().map(|l| signed('+', l)));
            }
            Some(&i) => {
                let removed = missing(a.body(i), b.body(j));
                let added = missing(b.body(j), a.body(i));
                if !removed.is_empty() || !added.is_empty() {
                    out.push(header.to_owned());
                    out.extend(removed.iter().map(|l| signed('-', l)));
                    out.extend(added.iter().map(|l| signed('+', l)));
                }
            }
        }
    }
    for i in 0..a.len() {
        if !in_b.contains_key(a.header(i)) {
            out.push(signed('-', a.header(i)));
            out.extend(a.body(i).iter().map(|l| signed('-', l)));
        }
    }
    out
}

/// `show archive config incremental-diffs FILE`: the lines of `file` that
/// `running` lacks, each under its section's header, in the file's order.
pub fn incremental(running: &Blocks<'_>, file: &Blocks<'_>) -> Vec<String> {
    let have = running.index();
    let mut out = Vec::new();
    for j in 0..file.len() {
        let header = file.header(j);
        let added: Vec<&str> = match have.get(header) {
            None => {
                out.push(header.to_owned());
                file.body(j).to_vec()
            }
            Some(&i) => {
                let added = missing(file.body(j), running.body(i));
                if !added.is_empty() {
                    out.push(header.to_owned());
                }
                added
            }
        };
        out.extend(added.into_iter().map(str::to_owned));
    }
    out
}

/// `no LINE`, keeping the line's indentation.
fn negated(line: &str) -> String {
    let text = line.trim_start();
    let indent = &line[..line.len() - text.len()];
    match text.strip_prefix("no ") {
        Some(rest) => format!("{indent}{rest}"),
        None => format!("{indent}no {text}"),
    }
}

/// The commands that turn `running` into `target` (`configure replace …
/// list`): removals first (a section that goes is removed whole), then
/// additions, each under its section's header.
pub fn replace_commands(running: &Blocks<'_>, target: &Blocks<'_>) -> Vec<String> {
    let in_a = running.index();
    let in_b = target.index();
    let mut out = Vec::new();
    for i in 0..running.len() {
        let header = running.header(i);
        match in_b.get(header) {
            None => out.push(negated(header)),
            Some(&j) => {
                let removed = missing(running.body(i), target.body(j));
                if !removed.is_empty() {
                    out.push(header.to_owned());
                    out.extend(removed.iter().map(|l| negated(l)));
                }
            }
        }
    }
    for j in 0..target.len() {
        let header = target.header(j);
        let added: Vec<&str> = match in_a.get(header) {
            None => {
                out.push(header.to_owned());
                target.body(j).to_vec()
            }
            Some(&i) => {
                let added = missing(target.body(j), running.body(i));
                if !added.is_empty() {
                    out.push(header.to_owned());
                }
                added
            }
        };
        out.extend(added.into_iter().map(str::to_owned));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::load;
    use crate::catalogue::Catalogue;

    fn text(t: &str) -> String {
        let cat = Catalogue::builtin();
        load(&cat, t).0.render(&cat, &[])
    }

    #[test]
    fn contextual_diff_signs_after_the_indentation() {
        let a = text(
            "hostname R1\ninterface Loopback1\n description old\n ip address 10.0.0.1 255.255.255.255\nlogging buffered 4096\n",
        );
        let b = text(
            "hostname R2\ninterface Loopback1\n description new\n ip address 10.0.0.1 255.255.255.255\ninterface Loopback2\n description two\n",
        );
        let (a, b) = (Blocks::of_text(&a), Blocks::of_text(&b));
        assert_eq!(
            contextual(&a, &b),
            [
                "+hostname R2",
                "interface Loopback1",
                " -description old",
                " +description new",
                "+interface Loopback2",
                " +description two",
                "-hostname R1",
                "-logging buffered 4096",
            ]
        );
        assert!(contextual(&a, &a).is_empty());
        assert!(a == a.clone() && a != b);
    }

    #[test]
    fn replace_commands_remove_then_add() {
        let a = text("hostname R1\ninterface Loopback1\n description old\nlogging buffered 4096\n");
        let b = text("hostname R2\ninterface Loopback1\n description new\n");
        let (a, b) = (Blocks::of_text(&a), Blocks::of_text(&b));
        assert_eq!(
            replace_commands(&a, &b),
            [
                "no hostname R1",
                "no logging buffered 4096",
                "interface Loopback1",
                " no description old",
                "hostname R2",
                "interface Loopback1",
                " description new",
            ]
        );
        assert_eq!(
            incremental(&a, &b),
            ["hostname R2", "interface Loopback1", " description new"]
        );
    }
}
