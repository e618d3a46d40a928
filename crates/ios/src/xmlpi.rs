//! XML-PI, Cisco's XML form of the configuration
//! (`urn:cisco:params:netconf:capability:pi-data-model:1.0`), both ways,
//! derived from the command catalogue rather than written per command.
//!
//! One configuration line is one element tree: each keyword an element
//! holding the rest of the line, each parameter a leaf named from its help
//! text (`<hostname><SystemNetworkName>R1</SystemNetworkName></hostname>`;
//! `<Param>` for a parameter the catalogue gives no help), a keyword that
//! is not an XML name (`1.5`, `tacacs+`) a `<Param>` leaf holding it. A
//! `no` line carries `operation="delete"` on its first element. The lines
//! of a section are nested in its mode's element, named from the mode's
//! prompt (`<interface><Param>Loopback0</Param><ConfigIf-Configuration>…`),
//! inside the header's innermost element. A line the catalogue does not
//! know is `<X-Interface>` with its text; `end` is `<end></end>`. A line
//! that starts with a parameter (`10 permit any` in an access list) is its
//! leading leaves followed by one keyword element.
//!
//! Read back, the same vocabulary gives CLI lines to apply as if typed
//! (`exit` after each section): keywords must be spelt in full, leaves by
//! their names, values as the parameter accepts them, `operation` is
//! `delete` / `remove` (the line's `no` form; an empty leaf ends such a
//! line) or `merge`.

use std::borrow::Cow;

use ironconf_proto::xml::{Element, Node as XmlNode};

use crate::catalogue::{Behaviour, Catalogue, ModeId, NodeId};
use crate::param::{
    ParamKind, check_interface_number, parse_interface, parse_ipv4, parse_ipv6, parse_ipv6_prefix,
    parse_range,
};
use crate::parse::{Step, parse_line_steps};

/// The namespace of `<Device-Configuration>`.
pub const NAMESPACE: &str = "urn:cisco:xml-pi";
/// The root element of a configuration.
pub const ROOT: &str = "Device-Configuration";
/// The element of a line the catalogue does not know.
pub const VERBATIM: &str = "X-Interface";
/// The leaf of a parameter without help text.
pub const PARAM: &str = "Param";

/// The element of a mode's lines, from its prompt: `config-if` gives
/// `ConfigIf-Configuration`, `config-sg-tacacs+` `ConfigSgTacacs-Configuration`.
pub fn mode_element(prompt: &str) -> String {
    let mut out = String::with_capacity(prompt.len() + 14);
    for part in prompt.split('-') {
        let mut chars = part.chars().filter(char::is_ascii_alphanumeric);
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out.push_str("-Configuration");
    out
}

/// A parameter's element from its help text, as IOS derives it: the words
/// capitalised and joined, without `'s` and the little words (`VLAN ID of
/// the VLAN when this port is in access mode` gives
/// `VLANIDVLANPortAccessMode`).
pub fn leaf_from_help(help: &str) -> String {
    const LITTLE: &[&str] = &[
        "a", "an", "the", "of", "in", "is", "are", "when", "this", "that", "for", "on", "at", "by",
        "with", "be",
    ];
    let mut out = String::new();
    for word in help.split_whitespace() {
        let word = word.strip_suffix("'s").unwrap_or(word);
        if LITTLE.iter().any(|l| l.eq_ignore_ascii_case(word)) {
            continue;
        }
        let mut chars = word.chars().filter(char::is_ascii_alphanumeric);
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// True when `s` can be an element name as it is (keywords such as
/// `1.5` or `tacacs+` cannot).
pub fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

fn leaf_name(cat: &Catalogue, node: NodeId) -> &str {
    cat.node(node).leaf.as_deref().unwrap_or(PARAM)
}

fn escape_into(text: &str, out: &mut Vec<u8>) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            _ => continue,
        };
        out.extend_from_slice(&text.as_bytes()[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&text.as_bytes()[last..]);
}

fn leaf(out: &mut Vec<u8>, name: &str, value: &str, delete: bool) {
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    if delete {
        out.extend_from_slice(b" operation=\"delete\"");
    }
    out.push(b'>');
    escape_into(value, out);
    out.extend_from_slice(b"</");
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
}

/// A section being written: the indentation of its header, its mode, and
/// the end tags that close it.
struct Open {
    indent: usize,
    mode: ModeId,
    close: Vec<u8>,
}

/// Writes configuration text (a running-config, whole or through a
/// `show running-config` filter) as `<Device-Configuration>`. Sections are
/// read from the indentation, as IOS writes them.
pub fn write_config(cat: &Catalogue, text: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<Device-Configuration xmlns=\"urn:cisco:xml-pi\">\n");
    let mut open: Vec<Open> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let mut lines = text.lines();
    // The indentation of the last line written as `<X-Interface>`: the lines
    // indented further are its section's, written the same way with their
    // indentation below it kept.
    let mut unknown: Option<usize> = None;
    while let Some(raw) = lines.next() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let body = raw.trim_start();
        let indent = raw.len() - body.len();
        let body = body.trim_end();
        if let Some(base) = unknown {
            if indent > base && !body.is_empty() && body != "!" {
                // `base` is within the spaces both lines begin with.
                leaf(
                    out,
                    VERBATIM,
                    raw.get(base..).unwrap_or(body).trim_end(),
                    false,
                );
                out.push(b'\n');
                continue;
            }
            if !body.is_empty() && body != "!" {
                unknown = None;
            }
        }
        if body.is_empty() || body.starts_with('!') {
            continue;
        }
        while let Some(o) = open.pop_if(|o| o.indent > indent) {
            out.extend_from_slice(&o.close);
        }
        // A mode's trailer stands level with its header
        // (` address-family ipv4` … ` exit-address-family`) and closes it.
        let closes = |o: &mut Open| cat.mode(o.mode).trailer.as_deref() == Some(body);
        if let Some(o) = open.pop_if(|o| o.indent == indent && closes(o)) {
            out.extend_from_slice(&o.close);
            continue;
        }
        while let Some(o) = open.pop_if(|o| o.indent >= indent) {
            out.extend_from_slice(&o.close);
        }
        let mode = open.last().map_or(cat.config_mode(), |o| o.mode);
        let m = cat.mode(mode);
        if m.trailer.as_deref() == Some(body) || (m.raw && body == "exit") {
            continue;
        }
        if open.is_empty() && body == "end" {
            out.extend_from_slice(b"<end></end>\n");
            continue;
        }
        if m.raw {
            leaf(out, VERBATIM, body, false);
            out.push(b'\n');
            continue;
        }
        steps.clear();
        if let Some(rule) = classify(cat, mode, body, &mut steps, &mut words) {
            // The fast reading agrees with the parser's (checked in every
            // test and fuzz build).
            #[cfg(debug_assertions)]
            {
                let mut parsed_steps = Vec::new();
                let parsed = parse_line_steps(cat, mode, body, false, Some(&mut parsed_steps));
                debug_assert_eq!(parsed_steps, steps, "{body}");
                debug_assert_eq!(
                    parsed.ok().and_then(|p| p.rule.map(|r| (r, p.tokens))),
                    Some((rule, words.iter().map(|w| (*w).to_owned()).collect())),
                    "{body}"
                );
            }
            let rule = cat.rule(rule);
            if rule.banner {
                let mut tokens: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
                if let Some(last) = tokens.last_mut() {
                    banner_text(last, &mut lines);
                }
                emit(cat, rule, &tokens, &steps, indent, &mut open, out);
                continue;
            }
            emit(cat, rule, &words, &steps, indent, &mut open, out);
            continue;
        }
        steps.clear();
        let parsed = match parse_line_steps(cat, mode, body, false, Some(&mut steps)) {
            Ok(p) if p.tokens.len() == steps.len() => Some(p),
            // A rule with a canonical spelling: its canonical line again.
            Ok(p) => {
                steps.clear();
                parse_line_steps(cat, mode, &p.canonical(), false, Some(&mut steps))
                    .ok()
                    .filter(|p| p.tokens.len() == steps.len())
            }
            Err(_) => None,
        };
        let Some((parsed, rule)) = parsed.and_then(|p| p.rule.map(|r| (p, r))) else {
            leaf(out, VERBATIM, body, false);
            out.push(b'\n');
            unknown = Some(indent);
            continue;
        };
        let mut tokens = parsed.tokens;
        let rule = cat.rule(rule);
        if rule.banner
            && let Some(last) = tokens.last_mut()
        {
            banner_text(last, &mut lines);
        }
        emit(cat, rule, &tokens, &steps, indent, &mut open, out);
    }
    while let Some(o) = open.pop() {
        out.extend_from_slice(&o.close);
    }
    out.extend_from_slice(b"</Device-Configuration>");
}

/// Writes a matched line: closed, or (a section header) left open with
/// its mode's element until a line as little indented comes.
fn emit<T: AsRef<str>>(
    cat: &Catalogue,
    rule: &crate::catalogue::Rule,
    tokens: &[T],
    steps: &[Step],
    indent: usize,
    open: &mut Vec<Open>,
    out: &mut Vec<u8>,
) {
    let enter = match rule.behaviour {
        Behaviour::Section { enter, .. } => Some(enter),
        _ => None,
    };
    let close = write_line(cat, tokens, steps, enter, out);
    match enter {
        Some(mode) => open.push(Open {
            indent,
            mode,
            close,
        }),
        None => out.push(b'\n'),
    }
}

/// The steps of a line in canonical spelling (as the engine renders it:
/// keywords in full, values as stored, single spaces), found without
/// allocating; `None` for anything else (abbreviations, a value that
/// could be read as a keyword's abbreviation, a rule with a canonical
/// spelling of its own), which the line parser then reads.
fn classify<'t>(
    cat: &Catalogue,
    mode: ModeId,
    line: &'t str,
    steps: &mut Vec<Step>,
    words: &mut Vec<&'t str>,
) -> Option<crate::catalogue::RuleId> {
    steps.clear();
    words.clear();
    let mut node = cat.mode(mode).root;
    let mut rest = line;
    while !rest.is_empty() {
        let (w, after) = rest.split_once(' ').unwrap_or((rest, ""));
        if w.is_empty() {
            return None;
        }
        let n = cat.node(node);
        if let Some((_, c)) = n.keywords.iter().find(|(k, _)| k == w) {
            node = *c;
            steps.push(Step { node, param: false });
            words.push(w);
            rest = after;
            continue;
        }
        if let Some((_, c)) = n
            .params
            .iter()
            .find(|(p, _)| p.is_typed() && crate::param::is_canonical(p, w))
        {
            node = *c;
            steps.push(Step { node, param: true });
            words.push(w);
            rest = after;
            continue;
        }
        // A word or the rest of the line, unless the parser would have read
        // it as a keyword or abbreviation first.
        if n.params.iter().any(|(p, _)| p.is_typed())
            || n.keywords.iter().any(|(k, _)| {
                k.len() >= w.len() && k.as_bytes()[..w.len()].eq_ignore_ascii_case(w.as_bytes())
            })
        {
            return None;
        }
        if let Some((_, c)) = n.params.iter().find(|(p, _)| p.is_word()) {
            node = *c;
            steps.push(Step { node, param: true });
            words.push(w);
            rest = after;
            continue;
        }
        if let Some((_, c)) = n.params.iter().find(|(p, _)| p.is_line()) {
            node = *c;
            steps.push(Step { node, param: true });
            words.push(rest);
            rest = "";
            continue;
        }
        return None;
    }
    let rule = cat.node(node).terminal?;
    cat.rule(rule).canon.is_none().then_some(rule)
}

/// A banner's text from its first line's delimiter to the closing one,
/// which may be lines later.
fn banner_text<'a>(first: &mut String, lines: &mut impl Iterator<Item = &'a str>) {
    let delimiter = if first.starts_with("^C") {
        "^C"
    } else {
        match first.chars().next() {
            Some(c) => &first[..c.len_utf8()],
            None => return,
        }
    };
    if first[delimiter.len()..].contains(delimiter) {
        return;
    }
    let delimiter = delimiter.to_owned();
    for l in lines.by_ref() {
        first.push('\n');
        first.push_str(l.strip_suffix('\r').unwrap_or(l));
        if l.contains(&delimiter) {
            break;
        }
    }
}

/// Writes one line's elements. For a section header, the mode's element
/// is left open and the end tags are returned; otherwise all is closed and
/// nothing is returned.
fn write_line<T: AsRef<str>>(
    cat: &Catalogue,
    tokens: &[T],
    steps: &[Step],
    enter: Option<ModeId>,
    out: &mut Vec<u8>,
) -> Vec<u8> {
    let negated = tokens.len() > 1 && tokens[0].as_ref() == "no" && !steps[0].param;
    let mut delete = negated;
    let start = usize::from(negated);
    let mut open: Vec<&str> = Vec::new();
    for (i, (token, step)) in tokens.iter().zip(steps).enumerate().skip(start) {
        let token = token.as_ref();
        if step.param {
            leaf(out, leaf_name(cat, step.node), token, delete);
        } else if !is_xml_name(token) {
            leaf(out, PARAM, token, delete);
        } else {
            out.push(b'<');
            out.extend_from_slice(token.as_bytes());
            if delete {
                out.extend_from_slice(b" operation=\"delete\"");
            }
            let last = i + 1 == tokens.len();
            if last && enter.is_none() && !open.is_empty() {
                out.extend_from_slice(b"/>");
            } else if last && enter.is_none() {
                out.extend_from_slice(b"></");
                out.extend_from_slice(token.as_bytes());
                out.push(b'>');
            } else {
                out.push(b'>');
                open.push(token);
            }
        }
        delete = false;
    }
    let mut close = Vec::new();
    if let Some(mode) = enter {
        let name = &cat.mode(mode).xml;
        out.push(b'<');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b">\n");
        close.extend_from_slice(b"</");
        close.extend_from_slice(name.as_bytes());
        close.push(b'>');
    }
    let target = if enter.is_some() { &mut close } else { out };
    for k in open.iter().rev() {
        target.extend_from_slice(b"</");
        target.extend_from_slice(k.as_bytes());
        target.push(b'>');
    }
    if enter.is_some() {
        close.push(b'\n');
    }
    close
}

/// Why an XML-PI configuration cannot be read, naming the element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
#[non_exhaustive]
pub enum XmlPiError {
    /// No keyword or parameter of that name here (`after`: the line so
    /// far).
    UnknownElement {
        /// The element.
        element: String,
        /// The line up to it.
        after: String,
    },
    /// A parameter's value is not one it accepts.
    BadValue {
        /// The leaf.
        element: String,
        /// What IOS says about the value.
        message: String,
    },
    /// A parameter's leaf is empty outside a delete.
    MissingValue {
        /// The leaf.
        element: String,
    },
    /// The line stops before a complete command.
    Incomplete {
        /// The last element of the line.
        element: String,
        /// The line as read.
        line: String,
    },
    /// An `operation` other than `delete`, `remove` or `merge`.
    BadOperation {
        /// The element carrying it.
        element: String,
        /// Its value.
        value: String,
    },
    /// An attribute other than `operation`.
    UnknownAttribute {
        /// The element carrying it.
        element: String,
        /// The attribute.
        attribute: String,
    },
    /// An element in a place its kind cannot be: text beside child
    /// elements, a keyword with a value, elements after a mode's element or
    /// after `<end>`, a mode's element that is not the header's.
    BadElement {
        /// The element.
        element: String,
        /// What is wrong.
        message: String,
    },
}

impl XmlPiError {
    /// The element the error is about.
    pub fn element(&self) -> &str {
        match self {
            XmlPiError::UnknownElement { element, .. }
            | XmlPiError::BadValue { element, .. }
            | XmlPiError::MissingValue { element }
            | XmlPiError::Incomplete { element, .. }
            | XmlPiError::BadOperation { element, .. }
            | XmlPiError::UnknownAttribute { element, .. }
            | XmlPiError::BadElement { element, .. } => element,
        }
    }

    /// The message for the error.
    pub fn message(&self) -> String {
        match self {
            XmlPiError::UnknownElement { element, after } if after.is_empty() => {
                format!("<{element}> is not a command here")
            }
            XmlPiError::UnknownElement { element, after } => {
                format!("<{element}> is not a keyword or parameter of '{after}'")
            }
            XmlPiError::BadValue { element, message } => format!("<{element}>: {message}"),
            XmlPiError::MissingValue { element } => {
                format!("<{element}> needs a value (an empty one only ends a delete)")
            }
            XmlPiError::Incomplete { line, .. } => {
                format!("'{line}': % Incomplete command.")
            }
            XmlPiError::BadOperation { element, value } => {
                format!("<{element}>: operation '{value}' is not one of delete, remove, merge")
            }
            XmlPiError::UnknownAttribute { element, attribute } => {
                format!("<{element}>: unknown attribute '{attribute}'")
            }
            XmlPiError::BadElement { element, message } => format!("<{element}>: {message}"),
        }
    }
}

/// One word of a line as read from its elements: the element's name, and
/// its text when it has no child element (`None` when empty).
struct Word<'x> {
    name: &'x str,
    value: Option<Cow<'x, str>>,
}

/// A line as read from its elements, before it is matched.
#[derive(Default)]
struct Flat<'x> {
    words: Vec<Word<'x>>,
    delete: bool,
    /// The mode's element, for a section header.
    body: Option<&'x Element>,
}

/// Reads the CLI lines of a `<Device-Configuration>` (or any element
/// holding its lines), each section's lines followed by `exit`, checked
/// against the catalogue. Nothing is applied.
pub fn config_lines(cat: &Catalogue, root: &Element) -> Result<Vec<String>, XmlPiError> {
    let mut out = Vec::new();
    mode_lines(cat, cat.config_mode(), root, true, &mut out)?;
    Ok(out)
}

fn mode_lines(
    cat: &Catalogue,
    mode: ModeId,
    holder: &Element,
    top: bool,
    out: &mut Vec<String>,
) -> Result<(), XmlPiError> {
    let mut flat = Flat::default();
    let mut ended = false;
    for child in &holder.children {
        let e = match child {
            XmlNode::Text(t) if t.trim().is_empty() => continue,
            XmlNode::Text(_) => {
                return Err(XmlPiError::BadElement {
                    element: holder.name.to_string(),
                    message: "text between lines".into(),
                });
            }
            XmlNode::Element(e) => e,
        };
        if ended {
            return Err(XmlPiError::BadElement {
                element: e.name.to_string(),
                message: "nothing may follow <end>".into(),
            });
        }
        if &*e.name == VERBATIM && flat.words.is_empty() {
            let mut own = Flat::default();
            attributes(e, &mut own)?;
            if e.child_elements().next().is_some() {
                return Err(XmlPiError::BadElement {
                    element: e.name.to_string(),
                    message: "holds a line's text, not elements".into(),
                });
            }
            let no = if own.delete { "no " } else { "" };
            // The lines of a section kept verbatim keep their indentation.
            out.extend(e.text().lines().filter(|l| !l.trim().is_empty()).map(|l| {
                let text = l.trim_start_matches(' ');
                let indent = &l[..l.len() - text.len()];
                format!("{indent}{no}{}", text.trim_end())
            }));
            continue;
        }
        if top && &*e.name == "end" && flat.words.is_empty() && e.is_empty() {
            ended = true;
            continue;
        }
        // A line may start with parameters (`10 permit any`): leaves that
        // are not keywords of the mode, up to its first keyword's element.
        let root = cat.node(cat.mode(mode).root);
        let leading_leaf = e.child_elements().next().is_none()
            && !e.text().trim().is_empty()
            && !root.keywords.iter().any(|(k, _)| *k == *e.name);
        flatten(e, &mut flat)?;
        if leading_leaf && flat.body.is_none() {
            continue;
        }
        finish(cat, mode, std::mem::take(&mut flat), out)?;
    }
    if let Some(w) = flat.words.last() {
        return Err(XmlPiError::Incomplete {
            element: w.name.to_owned(),
            line: words_text(&flat.words),
        });
    }
    Ok(())
}

fn words_text(words: &[Word<'_>]) -> String {
    let mut s = String::new();
    for w in words {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(w.value.as_deref().unwrap_or(w.name));
    }
    s
}

fn attributes<'x>(e: &'x Element, flat: &mut Flat<'x>) -> Result<(), XmlPiError> {
    for a in &e.attributes {
        if a.is_namespace_declaration() {
            continue;
        }
        if a.local_name() != "operation" {
            return Err(XmlPiError::UnknownAttribute {
                element: e.name.to_string(),
                attribute: a.qname.clone(),
            });
        }
        match a.value.trim() {
            "delete" | "remove" => flat.delete = true,
            "merge" => {}
            other => {
                return Err(XmlPiError::BadOperation {
                    element: e.name.to_string(),
                    value: other.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// Adds an element and its descendants, in document order, to a line.
fn flatten<'x>(e: &'x Element, flat: &mut Flat<'x>) -> Result<(), XmlPiError> {
    if flat.body.is_some() {
        return Err(XmlPiError::BadElement {
            element: e.name.to_string(),
            message: "nothing may follow a section's lines in its line".into(),
        });
    }
    attributes(e, flat)?;
    if e.name.ends_with("-Configuration") {
        flat.body = Some(e);
        return Ok(());
    }
    let has_children = e.child_elements().next().is_some();
    let text = e.text();
    if has_children {
        if !text.trim().is_empty() {
            return Err(XmlPiError::BadElement {
                element: e.name.to_string(),
                message: "text mixed with elements".into(),
            });
        }
        flat.words.push(Word {
            name: &e.name,
            value: None,
        });
        for c in e.child_elements() {
            flatten(c, flat)?;
        }
        return Ok(());
    }
    let value = match text {
        Cow::Borrowed(t) if t.trim().is_empty() => None,
        Cow::Borrowed(t) => Some(Cow::Borrowed(t.trim())),
        Cow::Owned(t) if t.trim().is_empty() => None,
        Cow::Owned(t) => Some(Cow::Owned(t.trim().to_owned())),
    };
    flat.words.push(Word {
        name: &e.name,
        value,
    });
    Ok(())
}

/// Matches a line's words from `node`: the tokens and where they lead.
/// `Err` holds the index of the word that failed and why.
fn match_words(
    cat: &Catalogue,
    mut node: NodeId,
    words: &[Word<'_>],
    delete: bool,
    tokens: &mut Vec<String>,
) -> Result<NodeId, (usize, XmlPiError)> {
    let mut stopped: Option<&str> = None;
    for (i, w) in words.iter().enumerate() {
        let fail = |e: XmlPiError| (i, e);
        let after = || tokens.join(" ");
        let n = cat.node(node);
        if let Some(empty) = stopped {
            if w.value.is_some() {
                return Err(fail(XmlPiError::BadElement {
                    element: w.name.to_owned(),
                    message: format!("nothing may follow the empty <{empty}>"),
                }));
            }
            continue;
        }
        let named = |c: NodeId| leaf_name(cat, c) == w.name;
        match &w.value {
            None => {
                if let Some((k, c)) = n.keywords.iter().find(|(k, _)| k == w.name) {
                    tokens.push(k.clone());
                    node = *c;
                } else if n.params.iter().any(|(_, c)| named(*c)) {
                    if !delete {
                        return Err(fail(XmlPiError::MissingValue {
                            element: w.name.to_owned(),
                        }));
                    }
                    stopped = Some(w.name);
                } else {
                    return Err(fail(XmlPiError::UnknownElement {
                        element: w.name.to_owned(),
                        after: after(),
                    }));
                }
            }
            Some(value) => {
                // A keyword that is no element name comes as a <Param>.
                if w.name == PARAM
                    && let Some((k, c)) = n
                        .keywords
                        .iter()
                        .find(|(k, _)| k == value && !is_xml_name(k))
                {
                    tokens.push(k.clone());
                    node = *c;
                    continue;
                }
                let mut candidates = n.params.iter().filter(|(_, c)| named(*c)).peekable();
                if candidates.peek().is_none() {
                    let message = if n.keywords.iter().any(|(k, _)| k == w.name) {
                        return Err(fail(XmlPiError::BadElement {
                            element: w.name.to_owned(),
                            message: "a keyword takes no value".into(),
                        }));
                    } else {
                        XmlPiError::UnknownElement {
                            element: w.name.to_owned(),
                            after: after(),
                        }
                    };
                    return Err(fail(message));
                }
                let mut accepted = None;
                let mut refusal = None;
                // Typed parameters first, then WORD, then LINE, as the
                // line parser tries them.
                let mut ordered: Vec<&(ParamKind, NodeId)> = candidates.collect();
                ordered.sort_by_key(|(p, _)| match p {
                    _ if p.is_typed() => 0,
                    ParamKind::Word { .. } => 1,
                    _ => 2,
                });
                for (p, c) in ordered {
                    match accept(p, value) {
                        Ok(v) => {
                            accepted = Some((v, *c));
                            break;
                        }
                        Err(m) => {
                            refusal.get_or_insert(m);
                        }
                    }
                }
                match accepted {
                    Some((v, c)) => {
                        tokens.push(v);
                        node = c;
                    }
                    None => {
                        return Err(fail(XmlPiError::BadValue {
                            element: w.name.to_owned(),
                            message: refusal.unwrap_or_default(),
                        }));
                    }
                }
            }
        }
    }
    Ok(node)
}

/// A parameter's value in canonical spelling, or IOS's objection to it.
fn accept(kind: &ParamKind, value: &str) -> Result<String, String> {
    let invalid = || format!("% Invalid input: '{value}' is not {}", describe(kind));
    let single = || {
        let mut words = value.split_whitespace();
        match (words.next(), words.next()) {
            (Some(w), None) => Ok(w),
            _ => Err(invalid()),
        }
    };
    match kind {
        ParamKind::Range(lo, hi) => parse_range(single()?, *lo, *hi)
            .map(|v| v.to_string())
            .ok_or_else(invalid),
        ParamKind::Ipv4 => parse_ipv4(single()?).ok_or_else(invalid),
        ParamKind::Ipv6 => parse_ipv6(single()?).ok_or_else(invalid),
        ParamKind::Ipv6Prefix => parse_ipv6_prefix(single()?).ok_or_else(invalid),
        ParamKind::Interface => {
            let mut words = value.split_whitespace();
            let first = words.next().unwrap_or_default();
            let next = words.next();
            match parse_interface(first, next) {
                Some((name, used)) if words.next().is_none() && (used == 2) == next.is_some() => {
                    check_interface_number(name.type_index, &name.number)
                        .map(|()| name.canonical())
                        .map_err(|_| invalid())
                }
                _ => Err(invalid()),
            }
        }
        ParamKind::Word { max } => {
            let w = single()?;
            match max {
                Some(max) if w.chars().count() > *max => Err(invalid()),
                _ => Ok(w.to_owned()),
            }
        }
        ParamKind::Line { max } => match max {
            Some(max) if value.chars().count() > *max => Err(invalid()),
            _ => Ok(value.to_owned()),
        },
    }
}

fn describe(kind: &ParamKind) -> String {
    match kind {
        ParamKind::Range(lo, hi) => format!("in the range <{lo}-{hi}>"),
        ParamKind::Ipv4 => "an IPv4 address (A.B.C.D)".into(),
        ParamKind::Ipv6 => "an IPv6 address (X:X:X:X::X)".into(),
        ParamKind::Ipv6Prefix => "an IPv6 prefix (X:X:X:X::X/<0-128>)".into(),
        ParamKind::Interface => "an interface name".into(),
        ParamKind::Word { max: Some(m) } => format!("one word of at most {m} characters"),
        ParamKind::Word { max: None } => "one word".into(),
        ParamKind::Line { max: Some(m) } => format!("text of at most {m} characters"),
        ParamKind::Line { max: None } => "text".into(),
    }
}

/// Matches a line read from elements and adds its CLI lines.
fn finish(
    cat: &Catalogue,
    mode: ModeId,
    flat: Flat<'_>,
    out: &mut Vec<String>,
) -> Result<(), XmlPiError> {
    let root = cat.mode(mode).root;
    let mut tokens = Vec::with_capacity(flat.words.len() + 1);
    let mut matched = match_words(cat, root, &flat.words, flat.delete, &mut tokens);
    let mut prefixed = false;
    // A stored negation with no positive form (`no bgp default
    // ipv4-unicast`) is found under the mode's `no`.
    if flat.delete
        && matched.is_err()
        && let Some((_, no)) = cat.node(root).keywords.iter().find(|(k, _)| k == "no")
    {
        let mut t = vec!["no".to_owned()];
        if let Ok(n) = match_words(cat, *no, &flat.words, true, &mut t) {
            matched = Ok(n);
            tokens = t;
            prefixed = true;
        }
    }
    let node = matched.map_err(|(_, e)| e)?;
    let last = flat.words.last().map_or("", |w| w.name).to_owned();
    let mut line = tokens.join(" ");
    if flat.delete {
        if !prefixed {
            line.insert_str(0, "no ");
        }
        if let Some(body) = flat.body
            && !body.is_empty()
        {
            return Err(XmlPiError::BadElement {
                element: body.name.to_string(),
                message: "a deleted section has no lines".into(),
            });
        }
        out.extend(line.split('\n').map(str::to_owned));
        return Ok(());
    }
    let Some(rule) = cat.node(node).terminal else {
        return Err(XmlPiError::Incomplete {
            element: last,
            line,
        });
    };
    let enter = match cat.rule(rule).behaviour {
        Behaviour::Section { enter, .. } => Some(enter),
        _ => None,
    };
    out.extend(line.split('\n').map(str::to_owned));
    match (enter, flat.body) {
        (Some(m), Some(body)) if *body.name == *cat.mode(m).xml => {
            mode_lines(cat, m, body, false, out)?;
            out.push("exit".to_owned());
        }
        (Some(_), None) => out.push("exit".to_owned()),
        (_, Some(body)) => {
            return Err(XmlPiError::BadElement {
                element: body.name.to_string(),
                message: format!("'{line}' has no lines of this mode"),
            });
        }
        (None, None) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_derive_as_ios_derives_them() {
        assert_eq!(
            leaf_from_help("This system's network name"),
            "SystemNetworkName"
        );
        assert_eq!(
            leaf_from_help("VLAN ID of the VLAN when this port is in access mode"),
            "VLANIDVLANPortAccessMode"
        );
        assert_eq!(
            leaf_from_help("VLAN IDs of the allowed VLANs when this port is in trunking mode"),
            "VLANIDsAllowedVLANsPortTrunkingMode"
        );
        assert_eq!(
            leaf_from_help("Enter bandwidth limit for interface as percentage"),
            "EnterBandwidthLimitInterfaceAsPercentage"
        );
        assert_eq!(leaf_from_help("MTU size in bytes"), "MTUSizeBytes");
        assert_eq!(mode_element("config-if"), "ConfigIf-Configuration");
        assert_eq!(
            mode_element("config-sg-tacacs+"),
            "ConfigSgTacacs-Configuration"
        );
        assert!(is_xml_name("dot1Q") && !is_xml_name("1.5") && !is_xml_name("tacacs+"));
    }
}

#[cfg(test)]
mod round_trip {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::apply::{ErrorOption, apply_batch};
    use crate::config::Config;

    fn cat() -> Catalogue {
        let mut c = Catalogue::empty();
        c.load(crate::catalogue::BUILTIN).expect("catalogue");
        c
    }

    fn xml(cat: &Catalogue, text: &str) -> String {
        let mut out = Vec::new();
        write_config(cat, text, &mut out);
        String::from_utf8(out).expect("utf-8")
    }

    fn read(cat: &Catalogue, xml: &str) -> Result<Vec<String>, XmlPiError> {
        let root = ironconf_proto::xml::parse(xml.as_bytes(), &Default::default()).expect("xml");
        config_lines(cat, &root)
    }

    const SAMPLE: &str = "hostname switch02
no service pad
service timestamps log datetime msec
ip domain name example.com
no ip domain lookup
vlan 100
 name users
interface GigabitEthernet0/2
 description uplink to core <1>
 switchport access vlan 100
 switchport mode access
interface GigabitEthernet0/3
 switchport trunk encapsulation dot1q
 switchport trunk allowed vlan 200,201
 switchport mode trunk
 no shutdown
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
 shutdown
router bgp 65000
 no bgp default ipv4-unicast
 neighbor 10.0.0.2 remote-as 65001
 address-family ipv4 unicast
  neighbor 10.0.0.2 activate
 exit-address-family
ip access-list standard MGMT
 10 permit 10.0.0.0 0.255.255.255
 20 deny any log
line vty 0 4
 exec-timeout 5 0
 transport input ssh
aaa group server tacacs+ TAC
 server name T1
ip ssh version 2
banner motd ^C
Authorised use only
^C
netconf max-sessions 5
netconf lock-time 120
netconf ssh
";

    fn rendered(cat: &Catalogue, lines: &[String]) -> String {
        let mut cfg = Config::new();
        let r = apply_batch(
            cat,
            &mut cfg,
            lines.iter().map(String::as_str),
            ErrorOption::StopOnError,
            false,
        );
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        cfg.render(cat, &[])
    }

    #[test]
    fn the_vocabulary_of_the_public_captures() {
        let c = cat();
        let text = rendered(&c, &SAMPLE.lines().map(str::to_owned).collect::<Vec<_>>());
        let x = xml(&c, &text);
        if std::env::var_os("XMLPI_PRINT").is_some() {
            println!("{x}");
        }
        for part in [
            "<Device-Configuration xmlns=\"urn:cisco:xml-pi\">",
            "<hostname><SystemNetworkName>switch02</SystemNetworkName></hostname>",
            "<service operation=\"delete\"><pad/></service>",
            "<service><timestamps><log><datetime><msec/></datetime></log></timestamps></service>",
            "<interface><Param>GigabitEthernet0/2</Param><ConfigIf-Configuration>",
            "<switchport><access><vlan><VLANIDVLANPortAccessMode>100</VLANIDVLANPortAccessMode></vlan></access></switchport>",
            "<switchport><trunk><allowed><vlan><VLANIDsAllowedVLANsPortTrunkingMode>200,201</VLANIDsAllowedVLANsPortTrunkingMode></vlan></allowed></trunk></switchport>",
            "<description><UpTo240CharactersDescribingInterface>uplink to core &lt;1&gt;</UpTo240CharactersDescribingInterface></description>",
            "<shutdown></shutdown>",
            "<netconf><max-sessions><MaxNETCONFSessions>5</MaxNETCONFSessions></max-sessions></netconf>",
            "<netconf><lock-time><MaxNETCONFConfigLockTimeSeconds>120</MaxNETCONFConfigLockTimeSeconds></lock-time></netconf>",
            "<netconf><ssh/></netconf>",
            "<bgp operation=\"delete\"><default><ipv4-unicast/></default></bgp>",
            "<Param>10</Param><permit>",
            "<group><server><Param>tacacs+</Param><Param>TAC</Param><ConfigSgTacacs-Configuration>",
            "<ip><ssh><version><Param>2</Param></version></ssh></ip>",
            "<end></end>\n</Device-Configuration>",
        ] {
            assert!(x.contains(part), "{part} not in\n{x}");
        }
        // Read back and applied to an empty configuration: the same text.
        let lines = read(&c, &x).expect("read back");
        assert_eq!(rendered(&c, &lines), text, "{lines:#?}");
    }

    #[test]
    fn unknown_lines_are_x_interface_and_read_back_verbatim() {
        let c = cat();
        let x = xml(&c, "cts server test all idle-time 0\nhostname a\n");
        assert!(x.contains("<X-Interface>cts server test all idle-time 0</X-Interface>"));
        assert_eq!(
            read(&c, &x).expect("read"),
            vec!["cts server test all idle-time 0", "hostname a"]
        );
    }

    #[test]
    fn an_unknown_section_is_x_interface_lines_with_their_indentation() {
        let c = cat();
        let text = "call-home\n contact-email-addr a@b.c\n profile \"CiscoTAC-1\"\n  active\n!\nhostname a\n";
        let x = xml(&c, text);
        assert!(x.contains("<X-Interface>call-home</X-Interface>"), "{x}");
        assert!(x.contains("<X-Interface>  active</X-Interface>"), "{x}");
        assert!(x.contains("<hostname>"), "{x}");
        assert_eq!(
            read(&c, &x).expect("read"),
            vec![
                "call-home",
                " contact-email-addr a@b.c",
                " profile \"CiscoTAC-1\"",
                "  active",
                "hostname a"
            ]
        );
    }

    #[test]
    fn requests_as_clients_write_them() {
        let c = cat();
        // ONOS's request shapes: delete with an empty leaf, on an inner
        // keyword, and with a truncated path.
        let lines = read(
            &c,
            "<Device-Configuration><interface><Param>GigabitEthernet0/2</Param>\
             <ConfigIf-Configuration>\
             <switchport operation=\"delete\"><access><vlan><VLANIDVLANPortAccessMode></VLANIDVLANPortAccessMode></vlan></access></switchport>\
             <switchport><mode operation=\"delete\"><trunk/></mode></switchport>\
             <switchport><trunk><allowed><vlan><VLANIDsAllowedVLANsPortTrunkingMode>300-302</VLANIDsAllowedVLANsPortTrunkingMode></vlan></allowed></trunk></switchport>\
             </ConfigIf-Configuration></interface></Device-Configuration>",
        )
        .expect("read");
        assert_eq!(
            lines,
            vec![
                "interface GigabitEthernet0/2",
                "no switchport access vlan",
                "no switchport mode trunk",
                "switchport trunk allowed vlan 300-302",
                "exit"
            ]
        );
    }

    #[test]
    fn bad_input_is_named_precisely() {
        let c = cat();
        let err = |x: &str| read(&c, x).expect_err(x);
        let e = err("<D><hostnam><SystemNetworkName>a</SystemNetworkName></hostnam></D>");
        assert!(matches!(&e, XmlPiError::UnknownElement { element, .. } if element == "hostnam"));
        let e = err("<D><hostname><Name>a</Name></hostname></D>");
        assert!(
            matches!(&e, XmlPiError::UnknownElement { element, after } if element == "Name" && after == "hostname")
        );
        let e = err(
            "<D><netconf><max-sessions><MaxNETCONFSessions>17</MaxNETCONFSessions></max-sessions></netconf></D>",
        );
        assert_eq!(e.element(), "MaxNETCONFSessions");
        assert!(e.message().contains("<4-16>"), "{}", e.message());
        let e = err("<D><hostname>a<x/></hostname></D>");
        assert!(matches!(&e, XmlPiError::BadElement { element, .. } if element == "hostname"));
        let e = err(
            "<D><hostname operation=\"replace\"><SystemNetworkName>a</SystemNetworkName></hostname></D>",
        );
        assert!(matches!(&e, XmlPiError::BadOperation { value, .. } if value == "replace"));
        let e = err("<D><netconf><max-sessions/></netconf></D>");
        assert!(matches!(&e, XmlPiError::Incomplete { .. }), "{e:?}");
        let e = err("<D><hostname><SystemNetworkName></SystemNetworkName></hostname></D>");
        assert!(matches!(&e, XmlPiError::MissingValue { .. }), "{e:?}");
        let e = err("<D><hostname>a</hostname></D>");
        assert!(matches!(&e, XmlPiError::BadElement { .. }), "{e:?}");
        let e = err(
            "<D><interface><Param>Loopback0</Param><ConfigRouter-Configuration/></interface></D>",
        );
        assert!(
            matches!(&e, XmlPiError::BadElement { element, .. } if element == "ConfigRouter-Configuration"),
            "{e:?}"
        );
        let e = err(
            "<D><interface><Param>Loopback0</Param><ConfigIf-Configuration><hostname><SystemNetworkName>a</SystemNetworkName></hostname></ConfigIf-Configuration></interface></D>",
        );
        assert!(
            matches!(&e, XmlPiError::UnknownElement { element, .. } if element == "hostname"),
            "{e:?}"
        );
        let e = err("<D><end/><hostname><SystemNetworkName>a</SystemNetworkName></hostname></D>");
        assert!(
            matches!(&e, XmlPiError::BadElement { element, .. } if element == "hostname"),
            "{e:?}"
        );
    }
}
