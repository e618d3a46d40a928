//! `show access-lists [NAME]`.

use std::fmt::Write as _;

use ironconf_ios::settings::AccessList;

use super::{ExecOutput, Invocation};

pub(super) fn show(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(show_access_lists(
        &i.device.settings().access_lists,
        i.arg(),
    ))
}

/// `show access-lists [NAME]`: numbered lists by number, then named lists
/// by name; numbered entries are numbered 10, 20, … as IOS shows them,
/// named ones keep their own sequence numbers.
pub fn show_access_lists(
    lists: &std::collections::BTreeMap<String, AccessList>,
    only: Option<&str>,
) -> String {
    let mut names: Vec<&String> = lists
        .keys()
        .filter(|n| only.is_none_or(|o| o == n.as_str()))
        .collect();
    names.sort_by_key(|n| match n.parse::<u32>() {
        Ok(number) => (0, number, ""),
        Err(_) => (1, 0, n.as_str()),
    });
    let mut out = String::new();
    for name in names {
        let Some(acl) = lists.get(name) else { continue };
        let kind = if acl.extended { "Extended" } else { "Standard" };
        let _ = writeln!(out, "{kind} IP access list {name}");
        let mut last = 0;
        for (seq, text) in &acl.configured {
            let seq = seq.unwrap_or(last / 10 * 10 + 10);
            last = seq;
            let words: Vec<&str> = text.split(' ').collect();
            let _ = writeln!(out, "    {seq} {}", ace_text(&words, acl.extended));
        }
    }
    out
}

/// One entry as `show access-lists` prints it: standard entries spell out
/// wildcard bits (`permit 10.0.0.0, wildcard bits 0.0.0.255`) and drop
/// `host`; extended entries read as configured.
fn ace_text(words: &[&str], extended: bool) -> String {
    if extended {
        return words.join(" ");
    }
    match words {
        [action, "host", addr, rest @ ..] | [action, addr, "0.0.0.0", rest @ ..] => {
            join_rest(&format!("{action} {addr}"), rest)
        }
        [action, "any", rest @ ..] => join_rest(&format!("{action} any"), rest),
        [action, addr, wild, rest @ ..] if wild.parse::<std::net::Ipv4Addr>().is_ok() => {
            join_rest(&format!("{action} {addr}, wildcard bits {wild}"), rest)
        }
        _ => words.join(" "),
    }
}

fn join_rest(head: &str, rest: &[&str]) -> String {
    if rest.is_empty() {
        head.to_owned()
    } else {
        format!("{head} {}", rest.join(" "))
    }
}
