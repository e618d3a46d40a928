//! `show ip interface brief`, `show interfaces [NAME]`: derived from the
//! configuration's interface sections (`crate::interfaces`).

use ironconf_ios::parse::ParseError;

use super::{ExecOutput, Invocation, parse_error};
use crate::interfaces::{
    Listing, ListingKind, listing_entry, show_arp as arp, show_ip_interface_brief as brief,
};

pub(super) fn show_ip_interface_brief(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(brief(&i.device.ip_interface_brief()))
}

pub(super) fn show_interfaces(i: &Invocation<'_>) -> ExecOutput {
    listing(i, ListingKind::Interfaces)
}

/// `show ip interface [NAME]`.
pub(super) fn show_ip_interface(i: &Invocation<'_>) -> ExecOutput {
    listing(i, ListingKind::IpInterface)
}

/// Every interface's entry, a part at a time, or the one named.
fn listing(i: &Invocation<'_>, kind: ListingKind) -> ExecOutput {
    let running = i.device.interface_table();
    let Some(name) = i.arg() else {
        return ExecOutput::in_parts(Listing::new(running, kind));
    };
    match listing_entry(&running, name, kind) {
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

/// `show ipv6 interface [brief|NAME]`.
pub(super) fn show_ipv6_interface(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.interface_table();
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
    let running = i.device.interface_table();
    ExecOutput::ok(crate::interfaces::show_interfaces_status(&running))
}

/// `show arp` / `show ip arp`.
pub(super) fn show_arp(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(arp(&i.device.interface_table()))
}

/// `show interfaces description`.
pub(super) fn show_interfaces_description(i: &Invocation<'_>) -> ExecOutput {
    let running = i.device.interface_table();
    ExecOutput::ok(crate::interfaces::show_interfaces_description(&running))
}
