//! EXEC commands: the same implementations serve the shell, the SSH exec
//! channel and NETCONF's `oper-data-format-text-block`. Interactive prompts
//! are answered with their defaults, as IOS does for NETCONF.
//!
//! A command's grammar and privilege level are in the catalogue
//! (`ios/catalogue/exec.cat`); what it does is in one file per command
//! family here, registered in [`registry`]. A line is parsed, its privilege
//! checked, and the parsed words looked up in the registry.

/// Asks a question unless `file prompt quiet` is on (then its default);
/// returns from the command while a terminal's answer is awaited.
macro_rules! ask {
    ($inv:expr, $quiet:expr, $out:expr, $question:expr, $default:expr) => {
        if $quiet {
            String::from($default)
        } else {
            match $inv.ask($out, &$question, $default) {
                $crate::exec::Asked::Answer(a) => a,
                $crate::exec::Asked::Wait(w) => return w,
            }
        }
    };
}

mod aaa;
mod access_lists;
mod archive;
mod builtin;
mod config;
mod copy;
mod crypto;
mod debug;
mod files;
mod interfaces;
mod lines;
mod logging;
mod netconf;
mod platform;
pub mod registry;
mod routing;
mod services;
mod ssh;
mod system;
mod terminal;

pub use access_lists::show_access_lists;
pub use registry::{Asked, Command, ExecFn, Invocation};
pub use terminal::Terminal;

use std::fmt::Write as _;

use ironconf_ios::filter::apply_pipes;
use ironconf_ios::parse::{ParseError, parse_line};

use crate::device::Device;

/// Who runs a command.
#[derive(Debug, Clone)]
pub struct ExecCaller {
    /// The NETCONF session, if the command came through NETCONF.
    pub session: Option<u32>,
    /// The user.
    pub user: String,
    /// Privilege level.
    pub privilege: u8,
    /// The caller's vty line, if it holds one.
    pub line: Option<u32>,
}

/// A command's output.
#[derive(Debug)]
pub struct ExecOutput {
    /// The text, lines ending in `\n`: all of it, or its first part when
    /// [`ExecOutput::next_part`] has more.
    pub text: String,
    /// False when the command was refused or failed (IOS `%` message).
    pub ok: bool,
    /// The command asks this question and waits for the answer (an
    /// interactive caller shows it, reads a line, and runs the command
    /// again with the answers so far).
    pub question: Option<String>,
    /// The parts after `text`, written as they are taken.
    rest: Option<Rest>,
}

/// The parts of a long output after its first, each written when it is
/// taken: `show interfaces` on 30,000 interfaces is 42 MB, sent a part at
/// a time and never held whole.
struct Rest(Box<dyn Iterator<Item = String> + Send>);

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rest(..)")
    }
}

impl ExecOutput {
    /// Output of a command that did what it was asked.
    pub fn ok(text: String) -> Self {
        ExecOutput {
            text,
            ok: true,
            question: None,
            rest: None,
        }
    }

    /// Output written a part at a time: the first part now, the others as
    /// the caller takes them ([`ExecOutput::next_part`]). Each part ends
    /// at the end of a line.
    pub fn in_parts(mut parts: impl Iterator<Item = String> + Send + 'static) -> Self {
        let mut out = ExecOutput::ok(parts.next().unwrap_or_default());
        out.rest = Some(Rest(Box::new(parts)));
        out
    }

    /// An IOS `%` message: the command was refused or failed.
    pub fn error(text: String) -> Self {
        ExecOutput {
            text,
            ok: false,
            question: None,
            rest: None,
        }
    }

    /// The command waits for the answer to `question`.
    pub fn question(question: String) -> Self {
        ExecOutput {
            text: String::new(),
            ok: true,
            question: Some(question),
            rest: None,
        }
    }

    /// The part after the ones taken so far (the first is `text`); `None`
    /// once there is no more.
    pub fn next_part(&mut self) -> Option<String> {
        let rest = self.rest.as_mut()?;
        match rest.0.next() {
            Some(part) => Some(part),
            None => {
                self.rest = None;
                None
            }
        }
    }

    /// The whole text, for a caller that needs it at once (a pipe, a
    /// NETCONF reply built whole).
    pub fn into_text(mut self) -> String {
        let mut text = std::mem::take(&mut self.text);
        while let Some(part) = self.next_part() {
            text.push_str(&part);
        }
        text
    }
}

/// The answers an interactive caller has given a command's questions, in
/// order; `None` for a caller that cannot answer (the exec channel,
/// NETCONF), whose questions take their defaults.
#[derive(Debug, Default)]
pub struct Answers<'a> {
    given: Option<&'a [String]>,
    used: std::cell::Cell<usize>,
}

impl<'a> Answers<'a> {
    /// Answers from a terminal.
    pub fn interactive(given: &'a [String]) -> Self {
        Answers {
            given: Some(given),
            used: std::cell::Cell::new(0),
        }
    }

    /// No one to ask: every question takes its default.
    pub fn defaults() -> Self {
        Answers::default()
    }
}

/// Runs one EXEC command line (with an optional `| include …` filter);
/// its questions take their defaults.
pub fn run(device: &Device, caller: &ExecCaller, line: &str) -> ExecOutput {
    run_answered(device, caller, line, &Answers::defaults())
}

/// Runs one EXEC command line with the answers a terminal has given its
/// questions so far ([`ExecOutput::question`] asks the next).
pub fn run_answered(
    device: &Device,
    caller: &ExecCaller,
    line: &str,
    answers: &Answers<'_>,
) -> ExecOutput {
    run_line(device, caller, line, answers, None)
}

/// Runs one EXEC command line typed at `terminal`, with the answers it has
/// given the command's questions so far: the commands that act on the
/// terminal ([`Terminal`]) act on it.
pub fn run_on_terminal(
    device: &Device,
    caller: &ExecCaller,
    line: &str,
    answers: &Answers<'_>,
    terminal: &mut (dyn Terminal + 'static),
) -> ExecOutput {
    run_line(device, caller, line, answers, Some(terminal))
}

/// Every command, from every caller, comes through here: parsed once, its
/// privilege checked, authorized and accounted (a terminal's), then run.
fn run_line(
    device: &Device,
    caller: &ExecCaller,
    line: &str,
    answers: &Answers<'_>,
    mut terminal: Option<&mut (dyn Terminal + 'static)>,
) -> ExecOutput {
    let line = line.trim();
    let (command, pipes) = match line.find('|') {
        Some(p) => (line[..p].trim_end(), &line[p..]),
        None => (line, ""),
    };
    let cat = device.catalogue();
    let Some(mode) = cat.mode_by_name("exec") else {
        return ExecOutput::error("% EXEC commands are not available\n".into());
    };
    let parsed = match parse_line(cat, mode, command, false) {
        Ok(p) => p,
        Err(e) => return parse_error(command, &e),
    };
    let Some(rule) = parsed.rule else {
        return parse_error(command, &ParseError::Incomplete);
    };
    // Commands above the caller's level are invisible, as on IOS.
    if cat.rule(rule).privilege > caller.privilege {
        return parse_error(command, &ParseError::Invalid { column: 0 });
    }
    let words: Vec<&str> = parsed.tokens.iter().map(String::as_str).collect();
    let commands = device.exec_commands();
    let Some((command_entry, args)) = commands.find(&words) else {
        return ExecOutput::error(format!("% '{command}' is not implemented on this device\n"));
    };
    // A terminal's commands go through AAA's command authorization and
    // accounting (NETCONF's do not).
    let level = cat.rule(rule).privilege;
    let on_line = caller.session.is_none() && caller.line.is_some();
    if on_line && !device.authorize_command(&caller.user, level, &parsed.tokens) {
        return ExecOutput::error("Command authorization failed.\n".into());
    }
    // Borrowed for the command alone.
    let terminal = terminal.as_mut().map(|t| std::cell::RefCell::new(&mut **t));
    let invocation = Invocation {
        device,
        caller,
        command,
        args: &args,
        pipes,
        answers,
        terminal: terminal.as_ref(),
    };
    let output = (command_entry.run)(&invocation);
    if on_line
        && output.question.is_none()
        && let Some(vty) = caller.line
    {
        device.account_command(&caller.user, vty, level, &parsed.tokens);
    }
    if command_entry.own_pipes || output.question.is_some() {
        return output;
    }
    if pipes.is_empty() || !output.ok {
        return output;
    }
    match apply_pipes(&output.into_text(), pipes) {
        Ok(t) => ExecOutput::ok(t),
        Err(e) => ExecOutput::error(format!("{}\n", e.message)),
    }
}

/// A duration of `secs` seconds as IOS's tables write it: `hh:mm:ss`.
pub(crate) fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

pub(crate) fn parse_error(command: &str, e: &ParseError) -> ExecOutput {
    let mut text = String::new();
    if let Some(caret) = e.caret_line(0) {
        let _ = writeln!(text, "{command}");
        let _ = writeln!(text, "{caret}");
    }
    let _ = writeln!(text, "{}", e.message(command));
    ExecOutput::error(text)
}
