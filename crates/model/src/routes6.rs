//! The IPv6 routing table, as `show ipv6 route` prints it: the connected
//! and local routes of the interfaces up with IPv6 addresses, and the
//! multicast range IOS always holds.

use std::fmt::Write as _;
use std::net::Ipv6Addr;
use std::sync::Arc;

use crate::interfaces::Interface;

/// One IPv6 route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route6 {
    /// `C` (connected), `L` (local) or `LC` (a host address: both).
    pub code: &'static str,
    /// The prefix.
    pub network: Ipv6Addr,
    /// Its length.
    pub prefix: u8,
    /// The outgoing interface (`Null0` for the multicast range).
    pub interface: Arc<str>,
}

/// The routes of the global table, given its interfaces, in address order
/// as IOS lists them.
pub fn ipv6_routes(interfaces: &[Interface]) -> Vec<Route6> {
    let mut out = Vec::new();
    for i in interfaces.iter().filter(|i| !i.shutdown && i.vrf.is_none()) {
        let name: Arc<str> = i.name.as_str().into();
        for configured in &i.ipv6 {
            // `2001:DB8::1/64`; `… link-local` and `… eui-64` make no
            // prefix of their own here.
            let mut words = configured.split(' ');
            let Some((addr, len)) = words.next().and_then(|a| a.split_once('/')) else {
                continue;
            };
            if words.next().is_some() {
                continue;
            }
            let (Ok(addr), Ok(len)) = (addr.parse::<Ipv6Addr>(), len.parse::<u8>()) else {
                continue;
            };
            if len > 128 {
                continue;
            }
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            out.push(Route6 {
                code: "C",
                network: Ipv6Addr::from(u128::from(addr) & mask),
                prefix: len,
                interface: name.clone(),
            });
            // A host address is its own prefix: local and connected.
            if len == 128 {
                if let Some(last) = out.last_mut() {
                    last.code = "LC";
                }
            } else {
                out.push(Route6 {
                    code: "L",
                    network: addr,
                    prefix: 128,
                    interface: name.clone(),
                });
            }
        }
    }
    out.push(Route6 {
        code: "L",
        network: Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0),
        prefix: 8,
        interface: "Null0".into(),
    });
    out.sort_by_key(|r| (u128::from(r.network), r.prefix));
    out.dedup();
    out
}

const CODES: &str = "Codes: C - Connected, L - Local, S - Static, U - Per-user Static route
       B - BGP, R - RIP, H - NHRP, HG - NHRP registered
       Hg - NHRP registration summary, HE - NHRP External, I1 - ISIS L1
       I2 - ISIS L2, IA - ISIS interarea, IS - ISIS summary, D - EIGRP
       EX - EIGRP external, ND - ND Default, NDp - ND Prefix, DCE - Destination
       NDr - Redirect, RL - RPL, O - OSPF Intra, OI - OSPF Inter
       OE1 - OSPF ext 1, OE2 - OSPF ext 2, ON1 - OSPF NSSA ext 1
       ON2 - OSPF NSSA ext 2, la - LISP alt, lr - LISP site-registrations
       ld - LISP dyn-eid, lA - LISP away, le - LISP extranet-policy
       lp - LISP publications, a - Application, m - OMP
";

/// `show ipv6 route`.
pub fn show_ipv6_route(routes: &[Route6]) -> String {
    let mut out = format!("IPv6 Routing Table - default - {} entries\n", routes.len());
    out.push_str(CODES);
    for r in routes {
        let network = r.network.to_string().to_ascii_uppercase();
        let _ = writeln!(out, "{:<4}{network}/{} [0/0]", r.code, r.prefix);
        let how = if r.code == "C" {
            "directly connected"
        } else {
            "receive"
        };
        let _ = writeln!(out, "     via {}, {how}", r.interface);
    }
    out
}

/// `show ipv6 neighbors`: the neighbour cache. A device without a data
/// plane hears no neighbour, so it holds none.
pub fn show_ipv6_neighbors() -> String {
    "IPv6 Address                              Age Link-layer Addr State Interface\n".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_ios::apply::load;
    use ironconf_ios::catalogue::Catalogue;

    #[test]
    fn connected_and_local_routes_of_the_interfaces_up() {
        let cat = Catalogue::builtin();
        let (cfg, unknown) = load(
            &cat,
            "interface GigabitEthernet1\n ipv6 address 2001:db8::1/64\n\
             interface GigabitEthernet2\n shutdown\n ipv6 address 2001:db8:2::1/64\n\
             interface Loopback0\n ipv6 address 2001:db8:ff::1/128\n",
        );
        assert!(unknown.is_empty(), "{unknown:?}");
        let routes = ipv6_routes(&crate::interfaces::interfaces(&cfg));
        let text = show_ipv6_route(&routes);
        assert!(
            text.starts_with("IPv6 Routing Table - default - 4 entries\n"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "C   2001:DB8::/64 [0/0]\n     via GigabitEthernet1, directly connected\n\
                 L   2001:DB8::1/128 [0/0]\n     via GigabitEthernet1, receive\n\
                 LC  2001:DB8:FF::1/128 [0/0]\n     via Loopback0, receive\n\
                 L   FF00::/8 [0/0]\n     via Null0, receive\n"
            ),
            "{text}"
        );
    }
}
