//! AAA as the configuration sets it (`aaa new-model`, method lists,
//! RADIUS and TACACS+ servers and groups), read into typed settings.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::secret::type7_decode;

/// One method of a method list, in the order IOS tries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// `local`: the `username` database (user names case-insensitive).
    Local,
    /// `local-case`: the same, names case-sensitive.
    LocalCase,
    /// `enable`: the enable secret.
    Enable,
    /// `line`: the line's password.
    Line,
    /// `none`: no check.
    None,
    /// `group radius`, `group tacacs+` (every server of the kind) or
    /// `group NAME` (a server group).
    Group(String),
    /// `if-authenticated` (authorization: granted to whoever logged in).
    IfAuthenticated,
}

impl Method {
    fn parse(words: &[&str]) -> Vec<Method> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let m = match words[i] {
                "local" => Method::Local,
                "local-case" => Method::LocalCase,
                "enable" => Method::Enable,
                "line" => Method::Line,
                "none" => Method::None,
                "if-authenticated" => Method::IfAuthenticated,
                "group" => {
                    i += 1;
                    match words.get(i) {
                        Some(g) => Method::Group((*g).to_owned()),
                        None => break,
                    }
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.push(m);
            i += 1;
        }
        out
    }

    /// As IOS names it in `show aaa method-lists` (`group radius`).
    pub fn name(&self) -> String {
        match self {
            Method::Local => "local".into(),
            Method::LocalCase => "local-case".into(),
            Method::Enable => "enable".into(),
            Method::Line => "line".into(),
            Method::None => "none".into(),
            Method::Group(g) => format!("group {g}"),
            Method::IfAuthenticated => "if-authenticated".into(),
        }
    }
}

/// Which records an accounting list keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// `start-stop`.
    StartStop,
    /// `stop-only`.
    StopOnly,
    /// `none`.
    None,
}

/// What an accounting list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AcctKind {
    /// `aaa accounting exec`.
    Exec,
    /// `aaa accounting connection`.
    Connection,
    /// `aaa accounting commands LEVEL`.
    Commands(u8),
}

/// `radius server NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadiusServer {
    /// Its name.
    pub name: String,
    /// `address ipv4 A`.
    pub address: Option<Ipv4Addr>,
    /// `auth-port` (1812 unless given).
    pub auth_port: u16,
    /// `acct-port` (1813 unless given).
    pub acct_port: u16,
    /// The shared secret, in clear (a type 7 key decoded).
    pub key: Option<String>,
    /// `timeout` (seconds), if set on the server.
    pub timeout: Option<u32>,
    /// `retransmit`, if set on the server.
    pub retransmit: Option<u32>,
}

/// `tacacs server NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TacacsServer {
    /// Its name.
    pub name: String,
    /// `address ipv4 A`.
    pub address: Option<Ipv4Addr>,
    /// `port` (49 unless given).
    pub port: u16,
    /// The shared secret, in clear.
    pub key: Option<String>,
    /// `timeout` (seconds), if set.
    pub timeout: Option<u32>,
    /// `single-connection`.
    pub single_connection: bool,
}

/// Which protocol a server group speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// RADIUS.
    Radius,
    /// TACACS+.
    Tacacs,
}

/// `aaa group server radius|tacacs+ NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerGroup {
    /// Its protocol.
    pub protocol: Protocol,
    /// `server name X`, in order.
    pub servers: Vec<String>,
    /// `deadtime` (minutes), if set on the group.
    pub deadtime: Option<u32>,
}

/// The AAA settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AaaSettings {
    /// `aaa new-model`.
    pub new_model: bool,
    /// `aaa authentication login LIST …` by list name (`default` too).
    pub login: BTreeMap<String, Vec<Method>>,
    /// `aaa authentication enable default …`.
    pub enable: Option<Vec<Method>>,
    /// `aaa authorization exec LIST …`.
    pub exec_authorization: BTreeMap<String, Vec<Method>>,
    /// `aaa authorization commands LEVEL LIST …`.
    pub command_authorization: BTreeMap<(u8, String), Vec<Method>>,
    /// `aaa accounting … LIST RECORD METHOD…`.
    pub accounting: BTreeMap<(AcctKind, String), (Record, Vec<Method>)>,
    /// `radius server NAME`, by name.
    pub radius_servers: BTreeMap<String, RadiusServer>,
    /// `tacacs server NAME`, by name.
    pub tacacs_servers: BTreeMap<String, TacacsServer>,
    /// `aaa group server …`, by name.
    pub groups: BTreeMap<String, ServerGroup>,
    /// `radius-server deadtime` (minutes; 0: servers are never marked dead).
    pub radius_deadtime: u32,
    /// `radius-server dead-criteria time T tries N`.
    pub dead_criteria: Option<(u32, u32)>,
}

/// A key as configured (`key K`, `key 0 K`, `key 7 E`), in clear.
fn clear_key(words: &[&str]) -> Option<String> {
    match words {
        ["7", enc] => type7_decode(enc),
        ["0", rest @ ..] if !rest.is_empty() => Some(rest.join(" ")),
        // Type 6 needs the master key, which the device does not have.
        ["6", ..] => None,
        [] => None,
        rest => Some(rest.join(" ")),
    }
}

impl AaaSettings {
    /// A global `aaa …` or `radius-server …` line.
    pub(crate) fn global_line(&mut self, w: &[&str]) {
        match w {
            ["aaa", "new-model"] => self.new_model = true,
            ["aaa", "authentication", "login", list, methods @ ..] => {
                self.login
                    .insert((*list).to_owned(), Method::parse(methods));
            }
            ["aaa", "authentication", "enable", "default", methods @ ..] => {
                self.enable = Some(Method::parse(methods));
            }
            ["aaa", "authorization", "exec", list, methods @ ..] => {
                self.exec_authorization
                    .insert((*list).to_owned(), Method::parse(methods));
            }
            [
                "aaa",
                "authorization",
                "commands",
                level,
                list,
                methods @ ..,
            ] => {
                if let Ok(level) = level.parse() {
                    self.command_authorization
                        .insert((level, (*list).to_owned()), Method::parse(methods));
                }
            }
            ["aaa", "accounting", kind, rest @ ..] => {
                let (kind, rest) = match (*kind, rest) {
                    ("exec", r) => (AcctKind::Exec, r),
                    ("connection", r) => (AcctKind::Connection, r),
                    ("commands", [level, r @ ..]) => match level.parse() {
                        Ok(l) => (AcctKind::Commands(l), r),
                        Err(_) => return,
                    },
                    _ => return,
                };
                let [list, record, methods @ ..] = rest else {
                    return;
                };
                let record = match *record {
                    "start-stop" => Record::StartStop,
                    "stop-only" => Record::StopOnly,
                    _ => Record::None,
                };
                self.accounting
                    .insert((kind, (*list).to_owned()), (record, Method::parse(methods)));
            }
            ["radius-server", "deadtime", n] => self.radius_deadtime = n.parse().unwrap_or(0),
            ["radius-server", "dead-criteria", rest @ ..] => {
                let find = |k: &str| {
                    rest.iter()
                        .position(|t| *t == k)
                        .and_then(|i| rest.get(i + 1))
                        .and_then(|v| v.parse().ok())
                };
                self.dead_criteria = Some((find("time").unwrap_or(10), find("tries").unwrap_or(3)));
            }
            _ => {}
        }
    }

    /// A section: a server or a server group. `lines` are its own lines'
    /// words.
    pub(crate) fn section(&mut self, header: &[&str], lines: &[Vec<&str>]) {
        match header {
            ["radius", "server", name] => {
                let mut s = RadiusServer {
                    name: (*name).to_owned(),
                    address: None,
                    auth_port: 1812,
                    acct_port: 1813,
                    key: None,
                    timeout: None,
                    retransmit: None,
                };
                for w in lines {
                    match w.as_slice() {
                        ["address", "ipv4", a, rest @ ..] => {
                            s.address = a.parse().ok();
                            let port = |k: &str| {
                                rest.iter()
                                    .position(|t| *t == k)
                                    .and_then(|i| rest.get(i + 1))
                                    .and_then(|v| v.parse().ok())
                            };
                            s.auth_port = port("auth-port").unwrap_or(1812);
                            s.acct_port = port("acct-port").unwrap_or(1813);
                        }
                        ["key", rest @ ..] => s.key = clear_key(rest),
                        ["timeout", n] => s.timeout = n.parse().ok(),
                        ["retransmit", n] => s.retransmit = n.parse().ok(),
                        _ => {}
                    }
                }
                self.radius_servers.insert(s.name.clone(), s);
            }
            ["tacacs", "server", name] => {
                let mut s = TacacsServer {
                    name: (*name).to_owned(),
                    address: None,
                    port: 49,
                    key: None,
                    timeout: None,
                    single_connection: false,
                };
                for w in lines {
                    match w.as_slice() {
                        ["address", "ipv4", a] => s.address = a.parse().ok(),
                        ["port", p] => s.port = p.parse().unwrap_or(49),
                        ["key", rest @ ..] => s.key = clear_key(rest),
                        ["timeout", n] => s.timeout = n.parse().ok(),
                        ["single-connection"] => s.single_connection = true,
                        _ => {}
                    }
                }
                self.tacacs_servers.insert(s.name.clone(), s);
            }
            ["aaa", "group", "server", kind, name] => {
                let protocol = if *kind == "radius" {
                    Protocol::Radius
                } else {
                    Protocol::Tacacs
                };
                let mut g = ServerGroup {
                    protocol,
                    servers: Vec::new(),
                    deadtime: None,
                };
                for w in lines {
                    match w.as_slice() {
                        ["server", "name", s] => g.servers.push((*s).to_owned()),
                        ["deadtime", n] => g.deadtime = n.parse().ok(),
                        _ => {}
                    }
                }
                self.groups.insert((*name).to_owned(), g);
            }
            _ => {}
        }
    }

    /// The servers a `group G` method names, in order, with their
    /// protocol: every RADIUS server for `radius`, every TACACS+ server
    /// for `tacacs+`, a group's members otherwise (`None`: no such group).
    pub fn group_servers(&self, group: &str) -> Option<(Protocol, Vec<String>)> {
        match group {
            "radius" => Some((
                Protocol::Radius,
                self.radius_servers.keys().cloned().collect(),
            )),
            "tacacs+" => Some((
                Protocol::Tacacs,
                self.tacacs_servers.keys().cloned().collect(),
            )),
            g => self.groups.get(g).map(|g| (g.protocol, g.servers.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_lists_and_servers_are_read() {
        let mut a = AaaSettings::default();
        a.global_line(&["aaa", "new-model"]);
        a.global_line(&[
            "aaa",
            "authentication",
            "login",
            "default",
            "group",
            "RAD",
            "local",
        ]);
        a.global_line(&[
            "aaa",
            "accounting",
            "commands",
            "15",
            "default",
            "start-stop",
            "group",
            "tacacs+",
        ]);
        assert!(a.new_model);
        assert_eq!(
            a.login.get("default"),
            Some(&vec![Method::Group("RAD".into()), Method::Local])
        );
        assert_eq!(
            a.accounting
                .get(&(AcctKind::Commands(15), "default".into())),
            Some(&(Record::StartStop, vec![Method::Group("tacacs+".into())]))
        );
        a.section(
            &["radius", "server", "R1"],
            &[
                vec!["address", "ipv4", "192.0.2.1", "auth-port", "1645"],
                vec!["key", "7", "070C285F4D06"],
            ],
        );
        let r = &a.radius_servers["R1"];
        assert_eq!((r.auth_port, r.acct_port), (1645, 1813));
        assert_eq!(r.key.as_deref(), Some("cisco"));
        a.section(
            &["aaa", "group", "server", "radius", "RAD"],
            &[vec!["server", "name", "R1"]],
        );
        assert_eq!(
            a.group_servers("RAD"),
            Some((Protocol::Radius, vec!["R1".to_owned()]))
        );
        assert_eq!(a.group_servers("radius"), a.group_servers("RAD"));
        assert_eq!(a.group_servers("nope"), None);
    }
}
