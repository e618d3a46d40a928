//! BGP as `show ip bgp summary` and `show ip bgp neighbors` print it, read
//! from `router bgp`. The emulated device has no peers: neighbors stay
//! Idle or Active.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ironconf_ios::config::Config;

use crate::interfaces::{Address, Interface};
use crate::sections;

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
