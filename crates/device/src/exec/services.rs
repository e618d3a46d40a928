//! `show ntp`, `show snmp`, `show vrf`, `show vlan`, `show mac
//! address-table`, `show lldp neighbors`, `show cdp neighbors`: from the
//! configuration (`crate::features`).

use ironconf_ios::parse::ParseError;

use super::{ExecOutput, Invocation, parse_error};
use crate::features;

pub(super) fn show_ntp_associations(i: &Invocation<'_>) -> ExecOutput {
    let servers = i.device.view(|v| features::ntp_servers(v.running()));
    ExecOutput::ok(features::show_ntp_associations(&servers))
}

pub(super) fn show_ntp_status(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(features::show_ntp_status())
}

pub(super) fn show_snmp(i: &Invocation<'_>) -> ExecOutput {
    let s = i.device.view(|v| features::snmp(v.running()));
    ExecOutput::ok(features::show_snmp(&s, i.device.profile().platform.serial))
}

pub(super) fn show_snmp_community(i: &Invocation<'_>) -> ExecOutput {
    let s = i.device.view(|v| features::snmp(v.running()));
    ExecOutput::ok(features::show_snmp_community(&s))
}

/// `show vrf [detail]`.
pub(super) fn show_vrf(i: &Invocation<'_>) -> ExecOutput {
    let v = i.device.view(|v| {
        let ifs = v.interfaces();
        features::vrfs(v.running(), &ifs)
    });
    ExecOutput::ok(if i.arg() == Some("detail") {
        features::show_vrf_detail(&v)
    } else if v.is_empty() {
        String::new()
    } else {
        features::show_vrf(&v)
    })
}

/// `show ip vrf`: the old listing (no protocols column).
pub(super) fn show_ip_vrf(i: &Invocation<'_>) -> ExecOutput {
    let v = i.device.view(|v| {
        let ifs = v.interfaces();
        features::vrfs(v.running(), &ifs)
    });
    if v.is_empty() {
        return ExecOutput::ok(String::new());
    }
    let mut out =
        String::from("  Name                             Default RD            Interfaces\n");
    for x in &v {
        let first = x
            .interfaces
            .first()
            .map(|n| crate::interfaces::short_name(n))
            .unwrap_or_default();
        let row = format!(
            "  {:<32} {:<21} {first}",
            x.name,
            x.rd.as_deref().unwrap_or("<not set>")
        );
        out.push_str(row.trim_end());
        out.push('\n');
        for n in x.interfaces.iter().skip(1) {
            out.push_str(&format!("{:58}{}\n", "", crate::interfaces::short_name(n)));
        }
    }
    ExecOutput::ok(out)
}

/// A router answers the switch commands as commands it does not have.
fn switch_only(i: &Invocation<'_>) -> Option<ExecOutput> {
    (!i.device.profile().switch).then(|| {
        parse_error(
            i.command,
            &ParseError::Invalid {
                column: i.command.find(' ').map_or(0, |p| p + 1),
            },
        )
    })
}

/// `show vlan [brief|all-ports|id N]`.
pub(super) fn show_vlan(i: &Invocation<'_>) -> ExecOutput {
    if let Some(refused) = switch_only(i) {
        return refused;
    }
    let mut v = i.device.view(|v| {
        let ifs = v.interfaces();
        features::vlans(v.running(), &ifs)
    });
    match i.args {
        ["id", n] => {
            let id = n.parse::<u16>().unwrap_or(0);
            v.retain(|x| x.id == id);
            if v.is_empty() {
                return ExecOutput::error(format!(
                    "VLAN id {id} not found in current VLAN database\n"
                ));
            }
            ExecOutput::ok(features::show_vlan(&v, true))
        }
        ["brief"] => ExecOutput::ok(features::show_vlan(&v, false)),
        _ => ExecOutput::ok(features::show_vlan(&v, true)),
    }
}

/// `show mac address-table`.
pub(super) fn show_mac_address_table(i: &Invocation<'_>) -> ExecOutput {
    if let Some(refused) = switch_only(i) {
        return refused;
    }
    ExecOutput::ok(features::show_mac_address_table())
}

/// `show lldp neighbors [detail]`.
pub(super) fn show_lldp_neighbors(i: &Invocation<'_>) -> ExecOutput {
    let on = i.device.view(|v| features::lldp_enabled(v.running()));
    let out = features::show_lldp_neighbors(on, i.arg() == Some("detail"), &i.device.neighbors());
    if on {
        ExecOutput::ok(out)
    } else {
        ExecOutput::error(out)
    }
}

/// `show cdp neighbors [detail]`.
pub(super) fn show_cdp_neighbors(i: &Invocation<'_>) -> ExecOutput {
    let on = i.device.view(|v| features::cdp_enabled(v.running()));
    let out = features::show_cdp_neighbors(on, i.arg() == Some("detail"), &i.device.neighbors());
    if on {
        ExecOutput::ok(out)
    } else {
        ExecOutput::error(out)
    }
}

/// `show lldp`.
pub(super) fn show_lldp(i: &Invocation<'_>) -> ExecOutput {
    let on = i.device.view(|v| features::lldp_enabled(v.running()));
    let out = features::show_lldp(on);
    if on {
        ExecOutput::ok(out)
    } else {
        ExecOutput::error(out)
    }
}

/// `show lldp interface [IFNAME]`.
pub(super) fn show_lldp_interface(i: &Invocation<'_>) -> ExecOutput {
    let (on, ifs) = i
        .device
        .view(|v| (features::lldp_enabled(v.running()), v.interfaces()));
    let only: Vec<_> = ifs
        .iter()
        .filter(|f| i.arg().is_none_or(|a| f.name.eq_ignore_ascii_case(a)))
        .cloned()
        .collect();
    let out = features::show_lldp_interface(on, &only);
    if on {
        ExecOutput::ok(out)
    } else {
        ExecOutput::error(out)
    }
}

/// `show lacp sys-id`.
pub(super) fn show_lacp_sys_id(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(
        i.device
            .view(|v| features::show_lacp_sys_id(v.running(), &v.settings().hostname)),
    )
}

/// `show snmp user [NAME]`: the SNMPv3 users. IOS keeps them out of
/// running-config; this device configures none, so it lists none.
pub(super) fn show_snmp_user(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(String::new())
}

/// `show cdp`.
pub(super) fn show_cdp(i: &Invocation<'_>) -> ExecOutput {
    let on = i.device.view(|v| features::cdp_enabled(v.running()));
    let out = features::show_cdp(on);
    if on {
        ExecOutput::ok(out)
    } else {
        ExecOutput::error(out)
    }
}
