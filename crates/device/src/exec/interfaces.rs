//! `show ip interface brief`, `show interfaces [NAME]`: derived from the
//! configuration's interface sections (`crate::interfaces`).

use ironconf_ios::parse::ParseError;

use super::{ExecOutput, Invocation, parse_error};
use crate::interfaces::{interfaces, show_interfaces as render, show_ip_interface_brief as brief};

pub(super) fn show_ip_interface_brief(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(brief(&i.device.ip_interface_brief()))
}

pub(super) fn show_interfaces(i: &Invocation<'_>) -> ExecOutput {
    let running = interfaces(&i.device.state().running);
    match render(&running, i.arg()) {
        Some(text) => ExecOutput::ok(text),
        // As IOS does for an interface the device does not have.
        None => parse_error(
            i.command,
            &ParseError::Invalid {
                column: i.command.rfind(' ').map_or(0, |p| p + 1),
            },
        ),
    }
}
