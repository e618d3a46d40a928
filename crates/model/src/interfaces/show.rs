//! The interface show commands' text: `show interfaces` (a part at a time),
//! `show ip interface`, `show arp`, IPv6, status and descriptions.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use super::*;

/// Bytes in a part of a long listing: each part is sent before the next
/// is written.
pub(crate) const PART: usize = 64 * 1024;

/// Which listing: one entry per interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    /// `show interfaces`.
    Interfaces,
    /// `show ip interface`.
    IpInterface,
}

/// Every interface's entry of a listing, written a part of about
/// [`PART`] bytes at a time (an iterator of parts, each ending at the end
/// of an entry).
#[derive(Debug)]
pub struct Listing {
    list: Arc<Vec<Interface>>,
    at: usize,
    kind: ListingKind,
    /// The address each unnumbered interface borrows, by position.
    unnumbered: HashMap<usize, String>,
}

impl Listing {
    /// The listing of every interface in `list`.
    pub fn new(list: Arc<Vec<Interface>>, kind: ListingKind) -> Listing {
        let all = by_name(&list);
        let unnumbered = list
            .iter()
            .enumerate()
            .filter(|(_, i)| matches!(i.address, Address::Unnumbered(_)))
            .map(|(n, i)| (n, i.brief_address(&all)))
            .collect();
        drop(all);
        Listing {
            list,
            at: 0,
            kind,
            unnumbered,
        }
    }
}

impl Iterator for Listing {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.at >= self.list.len() {
            return None;
        }
        // An entry is at most a few kB: the part never grows past this.
        let mut out = String::with_capacity(PART + 8 * 1024);
        while out.len() < PART
            && let Some(i) = self.list.get(self.at)
        {
            let borrowed = self.unnumbered.get(&self.at).map_or("", String::as_str);
            match self.kind {
                ListingKind::Interfaces => describe(&mut out, i, borrowed),
                ListingKind::IpInterface => ip_entry(&mut out, i, borrowed),
            }
            self.at += 1;
        }
        Some(out)
    }
}

/// One interface's entry of `kind`; `None` when `name` is not an
/// interface.
pub fn listing_entry(running: &[Interface], name: &str, kind: ListingKind) -> Option<String> {
    let i = running.iter().find(|i| i.name == name)?;
    let borrowed = i.brief_address(&by_name(running));
    let mut out = String::with_capacity(2048);
    match kind {
        ListingKind::Interfaces => describe(&mut out, i, &borrowed),
        ListingKind::IpInterface => ip_entry(&mut out, i, &borrowed),
    }
    Some(out)
}

/// An interface's entry in `show interfaces`; `borrowed`: the address an
/// unnumbered interface uses.
fn describe(out: &mut String, i: &Interface, borrowed: &str) {
    let (status, protocol) = i.status();
    let (bw, hw, mtu, delay, encapsulation) = hardware(&i.name);
    let bw = i.bandwidth.unwrap_or(bw);
    push_all(
        out,
        &[
            &i.name,
            " is ",
            status,
            ", line protocol is ",
            protocol,
            " \n  Hardware is ",
            hw,
        ],
    );
    if !matches!(kind(&i.name), "Loopback" | "Tunnel" | "Null") {
        out.push_str(", address is ");
        push_mac(out, &i.name);
        out.push_str(" (bia ");
        push_mac(out, &i.name);
        out.push(')');
    }
    out.push('\n');
    if let Some(d) = &i.description {
        push_all(out, &["  Description: ", d, "\n"]);
    }
    push_address(out, i, borrowed);
    out.push_str("  MTU ");
    push_num(out, mtu);
    out.push_str(" bytes, BW ");
    push_num(out, bw);
    out.push_str(" Kbit/sec, DLY ");
    push_num(out, delay);
    push_all(
        out,
        &[
            " usec, \n     reliability 255/255, txload 1/255, rxload 1/255\n  Encapsulation ",
            encapsulation,
            ", loopback not set\n  Keepalive set (10 sec)\n",
        ],
    );
    let ethernet = is_ethernet(&i.name);
    if ethernet {
        push_all(out, &["  ", duplex_text(i), ", "]);
        push_speed(out, i);
        push_all(
            out,
            &[
                ", link type is ",
                if i.speed.as_deref().is_some_and(|s| s != "auto") {
                    "force-up"
                } else {
                    "auto"
                },
                ", media type is Virtual\n  output flow-control is unsupported, input flow-control is unsupported\n",
            ],
        );
    }
    if encapsulation == "ARPA" {
        out.push_str("  ARP type: ARPA, ARP Timeout 04:00:00\n");
    }
    out.push_str(
        "  Last input never, output never, output hang never\n\
         \x20 Last clearing of \"show interface\" counters never\n\
         \x20 Input queue: 0/375/0/0 (size/max/drops/flushes); Total output drops: 0\n\
         \x20 Queueing strategy: fifo\n\
         \x20 Output queue: 0/40 (size/max)\n\
         \x20 5 minute input rate 0 bits/sec, 0 packets/sec\n\
         \x20 5 minute output rate 0 bits/sec, 0 packets/sec\n\
         \x20    0 packets input, 0 bytes, 0 no buffer\n\
         \x20    Received 0 broadcasts (0 IP multicasts)\n\
         \x20    0 runts, 0 giants, 0 throttles \n\
         \x20    0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored\n",
    );
    if ethernet {
        out.push_str("     0 watchdog, 0 multicast, 0 pause input\n");
    }
    out.push_str("     0 packets output, 0 bytes, 0 underruns\n");
    if ethernet {
        out.push_str("     Output 0 broadcasts (0 IP multicasts)\n");
    }
    out.push_str(
        "     0 output errors, 0 collisions, 0 interface resets\n     0 unknown protocol drops\n",
    );
    if ethernet {
        out.push_str(
            "     0 babbles, 0 late collision, 0 deferred\n     0 lost carrier, 0 no carrier, 0 pause output\n",
        );
    }
    out.push_str("     0 output buffer failures, 0 output buffers swapped out\n");
}

/// Ethernet ports (the ones with a duplex, a speed and a media type).
pub fn is_ethernet(name: &str) -> bool {
    matches!(
        kind(name),
        "Ethernet" | "FastEthernet" | "GigabitEthernet" | "TenGigabitEthernet"
    )
}

/// `Full Duplex` (an emulated link negotiates full duplex).
fn duplex_text(i: &Interface) -> &'static str {
    match i.duplex.as_deref() {
        Some("half") => "Half Duplex",
        _ => "Full Duplex",
    }
}

/// Appends the interface's IPv4 address line, as both listings print it;
/// false when it has none. `borrowed`: an unnumbered interface's address.
fn push_address(out: &mut String, i: &Interface, borrowed: &str) -> bool {
    match &i.address {
        Address::Static { address, mask } => {
            push_all(out, &["  Internet address is ", address, "/"]);
            push_num(out, prefix_len(mask));
            out.push('\n');
        }
        Address::Dhcp => out.push_str("  Internet address will be negotiated using DHCP\n"),
        Address::Unnumbered(source) => push_all(
            out,
            &[
                "  Interface is unnumbered. Using address of ",
                source,
                " (",
                borrowed,
                ")\n",
            ],
        ),
        Address::Unset | Address::None => return false,
    }
    true
}

/// Appends `1000Mbps` (the port's speed, or its configured one).
fn push_speed(out: &mut String, i: &Interface) {
    match i.speed.as_deref() {
        Some(s) if s != "auto" => push_all(out, &[s, "Mb/s"]),
        _ => {
            let (bw, ..) = hardware(&i.name);
            if bw >= 10_000_000 {
                out.push_str("10Gbps");
            } else {
                push_num(out, bw / 1000);
                out.push_str("Mbps");
            }
        }
    }
}

/// An interface's entry in `show ip interface`; `borrowed`: the address
/// an unnumbered interface uses.
fn ip_entry(out: &mut String, i: &Interface, borrowed: &str) {
    let (status, protocol) = i.status();
    push_all(
        out,
        &[
            &i.name,
            " is ",
            status,
            ", line protocol is ",
            protocol,
            "\n",
        ],
    );
    let (_, _, mtu, _, _) = hardware(&i.name);
    if !push_address(out, i, borrowed) {
        out.push_str("  Internet protocol processing disabled\n");
        return;
    }
    out.push_str(
        "  Broadcast address is 255.255.255.255\n  Address determined by setup command\n  MTU is ",
    );
    push_num(out, mtu);
    out.push_str(
        " bytes\n  Helper address is not set\n  Directed broadcast forwarding is disabled\n",
    );
    for (a, m) in &i.secondaries {
        push_all(out, &["  Secondary address ", a, "/"]);
        push_num(out, prefix_len(m));
        out.push('\n');
    }
    if let Some(vrf) = &i.vrf {
        push_all(out, &["  VPN Routing/Forwarding \"", vrf, "\"\n"]);
    }
    push_all(
        out,
        &[
            "  Outgoing Common access list is not set \n  Outgoing access list is not set\n  Inbound Common access list is not set \n  Inbound  access list is not set\n  Proxy ARP is enabled\n  Local Proxy ARP is disabled\n  Security level is default\n  Split horizon is enabled\n  ICMP redirects are always sent\n  ICMP unreachables are always sent\n  ICMP mask replies are never sent\n  IP fast switching is enabled\n  IP Flow switching is disabled\n  IP CEF switching is enabled\n  IP CEF switching turbo vector\n  IP Null turbo vector\n  Associated unicast routing topologies:\n        Topology \"base\", operation state is ",
            if protocol == "up" { "UP" } else { "DOWN" },
            "\n  IP multicast fast switching is enabled\n  IP multicast distributed fast switching is disabled\n  IP route-cache flags are Fast, CEF\n  Router Discovery is disabled\n  IP output packet accounting is disabled\n  IP access violation accounting is disabled\n  TCP/IP header compression is disabled\n  RTP/IP header compression is disabled\n  Probe proxy name replies are disabled\n  Policy routing is disabled\n  Network address translation is disabled\n  BGP Policy Mapping is disabled\n  Input features: MCI Check\n  IPv4 WCCP Redirect outbound is disabled\n  IPv4 WCCP Redirect inbound is disabled\n  IPv4 WCCP Redirect exclude is disabled\n",
        ],
    );
}

/// `show arp` / `show ip arp`: the device's own addresses on its Ethernet
/// interfaces (a device with no data plane learns no others).
pub fn show_arp(running: &[Interface]) -> String {
    let mut out =
        String::from("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n");
    for i in running {
        let (_, _, _, _, encapsulation) = hardware(&i.name);
        if encapsulation != "ARPA"
            || i.shutdown
            || matches!(kind(&i.name), "Loopback" | "Tunnel" | "Null")
        {
            continue;
        }
        if let Address::Static { address, .. } = &i.address {
            let _ = writeln!(
                out,
                "Internet  {address:<16}        -   {}  ARPA   {}",
                mac(&i.name),
                i.name
            );
        }
    }
    out
}

/// The EUI-64 interface identifier of a MAC address (`0050.56d4.0f2e`).
fn eui64(mac: &str) -> u64 {
    let hex: String = mac.chars().filter(char::is_ascii_hexdigit).collect();
    let m = u64::from_str_radix(&hex, 16).unwrap_or(0);
    let upper = (m >> 24) ^ 0x02_0000; // the universal/local bit flipped
    let lower = m & 0xff_ffff;
    (upper << 40) | (0xfffe << 24) | lower
}

/// An interface's IPv6 addresses: its link-local address (`None` when IPv6
/// is off) and its global ones with their prefix lengths.
pub fn ipv6_addresses(i: &Interface) -> (Option<Ipv6Addr>, Vec<(Ipv6Addr, u8)>) {
    let id = eui64(&mac(&i.name));
    let mut link_local = None;
    let mut global = Vec::new();
    for a in &i.ipv6 {
        let words: Vec<&str> = a.split(' ').collect();
        match words.as_slice() {
            [addr, "link-local"] => link_local = addr.parse().ok(),
            [prefix, flags @ ..] => {
                let Some((addr, len)) = prefix.split_once('/') else {
                    continue;
                };
                let (Ok(addr), Ok(len)) = (addr.parse::<Ipv6Addr>(), len.parse::<u8>()) else {
                    continue;
                };
                let addr = if flags.first() == Some(&"eui-64") {
                    let net = u128::from(addr) & !u128::from(u64::MAX);
                    Ipv6Addr::from(net | u128::from(id))
                } else {
                    addr
                };
                global.push((addr, len));
            }
            _ => {}
        }
    }
    let enabled = i.ipv6_enabled || !i.ipv6.is_empty();
    if enabled && link_local.is_none() {
        link_local = Some(Ipv6Addr::from((0xfe80_u128 << 112) | u128::from(id)));
    }
    (link_local, global)
}

fn v6(a: Ipv6Addr) -> String {
    a.to_string().to_ascii_uppercase()
}

fn v6_network(a: Ipv6Addr, len: u8) -> Ipv6Addr {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len.min(128)))
    };
    Ipv6Addr::from(u128::from(a) & mask)
}

/// `show ipv6 interface brief`: every interface, `unassigned` without
/// IPv6.
pub fn show_ipv6_interface_brief(running: &[Interface]) -> String {
    let mut out = String::new();
    for i in running {
        let (status, protocol) = i.status();
        let _ = writeln!(out, "{:<22} [{status}/{protocol}]", i.name);
        let (link_local, global) = ipv6_addresses(i);
        match link_local {
            None => out.push_str("    unassigned\n"),
            Some(ll) => {
                let _ = writeln!(out, "    {}", v6(ll));
                for (a, _) in global {
                    let _ = writeln!(out, "    {}", v6(a));
                }
            }
        }
    }
    out
}

/// `show ipv6 interface [NAME]`: the interfaces with IPv6 enabled;
/// `None` for a name the device does not have.
pub fn show_ipv6_interface(running: &[Interface], only: Option<&str>) -> Option<String> {
    let mut out = String::new();
    let mut found = false;
    for i in running.iter().filter(|i| only.is_none_or(|n| n == i.name)) {
        found = true;
        let (link_local, global) = ipv6_addresses(i);
        let Some(ll) = link_local else { continue };
        let (status, protocol) = i.status();
        let (_, _, mtu, _, _) = hardware(&i.name);
        let _ = writeln!(out, "{} is {status}, line protocol is {protocol}", i.name);
        let _ = writeln!(
            out,
            "  IPv6 is {}, link-local address is {} ",
            if protocol == "up" {
                "enabled"
            } else {
                "tentative"
            },
            v6(ll)
        );
        out.push_str("  No Virtual link-local address(es):\n");
        if global.is_empty() {
            out.push_str("  No global unicast address is configured\n");
        } else {
            out.push_str("  Global unicast address(es):\n");
            for (a, len) in &global {
                let _ = writeln!(
                    out,
                    "    {}, subnet is {}/{len} ",
                    v6(*a),
                    v6(v6_network(*a, *len))
                );
            }
        }
        out.push_str("  Joined group address(es):\n    FF02::1\n    FF02::2\n");
        let mut solicited: Vec<u128> = std::iter::once(ll)
            .chain(global.iter().map(|(a, _)| *a))
            .map(|a| (0xff02_u128 << 112) | (0x1_ff00_0000) | (u128::from(a) & 0xff_ffff))
            .collect();
        solicited.sort_unstable();
        solicited.dedup();
        for g in solicited {
            let _ = writeln!(out, "    {}", v6(Ipv6Addr::from(g)));
        }
        let _ = write!(
            out,
            "  MTU is {mtu} bytes\n  ICMP error messages limited to one every 100 milliseconds\n  ICMP redirects are enabled\n  ICMP unreachables are sent\n  ND DAD is enabled, number of DAD attempts: 1\n  ND reachable time is 30000 milliseconds (using 30000)\n  ND advertised reachable time is 0 (unspecified)\n  ND advertised retransmit interval is 0 (unspecified)\n  ND router advertisements are sent every 200 seconds\n  ND router advertisements live for 1800 seconds\n  ND advertised default router preference is Medium\n  Hosts use stateless autoconfig for addresses.\n"
        );
    }
    (found || only.is_none()).then_some(out)
}

/// `show interfaces status`: the Ethernet ports and port channels.
pub fn show_interfaces_status(running: &[Interface]) -> String {
    let mut out = String::from(
        "\nPort         Name               Status       Vlan       Duplex  Speed Type \n",
    );
    for i in running
        .iter()
        .filter(|i| is_ethernet(&i.name) || kind(&i.name) == "Port-channel")
    {
        let status = if i.shutdown { "disabled" } else { "connected" };
        let vlan = match i.switchport_mode.as_deref() {
            Some("trunk") => "trunk".to_owned(),
            Some(_) => i.access_vlan.unwrap_or(1).to_string(),
            None => "routed".to_owned(),
        };
        let duplex = match i.duplex.as_deref() {
            Some("full") => "full",
            Some("half") => "half",
            _ => "a-full",
        };
        let (bw, ..) = hardware(&i.name);
        let speed = match i.speed.as_deref() {
            Some(s) if s != "auto" => s.to_owned(),
            _ => format!(
                "a-{}",
                if bw >= 10_000_000 {
                    "10G".into()
                } else {
                    (bw / 1000).to_string()
                }
            ),
        };
        let ty = if kind(&i.name) == "Port-channel" {
            ""
        } else {
            "Virtual"
        };
        let name: String = i
            .description
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(18)
            .collect();
        let _ = writeln!(
            out,
            "{:<12} {name:<18} {status:<12} {vlan:<10} {duplex:>6} {speed:>6} {ty}",
            short_name(&i.name)
        );
    }
    out
}

/// An interface's short name (`Gi1`, `Lo113`), as IOS's tables print it.
pub fn short_name(name: &str) -> String {
    const SHORT: [(&str, &str); 9] = [
        ("TenGigabitEthernet", "Te"),
        ("GigabitEthernet", "Gi"),
        ("FastEthernet", "Fa"),
        ("Port-channel", "Po"),
        ("Loopback", "Lo"),
        ("Tunnel", "Tu"),
        ("Serial", "Se"),
        ("Vlan", "Vl"),
        ("Null", "Nu"),
    ];
    for (long, short) in SHORT {
        if let Some(rest) = name.strip_prefix(long) {
            return format!("{short}{rest}");
        }
    }
    name.to_owned()
}

/// `show interfaces description`.
pub fn show_interfaces_description(running: &[Interface]) -> String {
    let mut out = String::with_capacity(running.len() * 72 + 80);
    out.push_str("Interface                      Status         Protocol Description\n");
    for i in running {
        let (status, protocol) = if i.shutdown {
            ("admin down", "down")
        } else {
            ("up", "up")
        };
        let _ = writeln!(
            out,
            "{:<30} {status:<14} {protocol:<8} {}",
            short_name(&i.name),
            i.description.as_deref().unwrap_or_default()
        );
    }
    out
}
