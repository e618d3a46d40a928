//! Interface state for `show ip interface brief` and `show interfaces`.
//!
//! The device's hardware is what its configuration names: every
//! `interface` section is an interface, up unless it is shut down (an
//! emulated link never fails), with no traffic, so every counter is zero.

use std::collections::HashMap;
use std::fmt::Write as _;
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
pub fn mac(name: &str) -> String {
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

mod show;
pub use show::*;

#[cfg(test)]
mod tests;
