//! `show ip route [vrf V] [A [M]]` and the BGP show commands, from the
//! configuration (`crate::routes`, `crate::features`).

use std::net::Ipv4Addr;

use ironconf_ios::parse::ParseError;

use super::{ExecOutput, Invocation, parse_error};
use crate::features::{Bgp, bgp, show_bgp_neighbors, show_bgp_summary, vrfs};
use crate::routes::{routes_in, show_ip_route as render, show_route_entry};

/// `show ip route [vrf V] [A [M]]`.
pub(super) fn show_ip_route(i: &Invocation<'_>) -> ExecOutput {
    let (vrf, rest) = match i.args {
        ["vrf", v, rest @ ..] => (Some(*v), rest),
        rest => (None, rest),
    };
    let Some(routes) = i.device.view(|view| {
        let ifs = view.interfaces();
        match vrf {
            Some(v) if !vrfs(view.running(), &ifs).iter().any(|x| x.name == v) => None,
            _ => Some(routes_in(view.running(), &ifs, vrf)),
        }
    }) else {
        return ExecOutput::error(format!(
            "% IP routing table {} does not exist\n",
            vrf.unwrap_or_default()
        ));
    };
    let head = vrf.map_or_else(String::new, |v| format!("\nRouting Table: {v}\n"));
    let addr = |t: &&str| t.parse::<Ipv4Addr>().ok();
    let text = match rest {
        [] => render(&routes),
        ["summary"] => {
            let bgp_as = i.device.view(|v| {
                let ifs = v.interfaces();
                bgp(v.running(), &ifs).map(|b| b.asn)
            });
            ironconf_model::routes::show_ip_route_summary(&routes, bgp_as.as_deref())
        }
        // One source's routes, under the same legend.
        ["static"] | ["connected"] => {
            let only: Vec<_> = routes
                .into_iter()
                .filter(|r| match rest {
                    ["static"] => r.code.starts_with('S'),
                    _ => matches!(r.code, "C" | "L"),
                })
                .collect();
            render(&only)
        }
        [a] => show_route_entry(&routes, addr(a).unwrap_or(Ipv4Addr::UNSPECIFIED), None),
        [a, m, ..] => show_route_entry(&routes, addr(a).unwrap_or(Ipv4Addr::UNSPECIFIED), addr(m)),
    };
    if text.starts_with('%') {
        return ExecOutput::error(text);
    }
    ExecOutput::ok(format!("{head}{text}"))
}

/// The BGP process, or IOS's answer when there is none.
fn process(i: &Invocation<'_>) -> Result<Bgp, ExecOutput> {
    i.device
        .view(|v| {
            let ifs = v.interfaces();
            bgp(v.running(), &ifs)
        })
        .ok_or_else(|| ExecOutput::error("% BGP not active\n".into()))
}

fn neighbors(b: &Bgp, only: Option<&str>) -> ExecOutput {
    let only = only.and_then(|a| a.parse::<Ipv4Addr>().ok());
    match show_bgp_neighbors(b, only) {
        Some(text) => ExecOutput::ok(text),
        None => ExecOutput::error("% No such neighbor or address family\n".into()),
    }
}

/// `show ip bgp summary`, `show ip bgp neighbors [A]`, and the address
/// families' forms `show bgp` has (`show ip bgp all summary`, `show ip bgp
/// ipv4 unicast neighbors A`: what NAPALM reads).
pub(super) fn show_ip_bgp(i: &Invocation<'_>) -> ExecOutput {
    let b = match process(i) {
        Ok(b) => b,
        Err(out) => return out,
    };
    match i.args {
        ["summary"] => ExecOutput::ok(show_bgp_summary(&b, false)),
        ["neighbors", rest @ ..] => neighbors(&b, rest.first().copied()),
        [] => parse_error(i.command, &ParseError::Incomplete),
        _ => per_family(i, &b),
    }
}

/// `show bgp AFI SAFI …`: IPv4 unicast holds the neighbors; the other
/// address families have none.
pub(super) fn show_bgp(i: &Invocation<'_>) -> ExecOutput {
    let b = match process(i) {
        Ok(b) => b,
        Err(out) => return out,
    };
    per_family(i, &b)
}

/// The address families' forms: IPv4 unicast holds the neighbors; the
/// other families have none.
fn per_family(i: &Invocation<'_>, b: &Bgp) -> ExecOutput {
    match i.args {
        ["all", "summary"] => ExecOutput::ok(show_bgp_summary(b, true)),
        ["ipv4", "unicast", "summary"] => ExecOutput::ok(show_bgp_summary(b, false)),
        ["ipv4", "unicast", "neighbors", rest @ ..] => neighbors(b, rest.first().copied()),
        _ => ExecOutput::ok(String::new()),
    }
}

/// `show ipv6 route`.
pub(super) fn show_ipv6_route(i: &Invocation<'_>) -> ExecOutput {
    let routes = ironconf_model::routes6::ipv6_routes(&i.device.interface_table());
    ExecOutput::ok(ironconf_model::routes6::show_ipv6_route(&routes))
}

/// `show ipv6 neighbors`.
pub(super) fn show_ipv6_neighbors(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(ironconf_model::routes6::show_ipv6_neighbors())
}

/// `show standby [brief]`: the HSRP groups of the configuration.
pub(super) fn show_standby(i: &Invocation<'_>) -> ExecOutput {
    use ironconf_model::standby;
    let groups = i.device.view(|v| standby::groups(v.running()));
    if i.arg() == Some("brief") {
        return ExecOutput::ok(standby::show_standby_brief(&groups));
    }
    let secs = i.device.uptime().as_secs();
    let since = super::hms(secs);
    ExecOutput::ok(standby::show_standby(&groups, &since))
}
