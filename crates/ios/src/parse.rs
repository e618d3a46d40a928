//! Matching one typed line against a mode's command tree, the IOS way:
//! keywords may be abbreviated to any unambiguous prefix, typed parameters
//! are checked (ranges, addresses, interface names), and failures carry the
//! column IOS puts its caret under.

use std::fmt;

use crate::catalogue::{Catalogue, ModeId, NodeId, RuleId};
use crate::param::{
    ParamKind, check_interface_number, parse_interface, parse_ipv4, parse_ipv6, parse_ipv6_prefix,
    parse_range,
};

/// A token of a typed line and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The token.
    pub text: &'a str,
    /// Byte offset in the line.
    pub start: usize,
}

/// Splits a line at whitespace, keeping offsets.
pub fn tokenize(line: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(Word {
                    text: &line[s..i],
                    start: s,
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &line[s..],
            start: s,
        });
    }
    out
}

/// Why a line does not parse, as IOS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// `% Invalid input detected at '^' marker.`, caret under byte `column`.
    Invalid {
        /// Byte offset of the offending token in the line.
        column: usize,
    },
    /// `% Incomplete command.`
    Incomplete,
    /// `% Ambiguous command:  "LINE"`
    Ambiguous,
    /// The line parses but IOS refuses its values, with its own message
    /// (`Bad mask 0xFF00FF00 for address 10.0.0.1`) and no caret.
    Refused(String),
}

impl ParseError {
    /// The IOS message for `line` (without the caret line).
    pub fn message(&self, line: &str) -> String {
        match self {
            ParseError::Invalid { .. } => "% Invalid input detected at '^' marker.".to_owned(),
            ParseError::Incomplete => "% Incomplete command.".to_owned(),
            ParseError::Ambiguous => format!("% Ambiguous command:  \"{}\"", line.trim()),
            ParseError::Refused(message) => message.clone(),
        }
    }

    /// The caret line IOS prints under the typed line, for a prompt of
    /// `prompt_len` characters; `None` when IOS prints none.
    pub fn caret_line(&self, prompt_len: usize) -> Option<String> {
        match self {
            ParseError::Invalid { column } => Some(format!("{}^", " ".repeat(prompt_len + column))),
            _ => None,
        }
    }
}

impl std::error::Error for ParseError {}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Invalid { column } => {
                write!(
                    f,
                    "% Invalid input detected at '^' marker (column {column})."
                )
            }
            ParseError::Incomplete => f.write_str("% Incomplete command."),
            ParseError::Ambiguous => f.write_str("% Ambiguous command"),
            ParseError::Refused(message) => f.write_str(message),
        }
    }
}

/// A matched line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The rule matched (`None` for a partial match of a `no` form).
    pub rule: Option<RuleId>,
    /// The node the last token led to.
    pub node: NodeId,
    /// Tokens in canonical spelling (full keywords, normalised values).
    pub tokens: Vec<String>,
}

impl Parsed {
    /// The canonical line: tokens joined by single spaces.
    pub fn canonical(&self) -> String {
        self.tokens.join(" ")
    }
}

/// Matches `line` in `mode`. With `partial`, a line that stops before a
/// complete command is returned with `rule: None` instead of
/// [`ParseError::Incomplete`] (for `no` forms, which may name a prefix).
pub fn parse_line(
    cat: &Catalogue,
    mode: ModeId,
    line: &str,
    partial: bool,
) -> Result<Parsed, ParseError> {
    parse_line_steps(cat, mode, line, partial, None)
}

/// What one token of a matched line is: the node it led to, and whether it
/// is a parameter (else a keyword).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The node the token led to (a parameter's node holds its XML-PI name).
    pub node: NodeId,
    /// The token is a parameter's value.
    pub param: bool,
}

/// [`parse_line`], recording into `steps` (when given) what each token of
/// the result is. A rule with a canonical spelling (`ip domain-name`)
/// rewrites its leading keywords, so its steps do not match its tokens:
/// callers compare the lengths.
pub fn parse_line_steps(
    cat: &Catalogue,
    mode: ModeId,
    line: &str,
    partial: bool,
    mut steps: Option<&mut Vec<Step>>,
) -> Result<Parsed, ParseError> {
    let mut step = |node: NodeId, param: bool| {
        if let Some(s) = steps.as_deref_mut() {
            s.push(Step { node, param });
        }
    };
    let words = tokenize(line);
    let mut node = cat.mode(mode).root;
    let mut tokens = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let n = cat.node(node);
        // 1. an exact keyword
        if let Some((k, c)) = n
            .keywords
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(w.text))
        {
            tokens.push(k.clone());
            node = *c;
            step(node, false);
            i += 1;
            continue;
        }
        // 2. a typed parameter that accepts the token
        let mut typed = None;
        // An interface name whose number is out of range: where the caret
        // goes if nothing else takes the token.
        let mut bad_number = None;
        for (p, c) in n.params.iter().filter(|(p, _)| p.is_typed()) {
            let next = words.get(i + 1);
            let accepted = match p {
                ParamKind::Range(lo, hi) => {
                    parse_range(w.text, *lo, *hi).map(|v| (v.to_string(), 1))
                }
                ParamKind::Ipv4 => parse_ipv4(w.text).map(|a| (a, 1)),
                ParamKind::Ipv6 => parse_ipv6(w.text).map(|a| (a, 1)),
                ParamKind::Ipv6Prefix => parse_ipv6_prefix(w.text).map(|a| (a, 1)),
                ParamKind::Interface => match parse_interface(w.text, next.map(|w| w.text)) {
                    Some((name, used)) => {
                        match check_interface_number(name.type_index, &name.number) {
                            Ok(()) => Some((name.canonical(), used)),
                            Err(offset) => {
                                let number_at = match (used, next) {
                                    (2, Some(n)) => n.start,
                                    _ => w.start + w.text.len() - name.number.len(),
                                };
                                bad_number = Some(number_at + offset);
                                None
                            }
                        }
                    }
                    None => None,
                },
                ParamKind::Word { .. } | ParamKind::Line { .. } => None,
            };
            if let Some((canon, used)) = accepted {
                typed = Some((canon, used, *c));
                break;
            }
        }
        if let Some((canon, used, c)) = typed {
            tokens.push(canon);
            node = c;
            step(node, true);
            i += used;
            continue;
        }
        // 3. a keyword abbreviation
        let typed = w.text.as_bytes();
        let mut prefixed = n.keywords.iter().filter(|(k, _)| {
            k.len() >= typed.len() && k.as_bytes()[..typed.len()].eq_ignore_ascii_case(typed)
        });
        match (prefixed.next(), prefixed.next()) {
            (Some((k, c)), None) => {
                tokens.push(k.clone());
                node = *c;
                step(node, false);
                i += 1;
                continue;
            }
            (Some(_), Some(_)) => return Err(ParseError::Ambiguous),
            _ => {}
        }
        // 4. any word, 5. the rest of the line, within their length bound:
        // the caret goes under the first character too many.
        if let Some((p, c)) = n.params.iter().find(|(p, _)| p.is_word()) {
            if let ParamKind::Word { max: Some(max) } = p {
                check_length(w.text, w.start, *max)?;
            }
            tokens.push(w.text.to_owned());
            node = *c;
            step(node, true);
            i += 1;
            continue;
        }
        if let Some((p, c)) = n.params.iter().find(|(p, _)| p.is_line()) {
            let rest = line[w.start..].trim_end();
            if let ParamKind::Line { max: Some(max) } = p {
                check_length(rest, w.start, *max)?;
            }
            tokens.push(rest.to_owned());
            node = *c;
            step(node, true);
            i = words.len();
            continue;
        }
        return Err(ParseError::Invalid {
            column: bad_number.unwrap_or(w.start),
        });
    }
    let n = cat.node(node);
    match n.terminal {
        Some(rule) => {
            let rule_def = cat.rule(rule);
            if let Some(canon) = &rule_def.canon {
                let lead = tokens
                    .iter()
                    .zip(rule_def.pattern.split_whitespace())
                    .take_while(|(_, p)| {
                        !p.starts_with(['(', '[', '<']) && ParamKind::from_pattern(p).is_none()
                    })
                    .count();
                let mut t: Vec<String> = canon.split_whitespace().map(str::to_owned).collect();
                t.extend(tokens.drain(lead..));
                tokens = t;
            }
            Ok(Parsed {
                rule: Some(rule),
                node,
                tokens,
            })
        }
        None if partial && !tokens.is_empty() => Ok(Parsed {
            rule: None,
            node,
            tokens,
        }),
        None => Err(ParseError::Incomplete),
    }
}

/// Refuses `text` (starting at byte `start` of the line) when it is longer
/// than `max` characters.
fn check_length(text: &str, start: usize, max: usize) -> Result<(), ParseError> {
    match text.char_indices().nth(max) {
        Some((at, _)) => Err(ParseError::Invalid { column: start + at }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> Catalogue {
        Catalogue::builtin()
    }

    fn canon(line: &str) -> Result<String, ParseError> {
        let c = cat();
        parse_line(&c, c.config_mode(), line, false).map(|p| p.canonical())
    }

    fn in_mode(mode: &str, line: &str) -> Result<String, ParseError> {
        let c = cat();
        let m = c.mode_by_name(mode).unwrap_or(c.config_mode());
        parse_line(&c, m, line, false).map(|p| p.canonical())
    }

    #[test]
    fn abbreviations_and_normalisation() {
        assert_eq!(canon("int lo113"), Ok("interface Loopback113".into()));
        assert_eq!(canon("INT Gi 1"), Ok("interface GigabitEthernet1".into()));
        assert_eq!(canon("host R1"), Ok("hostname R1".into()));
        assert_eq!(
            canon("netconf max-s 8"),
            Ok("netconf max-sessions 8".into())
        );
        assert_eq!(canon("ip ssh time 060"), Ok("ip ssh time-out 60".into()));
        assert_eq!(
            canon("ip domain-name example.com"),
            Ok("ip domain name example.com".into())
        );
        assert_eq!(
            canon("no ip domain-lookup"),
            Ok("no ip domain lookup".into())
        );
        assert_eq!(
            canon("username admin priv 15 secret 0 pass word"),
            Err(ParseError::Invalid { column: 37 })
        );
        assert_eq!(
            canon("username admin priv 15 sec 0 cisco"),
            Ok("username admin privilege 15 secret 0 cisco".into())
        );
        assert_eq!(
            canon("banner motd ^C hello  world ^C"),
            Ok("banner motd ^C hello  world ^C".into())
        );
        assert_eq!(
            canon("ip route 10.0.0.0 255.0.0.0 Null0 250 name x"),
            Ok("ip route 10.0.0.0 255.0.0.0 Null0 250 name x".into())
        );
        assert_eq!(
            in_mode("interface", "ip add 10.0.0.1 255.255.255.0"),
            Ok("ip address 10.0.0.1 255.255.255.0".into())
        );
        assert_eq!(
            in_mode("interface", " desc  a  b "),
            Ok("description a  b".into())
        );
        assert_eq!(
            in_mode("line", "transport input ssh telnet"),
            Ok("transport input ssh telnet".into())
        );
    }

    #[test]
    fn ios_errors_with_caret_columns() {
        // Out of range: the caret is under the number.
        assert_eq!(
            canon("netconf max-sessions 17"),
            Err(ParseError::Invalid { column: 21 })
        );
        assert_eq!(
            canon("netconf max-sessions 3"),
            Err(ParseError::Invalid { column: 21 })
        );
        assert_eq!(
            canon("netconf lock-time 0"),
            Err(ParseError::Invalid { column: 18 })
        );
        assert_eq!(
            canon("netconf lock-time 301"),
            Err(ParseError::Invalid { column: 18 })
        );
        assert_eq!(
            canon("netconf max-message 0"),
            Err(ParseError::Invalid { column: 20 })
        );
        assert_eq!(canon("netconf lock-time"), Err(ParseError::Incomplete));
        assert_eq!(
            canon("ip ssh timeout 60"),
            Err(ParseError::Invalid { column: 7 })
        );
        assert_eq!(canon("frobnicate"), Err(ParseError::Invalid { column: 0 }));
        assert_eq!(
            canon("  hostname a b"),
            Err(ParseError::Invalid { column: 13 })
        );
        assert_eq!(canon("ip d x"), Err(ParseError::Ambiguous));
        assert_eq!(canon("ip s"), Err(ParseError::Ambiguous));
        assert_eq!(canon("ip ss"), Err(ParseError::Incomplete));
        assert_eq!(
            canon("netconf ssh acl x"),
            Err(ParseError::Invalid { column: 16 })
        );
        let e = ParseError::Invalid { column: 21 };
        assert_eq!(
            e.caret_line(16).as_deref(),
            Some(&*format!("{}^", " ".repeat(37)))
        );
        assert_eq!(
            ParseError::Ambiguous.message(" ip s "),
            "% Ambiguous command:  \"ip s\""
        );
    }

    #[test]
    fn partial_lines_for_no_forms() {
        let c = cat();
        let p = parse_line(&c, c.config_mode(), "netconf max-mess", true);
        assert_eq!(
            p.map(|p| (p.rule.is_none(), p.canonical())),
            Ok((true, "netconf max-message".into()))
        );
    }
}
