//! The services and protocols the `show` commands report, read from the
//! configuration: BGP (`router bgp`), VRFs, NTP, SNMP, VLANs. The emulated
//! device has no peers: BGP neighbors stay Idle or Active, NTP is never
//! synchronised, no LLDP or CDP neighbor is ever heard.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ironconf_ios::config::{Config, Item};

use crate::interfaces::{Address, Interface, short_name};

/// The lines of a top-level section whose header starts with `prefix`:
/// (header, [(depth, text)]).
fn sections<'a>(
    cfg: &'a Config,
    prefix: &'a str,
) -> impl Iterator<Item = (&'a str, Vec<(usize, &'a str)>)> + 'a {
    cfg.items().filter_map(move |item| match item {
        Item::Section { header, body } if header.text.starts_with(prefix) => Some((
            &*header.text,
            body.lines().map(|l| (l.depth, l.text)).collect(),
        )),
        _ => None,
    })
}

/// Single lines of the configuration starting with `prefix` (list groups
/// included).
fn lines_with<'a>(cfg: &'a Config, prefix: &'a str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for item in cfg.items() {
        match item {
            Item::Line(l) if l.text.starts_with(prefix) => out.push(&*l.text),
            Item::List { group, body, .. }
                if prefix.starts_with(&**group) || group.starts_with(prefix) =>
            {
                out.extend(
                    body.lines()
                        .map(|l| l.text)
                        .filter(|t| t.starts_with(prefix)),
                );
            }
            _ => {}
        }
    }
    out
}

// ---- BGP ----

/// A `router bgp` process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bgp {
    /// The local AS.
    pub asn: String,
    /// `bgp router-id`, or the one IOS picks.
    pub router_id: Ipv4Addr,
    /// Its neighbors, in configuration order.
    pub neighbors: Vec<BgpNeighbor>,
}

/// A BGP neighbor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpNeighbor {
    /// Its address.
    pub address: Ipv4Addr,
    /// `remote-as`.
    pub remote_as: String,
    /// `description`.
    pub description: Option<String>,
    /// `shutdown`.
    pub shutdown: bool,
    /// Active in IPv4 unicast.
    pub ipv4_unicast: bool,
    /// The VRF of a neighbor configured under `address-family ipv4 vrf V`.
    pub vrf: Option<String>,
    /// `Idle` or `Active`: Active when a connected route reaches it (the
    /// device keeps trying to open the session), Idle otherwise.
    pub state: &'static str,
}

/// The router ID IOS picks without `bgp router-id`: the highest loopback
/// address, else the highest address of an interface that is up.
pub fn router_id(interfaces: &[Interface]) -> Ipv4Addr {
    let addresses = |loopback: bool| {
        interfaces
            .iter()
            .filter(|i| !i.shutdown && i.name.starts_with("Loopback") == loopback)
            .filter_map(|i| match &i.address {
                Address::Static { address, .. } => address.parse::<Ipv4Addr>().ok(),
                _ => None,
            })
            .max()
    };
    addresses(true)
        .or_else(|| addresses(false))
        .unwrap_or(Ipv4Addr::UNSPECIFIED)
}

/// True when an up interface's subnet holds `a` (a connected route).
fn connected(interfaces: &[Interface], vrf: Option<&str>, a: Ipv4Addr) -> bool {
    interfaces
        .iter()
        .filter(|i| !i.shutdown && i.vrf.as_deref() == vrf)
        .any(|i| match &i.address {
            Address::Static { address, mask } => {
                let (Ok(ad), Ok(m)) = (address.parse::<Ipv4Addr>(), mask.parse::<Ipv4Addr>())
                else {
                    return false;
                };
                let m = u32::from(m);
                u32::from(ad) & m == u32::from(a) & m
            }
            _ => false,
        })
}

/// The BGP process of `cfg`, if any.
pub fn bgp(cfg: &Config, interfaces: &[Interface]) -> Option<Bgp> {
    let (header, body) = sections(cfg, "router bgp ").next()?;
    let asn = header["router bgp ".len()..].trim().to_owned();
    let mut configured_id = None;
    let mut default_ipv4 = true;
    let mut neighbors: Vec<BgpNeighbor> = Vec::new();
    let mut activated: Vec<Ipv4Addr> = Vec::new();
    let mut af: Option<(String, Option<String>)> = None;
    for (depth, text) in body {
        let w: Vec<&str> = text.split(' ').collect();
        if depth == 0 {
            af = None;
        }
        match (depth, w.as_slice()) {
            (0, ["bgp", "router-id", id]) => configured_id = id.parse().ok(),
            (0, ["no", "bgp", "default", "ipv4-unicast"]) => default_ipv4 = false,
            (0, ["address-family", family, rest @ ..]) => {
                let vrf = rest
                    .iter()
                    .position(|t| *t == "vrf")
                    .and_then(|p| rest.get(p + 1))
                    .map(|v| (*v).to_owned());
                let safi = rest
                    .first()
                    .filter(|t| **t != "vrf")
                    .copied()
                    .unwrap_or("unicast");
                af = Some((format!("{family} {safi}"), vrf));
            }
            (_, ["neighbor", addr, "remote-as", asn]) => {
                let Ok(address) = addr.parse() else { continue };
                let vrf = af.as_ref().and_then(|(_, v)| v.clone());
                neighbors.push(BgpNeighbor {
                    address,
                    remote_as: (*asn).to_owned(),
                    description: None,
                    shutdown: false,
                    ipv4_unicast: false,
                    vrf,
                    state: "Idle",
                });
            }
            (_, ["neighbor", addr, "description", ..]) => {
                if let Some(n) = neighbors.iter_mut().find(|n| addr.parse() == Ok(n.address)) {
                    let d = text.splitn(4, ' ').nth(3).unwrap_or("");
                    n.description = Some(d.to_owned());
                }
            }
            (_, ["neighbor", addr, "shutdown"]) => {
                if let Some(n) = neighbors.iter_mut().find(|n| addr.parse() == Ok(n.address)) {
                    n.shutdown = true;
                }
            }
            (1, ["neighbor", addr, "activate"]) => {
                if af
                    .as_ref()
                    .is_some_and(|(f, v)| f == "ipv4 unicast" && v.is_none())
                    && let Ok(a) = addr.parse()
                {
                    activated.push(a);
                }
            }
            _ => {}
        }
    }
    for n in &mut neighbors {
        n.ipv4_unicast = n.vrf.is_none() && (default_ipv4 || activated.contains(&n.address));
        n.state = if connected(interfaces, n.vrf.as_deref(), n.address) {
            "Active"
        } else {
            "Idle"
        };
    }
    Some(Bgp {
        asn,
        router_id: configured_id.unwrap_or_else(|| router_id(interfaces)),
        neighbors,
    })
}

impl BgpNeighbor {
    /// The state column of `show ip bgp summary`.
    fn summary_state(&self) -> &'static str {
        if self.shutdown {
            "Idle (Admin)"
        } else {
            self.state
        }
    }
}

/// `show ip bgp summary` (IPv4 unicast, global table).
pub fn show_bgp_summary(bgp: &Bgp, family_line: bool) -> String {
    let mut out = String::new();
    if family_line {
        out.push_str("For address family: IPv4 Unicast\n");
    }
    let _ = write!(
        out,
        "BGP router identifier {}, local AS number {}\nBGP table version is 1, main routing table version 1\n\n",
        bgp.router_id, bgp.asn
    );
    let neighbors: Vec<&BgpNeighbor> = bgp.neighbors.iter().filter(|n| n.ipv4_unicast).collect();
    if neighbors.is_empty() {
        return out;
    }
    out.push_str(
        "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n",
    );
    for n in neighbors {
        let _ = writeln!(
            out,
            "{:<16}4 {:>12} {:>7} {:>7} {:>8} {:>4} {:>4} {:<8} {}",
            n.address.to_string(),
            n.remote_as,
            0,
            0,
            1,
            0,
            0,
            "never",
            n.summary_state()
        );
    }
    out
}

/// `show ip bgp neighbors [A]` (IPv4 unicast, global table); `None` when
/// `only` is not a neighbor.
pub fn show_bgp_neighbors(bgp: &Bgp, only: Option<Ipv4Addr>) -> Option<String> {
    let mut out = String::new();
    let mut found = false;
    for n in bgp
        .neighbors
        .iter()
        .filter(|n| n.ipv4_unicast && only.is_none_or(|a| a == n.address))
    {
        found = true;
        let link = if n.remote_as == bgp.asn {
            "internal"
        } else {
            "external"
        };
        let _ = writeln!(
            out,
            "BGP neighbor is {},  remote AS {}, {link} link",
            n.address, n.remote_as
        );
        if let Some(d) = &n.description {
            let _ = writeln!(out, " Description: {d}");
        }
        let _ = writeln!(out, "  BGP version 4, remote router ID 0.0.0.0");
        if n.shutdown {
            out.push_str("  BGP state = Idle, down for never\n  Administratively shut down\n");
        } else {
            let _ = writeln!(out, "  BGP state = {}, down for never", n.state);
        }
        let _ = write!(
            out,
            "  Neighbor sessions:\n    0 active, is not multisession capable (disabled)\n  Stateful switchover support enabled: NO\n  Default minimum time between advertisement runs is {} seconds\n\n For address family: IPv4 Unicast\n  BGP table version 1, neighbor version 0/0\n  Output queue size : 0\n  Index 0, Advertise bit 0\n  Slow-peer detection is disabled\n  Slow-peer split-update-group dynamic is disabled\n                                 Sent       Rcvd\n  Prefix activity:               ----       ----\n    Prefixes Current:               0          0\n    Prefixes Total:                 0          0\n    Implicit Withdraw:              0          0\n    Explicit Withdraw:              0          0\n    Used as bestpath:             n/a          0\n    Used as multipath:            n/a          0\n    Used as secondary:            n/a          0\n\n                                   Outbound    Inbound\n  Local Policy Denied Prefixes:    --------    -------\n    Total:                                0          0\n  Number of NLRIs in the update sent: max 0, min 0\n  Last detected as dynamic slow peer: never\n  Dynamic slow peer recovered: never\n  Refresh Epoch: 1\n  Last Sent Refresh Start-of-rib: never\n  Last Sent Refresh End-of-rib: never\n  Last Received Refresh Start-of-rib: never\n  Last Received Refresh End-of-rib: never\n\t\t\t\t       Sent\t  Rcvd\n\tRefresh activity:\t       ----\t  ----\n\t  Refresh Start-of-RIB          0          0\n\t  Refresh End-of-RIB            0          0\n\n  Address tracking is enabled, the RIB does {}have a route to {}\n  Route to peer address reachability Up: 0; Down: 0\n    Last notification 0.000000\n  Connections established 0; dropped 0\n  Last reset never\n",
            if link == "internal" { 0 } else { 30 },
            if n.state == "Active" { "" } else { "not " },
            n.address
        );
        if link == "external" {
            out.push_str("  External BGP neighbor may be up to 1 hop away.\n");
        }
        out.push_str("  No active TCP connection\n\n");
    }
    (found || only.is_none()).then_some(out)
}

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

// ---- LLDP and CDP ----

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

/// The software line neighbors describe themselves with.
/// The software banner: `show version`'s, and a neighbor's in LLDP's
/// system description and CDP's version.
pub(crate) const SOFTWARE: &str = "Cisco IOS Software [Gibraltar], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.4, RELEASE SOFTWARE (fc5)\n\
    Technical Support: http://www.cisco.com/techsupport\n\
    Copyright (c) 1986-2020 by Cisco Systems, Inc.\n\
    Compiled Thu 09-Jul-20 21:49 by mcpre\n";

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

impl crate::Device {
    /// What LLDP and CDP hear on this device's interfaces (a fleet's links
    /// between devices, or an embedder's): shown by `show lldp neighbors`
    /// and `show cdp neighbors` while those run.
    pub fn set_neighbors(&self, neighbors: Vec<Neighbor>) {
        *self
            .shared
            .neighbors
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(std::sync::Arc::new(neighbors));
    }

    /// What LLDP and CDP hear.
    pub fn neighbors(&self) -> std::sync::Arc<Vec<Neighbor>> {
        self.shared
            .neighbors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default()
    }
}

/// True unless `no cdp run` (CDP runs by default).
pub fn cdp_enabled(cfg: &Config) -> bool {
    lines_with(cfg, "no cdp run").is_empty()
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
