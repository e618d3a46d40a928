//! The routing table `show ip route` prints, derived from the
//! configuration: connected (and local) routes of the interfaces that are
//! up with an address, and the static routes (`ip route`, global table).
//! No routing protocol runs on the emulated device.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ironconf_ios::config::{Config, Item};

use crate::interfaces::{Address, Interface};

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `C`, `L` or `S` (`S*` for a static default).
    pub code: &'static str,
    /// The network.
    pub network: Ipv4Addr,
    /// Its prefix length.
    pub prefix: u32,
    /// The next hop of a static route.
    pub next_hop: Option<Ipv4Addr>,
    /// The outgoing interface, when known (shared with the interface
    /// table: a large table holds no copy of each name).
    pub interface: Option<std::sync::Arc<str>>,
    /// Administrative distance.
    pub distance: u8,
}

fn mask_len(mask: Ipv4Addr) -> Option<u32> {
    let m = u32::from(mask);
    (m.leading_ones() + m.trailing_zeros() == 32).then_some(m.leading_ones())
}

fn network(address: Ipv4Addr, prefix: u32) -> Ipv4Addr {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    Ipv4Addr::from(u32::from(address) & mask)
}

impl Route {
    /// Where it goes, as `show ip route` writes it: `is directly
    /// connected, IF` or `[1/0] via A.B.C.D[, IF]`.
    pub fn write_target(&self, out: &mut String) {
        match (&self.next_hop, &self.interface) {
            (Some(nh), Some(i)) => {
                let _ = write!(out, "[{}/0] via {nh}, {i}", self.distance);
            }
            (Some(nh), None) => {
                let _ = write!(out, "[{}/0] via {nh}", self.distance);
            }
            (None, Some(i)) => {
                out.push_str("is directly connected, ");
                out.push_str(i);
            }
            (None, None) => out.push_str("is directly connected, Null0"),
        }
    }
}

/// The routes of `running`'s global table, given its interfaces.
pub fn routes(running: &Config, interfaces: &[Interface]) -> Vec<Route> {
    routes_in(running, interfaces, None)
}

/// The routes of one table: the global one (`vrf` `None`) or a VRF's.
pub fn routes_in(running: &Config, interfaces: &[Interface], vrf: Option<&str>) -> Vec<Route> {
    let mut out = Vec::new();
    for i in interfaces
        .iter()
        .filter(|i| !i.shutdown && i.vrf.as_deref() == vrf)
    {
        let Address::Static { address, mask } = &i.address else {
            continue;
        };
        let (Ok(a), Ok(m)) = (address.parse::<Ipv4Addr>(), mask.parse::<Ipv4Addr>()) else {
            continue;
        };
        let Some(prefix) = mask_len(m) else { continue };
        let name: std::sync::Arc<str> = i.name.as_str().into();
        out.push(Route {
            code: "C",
            network: network(a, prefix),
            prefix,
            next_hop: None,
            interface: Some(name.clone()),
            distance: 0,
        });
        if prefix < 32 {
            out.push(Route {
                code: "L",
                network: a,
                prefix: 32,
                next_hop: None,
                interface: Some(name),
                distance: 0,
            });
        }
    }
    for item in running.items() {
        let Item::List { group, body, .. } = item else {
            continue;
        };
        if &**group != "ip route" {
            continue;
        }
        for line in body.lines() {
            let w: Vec<&str> = line.text.split(' ').collect();
            // ip route [vrf V] A M (NEXT-HOP | IF [NEXT-HOP]) [DISTANCE] …
            let (table, w) = match w.as_slice() {
                ["ip", "route", "vrf", v, rest @ ..] => (Some(*v), rest),
                ["ip", "route", rest @ ..] => (None, rest),
                _ => continue,
            };
            if table != vrf {
                continue;
            }
            let [a, m, via, rest @ ..] = w else {
                continue;
            };
            let (Ok(a), Ok(m)) = (a.parse::<Ipv4Addr>(), m.parse::<Ipv4Addr>()) else {
                continue;
            };
            let Some(prefix) = mask_len(m) else { continue };
            let distance = rest.iter().find_map(|t| t.parse::<u8>().ok()).unwrap_or(1);
            let (next_hop, interface) = match via.parse::<Ipv4Addr>() {
                Ok(nh) => (Some(nh), None),
                Err(_) => (
                    rest.first().and_then(|t| t.parse::<Ipv4Addr>().ok()),
                    Some((*via).into()),
                ),
            };
            out.push(Route {
                code: if prefix == 0 { "S*" } else { "S" },
                network: network(a, prefix),
                prefix,
                next_hop,
                interface,
                distance,
            });
        }
    }
    out.sort_by_key(|r| (u32::from(r.network), r.prefix));
    out
}

/// The classful network an address belongs to, and its prefix.
fn classful(a: Ipv4Addr) -> (Ipv4Addr, u32) {
    let first = a.octets()[0];
    let prefix = match first {
        0..=127 => 8,
        128..=191 => 16,
        _ => 24,
    };
    (network(a, prefix), prefix)
}

const CODES: &str = "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area 
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2, m - OMP
       n - NAT, Ni - NAT inside, No - NAT outside, Nd - NAT DIA
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       H - NHRP, G - NHRP registered, g - NHRP registration summary
       o - ODR, P - periodic downloaded static route, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR
       & - replicated local route overrides by connected
";

/// One route line: its code padded to `width`, the network (with its
/// length unless the group header gave it), where it goes.
fn line(out: &mut String, r: &Route, width: usize, with_length: bool) {
    out.push_str(r.code);
    for _ in r.code.len()..width {
        out.push(' ');
    }
    let _ = write!(out, "{}", r.network);
    if with_length {
        let _ = write!(out, "/{}", r.prefix);
    }
    out.push(' ');
    r.write_target(out);
    out.push('\n');
}

/// `show ip route`: IOS's codes, the gateway of last resort, and the
/// routes grouped under their classful network.
pub fn show_ip_route(routes: &[Route]) -> String {
    let mut out = String::with_capacity(routes.len() * 72 + CODES.len() + 128);
    out.push_str(CODES);
    out.push('\n');
    match routes.iter().find(|r| r.prefix == 0) {
        Some(d) => {
            let gw = d.next_hop.unwrap_or(Ipv4Addr::UNSPECIFIED);
            let _ = writeln!(out, "Gateway of last resort is {gw} to network 0.0.0.0");
        }
        None => out.push_str("Gateway of last resort is not set\n"),
    }
    out.push('\n');
    let mut i = 0;
    while i < routes.len() {
        let r = &routes[i];
        if r.prefix == 0 {
            line(&mut out, r, 6, true);
            i += 1;
            continue;
        }
        let (major, major_prefix) = classful(r.network);
        let group: Vec<&Route> = routes[i..]
            .iter()
            .take_while(|x| x.prefix >= major_prefix && classful(x.network).0 == major)
            .collect();
        let mut masks: Vec<u32> = group.iter().map(|x| x.prefix).collect();
        masks.sort_unstable();
        masks.dedup();
        if group.len() == 1 && group[0].prefix == major_prefix {
            line(&mut out, r, 6, true);
        } else {
            // IOS writes "1 subnets"; under a single mask the members
            // go without their length.
            let single = masks.len() == 1;
            if single {
                let _ = writeln!(
                    out,
                    "      {major}/{} is subnetted, {} subnets",
                    masks[0],
                    group.len()
                );
            } else {
                let _ = writeln!(
                    out,
                    "      {major}/{major_prefix} is variably subnetted, {} subnets, {} masks",
                    group.len(),
                    masks.len()
                );
            }
            for x in &group {
                line(&mut out, x, 9, !single);
            }
        }
        i += group.len().max(1);
    }
    out
}

/// What each route of the table costs IOS's RIB (bytes): its overhead
/// and its memory, and the internal descriptors' (a fixed part and one per
/// major network holding subnets), as IOS XE's `show ip route summary`
/// reports them.
const SUMMARY_OVERHEAD: u64 = 112;
const SUMMARY_MEMORY: u64 = 312;
const SUMMARY_INTERNAL: (u64, u64) = (1320, 112);

/// `show ip route summary`: per source (`bgp AS` when BGP is configured,
/// with no route learned), the routes at or above their classful mask
/// (networks) and below it (subnets), and the major networks that hold
/// subnets (internal).
pub fn show_ip_route_summary(routes: &[Route], bgp_as: Option<&str>) -> String {
    let mut out = String::from(
        "IP routing table name is default (0x0)\nIP routing table maximum-paths is 32\nRoute Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)\n",
    );
    let count = |code: &dyn Fn(&str) -> bool| {
        let (mut networks, mut subnets) = (0u64, 0u64);
        for r in routes.iter().filter(|r| code(r.code)) {
            if r.prefix > classful(r.network).1 {
                subnets += 1;
            } else {
                networks += 1;
            }
        }
        (networks, subnets)
    };
    let mut rows: Vec<(String, u64, u64)> = vec![
        ("application".into(), 0, 0),
        {
            let (n, s) = count(&|c| c == "C" || c == "L");
            ("connected".into(), n, s)
        },
        {
            let (n, s) = count(&|c| c.starts_with('S'));
            ("static".into(), n, s)
        },
    ];
    if let Some(asn) = bgp_as {
        rows.push((format!("bgp {asn}"), 0, 0));
    }
    let (mut total_n, mut total_s, mut total_o, mut total_m) = (0, 0, 0, 0);
    for (name, n, sub) in &rows {
        let (o, m) = ((n + sub) * SUMMARY_OVERHEAD, (n + sub) * SUMMARY_MEMORY);
        let _ = writeln!(out, "{name:<16}{n:<12}{sub:<12}{:<12}{o:<12}{m}", 0);
        if name.starts_with("bgp ") {
            out.push_str("  External: 0 Internal: 0 Local: 0\n");
        }
        (total_n, total_s, total_o, total_m) =
            (total_n + n, total_s + sub, total_o + o, total_m + m);
    }
    let mut majors: Vec<Ipv4Addr> = routes
        .iter()
        .filter(|r| r.prefix > classful(r.network).1)
        .map(|r| classful(r.network).0)
        .collect();
    majors.sort_unstable();
    majors.dedup();
    let internal = majors.len() as u64;
    let memory = if internal == 0 {
        0
    } else {
        SUMMARY_INTERNAL.0 + SUMMARY_INTERNAL.1 * internal
    };
    let _ = writeln!(out, "{:<16}{internal:<12}{:36}{memory}", "internal", "");
    let _ = writeln!(
        out,
        "{:<16}{:<12}{total_s:<12}{:<12}{total_o:<12}{}",
        "Total",
        total_n + internal,
        0,
        total_m + memory
    );
    out
}

/// `show ip route [vrf V] A [M]`: the entry for `A` (the longest match)
/// or, with `M`, for exactly `A/M`. IOS's messages when none matches.
pub fn show_route_entry(routes: &[Route], address: Ipv4Addr, mask: Option<Ipv4Addr>) -> String {
    let found = match mask {
        Some(m) => {
            let Some(prefix) = mask_len(m) else {
                return "% Subnet not in table\n".into();
            };
            routes
                .iter()
                .filter(|r| r.prefix == prefix && r.network == network(address, prefix))
                .collect::<Vec<_>>()
        }
        None => {
            let best = routes
                .iter()
                .filter(|r| network(address, r.prefix) == r.network)
                .map(|r| r.prefix)
                .max();
            routes
                .iter()
                .filter(|r| Some(r.prefix) == best && network(address, r.prefix) == r.network)
                .collect()
        }
    };
    let Some(first) = found.first() else {
        return if mask.is_some() {
            "% Subnet not in table\n".into()
        } else {
            "% Network not in table\n".into()
        };
    };
    let connected = matches!(first.code, "C" | "L");
    let mut out = format!(
        "Routing entry for {}/{}{}\n",
        first.network,
        first.prefix,
        if first.prefix == 0 { ", supernet" } else { "" }
    );
    if connected {
        out.push_str(
            "  Known via \"connected\", distance 0, metric 0 (connected, via interface)\n",
        );
    } else {
        let _ = writeln!(
            out,
            "  Known via \"static\", distance {}, metric 0{}",
            first.distance,
            if first.prefix == 0 {
                ", candidate default path"
            } else {
                ""
            }
        );
    }
    out.push_str("  Routing Descriptor Blocks:\n");
    for r in &found {
        match (&r.next_hop, &r.interface) {
            (Some(nh), Some(i)) => {
                let _ = writeln!(out, "  * {nh}, via {i}");
            }
            (Some(nh), None) => {
                let _ = writeln!(out, "  * {nh}");
            }
            (None, Some(i)) => {
                let _ = writeln!(out, "  * directly connected, via {i}");
            }
            (None, None) => {}
        }
        out.push_str("      Route metric is 0, traffic share count is 1\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_ios::apply::load;
    use ironconf_ios::catalogue::Catalogue;

    #[test]
    fn connected_local_and_static_routes_as_ios_groups_them() {
        let cat = Catalogue::builtin();
        let cfg = load(
            &cat,
            "interface GigabitEthernet1\n ip address 10.0.0.1 255.255.255.0\ninterface Loopback0\n ip address 10.255.0.1 255.255.255.255\ninterface GigabitEthernet2\n ip address 192.168.5.1 255.255.255.0\n shutdown\nip route 0.0.0.0 0.0.0.0 10.0.0.254\nip route 172.16.0.0 255.255.0.0 10.0.0.253 5\n",
        )
        .0;
        let text = show_ip_route(&routes(&cfg, &crate::interfaces::interfaces(&cfg)));
        let tail = text
            .split("& - replicated local route overrides by connected\n")
            .nth(1);
        assert_eq!(
            tail,
            Some(
                "\nGateway of last resort is 10.0.0.254 to network 0.0.0.0\n\n\
S*    0.0.0.0/0 [1/0] via 10.0.0.254\n      10.0.0.0/8 is variably subnetted, 3 subnets, 2 masks\n\
C        10.0.0.0/24 is directly connected, GigabitEthernet1\n\
L        10.0.0.1/32 is directly connected, GigabitEthernet1\n\
C        10.255.0.1/32 is directly connected, Loopback0\n\
S     172.16.0.0/16 [5/0] via 10.0.0.253\n"
            )
        );
    }

    #[test]
    fn a_summary_counts_networks_subnets_and_majors() {
        let cat = Catalogue::builtin();
        let (cfg, _) = load(
            &cat,
            "interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n\
             interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n\
             ip route 0.0.0.0 0.0.0.0 192.0.2.254\nip route 172.20.0.0 255.255.0.0 192.0.2.253\n",
        );
        let table = routes(&cfg, &crate::interfaces::interfaces(&cfg));
        let text = show_ip_route_summary(&table, Some("65001"));
        assert_eq!(
            text,
            "IP routing table name is default (0x0)\nIP routing table maximum-paths is 32\n\
             Route Source    Networks    Subnets     Replicates  Overhead    Memory (bytes)\n\
             application     0           0           0           0           0\n\
             connected       1           2           0           336         936\n\
             static          2           0           0           224         624\n\
             bgp 65001       0           0           0           0           0\n\
             \x20 External: 0 Internal: 0 Local: 0\n\
             internal        2                                               1544\n\
             Total           5           2           0           560         3104\n"
        );
    }
}
