//! Differences between two configurations, as IOS's archive shows and
//! applies them: the contextual diff of `show archive config differences`
//! (a section's header given as context, its changed lines signed after
//! their indentation), the lines of a file a merge would add
//! (`show archive config incremental-diffs`), and the commands that turn
//! one configuration into another (`configure replace … list`).

use std::collections::{HashMap, HashSet};

use crate::catalogue::Catalogue;
use crate::config::{Config, render_item_lines};

/// A top-level line and the lines below it, as rendered.
#[derive(Debug)]
struct Block {
    header: String,
    body: Vec<String>,
}

/// The configuration as blocks, in rendering order.
fn blocks(cat: &Catalogue, cfg: &Config) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for item in cfg.items() {
        for line in render_item_lines(cat, item) {
            if line.starts_with(' ') {
                if let Some(b) = out.last_mut() {
                    b.body.push(line);
                }
            } else if line != "!" {
                out.push(Block {
                    header: line,
                    body: Vec::new(),
                });
            }
        }
    }
    out
}

/// Puts `sign` after a line's indentation: ` +description x`.
fn signed(sign: char, line: &str) -> String {
    let text = line.trim_start();
    let indent = &line[..line.len() - text.len()];
    format!("{indent}{sign}{text}")
}

/// The lines of `a` missing from `b`, in `a`'s order.
fn missing<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let have: HashSet<&String> = b.iter().collect();
    a.iter().filter(|l| !have.contains(l)).collect()
}

/// `show archive config differences A B`: what changes from `a` to `b`
/// (`+` in `b` only, `-` in `a` only); empty when they are the same.
pub fn contextual(cat: &Catalogue, a: &Config, b: &Config) -> Vec<String> {
    let (a, b) = (blocks(cat, a), blocks(cat, b));
    let in_b: HashMap<&str, &Block> = b.iter().map(|x| (x.header.as_str(), x)).collect();
    let in_a: HashMap<&str, &Block> = a.iter().map(|x| (x.header.as_str(), x)).collect();
    let mut out = Vec::new();
    for blk in &b {
        match in_a.get(blk.header.as_str()) {
            None => {
                out.push(signed('+', &blk.header));
                out.extend(blk.body.iter().map(|l| signed('+', l)));
            }
            Some(old) => {
                let removed = missing(&old.body, &blk.body);
                let added = missing(&blk.body, &old.body);
                if !removed.is_empty() || !added.is_empty() {
                    out.push(blk.header.clone());
                    out.extend(removed.iter().map(|l| signed('-', l)));
                    out.extend(added.iter().map(|l| signed('+', l)));
                }
            }
        }
    }
    for blk in &a {
        if !in_b.contains_key(blk.header.as_str()) {
            out.push(signed('-', &blk.header));
            out.extend(blk.body.iter().map(|l| signed('-', l)));
        }
    }
    out
}

/// `show archive config incremental-diffs FILE`: the lines of `file` that
/// `running` lacks, each under its section's header.
pub fn incremental(cat: &Catalogue, running: &Config, file: &Config) -> Vec<String> {
    let running = blocks(cat, running);
    let have: HashMap<&str, &Block> = running.iter().map(|x| (x.header.as_str(), x)).collect();
    let mut out = Vec::new();
    for blk in blocks(cat, file) {
        match have.get(blk.header.as_str()) {
            None => {
                out.push(blk.header.clone());
                out.extend(blk.body.iter().cloned());
            }
            Some(old) => {
                let added = missing(&blk.body, &old.body);
                if !added.is_empty() {
                    out.push(blk.header.clone());
                    out.extend(added.into_iter().cloned());
                }
            }
        }
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
pub fn replace_commands(cat: &Catalogue, running: &Config, target: &Config) -> Vec<String> {
    let (a, b) = (blocks(cat, running), blocks(cat, target));
    let in_b: HashMap<&str, &Block> = b.iter().map(|x| (x.header.as_str(), x)).collect();
    let in_a: HashMap<&str, &Block> = a.iter().map(|x| (x.header.as_str(), x)).collect();
    let mut out = Vec::new();
    for blk in &a {
        match in_b.get(blk.header.as_str()) {
            None => out.push(negated(&blk.header)),
            Some(new) => {
                let removed = missing(&blk.body, &new.body);
                if !removed.is_empty() {
                    out.push(blk.header.clone());
                    out.extend(removed.iter().map(|l| negated(l)));
                }
            }
        }
    }
    for blk in &b {
        match in_a.get(blk.header.as_str()) {
            None => {
                out.push(blk.header.clone());
                out.extend(blk.body.iter().cloned());
            }
            Some(old) => {
                let added = missing(&blk.body, &old.body);
                if !added.is_empty() {
                    out.push(blk.header.clone());
                    out.extend(added.into_iter().cloned());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::load;

    fn cfg(text: &str) -> Config {
        load(&Catalogue::builtin(), text).0
    }

    #[test]
    fn contextual_diff_signs_after_the_indentation() {
        let cat = Catalogue::builtin();
        let a = cfg(
            "hostname R1\ninterface Loopback1\n description old\n ip address 10.0.0.1 255.255.255.255\nlogging buffered 4096\n",
        );
        let b = cfg(
            "hostname R2\ninterface Loopback1\n description new\n ip address 10.0.0.1 255.255.255.255\ninterface Loopback2\n description two\n",
        );
        assert_eq!(
            contextual(&cat, &a, &b),
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
        assert!(contextual(&cat, &a, &a).is_empty());
    }

    #[test]
    fn replace_commands_remove_then_add() {
        let cat = Catalogue::builtin();
        let a = cfg("hostname R1\ninterface Loopback1\n description old\nlogging buffered 4096\n");
        let b = cfg("hostname R2\ninterface Loopback1\n description new\n");
        assert_eq!(
            replace_commands(&cat, &a, &b),
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
            incremental(&cat, &a, &b),
            ["hostname R2", "interface Loopback1", " description new"]
        );
    }
}
