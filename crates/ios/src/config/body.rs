//! Section and list bodies: lines kept packed as the text IOS renders plus
//! one rule id per line, with their nesting found from indentation.

use std::ops::Range;

use crate::catalogue::RuleId;

/// Rule id stored for a line no rule knows.
pub(super) const VERBATIM: u32 = u32::MAX;

/// A stored top-level line: canonical text and the rule it matched (`None`:
/// a line kept verbatim because no rule knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    /// Canonical text, without indentation.
    pub text: Box<str>,
    /// The rule it matched.
    pub rule: Option<RuleId>,
}

/// Lines kept packed: the rendered text (each line indented by `base`
/// spaces plus one per nesting level, ending in `\n`) and a rule per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    pub(super) text: String,
    pub(super) rules: Vec<u32>,
    pub(super) base: u8,
}

/// A line of a [`Body`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLine<'a> {
    /// Nesting depth (0 for the section's own lines).
    pub depth: usize,
    /// The text, without indentation.
    pub text: &'a str,
    /// The rule it matched.
    pub rule: Option<RuleId>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) depth: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) rule: u32,
}

impl Body {
    pub(super) fn new(base: u8) -> Self {
        Body {
            text: String::new(),
            rules: Vec::new(),
            base,
        }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The lines as rendered (indented, newline-terminated).
    pub fn rendered(&self) -> &str {
        &self.text
    }

    /// The lines.
    pub fn lines(&self) -> impl Iterator<Item = BodyLine<'_>> {
        let base = usize::from(self.base);
        self.text.lines().zip(&self.rules).map(move |(l, r)| {
            let text = l.trim_start_matches(' ');
            BodyLine {
                depth: (l.len() - text.len()).saturating_sub(base),
                text,
                rule: (*r != VERBATIM).then_some(RuleId(*r)),
            }
        })
    }

    pub(super) fn spans(&self) -> Vec<Span> {
        let base = usize::from(self.base);
        let mut out = Vec::with_capacity(self.rules.len());
        let mut start = 0;
        for (line, rule) in self.text.split_inclusive('\n').zip(&self.rules) {
            let indent = line.len() - line.trim_start_matches(' ').len();
            out.push(Span {
                depth: indent.saturating_sub(base),
                start,
                end: start + line.len(),
                rule: *rule,
            });
            start += line.len();
        }
        out
    }

    pub(super) fn line_text<'a>(&'a self, s: &Span) -> &'a str {
        self.text[s.start..s.end]
            .trim_start_matches(' ')
            .trim_end_matches('\n')
    }

    pub(super) fn insert(
        &mut self,
        spans: &[Span],
        index: usize,
        depth: usize,
        text: &str,
        rule: u32,
    ) {
        let at = spans.get(index).map_or(self.text.len(), |s| s.start);
        let mut line = " ".repeat(usize::from(self.base) + depth);
        line.push_str(text);
        line.push('\n');
        self.text.insert_str(at, &line);
        self.rules.insert(index, rule);
    }

    pub(super) fn replace(&mut self, spans: &[Span], index: usize, text: &str, rule: u32) {
        let Some(s) = spans.get(index) else {
            return;
        };
        let mut line = " ".repeat(usize::from(self.base) + s.depth);
        line.push_str(text);
        line.push('\n');
        self.text.replace_range(s.start..s.end, &line);
        self.rules[index] = rule;
    }

    pub(super) fn remove(&mut self, spans: &[Span], lines: Range<usize>) {
        if lines.is_empty() {
            return;
        }
        let start = spans[lines.start].start;
        let end = spans[lines.end - 1].end;
        self.text.replace_range(start..end, "");
        self.rules.drain(lines);
    }
}

/// Where lines of a depth live inside a body: line indices and depth.
#[derive(Debug, Clone)]
pub(super) struct Scope {
    pub(super) lines: Range<usize>,
    pub(super) depth: usize,
}

pub(super) fn subtree_end(spans: &[Span], index: usize) -> usize {
    let d = spans[index].depth;
    spans[index + 1..]
        .iter()
        .position(|s| s.depth <= d)
        .map_or(spans.len(), |p| index + 1 + p)
}

/// The lines at the scope's depth, each with the end of its subtree.
pub(super) fn members(spans: &[Span], scope: &Scope) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = scope.lines.start;
    while i < scope.lines.end {
        if spans[i].depth == scope.depth {
            let end = subtree_end(spans, i).min(scope.lines.end);
            out.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}
