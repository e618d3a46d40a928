//! Interface state for `show ip interface brief` and `show interfaces`.
//!
//! The device's hardware is what its configuration names: every
//! `interface` section is an interface, up unless it is shut down (an
//! emulated link never fails), with no traffic, so every counter is zero.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::Ipv6Addr;
use std::sync::Arc;

use ironconf_ios::config::{Config, Item};

/// One interface as the `show` commands see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Canonical name (`GigabitEthernet1`).
    pub name: String,
    /// `description …`.
    pub description: Option<String>,
    /// How it gets its IPv4 address.
    pub address: Address,
    /// `shutdown`.
    pub shutdown: bool,
    /// `bandwidth N` (kbit/s).
    pub bandwidth: Option<u64>,
    /// `vrf forwarding V` / `ip vrf forwarding V`.
    pub vrf: Option<String>,
    /// `ip address A M secondary`.
    pub secondaries: Vec<(String, String)>,
    /// `ipv6 address …` (as configured: `2001:DB8::1/64`,
    /// `FE80::1 link-local`).
    pub ipv6: Vec<String>,
    /// `ipv6 enable`.
    pub ipv6_enabled: bool,
    /// `switchport mode access|trunk` (`None`: a routed port, or the
    /// platform's default).
    pub switchport_mode: Option<String>,
    /// `switchport access vlan N`.
    pub access_vlan: Option<u16>,
    /// `speed …` and `duplex …` as configured.
    pub speed: Option<String>,
    /// `duplex …`.
    pub duplex: Option<String>,
}

/// An interface's IPv4 addressing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// No `ip address` line.
    Unset,
    /// `no ip address`.
    None,
    /// `ip address A.B.C.D M.M.M.M`.
    Static {
        /// The address.
        address: String,
        /// Its mask, dotted.
        mask: String,
    },
    /// `ip address dhcp` (no DHCP server answers an emulated device).
    Dhcp,
    /// `ip unnumbered IFNAME`.
    Unnumbered(String),
}

/// The interfaces in `cfg`, in the order the `show` commands list them:
/// physical interfaces first (IOS creates them at boot), then virtual ones,
/// each in configuration order.
pub fn interfaces(cfg: &Config) -> Vec<Interface> {
    let mut all: Vec<Interface> = cfg
        .items()
        .filter_map(|item| {
            let Item::Section { header, body } = item else {
                return None;
            };
            let name = header.text.strip_prefix("interface ")?.trim();
            let mut i = Interface {
                name: name.to_owned(),
                description: None,
                address: Address::Unset,
                shutdown: false,
                bandwidth: None,
                vrf: None,
                secondaries: Vec::new(),
                ipv6: Vec::new(),
                ipv6_enabled: false,
                switchport_mode: None,
                access_vlan: None,
                speed: None,
                duplex: None,
            };
            for line in body.lines().filter(|l| l.depth == 0) {
                let words: Vec<&str> = line.text.split_whitespace().collect();
                match words.as_slice() {
                    ["description", ..] => {
                        let text = line.text["description".len()..].trim();
                        i.description = Some(text.to_owned());
                    }
                    ["shutdown"] => i.shutdown = true,
                    ["no", "shutdown"] => i.shutdown = false,
                    ["bandwidth", n] => i.bandwidth = n.parse().ok(),
                    ["vrf", "forwarding", v] | ["ip", "vrf", "forwarding", v] => {
                        i.vrf = Some((*v).to_owned());
                    }
                    ["ip", "address", a, m, "secondary"] => {
                        i.secondaries.push(((*a).to_owned(), (*m).to_owned()));
                    }
                    ["ipv6", "address", ..] => {
                        i.ipv6.push(line.text["ipv6 address ".len()..].to_owned());
                    }
                    ["ipv6", "enable"] => i.ipv6_enabled = true,
                    ["switchport", "mode", mode, ..] => {
                        i.switchport_mode = Some((*mode).to_owned());
                    }
                    ["switchport", "access", "vlan", n] => i.access_vlan = n.parse().ok(),
                    ["speed", v] => i.speed = Some((*v).to_owned()),
                    ["duplex", v] => i.duplex = Some((*v).to_owned()),
                    ["ip", "address", a, m] => {
                        i.address = Address::Static {
                            address: (*a).to_owned(),
                            mask: (*m).to_owned(),
                        };
                    }
                    ["ip", "address", "dhcp", ..] => {
                        i.address = Address::Dhcp;
                    }
                    ["ip", "unnumbered", source] => {
                        i.address = Address::Unnumbered((*source).to_owned());
                    }
                    ["no", "ip", "address"] => {
                        i.address = Address::None;
                    }
                    _ => {}
                }
            }
            Some(i)
        })
        .collect();
    all.sort_by_key(|i| is_virtual(&i.name));
    all
}

fn is_virtual(name: &str) -> bool {
    matches!(
        kind(name),
        "Loopback"
            | "Tunnel"
            | "Port-channel"
            | "Vlan"
            | "BDI"
            | "Virtual-Template"
            | "Dialer"
            | "Multilink"
            | "Null"
    )
}

fn kind(name: &str) -> &str {
    let end = name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(name.len());
    &name[..end]
}

/// Default bandwidth (kbit/s), hardware description, MTU, delay (µs),
/// encapsulation.
fn hardware(name: &str) -> (u64, &'static str, u32, u32, &'static str) {
    match kind(name) {
        "Loopback" => (8_000_000, "Loopback", 1514, 5000, "LOOPBACK"),
        "Tunnel" => (100, "Tunnel", 9976, 50_000, "TUNNEL"),
        "Port-channel" => (1_000_000, "EtherChannel", 1500, 10, "ARPA"),
        "Ethernet" => (10_000, "Ethernet", 1500, 1000, "ARPA"),
        "FastEthernet" => (100_000, "Fast Ethernet", 1500, 100, "ARPA"),
        "TenGigabitEthernet" => (10_000_000, "Ten Gigabit Ethernet", 1500, 10, "ARPA"),
        "Vlan" => (1_000_000, "Ethernet SVI", 1500, 10, "ARPA"),
        "Serial" => (1544, "M4T", 1500, 20_000, "HDLC"),
        "Null" => (8_000_000, "Unknown", 1500, 0, "ARPA"),
        _ => (1_000_000, "Gigabit Ethernet", 1500, 10, "ARPA"),
    }
}

/// A stable MAC address per interface name (FNV-1a: the same on every run
/// and every build), in the VMware range virtual routers show.
pub(crate) fn mac(name: &str) -> String {
    let mut out = String::with_capacity(14);
    push_mac(&mut out, name);
    out
}

/// Appends [`mac`]`(name)`: the listings print it twice per interface.
fn push_mac(out: &mut String, name: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    out.push_str("0050.56");
    for (i, shift) in [20u32, 16, 12, 8, 4, 0].into_iter().enumerate() {
        if i == 2 {
            out.push('.');
        }
        out.push(char::from(HEX[((h >> shift) & 0xf) as usize]));
    }
}

/// Appends `n` in decimal. The long listings write their lines piece by
/// piece: with `format!` machinery per line they cost several times the
/// configuration's own text per byte.
fn push_num(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends every piece.
fn push_all(out: &mut String, pieces: &[&str]) {
    for p in pieces {
        out.push_str(p);
    }
}

fn prefix_len(mask: &str) -> u32 {
    mask.split('.')
        .filter_map(|o| o.parse::<u8>().ok())
        .map(u8::count_ones)
        .sum()
}

impl Interface {
    fn status(&self) -> (&'static str, &'static str) {
        if self.shutdown {
            ("administratively down", "down")
        } else {
            ("up", "up")
        }
    }

    /// The address `show ip interface brief` prints.
    fn brief_address(&self, all: &ByName<'_>) -> String {
        match &self.address {
            Address::Static { address, .. } => address.clone(),
            Address::Unnumbered(source) => all
                .get(source.as_str())
                .and_then(|i| match &i.address {
                    Address::Static { address, .. } => Some(address.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "unassigned".into()),
            _ => "unassigned".into(),
        }
    }

    /// How the address was set: from startup-config (`NVRAM`), since
    /// (`manual`), by DHCP, or never (`unset`).
    fn method(&self, startup: &ByName<'_>) -> &'static str {
        match &self.address {
            Address::Unset | Address::Unnumbered(_) => "unset",
            Address::Dhcp => "DHCP",
            Address::None | Address::Static { .. } => {
                let saved = startup.get(self.name.as_str()).map(|i| &i.address);
                if saved == Some(&self.address) {
                    "NVRAM"
                } else {
                    "manual"
                }
            }
        }
    }
}

/// Interfaces by name: a show over many interfaces looks each one up.
type ByName<'a> = HashMap<&'a str, &'a Interface>;

fn by_name(list: &[Interface]) -> ByName<'_> {
    list.iter().map(|i| (i.name.as_str(), i)).collect()
}

/// A row of `show ip interface brief`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefRow {
    /// Interface name.
    pub interface: String,
    /// IPv4 address or `unassigned`.
    pub address: String,
    /// `NVRAM`, `manual`, `DHCP` or `unset`.
    pub method: &'static str,
    /// `up` or `administratively down`.
    pub status: &'static str,
    /// `up` or `down`.
    pub protocol: &'static str,
}

/// The rows of `show ip interface brief`, for its text and XML forms.
pub fn brief_rows(running: &[Interface], startup: &[Interface]) -> Vec<BriefRow> {
    let (all, startup) = (by_name(running), by_name(startup));
    running
        .iter()
        .map(|i| {
            let (status, protocol) = i.status();
            BriefRow {
                interface: i.name.clone(),
                address: i.brief_address(&all),
                method: i.method(&startup),
                status,
                protocol,
            }
        })
        .collect()
}

/// `show ip interface brief` from its rows.
pub fn show_ip_interface_brief(rows: &[BriefRow]) -> String {
    let mut out = String::from(
        "Interface              IP-Address      OK? Method Status                Protocol\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<22} {:<15} YES {:<6} {:<21} {}",
            r.interface, r.address, r.method, r.status, r.protocol
        );
    }
    out
}

/// Bytes in a part of a long listing: each part is sent before the next
/// is written.
const PART: usize = 64 * 1024;

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
pub(crate) fn is_ethernet(name: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_ios::apply::load;

    fn parse(text: &str) -> Vec<Interface> {
        let cat = ironconf_ios::catalogue::Catalogue::builtin();
        let (cfg, unknown) = load(&cat, text);
        assert!(unknown.is_empty(), "{unknown:?}");
        interfaces(&cfg)
    }

    const CONFIG: &str = "interface Loopback0\n ip address 10.0.0.1 255.255.255.255\n\
interface GigabitEthernet2\n shutdown\n\
interface GigabitEthernet1\n description uplink to core\n ip address 192.0.2.1 255.255.255.0\n\
interface GigabitEthernet3\n ip unnumbered Loopback0\n\
interface GigabitEthernet4\n ip address dhcp\n\
interface GigabitEthernet5\n no ip address\n";

    #[test]
    fn brief_lists_every_interface_in_ios_order_and_columns() {
        let startup = parse(CONFIG);
        let running = parse(&CONFIG.replace("192.0.2.1", "192.0.2.9"));
        assert_eq!(
            show_ip_interface_brief(&brief_rows(&running, &startup)),
            "Interface              IP-Address      OK? Method Status                Protocol\n\
             GigabitEthernet1       192.0.2.9       YES manual up                    up\n\
             GigabitEthernet2       unassigned      YES unset  administratively down down\n\
             GigabitEthernet3       10.0.0.1        YES unset  up                    up\n\
             GigabitEthernet4       unassigned      YES DHCP   up                    up\n\
             GigabitEthernet5       unassigned      YES NVRAM  up                    up\n\
             Loopback0              10.0.0.1        YES NVRAM  up                    up\n"
        );
    }

    #[test]
    fn show_interfaces_describes_one_or_all() {
        let running = parse(CONFIG);
        let one = listing_entry(&running, "GigabitEthernet1", ListingKind::Interfaces)
            .unwrap_or_default();
        assert!(
            one.starts_with("GigabitEthernet1 is up, line protocol is up \n  Hardware is Gigabit Ethernet, address is 0050.56"),
            "{one}"
        );
        assert!(one.contains("  Description: uplink to core\n  Internet address is 192.0.2.1/24\n  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, \n"), "{one}");
        assert_eq!(one.matches(" is up, line protocol").count(), 1);
        let all: String =
            Listing::new(Arc::new(running.clone()), ListingKind::Interfaces).collect();
        assert!(
            all.contains("GigabitEthernet2 is administratively down, line protocol is down \n")
        );
        assert!(all.contains("Loopback0 is up, line protocol is up \n  Hardware is Loopback\n  Internet address is 10.0.0.1/32\n  MTU 1514 bytes, BW 8000000 Kbit/sec"));
        assert!(all.contains("  Interface is unnumbered. Using address of Loopback0 (10.0.0.1)\n"));
        assert_eq!(all.matches("line protocol is").count(), 6);
        assert_eq!(
            listing_entry(&running, "GigabitEthernet9", ListingKind::Interfaces),
            None
        );
        // The same name gives the same address on every run and build
        // (pinned: a change of hash would change every emulated MAC).
        assert_eq!(mac("GigabitEthernet1"), "0050.56d4.0f2e");
        assert!(
            one.contains("address is 0050.56d4.0f2e (bia 0050.56d4.0f2e)"),
            "{one}"
        );
        assert_ne!(mac("GigabitEthernet1"), mac("GigabitEthernet2"));
    }

    #[test]
    fn a_long_listing_comes_in_parts_that_end_with_an_entry() {
        let mut text = String::new();
        for n in 0..500 {
            text.push_str(&format!(
                "interface GigabitEthernet0/0/{n}\n description port {n}\n ip address 10.0.{}.{} 255.255.255.252\n",
                n / 64,
                (n % 64) * 4 + 1
            ));
        }
        text.push_str("interface Loopback0\n ip address 10.9.9.9 255.255.255.255\ninterface Tunnel9\n ip unnumbered Loopback0\n");
        let running = Arc::new(parse(&text));
        for kind in [ListingKind::Interfaces, ListingKind::IpInterface] {
            let parts: Vec<String> = Listing::new(running.clone(), kind).collect();
            assert!(parts.len() >= 5, "{} parts", parts.len());
            for p in &parts {
                assert!(p.len() < PART + 8 * 1024, "{}", p.len());
                assert!(p.ends_with('\n'));
            }
            let whole: String = parts.concat();
            // Every entry exactly once, in order, each whole within a part.
            let starts: Vec<&str> = whole
                .lines()
                .filter(|l| l.contains(", line protocol is "))
                .collect();
            assert_eq!(starts.len(), 502);
            assert!(starts[0].starts_with("GigabitEthernet0/0/0 is up"));
            assert!(starts[501].starts_with("Tunnel9 is up"));
            for p in &parts[1..] {
                assert!(
                    p.starts_with("GigabitEthernet")
                        || p.starts_with("Loopback")
                        || p.starts_with("Tunnel"),
                    "{}",
                    &p[..40]
                );
            }
            for (n, name) in ["GigabitEthernet0/0/7", "Tunnel9"].iter().enumerate() {
                let one = listing_entry(&running, name, kind).unwrap_or_default();
                assert!(whole.contains(&one), "{kind:?} {n}");
            }
            assert!(whole.contains("Using address of Loopback0 (10.9.9.9)"));
        }
    }
}
