//! The inventory: groups of devices with a count, a hostname pattern, a
//! profile, a startup-config template and an address scheme, read from
//! TOML, expanded into one [`DeviceSpec`] per device and checked before
//! anything starts.
//!
//! ```toml
//! [defaults]
//! profile = "ios-xe-16"
//! username = "admin"
//! password = "admin"
//!
//! [[group]]
//! name = "edge"
//! count = 50
//! hostname = "edge-{n:03}"
//! addresses = "127.1.0.1"   # one loopback address per device, counting up
//! port = 22
//! vars = { loopback = "10.255.{n_hi}.{n_lo}" }
//! startup = """
//! hostname {hostname}
//! username {username} privilege 15 secret 0 {password}
//! interface Loopback0
//!  ip address {loopback} 255.255.255.255
//! line vty 0 15
//!  login local
//!  transport input ssh
//! netconf ssh
//! """
//!
//! [[group]]
//! name = "core"
//! count = 4
//! hostname = "core-{n}"
//! address = "127.0.0.1"
//! ports = 20001             # one port per device on one address
//! ```
//!
//! Placeholders: `{n}` (1 to count; `{n:03}` pads), `{n_hi}` / `{n_lo}`
//! (n / 256, n % 256), `{hostname}`, `{group}`, `{address}`, `{port}`,
//! `{username}`, `{password}`, `{password_hash}` (the password as a type 9
//! `secret`, hashed once for the group: a `secret 0` line would be hashed
//! for each device when it starts, several milliseconds of scrypt), and the
//! group's `vars` (themselves templates); `{{` and `}}` are braces.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde::Deserialize;

/// Why an inventory cannot be served, named precisely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// The file is not TOML of this shape.
    #[error("inventory: {0}")]
    Format(String),
    /// A group's setting is wrong.
    #[error("group {group}: {message}")]
    Group {
        /// The group.
        group: String,
        /// What is wrong.
        message: String,
    },
    /// Two devices share a name.
    #[error("device name {name} is used twice (groups {first} and {second})")]
    DuplicateName {
        /// The name.
        name: String,
        /// The first group using it.
        first: String,
        /// The second.
        second: String,
    },
    /// Two devices share an address and port.
    #[error("address {address} is used by {first} and {second}")]
    DuplicateAddress {
        /// The address.
        address: SocketAddr,
        /// The first device.
        first: String,
        /// The second.
        second: String,
    },
    /// An address outside loopback without `--allow-non-loopback`.
    #[error(
        "device {name}: {address} is not a loopback address (use --allow-non-loopback to serve it)"
    )]
    NotLoopback {
        /// The device.
        name: String,
        /// Its address.
        address: SocketAddr,
    },
    /// A device's startup-config does not load: IOS's error.
    #[error("device {name}: startup-config line {line}: {text}: {message}")]
    BadConfig {
        /// The device.
        name: String,
        /// 1-based line.
        line: usize,
        /// The line.
        text: String,
        /// IOS's message.
        message: String,
    },
    /// `--shard I/N` out of range.
    #[error("shard {0}: expected I/N with 0 <= I < N")]
    Shard(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    profile: Option<String>,
    username: Option<String>,
    password: Option<String>,
    port: Option<u16>,
    startup: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    name: String,
    count: u32,
    hostname: String,
    profile: Option<String>,
    username: Option<String>,
    password: Option<String>,
    /// The first of one loopback address per device.
    addresses: Option<Ipv4Addr>,
    port: Option<u16>,
    /// One address for all, with one port per device from `ports`.
    address: Option<Ipv4Addr>,
    ports: Option<u16>,
    startup: Option<String>,
    #[serde(default)]
    vars: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFile {
    /// `NAME INTERFACE`.
    a: String,
    /// `NAME INTERFACE`.
    b: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InventoryFile {
    #[serde(default)]
    defaults: Defaults,
    #[serde(default, rename = "group")]
    groups: Vec<GroupFile>,
    #[serde(default, rename = "link")]
    links: Vec<LinkFile>,
}

/// A wire between two devices' interfaces: each hears the other by LLDP
/// and CDP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// One end: a device (index into [`Inventory::devices`]) and its
    /// interface.
    pub a: (usize, String),
    /// The other end.
    pub b: (usize, String),
}

/// A group as served.
#[derive(Debug, Clone)]
pub struct Group {
    /// Its name.
    pub name: String,
    /// The device profile.
    pub profile: String,
    /// The login its devices are made with.
    pub username: String,
    /// How many devices it has.
    pub count: u32,
    /// Its password.
    pub password: String,
    /// The password as IOS stores a `secret` (type 9), made once for the
    /// group: hashing it per device would cost each device's first
    /// connection several milliseconds of scrypt.
    pub password_hash: String,
    hostname: String,
    startup: String,
    vars: BTreeMap<String, String>,
}

/// One device of the inventory.
#[derive(Debug, Clone)]
pub struct DeviceSpec {
    /// Its name (the hostname the template gives it).
    pub name: String,
    /// Its group (an index into [`Inventory::groups`]).
    pub group: usize,
    /// Its number in the group, from 1.
    pub n: u32,
    /// Where it listens.
    pub address: SocketAddr,
}

/// An inventory, expanded and checked.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The groups.
    pub groups: Vec<Group>,
    /// Every device, group by group.
    pub devices: Vec<DeviceSpec>,
    /// The wires between devices.
    pub links: Vec<Link>,
}

/// The startup-config a device gets when its template says nothing.
pub const DEFAULT_STARTUP: &str = "hostname {hostname}
username {username} privilege 15 secret 9 {password_hash}
line vty 0 15
 login local
 transport input ssh
netconf ssh
netconf max-sessions 16
";

/// How the inventory is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Serve addresses outside 127.0.0.0/8.
    pub allow_non_loopback: bool,
    /// Load every device's startup-config to check it (else only the
    /// first and last of each group).
    pub check_every_config: bool,
}

impl Inventory {
    /// Reads and checks an inventory.
    pub fn parse(text: &str, options: Options) -> Result<Inventory, InventoryError> {
        let file: InventoryFile =
            toml::from_str(text).map_err(|e| InventoryError::Format(e.to_string()))?;
        let d = &file.defaults;
        let mut groups = Vec::new();
        let mut devices = Vec::new();
        for g in &file.groups {
            let err = |message: String| InventoryError::Group {
                group: g.name.clone(),
                message,
            };
            let profile = g
                .profile
                .clone()
                .or_else(|| d.profile.clone())
                .unwrap_or_else(|| "ios-xe-16".into());
            if ironconf_device::Profile::by_name(&profile).is_none() {
                return Err(err(format!(
                    "unknown profile '{profile}' (known: {})",
                    ironconf_device::Profile::NAMES.join(", ")
                )));
            }
            if g.count == 0 {
                return Err(err("count must be at least 1".into()));
            }
            let group = Group {
                name: g.name.clone(),
                profile,
                username: g
                    .username
                    .clone()
                    .or_else(|| d.username.clone())
                    .unwrap_or_else(|| "admin".into()),
                password: g
                    .password
                    .clone()
                    .or_else(|| d.password.clone())
                    .unwrap_or_else(|| "admin".into()),
                password_hash: String::new(),
                count: g.count,
                hostname: g.hostname.clone(),
                startup: g
                    .startup
                    .clone()
                    .or_else(|| d.startup.clone())
                    .unwrap_or_else(|| DEFAULT_STARTUP.into()),
                vars: g.vars.clone(),
            };
            let address = |n: u32| -> Result<SocketAddr, InventoryError> {
                match (g.addresses, g.address, g.ports) {
                    (Some(first), None, None) => {
                        let ip = u32::from(first)
                            .checked_add(n - 1)
                            .map(Ipv4Addr::from)
                            .ok_or_else(|| err("addresses run past 255.255.255.255".into()))?;
                        Ok(SocketAddr::new(
                            IpAddr::V4(ip),
                            g.port.or(d.port).unwrap_or(22),
                        ))
                    }
                    (None, Some(ip), Some(first)) => {
                        let port = u16::try_from(u32::from(first) + n - 1)
                            .map_err(|_| err("ports run past 65535".into()))?;
                        Ok(SocketAddr::new(IpAddr::V4(ip), port))
                    }
                    _ => Err(err(
                        "give either `addresses` (one per device) or `address` with `ports` (one port per device)"
                            .into(),
                    )),
                }
            };
            let mut group = group;
            group.password_hash =
                ironconf_ios::secret::type9(&group.password, &ironconf_ios::secret::random_salt())
                    .ok_or_else(|| err("the password cannot be hashed".into()))?;
            let index = groups.len();
            for n in 1..=g.count {
                let addr = address(n)?;
                let name = render(&group.hostname, &builtins(&group, n, None, addr))
                    .map_err(|m| err(format!("hostname: {m}")))?;
                devices.push(DeviceSpec {
                    name,
                    group: index,
                    n,
                    address: addr,
                });
            }
            groups.push(group);
        }
        let mut inv = Inventory {
            groups,
            devices,
            links: Vec::new(),
        };
        let index: HashMap<&str, usize> = inv
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.as_str(), i))
            .collect();
        let mut links = Vec::new();
        for l in &file.links {
            let end = |text: &str| -> Result<(usize, String), InventoryError> {
                let bad = |m: &str| InventoryError::Format(format!("link '{text}': {m}"));
                let mut words = text.split_whitespace();
                let (Some(name), Some(iface), None) = (words.next(), words.next(), words.next())
                else {
                    return Err(bad("write it NAME INTERFACE"));
                };
                let device = *index.get(name).ok_or_else(|| bad("no such device"))?;
                let (canonical, _) = ironconf_ios::param::parse_interface(iface, None)
                    .ok_or_else(|| bad("not an interface name"))?;
                Ok((device, canonical.canonical()))
            };
            let (a, b) = (end(&l.a)?, end(&l.b)?);
            if a.0 == b.0 {
                return Err(InventoryError::Format(format!(
                    "link '{}' – '{}': both ends on one device",
                    l.a, l.b
                )));
            }
            links.push(Link { a, b });
        }
        inv.links = links;
        inv.check(options)?;
        Ok(inv)
    }

    fn check(&self, options: Options) -> Result<(), InventoryError> {
        let mut names: HashMap<&str, usize> = HashMap::with_capacity(self.devices.len());
        let mut addrs: HashMap<SocketAddr, usize> = HashMap::with_capacity(self.devices.len());
        for (i, d) in self.devices.iter().enumerate() {
            if let Some(&j) = names.get(d.name.as_str()) {
                return Err(InventoryError::DuplicateName {
                    name: d.name.clone(),
                    first: self.groups[self.devices[j].group].name.clone(),
                    second: self.groups[d.group].name.clone(),
                });
            }
            names.insert(&d.name, i);
            if let Some(&j) = addrs.get(&d.address) {
                return Err(InventoryError::DuplicateAddress {
                    address: d.address,
                    first: self.devices[j].name.clone(),
                    second: d.name.clone(),
                });
            }
            addrs.insert(d.address, i);
            if !options.allow_non_loopback && !d.address.ip().is_loopback() {
                return Err(InventoryError::NotLoopback {
                    name: d.name.clone(),
                    address: d.address,
                });
            }
            if d.name.is_empty()
                || !d
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(InventoryError::Group {
                    group: self.groups[d.group].name.clone(),
                    message: format!(
                        "hostname '{}' is not a name a state directory can have",
                        d.name
                    ),
                });
            }
        }
        // Each device's startup-config loads: every one, or the first and
        // last of each group (the template is the same; only its values
        // differ).
        let cat = ironconf_ios::catalogue::Catalogue::builtin_shared();
        let mut checked: HashSet<usize> = HashSet::new();
        for (i, d) in self.devices.iter().enumerate() {
            let count = self.groups[d.group].count;
            if !options.check_every_config && d.n != 1 && d.n != count {
                continue;
            }
            if !checked.insert(i) {
                continue;
            }
            let text = self.startup(d)?;
            let (_, unknown) = ironconf_ios::apply::load(&cat, &text);
            if let Some(u) = unknown.first() {
                return Err(InventoryError::BadConfig {
                    name: d.name.clone(),
                    line: u.index + 1,
                    text: u.line.trim().to_owned(),
                    message: u.message(),
                });
            }
        }
        Ok(())
    }

    /// A device's startup-config, from its group's template.
    pub fn startup(&self, d: &DeviceSpec) -> Result<String, InventoryError> {
        let g = &self.groups[d.group];
        let err = |m: String| InventoryError::Group {
            group: g.name.clone(),
            message: m,
        };
        let mut values = builtins(g, d.n, Some(&d.name), d.address);
        for (k, v) in &g.vars {
            let rendered = render(v, &values).map_err(|m| err(format!("var {k}: {m}")))?;
            values.insert(k.clone(), rendered);
        }
        let mut text = render(&g.startup, &values).map_err(|m| err(format!("startup: {m}")))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }

    /// What device `i` hears on its interfaces: the other end of each of
    /// its links.
    pub fn neighbors(&self, i: usize) -> Vec<ironconf_device::features::Neighbor> {
        let mut out = Vec::new();
        for l in &self.links {
            for (me, peer) in [(&l.a, &l.b), (&l.b, &l.a)] {
                if me.0 != i {
                    continue;
                }
                let p = &self.devices[peer.0];
                let address = match p.address.ip() {
                    IpAddr::V4(v4) => Some(v4),
                    IpAddr::V6(_) => None,
                };
                out.push(ironconf_device::features::Neighbor {
                    local_interface: me.1.clone(),
                    device_id: p.name.clone(),
                    port_id: peer.1.clone(),
                    platform: "CSR1000V".into(),
                    address,
                });
            }
        }
        out
    }

    /// The devices of shard `index` of `count` (contiguous slices, so that
    /// the shards' exports merge into the whole inventory).
    pub fn shard(&self, index: usize, count: usize) -> &[DeviceSpec] {
        let len = self.devices.len();
        let count = count.max(1);
        &self.devices[len * index.min(count) / count..len * (index + 1).min(count) / count]
    }
}

/// Reads `I/N`.
pub fn parse_shard(text: &str) -> Result<(usize, usize), InventoryError> {
    let bad = || InventoryError::Shard(text.to_owned());
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n) = (
        i.trim().parse::<usize>().map_err(|_| bad())?,
        n.trim().parse::<usize>().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

fn builtins(g: &Group, n: u32, name: Option<&str>, addr: SocketAddr) -> HashMap<String, String> {
    let mut v = HashMap::new();
    v.insert("n".into(), n.to_string());
    v.insert("n_hi".into(), (n / 256).to_string());
    v.insert("n_lo".into(), (n % 256).to_string());
    v.insert("group".into(), g.name.clone());
    v.insert("address".into(), addr.ip().to_string());
    v.insert("port".into(), addr.port().to_string());
    v.insert("username".into(), g.username.clone());
    v.insert("password".into(), g.password.clone());
    v.insert("password_hash".into(), g.password_hash.clone());
    if let Some(name) = name {
        v.insert("hostname".into(), name.to_owned());
    }
    v
}

/// `{key}` / `{key:0W}` replaced from `values`; `{{` / `}}` are braces.
fn render(template: &str, values: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(r) = tail.strip_prefix("{{") {
            out.push('{');
            rest = r;
            continue;
        }
        if let Some(r) = tail.strip_prefix("}}") {
            out.push('}');
            rest = r;
            continue;
        }
        if tail.starts_with('}') {
            return Err("a '}' without its '{' (write '}}' for a brace)".into());
        }
        let end = tail
            .find('}')
            .ok_or("a '{' without its '}' (write '{{' for a brace)")?;
        let inner = &tail[1..end];
        let (key, width) = match inner.split_once(':') {
            Some((k, w)) => {
                let w = w
                    .strip_prefix('0')
                    .and_then(|w| w.parse::<usize>().ok())
                    .ok_or_else(|| format!("{{{inner}}}: the width is written :0N"))?;
                (k, Some(w))
            }
            None => (inner, None),
        };
        let value = values
            .get(key)
            .ok_or_else(|| format!("unknown placeholder {{{key}}}"))?;
        match width {
            Some(w) => out.push_str(&format!("{value:0>w$}")),
            None => out.push_str(value),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The export formats of `ironconf fleet inventory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// An Ansible YAML inventory (`cisco.ios` over `network_cli`).
    Ansible,
    /// Nornir's SimpleInventory hosts file.
    Nornir,
    /// `name,group,address,port,username,password,profile`.
    Csv,
    /// OpenSSH `Host` entries.
    SshConfig,
}

impl Export {
    /// By name.
    pub fn by_name(name: &str) -> Option<Export> {
        Some(match name {
            "ansible" => Export::Ansible,
            "nornir" => Export::Nornir,
            "csv" => Export::Csv,
            "ssh-config" => Export::SshConfig,
            _ => return None,
        })
    }
}

/// A YAML scalar, double-quoted.
fn yq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Inventory {
    /// `devices` (the whole inventory or a shard's) in `format`.
    pub fn export(&self, devices: &[DeviceSpec], format: Export) -> String {
        let mut out = String::new();
        match format {
            Export::Csv => {
                out.push_str("name,group,address,port,username,password,profile\n");
                for d in devices {
                    let g = &self.groups[d.group];
                    out.push_str(&format!(
                        "{},{},{},{},{},{},{}\n",
                        d.name,
                        g.name,
                        d.address.ip(),
                        d.address.port(),
                        g.username,
                        g.password,
                        g.profile
                    ));
                }
            }
            Export::SshConfig => {
                for d in devices {
                    let g = &self.groups[d.group];
                    out.push_str(&format!(
                        "Host {}\n  HostName {}\n  Port {}\n  User {}\n\n",
                        d.name,
                        d.address.ip(),
                        d.address.port(),
                        g.username
                    ));
                }
            }
            Export::Nornir => {
                for d in devices {
                    let g = &self.groups[d.group];
                    out.push_str(&format!(
                        "{}:\n  hostname: {}\n  port: {}\n  username: {}\n  password: {}\n  platform: ios\n  data:\n    group: {}\n",
                        yq(&d.name),
                        yq(&d.address.ip().to_string()),
                        d.address.port(),
                        yq(&g.username),
                        yq(&g.password),
                        yq(&g.name)
                    ));
                }
            }
            Export::Ansible => {
                out.push_str("all:\n  children:\n");
                for (gi, g) in self.groups.iter().enumerate() {
                    let mut hosts = devices.iter().filter(|d| d.group == gi).peekable();
                    if hosts.peek().is_none() {
                        continue;
                    }
                    out.push_str(&format!("    {}:\n      hosts:\n", yq(&g.name)));
                    for d in hosts {
                        out.push_str(&format!(
                            "        {}:\n          ansible_host: {}\n          ansible_port: {}\n",
                            yq(&d.name),
                            yq(&d.address.ip().to_string()),
                            d.address.port()
                        ));
                    }
                    out.push_str(&format!(
                        "      vars:\n        ansible_connection: ansible.netcommon.network_cli\n        ansible_network_os: cisco.ios.ios\n        ansible_user: {}\n        ansible_password: {}\n        ansible_become: false\n",
                        yq(&g.username),
                        yq(&g.password)
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const SAMPLE: &str = r#"
[defaults]
username = "ops"
password = "secret"

[[group]]
name = "edge"
count = 3
hostname = "edge-{n:03}"
addresses = "127.1.0.1"
port = 2222
vars = { loopback = "10.255.{n_hi}.{n_lo}" }
startup = """
hostname {hostname}
username {username} privilege 15 secret 0 {password}
interface Loopback0
 ip address {loopback} 255.255.255.255
line vty 0 15
 login local
netconf ssh
"""

[[group]]
name = "core"
count = 2
hostname = "core-{n}"
address = "127.0.0.1"
ports = 20001
"#;

    #[test]
    fn groups_expand_into_devices() {
        let inv = Inventory::parse(SAMPLE, Options::default()).unwrap();
        let names: Vec<(&str, String)> = inv
            .devices
            .iter()
            .map(|d| (d.name.as_str(), d.address.to_string()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("edge-001", "127.1.0.1:2222".to_owned()),
                ("edge-002", "127.1.0.2:2222".to_owned()),
                ("edge-003", "127.1.0.3:2222".to_owned()),
                ("core-1", "127.0.0.1:20001".to_owned()),
                ("core-2", "127.0.0.1:20002".to_owned()),
            ]
        );
        let s = inv.startup(&inv.devices[1]).unwrap();
        assert!(s.starts_with("hostname edge-002\nusername ops privilege 15 secret 0 secret\ninterface Loopback0\n ip address 10.255.0.2 255.255.255.255\n"), "{s}");
        assert!(
            inv.startup(&inv.devices[4])
                .unwrap()
                .starts_with("hostname core-2\n")
        );
        assert_eq!(inv.shard(0, 2).len(), 2);
        assert_eq!(inv.shard(1, 2).len(), 3);
        assert_eq!(parse_shard("1/2"), Ok((1, 2)));
        assert!(parse_shard("2/2").is_err());
    }

    #[test]
    fn bad_inventories_are_refused_precisely() {
        let e = |t: &str| {
            Inventory::parse(t, Options::default())
                .unwrap_err()
                .to_string()
        };
        let dup = SAMPLE.replace("core-{n}", "edge-00{n}");
        assert_eq!(
            e(&dup),
            "device name edge-001 is used twice (groups edge and core)"
        );
        let clash = SAMPLE.replace(
            "addresses = \"127.1.0.1\"\nport = 2222",
            "addresses = \"127.0.0.1\"\nport = 20002",
        );
        assert!(
            e(&clash).contains("address 127.0.0.1:20002 is used by edge-001 and core-2"),
            "{}",
            e(&clash)
        );
        let outside = SAMPLE.replace("127.1.0.1", "192.0.2.1");
        assert!(e(&outside).contains("192.0.2.1:2222 is not a loopback address"));
        assert!(
            Inventory::parse(
                &outside,
                Options {
                    allow_non_loopback: true,
                    ..Options::default()
                }
            )
            .is_ok()
        );
        let bad = SAMPLE.replace(
            " ip address {loopback} 255.255.255.255",
            " ip adress {loopback} 255.255.255.255",
        );
        assert_eq!(
            e(&bad),
            "device edge-001: startup-config line 4: ip adress 10.255.0.1 255.255.255.255: % Invalid input detected at '^' marker."
        );
        let unknown = SAMPLE.replace("{loopback}", "{lo}");
        assert!(
            e(&unknown).contains("unknown placeholder {lo}"),
            "{}",
            e(&unknown)
        );
        assert!(e("[[group]]\nname = 1\n").starts_with("inventory: "));
    }

    #[test]
    fn exports_name_every_device() {
        let inv = Inventory::parse(SAMPLE, Options::default()).unwrap();
        let csv = inv.export(&inv.devices, Export::Csv);
        assert_eq!(
            csv.lines().nth(1),
            Some("edge-001,edge,127.1.0.1,2222,ops,secret,ios-xe-16")
        );
        let ssh = inv.export(&inv.devices, Export::SshConfig);
        assert!(ssh.contains("Host core-2\n  HostName 127.0.0.1\n  Port 20002\n  User ops\n"));
        let ansible = inv.export(&inv.devices, Export::Ansible);
        assert!(ansible.contains("    \"edge\":\n      hosts:\n        \"edge-001\":\n          ansible_host: \"127.1.0.1\"\n          ansible_port: 2222\n"), "{ansible}");
        let nornir = inv.export(inv.shard(1, 2), Export::Nornir);
        assert!(
            nornir.starts_with("\"edge-003\":\n  hostname: \"127.1.0.3\"\n"),
            "{nornir}"
        );
    }
}
