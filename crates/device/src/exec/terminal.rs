//! The commands that act on the terminal that types them: `enable`,
//! `disable`, `exit`/`logout`, `configure terminal`, `terminal length`,
//! and the terminal's own connections (`ssh`, `show sessions`, `resume`,
//! `disconnect`). They are registered like every other command, so they
//! are parsed once and go through the same privilege check, command
//! authorization and accounting; what they do to the terminal goes
//! through [`Terminal`], which the interactive shell implements. Without a
//! terminal (the exec channel, NETCONF) they answer as a line with no
//! terminal state does.

use super::{ExecOutput, Invocation};

/// What a terminal lets its commands do to it.
pub trait Terminal {
    /// `enable LEVEL`: down at once, up after the enable password.
    fn enable(&mut self, level: u8) -> ExecOutput;
    /// `disable LEVEL`.
    fn disable(&mut self, level: u8) -> ExecOutput;
    /// `exit`, `logout`: the session ends.
    fn exit(&mut self) -> ExecOutput;
    /// `configure terminal`: configuration mode, unless a NETCONF session
    /// holds the lock on running-config.
    fn configure(&mut self) -> ExecOutput;
    /// `terminal length N`.
    fn set_length(&mut self, rows: usize);
    /// `ssh …` (`command` as typed, for the caret of a refused argument).
    fn ssh(&mut self, command: &str) -> ExecOutput;
    /// `show sessions`.
    fn sessions(&self) -> ExecOutput;
    /// `resume [N]`.
    fn resume(&mut self, number: Option<u32>) -> ExecOutput;
    /// `disconnect [N]`.
    fn disconnect(&mut self, number: Option<u32>) -> ExecOutput;
}

fn level(i: &Invocation<'_>, default: u8) -> u8 {
    i.arg().and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn number(i: &Invocation<'_>) -> Option<u32> {
    i.arg().and_then(|n| n.parse().ok())
}

pub(super) fn enable(i: &Invocation<'_>) -> ExecOutput {
    // A single command runs at the line's level: nothing to raise.
    i.with_terminal(|t| t.enable(level(i, 15)))
        .unwrap_or_else(|| ExecOutput::ok(String::new()))
}

pub(super) fn disable(i: &Invocation<'_>) -> ExecOutput {
    i.with_terminal(|t| t.disable(level(i, 1)))
        .unwrap_or_else(|| ExecOutput::ok(String::new()))
}

pub(super) fn exit(i: &Invocation<'_>) -> ExecOutput {
    // Without a terminal the session ends with its command anyway.
    i.with_terminal(|t| t.exit())
        .unwrap_or_else(|| ExecOutput::ok(String::new()))
}

pub(super) fn configure_terminal(i: &Invocation<'_>) -> ExecOutput {
    i.with_terminal(|t| t.configure()).unwrap_or_else(|| {
        ExecOutput::error(
            "% configure terminal needs an interactive terminal: use edit-config or a shell\n"
                .into(),
        )
    })
}

pub(super) fn terminal_length(i: &Invocation<'_>) -> ExecOutput {
    if let Some(n) = i.arg().and_then(|n| n.parse().ok()) {
        i.with_terminal(|t| t.set_length(n));
    }
    ExecOutput::ok(String::new())
}

pub(super) fn ssh(i: &Invocation<'_>) -> ExecOutput {
    i.with_terminal(|t| t.ssh(i.command)).unwrap_or_else(|| {
        ExecOutput::error(
            "% ssh needs an interactive terminal: open a shell on this device first\n".into(),
        )
    })
}

pub(super) fn show_sessions(i: &Invocation<'_>) -> ExecOutput {
    i.with_terminal(|t| t.sessions())
        .unwrap_or_else(|| ExecOutput::ok("% No connections open\n".into()))
}

pub(super) fn resume(i: &Invocation<'_>) -> ExecOutput {
    let n = number(i);
    i.with_terminal(|t| t.resume(n))
        .unwrap_or_else(|| ExecOutput::error("% No connections open\n".into()))
}

pub(super) fn disconnect(i: &Invocation<'_>) -> ExecOutput {
    let n = number(i);
    i.with_terminal(|t| t.disconnect(n))
        .unwrap_or_else(|| ExecOutput::error("% No connections open\n".into()))
}
