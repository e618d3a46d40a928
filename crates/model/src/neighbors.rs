//! LLDP and CDP as their `show` commands print them: what the device
//! hears is what it is told (a fleet's links, an embedder's), since it
//! sends nothing.

use std::fmt::Write as _;

use ironconf_ios::config::Config;

use crate::lines_with;

/// A device heard on an interface (LLDP and CDP alike): what a fleet's
/// links, or an embedder, say is at the other end of a wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbor {
    /// This device's interface (`GigabitEthernet1`).
    pub local_interface: String,
    /// The neighbor's name (its hostname).
    pub device_id: String,
    /// Its interface (`GigabitEthernet2`).
    pub port_id: String,
    /// Its platform (`CSR1000V`).
    pub platform: String,
    /// Its management address.
    pub address: Option<std::net::Ipv4Addr>,
}

/// The software banner: `show version`'s, and a neighbor's in LLDP's
/// system description and CDP's version.
pub const SOFTWARE: &str = crate::platform::CSR1000V.software;

/// An interface as CDP's table writes it (`Gig 1`).
fn cdp_name(name: &str) -> String {
    let split = name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(name.len());
    let (kind, number) = name.split_at(split);
    format!("{} {number}", &kind[..kind.len().min(3)])
}

/// `show lldp neighbors [detail]`. Without `lldp run`, IOS says LLDP is
/// off.
pub fn show_lldp_neighbors(enabled: bool, detail: bool, neighbors: &[Neighbor]) -> String {
    use crate::interfaces::short_name;
    if !enabled {
        return "% LLDP is not enabled\n".into();
    }
    let mut out = String::new();
    if detail {
        for n in neighbors {
            out.push_str("------------------------------------------------\n");
            let _ = writeln!(out, "Local Intf: {}", short_name(&n.local_interface));
            let _ = writeln!(out, "Chassis id: {}", crate::interfaces::mac(&n.device_id));
            let _ = writeln!(out, "Port id: {}", short_name(&n.port_id));
            let _ = writeln!(out, "Port Description: {}", n.port_id);
            let _ = writeln!(out, "System Name: {}", n.device_id);
            out.push_str("\nSystem Description: \n");
            out.push_str(SOFTWARE);
            out.push('\n');
            out.push_str("Time remaining: 98 seconds\n");
            out.push_str("System Capabilities: B,R\n");
            out.push_str("Enabled Capabilities: R\n");
            out.push_str("Management Addresses:\n");
            if let Some(a) = n.address {
                let _ = writeln!(out, "    IP: {a}");
            }
            out.push_str("Auto Negotiation - not supported\n");
            out.push_str("Physical media capabilities - not advertised\n");
            out.push_str("Media Attachment Unit type - not advertised\n");
            out.push_str("Vlan ID: - not advertised\n\n");
        }
        let _ = write!(out, "\nTotal entries displayed: {}\n\n", neighbors.len());
        return out;
    }
    out.push_str("\nCapability codes:\n    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n\nDevice ID           Local Intf     Hold-time  Capability      Port ID\n");
    for n in neighbors {
        let id: String = n.device_id.chars().take(20).collect();
        let _ = writeln!(
            out,
            "{id:<20}{:<15}{:<11}{:<16}{}",
            short_name(&n.local_interface),
            120,
            "R",
            short_name(&n.port_id)
        );
    }
    let _ = write!(out, "\nTotal entries displayed: {}\n\n", neighbors.len());
    out
}

/// `show cdp neighbors [detail]`; with `no cdp run`, IOS says CDP is off.
pub fn show_cdp_neighbors(enabled: bool, detail: bool, neighbors: &[Neighbor]) -> String {
    if !enabled {
        return "% CDP is not enabled\n".into();
    }
    let mut out = String::new();
    if detail {
        for n in neighbors {
            out.push_str("-------------------------\n");
            let _ = writeln!(out, "Device ID: {}", n.device_id);
            out.push_str("Entry address(es): \n");
            if let Some(a) = n.address {
                let _ = writeln!(out, "  IP address: {a}");
            }
            let _ = writeln!(
                out,
                "Platform: cisco {},  Capabilities: Router IGMP ",
                n.platform
            );
            let _ = writeln!(
                out,
                "Interface: {},  Port ID (outgoing port): {}",
                n.local_interface, n.port_id
            );
            out.push_str("Holdtime : 155 sec\n\nVersion :\n");
            out.push_str(SOFTWARE);
            out.push('\n');
            out.push_str("advertisement version: 2\nDuplex: full\nManagement address(es): \n");
            if let Some(a) = n.address {
                let _ = writeln!(out, "  IP address: {a}");
            }
            out.push_str("\n\n");
        }
        let _ = writeln!(out, "\nTotal cdp entries displayed : {}", neighbors.len());
        return out;
    }
    out.push_str("Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge\n                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, \n                  D - Remote, C - CVTA, M - Two-port Mac Relay \n\nDevice ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\n");
    for n in neighbors {
        let _ = writeln!(
            out,
            "{:<17}{:<18}{:<11}{:<12}{:<10}{}",
            n.device_id,
            cdp_name(&n.local_interface),
            155,
            "R I",
            n.platform,
            cdp_name(&n.port_id)
        );
    }
    let _ = write!(out, "\nTotal cdp entries displayed : {}\n", neighbors.len());
    out
}

/// `show lldp`: LLDP's global settings, or IOS's refusal when it is off.
pub fn show_lldp(enabled: bool) -> String {
    if !enabled {
        return "% LLDP is not enabled\n".into();
    }
    "\nGlobal LLDP Information:\n    Status: ACTIVE\n    LLDP advertisements are sent every 30 seconds\n    LLDP hold time advertised is 120 seconds\n    LLDP interface reinitialisation delay is 2 seconds\n".into()
}

/// `show cdp`: CDP's global settings, or IOS's refusal when it is off.
pub fn show_cdp(enabled: bool) -> String {
    if !enabled {
        return "% CDP is not enabled\n".into();
    }
    "Global CDP information:\n\tSending CDP packets every 60 seconds\n\tSending a holdtime value of 180 seconds\n\tSending CDPv2 advertisements is  enabled\n".into()
}

/// True unless `no cdp run` (CDP runs by default).
pub fn cdp_enabled(cfg: &Config) -> bool {
    lines_with(cfg, "no cdp run").is_empty()
}

/// `show lldp interface`: each Ethernet port's LLDP state (LLDP runs on
/// the Ethernet ports alone; a shut port waits for it to come up). Without
/// `lldp run`, IOS says LLDP is off.
pub fn show_lldp_interface(enabled: bool, interfaces: &[crate::interfaces::Interface]) -> String {
    if !enabled {
        return "% LLDP is not enabled\n".into();
    }
    let mut out = String::new();
    for i in interfaces.iter().filter(|i| i.name.contains("Ethernet")) {
        let (tx, rx) = if i.shutdown {
            ("INIT", "WAIT PORT OPER")
        } else {
            ("IDLE", "WAIT FOR FRAME")
        };
        let _ = write!(
            out,
            "\n{}:\n    Tx: enabled\n    Rx: enabled\n    Tx state: {tx}\n    Rx state: {rx}\n",
            i.name
        );
    }
    out.push('\n');
    out
}

/// `show lacp sys-id`: the system priority (`lacp system-priority`, 32768
/// by default) and the chassis MAC address.
pub fn show_lacp_sys_id(cfg: &Config, hostname: &str) -> String {
    let priority = lines_with(cfg, "lacp system-priority ")
        .first()
        .and_then(|l| l.rsplit(' ').next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    format!("{priority}, {}\n", crate::interfaces::mac(hostname))
}

/// True with `lldp run` (LLDP is off by default).
pub fn lldp_enabled(cfg: &Config) -> bool {
    !lines_with(cfg, "lldp run").is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_ios::apply::load;
    use ironconf_ios::catalogue::Catalogue;

    #[test]
    fn lacp_system_id_and_lldp_ports_follow_the_configuration() {
        let cat = Catalogue::builtin();
        let (cfg, unknown) = load(
            &cat,
            "lldp run\nlacp system-priority 500\ninterface GigabitEthernet1\ninterface GigabitEthernet2\n shutdown\ninterface Loopback0\n",
        );
        assert!(unknown.is_empty(), "{unknown:?}");
        let id = show_lacp_sys_id(&cfg, "r1");
        assert_eq!(id, format!("500, {}\n", crate::interfaces::mac("r1")));
        let (plain, _) = load(&cat, "hostname r1\n");
        assert!(show_lacp_sys_id(&plain, "r1").starts_with("32768, "));
        let ifs = crate::interfaces::interfaces(&cfg);
        assert_eq!(
            show_lldp_interface(lldp_enabled(&cfg), &ifs),
            "\nGigabitEthernet1:\n    Tx: enabled\n    Rx: enabled\n    Tx state: IDLE\n    Rx state: WAIT FOR FRAME\n\
             \nGigabitEthernet2:\n    Tx: enabled\n    Rx: enabled\n    Tx state: INIT\n    Rx state: WAIT PORT OPER\n\n"
        );
        assert_eq!(
            show_lldp_interface(lldp_enabled(&plain), &[]),
            "% LLDP is not enabled\n"
        );
    }
}
