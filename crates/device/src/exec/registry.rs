//! What an EXEC command is and how one is found: a pattern names a command
//! by its parsed words (full keywords, as the catalogue completes
//! abbreviations); `*` takes one argument and `..` the rest. The built-in
//! commands are listed in `builtin.rs`; an embedder adds its own with
//! [`Command`] through the device builder.

use std::cell::RefCell;
use std::sync::Arc;

pub use super::terminal::Terminal;

use super::{ExecCaller, ExecOutput};
use crate::device::Device;

/// One command as it runs.
pub struct Invocation<'a> {
    /// The device.
    pub device: &'a Device,
    /// Who runs it.
    pub caller: &'a ExecCaller,
    /// The command as typed, without its `| …` filters.
    pub command: &'a str,
    /// The words the pattern's `*` and `..` took, in order.
    pub args: &'a [&'a str],
    /// The `| …` filters as typed (applied after the command unless it
    /// takes them itself).
    pub pipes: &'a str,
    /// The answers to the command's questions so far.
    pub answers: &'a super::Answers<'a>,
    /// The terminal that typed it, if one did.
    pub(crate) terminal: Option<&'a RefCell<&'a mut (dyn Terminal + 'static)>>,
}

/// What [`Invocation::ask`] got.
#[derive(Debug)]
pub enum Asked {
    /// The answer (the default when the caller cannot answer or pressed
    /// Enter).
    Answer(String),
    /// Not answered yet: the command returns this output, which asks.
    Wait(super::ExecOutput),
}

impl Invocation<'_> {
    /// Calls `f` with the terminal that typed the command; `None` when no
    /// terminal did (the exec channel, NETCONF).
    pub fn with_terminal<R>(&self, f: impl FnOnce(&mut dyn Terminal) -> R) -> Option<R> {
        let cell = self.terminal?;
        let mut t = cell.try_borrow_mut().ok()?;
        Some(f(&mut **t))
    }

    /// The first argument, if any.
    pub fn arg(&self) -> Option<&str> {
        self.args.first().copied()
    }

    /// Asks `question` (IOS's text, ending `? ` or `[confirm]`). At a
    /// terminal the command waits for the answer; elsewhere the question
    /// is written to `out` and takes `default`, as IOS does for a caller
    /// that cannot answer.
    pub fn ask(&self, out: &mut String, question: &str, default: &str) -> Asked {
        let a = self.answers;
        match a.given {
            None => {
                out.push_str(question);
                out.push('\n');
                Asked::Answer(default.to_owned())
            }
            Some(given) => {
                let i = a.used.get();
                match given.get(i) {
                    Some(answer) => {
                        a.used.set(i + 1);
                        let answer = answer.trim();
                        Asked::Answer(if answer.is_empty() {
                            default.to_owned()
                        } else {
                            answer.to_owned()
                        })
                    }
                    None => Asked::Wait(super::ExecOutput::question(format!("{out}{question}"))),
                }
            }
        }
    }
}

/// What runs an EXEC command.
pub type ExecFn = Arc<dyn Fn(&Invocation<'_>) -> ExecOutput + Send + Sync>;

/// An EXEC command of an embedder's: its grammar (a catalogue rule in
/// `exec` mode, with its privilege), its `?` help, and what it does,
/// together.
///
/// ```
/// use ironconf_device::exec::{Command, ExecOutput};
///
/// let show = Command::new("show firewall [LINE] ; priv=1", |inv| {
///     ExecOutput::ok(format!("rules for {}\n", inv.caller.user))
/// })
/// .help("show firewall", "Firewall rules");
/// assert_eq!(show.pattern(), ["show", "firewall", ".."]);
/// ```
#[derive(Clone)]
pub struct Command {
    pub(crate) grammar: String,
    pub(crate) help: Vec<(String, String)>,
    pub(crate) pattern: Vec<String>,
    pub(crate) run: ExecFn,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Command")
            .field("grammar", &self.grammar)
            .finish_non_exhaustive()
    }
}

impl Command {
    /// A command with the grammar `rule` (catalogue syntax: keywords,
    /// `WORD`, `LINE`, `<lo-hi>`, `[optional]`, `(a|b)`, then `; priv=N`)
    /// run by `run`. Its pattern is its leading keywords, followed by `..`
    /// when the grammar takes more: the words after the keywords are
    /// [`Invocation::args`].
    pub fn new(
        rule: &str,
        run: impl Fn(&Invocation<'_>) -> ExecOutput + Send + Sync + 'static,
    ) -> Command {
        let syntax = rule.split(';').next().unwrap_or_default();
        let mut pattern = Vec::new();
        let mut more = false;
        for w in syntax.split_whitespace() {
            let keyword = w
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !keyword {
                more = true;
                break;
            }
            pattern.push(w.to_owned());
        }
        if more {
            pattern.push("..".to_owned());
        }
        Command {
            grammar: rule.trim().to_owned(),
            help: Vec::new(),
            pattern,
            run: Arc::new(run),
        }
    }

    /// The `?` help of the keyword path `words` (`"show firewall"`).
    pub fn help(mut self, words: &str, text: &str) -> Command {
        self.help.push((words.trim().to_owned(), text.to_owned()));
        self
    }

    /// The words that name the command (`..`: the rest are arguments).
    pub fn pattern(&self) -> Vec<&str> {
        self.pattern.iter().map(String::as_str).collect()
    }

    /// The catalogue text that defines its grammar and help.
    pub(crate) fn catalogue_text(&self) -> String {
        let mut text = format!("exec: {}\n", self.grammar);
        for (words, help) in &self.help {
            text.push_str(&format!(
                "help exec {words} \"{}\"\n",
                help.replace('"', "'")
            ));
        }
        text
    }
}

/// A command as the registry holds it.
pub(crate) struct Registered {
    pub(super) pattern: Vec<String>,
    pub(crate) run: ExecFn,
    pub(crate) own_pipes: bool,
}

/// The commands a device runs: an embedder's first (they may replace a
/// built-in one), then the built-in ones.
pub(crate) struct ExecRegistry {
    pub(super) commands: Vec<Registered>,
}

impl ExecRegistry {
    /// The command `words` name, with the words its pattern's `*` and `..`
    /// took.
    pub(crate) fn find<'w>(&self, words: &[&'w str]) -> Option<(&Registered, Vec<&'w str>)> {
        self.commands
            .iter()
            .find_map(|c| matches(&c.pattern, words).map(|args| (c, args)))
    }
}

fn matches<'w, P: AsRef<str>>(pattern: &[P], words: &[&'w str]) -> Option<Vec<&'w str>> {
    let mut args = Vec::new();
    let mut i = 0;
    for (at, p) in pattern.iter().enumerate() {
        match p.as_ref() {
            ".." if at + 1 == pattern.len() => {
                args.extend_from_slice(words.get(i..).unwrap_or_default());
                return Some(args);
            }
            "*" => {
                args.push(*words.get(i)?);
                i += 1;
            }
            word => {
                if words.get(i) != Some(&word) {
                    return None;
                }
                i += 1;
            }
        }
    }
    (i == words.len()).then_some(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_their_arguments() {
        assert_eq!(
            matches(&["show", "version"], &["show", "version"]),
            Some(vec![])
        );
        assert_eq!(
            matches(&["show", "version"], &["show", "version", "x"]),
            None
        );
        assert_eq!(
            matches(&["clear", "line", "*"], &["clear", "line", "3"]),
            Some(vec!["3"])
        );
        assert_eq!(matches(&["clear", "line", "*"], &["clear", "line"]), None);
        assert_eq!(
            matches(&["show", "interfaces", ".."], &["show", "interfaces"]),
            Some(vec![])
        );
        assert_eq!(
            matches(&["write", ".."], &["write", "memory"]),
            Some(vec!["memory"])
        );
        assert_eq!(matches(&["show", "ssh"], &["show", "ip", "ssh"]), None);
    }
}
