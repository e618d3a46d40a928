//! `show inventory`, `show platform`, `show environment`, `show processes
//! memory`: the emulated hardware (`crate::platform`).

use super::{ExecOutput, Invocation};
use crate::platform;

pub(super) fn show_inventory(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(platform::show_inventory(i.device.profile().platform))
}

pub(super) fn show_environment(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(platform::show_environment())
}

/// `show platform`: slots inserted at boot, on IOS XE; classic IOS has no
/// such command and says so where the word is.
pub(super) fn show_platform(i: &Invocation<'_>) -> ExecOutput {
    let secs = i.device.uptime().as_secs();
    let ago = if secs < 86_400 {
        super::hms(secs)
    } else {
        format!("{}d{:02}h", secs / 86_400, secs / 3600 % 24)
    };
    match platform::show_platform(i.device.profile().platform, &ago) {
        Some(text) => ExecOutput::ok(text),
        None => {
            let column = i
                .command
                .split_whitespace()
                .nth(1)
                .and_then(|w| i.command.find(w))
                .unwrap_or(0);
            super::parse_error(
                i.command,
                &ironconf_ios::parse::ParseError::Invalid { column },
            )
        }
    }
}

pub(super) fn show_processes_memory(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(platform::show_processes_memory(i.arg() == Some("sorted")))
}
