//! `show ip interface brief`, `show interfaces [NAME]`: derived from the
//! configuration's interface sections (`crate::interfaces`).

use ironconf_ios::parse::ParseError;

use super::{ExecOutput, Invocation, parse_error};
use crate::interfaces::{
    show_arp as arp, show_interfaces as render, show_ip_interface as ip_render,
    show_ip_interface_brief as brief,
};

pub(super) fn show_ip_interface_brief(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(brief(&i.device.ip_interface_brief()))
}

pub(super) fn show_interfaces(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.state().interfaces();
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

/// `show ip interface [NAME]`.
pub(super) fn show_ip_interface(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.state().interfaces();
    match ip_render(&running, i.arg()) {
        Some(text) => ExecOutput::ok(text),
        None => parse_error(
            i.command,
            &ParseError::Invalid {
                column: i.command.rfind(' ').map_or(0, |p| p + 1),
            },
        ),
    }
}

/// `show ipv6 interface [brief|NAME]`.
pub(super) fn show_ipv6_interface(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.state().interfaces();
    if i.arg() == Some("brief") {
        return ExecOutput::ok(crate::interfaces::show_ipv6_interface_brief(&running));
    }
    match crate::interfaces::show_ipv6_interface(&running, i.arg()) {
        Some(text) => ExecOutput::ok(text),
        None => parse_error(
            i.command,
            &ParseError::Invalid {
                column: i.command.rfind(' ').map_or(0, |p| p + 1),
            },
        ),
    }
}

/// `show interfaces status`.
pub(super) fn show_interfaces_status(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.state().interfaces();
    ExecOutput::ok(crate::interfaces::show_interfaces_status(&running))
}

/// `show arp` / `show ip arp`.
pub(super) fn show_arp(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(arp(&i.device.state().interfaces()))
}

/// `show interfaces description`.
pub(super) fn show_interfaces_description(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.state().interfaces();
    ExecOutput::ok(crate::interfaces::show_interfaces_description(&running))
}
