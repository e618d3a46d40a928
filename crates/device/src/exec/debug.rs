//! `debug netconf`, `undebug`, `show debugging`, and the terminals that
//! show debug lines (`terminal monitor`).

use super::{ExecOutput, Invocation};

pub(super) fn show_debugging(i: &Invocation<'_>) -> ExecOutput {
    let d = i.device.debug_flags();
    let mut out = String::new();
    if d.aaa_authentication {
        out.push_str("General OS:\n  AAA Authentication debugging is on\n");
    }
    if d.errors || d.info {
        out.push_str("NETCONF:\n");
        if d.errors {
            out.push_str("  NETCONF Errors debugging is on\n");
        }
        if d.info {
            out.push_str("  NETCONF Informational debugging is on\n");
        }
    }
    ExecOutput::ok(out)
}

/// `debug netconf all|error`.
pub(super) fn debug_netconf(i: &Invocation<'_>) -> ExecOutput {
    set_netconf_debug(i, true)
}

/// `no debug netconf all|error`, `undebug netconf all|error`.
pub(super) fn no_debug_netconf(i: &Invocation<'_>) -> ExecOutput {
    set_netconf_debug(i, false)
}

/// `error` sets the error lines; `all` the informational ones too.
fn set_netconf_debug(i: &Invocation<'_>, on: bool) -> ExecOutput {
    let level = i.arg().unwrap_or_default();
    i.device.set_debug_flags(|d| {
        d.errors = on;
        if level == "all" {
            d.info = on;
        }
    });
    let state = if on { "on" } else { "off" };
    ExecOutput::ok(format!("NETCONF {level} debugging is {state}\n"))
}

/// `debug aaa authentication` (`on`), `no debug …`, `undebug …`.
pub(super) fn debug_aaa_authentication(i: &Invocation<'_>) -> ExecOutput {
    let on = !matches!(
        i.command.split_whitespace().next(),
        Some("no" | "undebug" | "u" | "und")
    );
    i.device.set_debug_flags(|d| d.aaa_authentication = on);
    let state = if on { "on" } else { "off" };
    ExecOutput::ok(format!("AAA Authentication debugging is {state}\n"))
}

pub(super) fn no_debug_all(i: &Invocation<'_>) -> ExecOutput {
    i.device.set_debug_flags(|d| *d = Default::default());
    ExecOutput::ok("All possible debugging has been turned off\n".into())
}

pub(super) fn terminal_monitor(i: &Invocation<'_>) -> ExecOutput {
    match i.caller.line {
        Some(vty) => {
            i.device.set_monitoring(vty, true);
            ExecOutput::ok(String::new())
        }
        None => ExecOutput::error("% Not a terminal line\n".into()),
    }
}

pub(super) fn terminal_no_monitor(i: &Invocation<'_>) -> ExecOutput {
    if let Some(vty) = i.caller.line {
        i.device.set_monitoring(vty, false);
    }
    ExecOutput::ok(String::new())
}
