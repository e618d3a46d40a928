//! `show running-config [ARGS] [| FILTER …]`: the arguments IOS accepts
//! after the command, and its output filters (`include`, `exclude`,
//! `begin`, `section`, `count`). NETCONF's `text-filter-spec` is the same
//! text appended to `show running-config`.

use regex::Regex;

use crate::catalogue::{Behaviour, Catalogue};
use crate::config::{Config, DefaultLine, Item, render_item_lines};
use crate::param::parse_interface;
use crate::parse::{ParseError, tokenize};

/// An error `show running-config` prints instead of output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ShowError {
    /// Column of the caret in the argument text, if IOS prints one.
    pub column: Option<usize>,
    /// The message (`% Invalid input detected at '^' marker.`).
    pub message: String,
}

impl ShowError {
    fn invalid(column: usize) -> Self {
        ShowError {
            column: Some(column),
            message: ParseError::Invalid { column }.message(""),
        }
    }
}

/// The three header lines of `show running-config` for `body`.
pub fn show_header(body: &str) -> String {
    format!(
        "Building configuration...\n\nCurrent configuration : {} bytes\n",
        body.len()
    )
}

/// Removes the `show running-config` header (and a trailing empty line), as
/// the NETCONF text filters do.
pub fn strip_show_header(text: &str) -> &str {
    let mut rest = text;
    if let Some(r) = rest.strip_prefix("Building configuration...\n") {
        rest = r.strip_prefix('\n').unwrap_or(r);
        if rest.starts_with("Current configuration : ")
            && let Some(pos) = rest.find('\n')
        {
            rest = &rest[pos + 1..];
        }
    }
    if rest.ends_with("\n\n") {
        rest = &rest[..rest.len() - 1];
    }
    rest
}

/// Runs `show running-config ARGS`. `header` holds the `!` lines that head
/// the configuration (last-change time and user).
pub fn show_running_config(
    cat: &Catalogue,
    cfg: &Config,
    header: &[String],
    args: &str,
) -> Result<String, ShowError> {
    let (selector, pipes) = match args.find('|') {
        Some(p) => (&args[..p], &args[p..]),
        None => (args, ""),
    };
    let words = tokenize(selector);
    let body = match words.first() {
        None => cfg.render(cat, header),
        Some(w) if "interface".starts_with(&w.text.to_ascii_lowercase()) && w.text.len() >= 2 => {
            let Some(name_word) = words.get(1) else {
                return Err(ShowError {
                    column: None,
                    message: ParseError::Incomplete.message(""),
                });
            };
            let Some((name, used)) = parse_interface(name_word.text, words.get(2).map(|w| w.text))
            else {
                return Err(ShowError::invalid(name_word.start));
            };
            if let Some(extra) = words.get(1 + used) {
                return Err(ShowError::invalid(extra.start));
            }
            let wanted = format!("interface {}", name.canonical());
            let item = cfg
                .items()
                .find(|i| matches!(i, Item::Section { header, .. } if *header.text == *wanted));
            let Some(item) = item else {
                return Err(ShowError::invalid(name_word.start));
            };
            let mut s = String::from("!\n");
            for l in render_item_lines(cat, item) {
                s.push_str(&l);
                s.push('\n');
            }
            s.push_str("end\n");
            s
        }
        // `all`: with the default lines the catalogue knows.
        Some(w)
            if w.text.len() >= 2
                && "all".starts_with(&w.text.to_ascii_lowercase())
                && words.len() == 1 =>
        {
            let defaults: Vec<DefaultLine> = cat
                .default_lines()
                .into_iter()
                .map(|(mode, rule, text)| DefaultLine { mode, rule, text })
                .collect();
            cfg.render_with_defaults(cat, header, &defaults)
        }
        // `view full`: the whole configuration (there are no views here).
        Some(w)
            if "view".starts_with(&w.text.to_ascii_lowercase())
                && words
                    .get(1)
                    .is_some_and(|f| "full".starts_with(&f.text.to_ascii_lowercase()))
                && words.len() == 2 =>
        {
            cfg.render(cat, header)
        }
        Some(w) => return Err(ShowError::invalid(w.start)),
    };
    let mut text = show_header(&body);
    text.push_str(&body);
    text.push('\n');
    apply_pipes(&text, pipes)
}

/// Applies `| include …` and the other output filters to command output.
/// `pipes` is the text from the first `|`, or empty.
pub fn apply_pipes(text: &str, pipes: &str) -> Result<String, ShowError> {
    if pipes.trim().is_empty() {
        return Ok(text.to_owned());
    }
    const FILTERS: [&str; 5] = ["include", "exclude", "begin", "section", "count"];
    let filter_of = |word: &str| {
        let w = word.to_ascii_lowercase();
        let hits: Vec<&str> = FILTERS.into_iter().filter(|k| k.starts_with(&w)).collect();
        match hits[..] {
            [one] => Some(one),
            _ => None,
        }
    };
    // A `|` inside a regular expression (`(a)|(b)`) belongs to it: a new
    // filter starts only where a filter keyword follows the bar.
    let mut filters: Vec<(&str, String)> = Vec::new();
    let mut offset = 0;
    for (n, segment) in pipes.split('|').enumerate().skip(1) {
        let seg_start = offset + 1;
        offset += segment.len() + 1;
        let words = tokenize(segment);
        let keyword = words.first().and_then(|w| filter_of(w.text));
        match (keyword, filters.last_mut()) {
            (Some(k), _) => {
                // Spaces inside the expression count (`^ ` is an indented line).
                let pattern = words.get(1).map(|w| &segment[w.start..]).unwrap_or("");
                filters.push((k, pattern.to_owned()));
            }
            (None, Some((_, pattern))) if n > 1 => {
                pattern.push('|');
                pattern.push_str(segment);
            }
            _ => {
                let col = words.first().map_or(seg_start, |w| seg_start + w.start);
                return Err(ShowError::invalid(col));
            }
        }
    }
    let count = filters.len();
    let mut current = text.to_owned();
    for (i, (which, mut pattern)) in filters.into_iter().enumerate() {
        // Before the next bar a space separates; at the end it is trailing.
        let trimmed = if i + 1 < count {
            pattern.trim_end()
        } else {
            pattern.trim_end_matches(['\r', '\n', ' '])
        };
        pattern = trimmed.to_owned();
        if pattern.is_empty() && which != "count" {
            return Err(ShowError {
                column: None,
                message: ParseError::Incomplete.message(""),
            });
        }
        let re = Regex::new(&pattern).map_err(|_| ShowError {
            column: None,
            message: "% Invalid regular expression".to_owned(),
        })?;
        current = match which {
            "include" => keep_lines(&current, |l| re.is_match(l)),
            "exclude" => keep_lines(&current, |l| !re.is_match(l)),
            "begin" => match current.lines().position(|l| re.is_match(l)) {
                Some(p) => current.lines().skip(p).map(|l| format!("{l}\n")).collect(),
                None => String::new(),
            },
            "section" => section(&current, &re),
            _ => format!(
                "Number of lines which match regexp = {}\n",
                current.lines().filter(|l| re.is_match(l)).count()
            ),
        };
    }
    Ok(current)
}

fn keep_lines(text: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    for l in text.lines().filter(|l| keep(l)) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Sections (a line and the indented lines under it) whose head matches,
/// in full; for other sections, the head and the matching lines.
fn section(text: &str, re: &Regex) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let head = lines[i];
        let mut j = i + 1;
        while j < lines.len() && lines[j].starts_with(' ') {
            j += 1;
        }
        let children = &lines[i + 1..j];
        if re.is_match(head) {
            for l in &lines[i..j] {
                out.push_str(l);
                out.push('\n');
            }
        } else {
            let hits: Vec<&&str> = children.iter().filter(|l| re.is_match(l)).collect();
            if !hits.is_empty() {
                out.push_str(head);
                out.push('\n');
                for l in hits {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        i = j;
    }
    out
}

/// Whether a rule opens an interface section (used by callers listing interfaces).
pub fn is_interface_section(cat: &Catalogue, item: &Item) -> bool {
    match item {
        Item::Section { header, .. } => header.rule.is_some_and(|r| {
            matches!(cat.rule(r).behaviour, Behaviour::Section { .. })
                && header.text.starts_with("interface ")
        }),
        _ => false,
    }
}
