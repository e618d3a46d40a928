//! The services the `show` commands report, read from the configuration:
//! VRFs, NTP (never synchronised), SNMP, VLANs and the MAC address table.

use std::fmt::Write as _;

use ironconf_ios::config::Config;

use crate::interfaces::{Interface, short_name};
use crate::{lines_with, sections};

// ---- VRFs ----

/// A `vrf definition` or `ip vrf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vrf {
    /// Its name.
    pub name: String,
    /// `rd`.
    pub rd: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Address families (`ipv4`, `ipv6`).
    pub families: Vec<String>,
    /// Interfaces in it.
    pub interfaces: Vec<String>,
    /// `route-target export` / `import` values.
    pub export: Vec<String>,
    /// `route-target import` values.
    pub import: Vec<String>,
    /// Defined with `ip vrf` (the old CLI: IPv4 only).
    pub old_cli: bool,
}

/// The VRFs of `cfg`, sorted by name as `show vrf` lists them.
pub fn vrfs(cfg: &Config, interfaces: &[Interface]) -> Vec<Vrf> {
    let mut out = Vec::new();
    for (prefix, old_cli) in [("vrf definition ", false), ("ip vrf ", true)] {
        for (header, body) in sections(cfg, prefix) {
            let name = header[prefix.len()..].trim().to_owned();
            let mut v = Vrf {
                interfaces: interfaces
                    .iter()
                    .filter(|i| i.vrf.as_deref() == Some(name.as_str()))
                    .map(|i| i.name.clone())
                    .collect(),
                name,
                rd: None,
                description: None,
                families: if old_cli {
                    vec!["ipv4".into()]
                } else {
                    Vec::new()
                },
                export: Vec::new(),
                import: Vec::new(),
                old_cli,
            };
            for (_, text) in body {
                let w: Vec<&str> = text.split(' ').collect();
                match w.as_slice() {
                    ["rd", rd] => v.rd = Some((*rd).to_owned()),
                    ["description", ..] => v.description = Some(text[12..].to_owned()),
                    ["address-family", family, ..] => v.families.push((*family).to_owned()),
                    ["route-target", dir, rt] => {
                        if matches!(*dir, "export" | "both") {
                            v.export.push((*rt).to_owned());
                        }
                        if matches!(*dir, "import" | "both") {
                            v.import.push((*rt).to_owned());
                        }
                    }
                    _ => {}
                }
            }
            out.push(v);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `show vrf`.
pub fn show_vrf(vrfs: &[Vrf]) -> String {
    let mut out = String::from(
        "  Name                             Default RD            Protocols   Interfaces\n",
    );
    for v in vrfs {
        let rd = v.rd.as_deref().unwrap_or("<not set>");
        let protocols = v.families.join(",");
        let mut ifs = v.interfaces.iter().map(|i| short_name(i));
        let row = format!(
            "  {:<32} {:<21} {:<11} {}",
            v.name,
            rd,
            protocols,
            ifs.next().unwrap_or_default()
        );
        // A row without interfaces ends at its last column.
        out.push_str(row.trim_end());
        out.push('\n');
        for i in ifs {
            let _ = writeln!(out, "{:70}{i}", "");
        }
    }
    out
}

/// `show vrf detail`.
pub fn show_vrf_detail(vrfs: &[Vrf]) -> String {
    let mut out = String::new();
    for (n, v) in vrfs.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "VRF {} (VRF Id = {}); default RD {}; default VPNID <not set>",
            v.name,
            n + 1,
            v.rd.as_deref().unwrap_or("<not set>")
        );
        if let Some(d) = &v.description {
            let _ = writeln!(out, "  Description: {d}");
        }
        if v.old_cli {
            out.push_str("  Old CLI format, supports IPv4 only\n");
        } else {
            out.push_str("  New CLI format, supports multiple address-families\n");
        }
        out.push_str("  Flags: 0x180C\n");
        if v.interfaces.is_empty() {
            out.push_str("  No interfaces\n");
        } else {
            out.push_str("  Interfaces:\n");
            for i in &v.interfaces {
                let _ = writeln!(out, "    {}", short_name(i));
            }
        }
        for family in ["ipv4", "ipv6"] {
            let name = if family == "ipv4" { "IPV4" } else { "IPV6" };
            if !v.families.iter().any(|f| f == family) {
                let _ = writeln!(out, "Address family {name} unicast not active");
                continue;
            }
            let _ = writeln!(
                out,
                "Address family {name} unicast (Table ID = 0x{:X}):",
                n + 1
            );
            out.push_str("  Flags: 0x0\n");
            if v.export.is_empty() {
                out.push_str("  No Export VPN route-target communities\n");
            } else {
                out.push_str("  Export VPN route-target communities\n");
                for rt in &v.export {
                    let _ = writeln!(out, "    RT:{rt}");
                }
            }
            if v.import.is_empty() {
                out.push_str("  No Import VPN route-target communities\n");
            } else {
                out.push_str("  Import VPN route-target communities\n");
                for rt in &v.import {
                    let _ = writeln!(out, "    RT:{rt}");
                }
            }
            out.push_str("  No import route-map\n  No global export route-map\n  No export route-map\n  VRF label distribution protocol: not configured\n  VRF label allocation mode: per-prefix\n");
        }
    }
    out
}

// ---- NTP ----

/// `ntp server` addresses (and names), in configuration order.
pub fn ntp_servers(cfg: &Config) -> Vec<String> {
    lines_with(cfg, "ntp server ")
        .into_iter()
        .filter_map(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            match w.as_slice() {
                ["ntp", "server", "vrf", _, host, ..] | ["ntp", "server", host, ..] => {
                    Some((*host).to_owned())
                }
                _ => None,
            }
        })
        .collect()
}

/// `show ntp associations`: every server configured, none reached.
pub fn show_ntp_associations(servers: &[String]) -> String {
    let mut out = String::from(
        "\n  address         ref clock       st   when   poll reach  delay  offset   disp\n",
    );
    for s in servers {
        let _ = writeln!(
            out,
            " ~{:<15} .INIT.          16      -     64     0  0.000   0.000 15937.",
            s
        );
    }
    out.push_str(" * sys.peer, # selected, + candidate, - outlyer, x falseticker, ~ configured\n");
    out
}

/// `show ntp status`: never synchronised.
pub fn show_ntp_status() -> String {
    "Clock is unsynchronized, stratum 16, no reference clock\nnominal freq is 250.0000 Hz, actual freq is 250.0000 Hz, precision is 2**10\nntp uptime is 0 (1/100 of seconds), resolution is 4000\nreference time is 00000000.00000000 (00:00:00.000 UTC Mon Jan 1 1900)\nclock offset is 0.0000 msec, root delay is 0.00 msec\nroot dispersion is 0.00 msec, peer dispersion is 0.00 msec\nloopfilter state is 'NSET' (Never set), drift is 0.000000000 s/s\nsystem poll interval is 64, never updated.\n".into()
}

// ---- SNMP ----

/// What `snmp-server` lines configure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snmp {
    /// (community, `RO`/`RW`, access list).
    pub communities: Vec<(String, String, Option<String>)>,
    /// `snmp-server location`.
    pub location: Option<String>,
    /// `snmp-server contact`.
    pub contact: Option<String>,
    /// `snmp-server host` addresses.
    pub hosts: Vec<String>,
}

/// The SNMP agent's configuration.
pub fn snmp(cfg: &Config) -> Snmp {
    let mut s = Snmp::default();
    for l in lines_with(cfg, "snmp-server ") {
        let w: Vec<&str> = l.split(' ').collect();
        match w.as_slice() {
            ["snmp-server", "community", name, rest @ ..] => {
                let mode = rest
                    .first()
                    .filter(|m| matches!(**m, "RO" | "RW"))
                    .copied()
                    .unwrap_or("RO");
                let acl = rest
                    .iter()
                    .find(|t| !matches!(**t, "RO" | "RW"))
                    .map(|a| (*a).to_owned());
                s.communities
                    .push(((*name).to_owned(), mode.to_owned(), acl));
            }
            ["snmp-server", "location", ..] => s.location = Some(l[21..].to_owned()),
            ["snmp-server", "contact", ..] => s.contact = Some(l[20..].to_owned()),
            ["snmp-server", "host", host, ..] => s.hosts.push((*host).to_owned()),
            _ => {}
        }
    }
    s
}

/// `show snmp`: the agent's counters (all zero) and its identity;
/// `%SNMP agent not enabled` without a community.
pub fn show_snmp(s: &Snmp, chassis: &str) -> String {
    if s.communities.is_empty() {
        return "%SNMP agent not enabled\n".into();
    }
    let mut out = format!("Chassis: {chassis}\n");
    if let Some(c) = &s.contact {
        let _ = writeln!(out, "Contact: {c}");
    }
    if let Some(l) = &s.location {
        let _ = writeln!(out, "Location: {l}");
    }
    out.push_str("0 SNMP packets input\n    0 Bad SNMP version errors\n    0 Unknown community name\n    0 Illegal operation for community name supplied\n    0 Encoding errors\n    0 Number of requested variables\n    0 Number of altered variables\n    0 Get-request PDUs\n    0 Get-next PDUs\n    0 Set-request PDUs\n    0 Input queue packet drops (Maximum queue size 1000)\n0 SNMP packets output\n    0 Too big errors (Maximum packet size 1500)\n    0 No such name errors\n    0 Bad values errors\n    0 General errors\n    0 Response PDUs\n    0 Trap PDUs\n");
    if s.hosts.is_empty() {
        out.push_str("SNMP Dispatcher:\n   queue 0/75 (current/max), 0 dropped\nSNMP Engine:\n   queue 0/1000 (current/max), 0 dropped\n\nSNMP logging: disabled\n");
    } else {
        out.push_str("SNMP Dispatcher:\n   queue 0/75 (current/max), 0 dropped\nSNMP Engine:\n   queue 0/1000 (current/max), 0 dropped\n\nSNMP logging: enabled\n");
        for h in &s.hosts {
            let _ = writeln!(out, "    Logging to {h}.162, 0/10, 0 sent, 0 dropped.");
        }
    }
    out
}

/// `show snmp community`.
pub fn show_snmp_community(s: &Snmp) -> String {
    let mut out = String::new();
    for (name, _, acl) in &s.communities {
        let _ = write!(
            out,
            "\nCommunity name: {name}\nCommunity Index: {name}\nCommunity SecurityName: {name}\nstorage-type: nonvolatile\t active"
        );
        if let Some(acl) = acl {
            let _ = write!(out, "\taccess-list: {acl}");
        }
        out.push_str("\n\n");
    }
    out
}

// ---- VLANs ----

/// A VLAN of a switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vlan {
    /// Its number.
    pub id: u16,
    /// Its name (`VLAN0010` unless named).
    pub name: String,
    /// Its status (`active`, `act/unsup`).
    pub status: &'static str,
    /// Access ports in it.
    pub ports: Vec<String>,
}

/// The VLANs of a switch: VLAN 1, the configured ones, and the reserved
/// 1002–1005.
pub fn vlans(cfg: &Config, interfaces: &[Interface]) -> Vec<Vlan> {
    let mut out = vec![Vlan {
        id: 1,
        name: "default".into(),
        status: "active",
        ports: Vec::new(),
    }];
    for (header, body) in sections(cfg, "vlan ") {
        let Ok(id) = header[5..].trim().parse::<u16>() else {
            continue;
        };
        let name = body
            .iter()
            .find_map(|(_, t)| t.strip_prefix("name "))
            .map_or_else(|| format!("VLAN{id:04}"), str::to_owned);
        out.push(Vlan {
            id,
            name,
            status: "active",
            ports: Vec::new(),
        });
    }
    for (id, name) in [
        (1002, "fddi-default"),
        (1003, "token-ring-default"),
        (1004, "fddinet-default"),
        (1005, "trnet-default"),
    ] {
        out.push(Vlan {
            id,
            name: name.into(),
            status: "act/unsup",
            ports: Vec::new(),
        });
    }
    for i in interfaces {
        let access = i.switchport_mode.as_deref() == Some("access")
            || (i.switchport_mode.is_none() && i.access_vlan.is_some());
        if !access {
            continue;
        }
        let id = i.access_vlan.unwrap_or(1);
        if let Some(v) = out.iter_mut().find(|v| v.id == id) {
            v.ports.push(short_name(&i.name));
        }
    }
    out.sort_by_key(|v| v.id);
    out
}

/// `show vlan brief`; with `all`, the VLAN type table IOS's `show vlan`
/// adds.
pub fn show_vlan(vlans: &[Vlan], all: bool) -> String {
    let mut out = String::from(
        "\nVLAN Name                             Status    Ports\n---- -------------------------------- --------- -------------------------------\n",
    );
    for v in vlans {
        let mut chunks = v.ports.chunks(4);
        let first = chunks.next().map(|c| c.join(", ")).unwrap_or_default();
        let line = format!("{:<4} {:<32} {:<9} {first}", v.id, v.name, v.status);
        let _ = writeln!(out, "{}", line.trim_end());
        for c in chunks {
            let _ = writeln!(out, "{:48}{}", "", c.join(", "));
        }
    }
    if all {
        out.push_str("\nVLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2\n---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------\n");
        for v in vlans {
            let ty = match v.id {
                1002 => "fddi ",
                1003 => "tr   ",
                1004 => "fdnet",
                1005 => "trnet",
                _ => "enet ",
            };
            let mtu = 1500;
            let _ = writeln!(
                out,
                "{:<4} {ty} {:<10} {mtu:<5} -      -      -        -    -        0      0",
                v.id,
                100_000 + u32::from(v.id)
            );
        }
    }
    out
}

/// `show mac address-table`: a device with no data plane learns no
/// address; the CPU's static entries stay.
pub fn show_mac_address_table() -> String {
    let mut out = String::from(
        "          Mac Address Table\n-------------------------------------------\n\nVlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n",
    );
    let cpu = [
        "0100.0ccc.cccc",
        "0100.0ccc.cccd",
        "0180.c200.0000",
        "0180.c200.0001",
        "0180.c200.0002",
        "0180.c200.0003",
        "ffff.ffff.ffff",
    ];
    for m in cpu {
        let _ = writeln!(out, " All    {m}    STATIC      CPU");
    }
    let _ = writeln!(out, "Total Mac Addresses for this criterion: {}", cpu.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::{Bgp, bgp, show_bgp_neighbors, show_bgp_summary};
    use ironconf_ios::apply::load;
    use ironconf_ios::catalogue::Catalogue;
    use std::net::Ipv4Addr;

    fn cfg(text: &str) -> (Config, Vec<Interface>) {
        let cat = Catalogue::builtin();
        let (cfg, unknown) = load(&cat, text);
        assert!(unknown.is_empty(), "{unknown:?}");
        let ifs = crate::interfaces::interfaces(&cfg);
        (cfg, ifs)
    }

    #[test]
    fn bgp_neighbors_from_router_bgp() {
        let (c, ifs) = cfg(
            "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\ninterface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\nrouter bgp 65001\n neighbor 192.0.2.2 remote-as 65002\n neighbor 192.0.2.2 description isp\n neighbor 198.51.100.1 remote-as 65001\n neighbor 198.51.100.1 shutdown\n",
        );
        let b = bgp(&c, &ifs).unwrap_or_else(|| Bgp {
            asn: String::new(),
            router_id: Ipv4Addr::UNSPECIFIED,
            neighbors: Vec::new(),
        });
        assert_eq!(b.asn, "65001");
        assert_eq!(b.router_id, Ipv4Addr::new(10, 255, 0, 1));
        let text = show_bgp_summary(&b, false);
        assert!(
            text.starts_with("BGP router identifier 10.255.0.1, local AS number 65001\n"),
            "{text}"
        );
        assert!(
            text.contains("\n192.0.2.2       4        65002       0       0        1    0    0 never    Active\n"),
            "{text}"
        );
        assert!(text.contains("\n198.51.100.1    4        65001       0       0        1    0    0 never    Idle (Admin)\n"), "{text}");
        let n = show_bgp_neighbors(&b, Some(Ipv4Addr::new(192, 0, 2, 2))).unwrap_or_default();
        assert!(
            n.starts_with(
                "BGP neighbor is 192.0.2.2,  remote AS 65002, external link\n Description: isp\n"
            ),
            "{n}"
        );
        assert!(show_bgp_neighbors(&b, Some(Ipv4Addr::new(1, 1, 1, 1))).is_none());
    }

    #[test]
    fn vrfs_vlans_ntp_and_snmp() {
        let (c, ifs) = cfg(
            "vrf definition MGMT\n rd 65000:1\n address-family ipv4\n exit-address-family\ninterface GigabitEthernet1\n vrf forwarding MGMT\n ip address 192.0.2.1 255.255.255.0\ninterface GigabitEthernet2\n switchport access vlan 10\n switchport mode access\nvlan 10\n name users\nntp server 192.0.2.123\nsnmp-server community public RO\nsnmp-server location lab\n",
        );
        let v = vrfs(&c, &ifs);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].interfaces, vec!["GigabitEthernet1".to_owned()]);
        let text = show_vrf(&v);
        assert!(
            text.contains(
                "  MGMT                             65000:1               ipv4        Gi1\n"
            ),
            "{text}"
        );
        let vl = vlans(&c, &ifs);
        assert_eq!(vl[1].name, "users");
        assert_eq!(vl[1].ports, vec!["Gi2".to_owned()]);
        assert_eq!(ntp_servers(&c), vec!["192.0.2.123".to_owned()]);
        let s = snmp(&c);
        assert_eq!(s.location.as_deref(), Some("lab"));
        assert_eq!(s.communities, vec![("public".into(), "RO".into(), None)]);
    }
}
