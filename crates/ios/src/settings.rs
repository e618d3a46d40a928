//! Typed settings derived from the running-config, for the device: users,
//! public keys, access lists, `netconf …`, `ip ssh …`, hostname and domain,
//! vty lines. Recomputed after each change; [`SettingsTracker`] says when
//! they changed.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use crate::catalogue::Catalogue;
use crate::config::{Body, Config, Item, StoredLine};
use crate::secret::Secret;

/// A local user (`username …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Name.
    pub name: String,
    /// Privilege level (1 unless configured).
    pub privilege: u8,
    /// `secret` or `password`, if any (`nopassword`: none).
    pub secret: Option<Secret>,
}

/// Public keys of a user (`ip ssh pubkey-chain`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserKeys {
    /// `key-string` blocks, base64 joined (`ssh-rsa AAAA…` or the bare blob).
    pub key_strings: Vec<String>,
    /// `key-hash TYPE HASH`.
    pub key_hashes: Vec<(String, String)>,
}

/// One entry of a standard (or the source part of an extended) access list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AclEntry {
    /// permit or deny.
    pub permit: bool,
    /// Source address.
    pub address: Ipv4Addr,
    /// Wildcard bits (0.0.0.0 = host, 255.255.255.255 = any).
    pub wildcard: Ipv4Addr,
}

/// An access list: entries in order, implicit deny at the end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessList {
    /// The entries, as matched against source addresses.
    pub entries: Vec<AclEntry>,
    /// An extended list (numbered 100–199/2000–2699, or `ip access-list
    /// extended`).
    pub extended: bool,
    /// Every `permit`/`deny` entry as configured (its sequence number when
    /// one was given, and the words from the action on), for display.
    pub configured: Vec<(Option<u64>, String)>,
}

impl AccessList {
    /// Whether a source address is permitted (IPv4-mapped IPv6 addresses
    /// are matched as IPv4; other IPv6 sources never match an IPv4 entry).
    pub fn permits(&self, source: IpAddr) -> bool {
        let v4 = match source {
            IpAddr::V4(a) => a,
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(a) => a,
                None => return false,
            },
        };
        let ip = u32::from(v4);
        for e in &self.entries {
            let wild = u32::from(e.wildcard);
            if (ip & !wild) == (u32::from(e.address) & !wild) {
                return e.permit;
            }
        }
        false
    }
}

/// `netconf …` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetconfSettings {
    /// `netconf ssh` is configured.
    pub ssh: bool,
    /// `netconf ssh acl N`.
    pub acl: Option<u32>,
    /// `netconf lock-time` in seconds (default 10).
    pub lock_time: u32,
    /// `netconf max-sessions` (default 4).
    pub max_sessions: u32,
    /// `netconf max-message` in KB (default unlimited).
    pub max_message_kb: Option<u32>,
    /// `netconf format`.
    pub format: Option<String>,
}

/// `ip ssh …` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshSettings {
    /// `ip ssh version` (None: compatibility 1.99).
    pub version: Option<u8>,
    /// `ip ssh time-out` (default 120).
    pub timeout: u32,
    /// `ip ssh authentication-retries` (default 3).
    pub retries: u32,
    /// `ip ssh rsa keypair-name`.
    pub rsa_keypair: Option<String>,
    /// `ip ssh server algorithm encryption`.
    pub encryption: Option<Vec<String>>,
    /// `ip ssh server algorithm mac`.
    pub mac: Option<Vec<String>>,
    /// `ip ssh server algorithm kex`.
    pub kex: Option<Vec<String>>,
    /// `ip ssh server algorithm hostkey`.
    pub hostkey: Option<Vec<String>>,
    /// `ip ssh logging events`: SSH sessions are logged.
    pub logging_events: bool,
    /// `ip ssh stricthostkeycheck`: the device's SSH client connects only
    /// to servers whose key is under `ip ssh pubkey-chain` / `server`.
    pub strict_host_key: bool,
    /// `ip tcp synwait-time` (default 30 s): how long the device's own
    /// connections wait for the remote end.
    pub synwait: u32,
}

/// Syslog severities, 0 (`emergencies`) to 7 (`debugging`).
pub const SEVERITIES: [&str; 8] = [
    "emergencies",
    "alerts",
    "critical",
    "errors",
    "warnings",
    "notifications",
    "informational",
    "debugging",
];

/// A severity by name (or number).
pub fn severity(name: &str) -> Option<u8> {
    SEVERITIES
        .iter()
        .position(|s| *s == name)
        .map(|p| p as u8)
        .or_else(|| name.parse::<u8>().ok().filter(|n| *n <= 7))
}

/// How log messages are stamped (`service timestamps log …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTimestamps {
    /// `datetime [msec] [year]`.
    Datetime {
        /// `msec`.
        msec: bool,
        /// `year`.
        year: bool,
    },
    /// `uptime`.
    Uptime,
}

/// A `logging host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHost {
    /// Its address.
    pub address: Ipv4Addr,
    /// Its UDP port (514).
    pub port: u16,
}

/// Where log messages go, and how they look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggingSettings {
    /// `logging buffered [SIZE] [LEVEL]`: the buffer's size and level
    /// (`None`: `no logging buffered`).
    pub buffered: Option<(u32, u8)>,
    /// `logging console [LEVEL]` (`None`: `no logging console`).
    pub console: Option<u8>,
    /// `logging monitor [LEVEL]` (`None`: `no logging monitor`).
    pub monitor: Option<u8>,
    /// `logging trap LEVEL`: what goes to the hosts.
    pub trap: u8,
    /// `logging host …`.
    pub hosts: Vec<LogHost>,
    /// `service timestamps log …`.
    pub timestamps: LogTimestamps,
    /// `service sequence-numbers`.
    pub sequence_numbers: bool,
    /// `login on-success log`.
    pub login_success: bool,
    /// `login on-failure log`.
    pub login_failure: bool,
}

impl Default for LoggingSettings {
    fn default() -> Self {
        LoggingSettings {
            buffered: Some((4096, 7)),
            console: Some(7),
            monitor: Some(7),
            trap: 6,
            hosts: Vec::new(),
            timestamps: LogTimestamps::Datetime {
                msec: true,
                year: false,
            },
            sequence_numbers: false,
            login_success: false,
            login_failure: false,
        }
    }
}

/// The `archive` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveSettings {
    /// `path URL`: where archive files go (`$h` is the hostname, `$t` the
    /// time); the archive is off without it.
    pub path: Option<String>,
    /// `maximum N` (1–14; default 10): files kept before the oldest goes.
    pub maximum: u32,
    /// `write-memory`: archive on every `write memory`.
    pub write_memory: bool,
    /// `time-period MIN`: archive every so many minutes.
    pub time_period: Option<u32>,
}

impl Default for ArchiveSettings {
    fn default() -> Self {
        ArchiveSettings {
            path: None,
            maximum: 10,
            write_memory: false,
            time_period: None,
        }
    }
}

/// A `line vty A B` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VtyBlock {
    /// First line number.
    pub first: u32,
    /// Last line number.
    pub last: u32,
    /// `login local`.
    pub login_local: bool,
    /// `transport input …` (empty: not configured).
    pub transport_input: Vec<String>,
    /// `exec-timeout MIN [SEC]`.
    pub exec_timeout: Option<(u32, u32)>,
    /// `access-class N in`.
    pub access_class: Option<String>,
    /// `login authentication LIST`.
    pub login_authentication: Option<String>,
    /// `authorization exec LIST`.
    pub authorization_exec: Option<String>,
    /// `accounting exec LIST`.
    pub accounting_exec: Option<String>,
    /// `authorization commands LEVEL LIST`, by level.
    pub authorization_commands: BTreeMap<u8, String>,
    /// `accounting commands LEVEL LIST`, by level.
    pub accounting_commands: BTreeMap<u8, String>,
    /// `password …`: the line password (`login` without `local`).
    pub password: Option<Secret>,
}

/// Everything the device needs from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `hostname` (default `Router`).
    pub hostname: String,
    /// `ip domain name`.
    pub domain: Option<String>,
    /// `ip name-server …`, in order.
    pub name_servers: Vec<String>,
    /// `no ip domain lookup`.
    pub no_domain_lookup: bool,
    /// Local users by name.
    pub users: BTreeMap<String, User>,
    /// `enable secret` / `enable password`.
    pub enable_secret: Option<Secret>,
    /// Public keys by user.
    pub pubkeys: BTreeMap<String, UserKeys>,
    /// Servers' keys the device's SSH client trusts (`ip ssh pubkey-chain`
    /// / `server NAME`), by name or address.
    pub server_keys: BTreeMap<String, UserKeys>,
    /// Numbered and named access lists.
    pub access_lists: BTreeMap<String, AccessList>,
    /// NETCONF agent.
    pub netconf: NetconfSettings,
    /// SSH server.
    pub ssh: SshSettings,
    /// vty blocks.
    pub vty: Vec<VtyBlock>,
    /// `banner motd` text.
    pub motd: Option<String>,
    /// The `archive` section.
    pub archive: ArchiveSettings,
    /// `ip scp server enable` (off by default, as on IOS).
    pub scp_server: bool,
    /// `file prompt quiet`: file commands ask nothing.
    pub file_prompt_quiet: bool,
    /// `logging …`, `service timestamps log`, `service sequence-numbers`.
    pub logging: LoggingSettings,
    /// `aaa …`, RADIUS and TACACS+ servers.
    pub aaa: crate::aaa::AaaSettings,
    /// `login block-for SECONDS attempts N within SECONDS`.
    pub login_block: Option<LoginBlock>,
}

/// `login block-for`: after `attempts` failed logins within `within`
/// seconds, every login is refused for `block` seconds (quiet mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginBlock {
    /// How long logins are refused, in seconds.
    pub block: u32,
    /// Failures that start quiet mode.
    pub attempts: u32,
    /// The window the failures are counted in, in seconds.
    pub within: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            hostname: "Router".into(),
            domain: None,
            name_servers: Vec::new(),
            no_domain_lookup: false,
            users: BTreeMap::new(),
            enable_secret: None,
            pubkeys: BTreeMap::new(),
            server_keys: BTreeMap::new(),
            access_lists: BTreeMap::new(),
            netconf: NetconfSettings {
                ssh: false,
                acl: None,
                lock_time: 10,
                max_sessions: 4,
                max_message_kb: None,
                format: None,
            },
            ssh: SshSettings {
                version: None,
                timeout: 120,
                retries: 3,
                rsa_keypair: None,
                encryption: None,
                mac: None,
                kex: None,
                hostkey: None,
                logging_events: false,
                strict_host_key: false,
                synwait: 30,
            },
            vty: Vec::new(),
            motd: None,
            scp_server: false,
            file_prompt_quiet: false,
            archive: ArchiveSettings::default(),
            logging: LoggingSettings::default(),
            aaa: crate::aaa::AaaSettings::default(),
            login_block: None,
        }
    }
}

fn words(l: &StoredLine) -> Vec<&str> {
    l.text.split(' ').collect()
}

fn parse_secret(tokens: &[&str]) -> Option<Secret> {
    match tokens {
        [kind, text, ..] if kind.len() == 1 && kind.chars().all(|c| c.is_ascii_digit()) => {
            Secret::from_type(kind.parse().ok()?, text)
        }
        [text, ..] => Some(Secret::Plain((*text).to_owned())),
        [] => None,
    }
}

fn acl_entry(tokens: &[&str], extended: bool) -> Option<AclEntry> {
    let (permit, rest) = match tokens.split_first()? {
        (&"permit", r) => (true, r),
        (&"deny", r) => (false, r),
        _ => return None,
    };
    // Extended entries: the protocol comes first, then the source.
    let rest = if extended { rest.get(1..)? } else { rest };
    let any = Ipv4Addr::new(255, 255, 255, 255);
    let host = Ipv4Addr::new(0, 0, 0, 0);
    let (address, wildcard) = match rest {
        ["any", ..] => (host, any),
        ["host", a, ..] => (a.parse().ok()?, host),
        [a, w, ..] if w.parse::<Ipv4Addr>().is_ok() => (a.parse().ok()?, w.parse().ok()?),
        [a, ..] => (a.parse().ok()?, host),
        [] => return None,
    };
    Some(AclEntry {
        permit,
        address,
        wildcard,
    })
}

impl Settings {
    /// Derives the settings from a configuration.
    pub fn from_config(_cat: &Catalogue, cfg: &Config) -> Settings {
        let mut s = Settings::default();
        for item in cfg.items() {
            match item {
                Item::Line(l) => s.global_line(&words(l)),
                Item::List { body, .. } => {
                    for l in body.lines() {
                        let w: Vec<&str> = l.text.split(' ').collect();
                        if let ["access-list", n, rest @ ..] = &w[..] {
                            let extended = n.parse::<u32>().is_ok_and(|n| {
                                (100..200).contains(&n) || (2000..2700).contains(&n)
                            });
                            if !matches!(rest.first(), Some(&("permit" | "deny"))) {
                                continue;
                            }
                            let acl = s.access_lists.entry((*n).to_owned()).or_default();
                            acl.extended = extended;
                            acl.configured.push((None, rest.join(" ")));
                            if let Some(e) = acl_entry(rest, extended) {
                                acl.entries.push(e);
                            }
                        }
                    }
                }
                Item::Section { header, body } => s.section(&words(header), body),
                Item::Banner { header, text } => {
                    if &*header.text == "banner motd" {
                        s.motd = Some(text.clone());
                    }
                }
            }
        }
        s
    }

    /// True when an item whose first line is `line` can change the
    /// settings (it starts like a command [`Settings::from_config`] reads),
    /// so changes to anything else need no recomputation: a one-line edit
    /// of a large configuration stays cheap.
    pub fn reads(line: &str) -> bool {
        const READ: [&str; 17] = [
            "aaa ",
            "radius",
            "tacacs ",
            "logging ",
            "no logging ",
            "service ",
            "login ",
            "archive",
            "file prompt",
            "hostname",
            "ip ",
            "username ",
            "enable ",
            "netconf ",
            "line ",
            "access-list ",
            "banner ",
        ];
        let line = line.trim_start();
        READ.iter().any(|p| line.starts_with(p))
    }

    fn global_line(&mut self, w: &[&str]) {
        let num = |t: Option<&&str>| t.and_then(|t| t.parse::<u32>().ok());
        let list = |t: &[&str]| {
            Some(
                t.iter()
                    .flat_map(|a| a.split(','))
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        };
        match w {
            ["hostname", h] => self.hostname = (*h).to_owned(),
            ["ip", "domain", "name", d] | ["ip", "domain-name", d] => {
                self.domain = Some((*d).to_owned())
            }
            ["ip", "name-server", servers @ ..] => {
                let servers = servers.iter().filter(|s| **s != "vrf");
                self.name_servers.extend(servers.map(|s| (*s).to_owned()))
            }
            ["no", "ip", "domain", "lookup"] | ["no", "ip", "domain-lookup"] => {
                self.no_domain_lookup = true
            }
            ["username", name, rest @ ..] => {
                let mut user = User {
                    name: (*name).to_owned(),
                    privilege: 1,
                    secret: None,
                };
                let mut i = 0;
                while i < rest.len() {
                    match rest[i] {
                        "privilege" => {
                            user.privilege =
                                rest.get(i + 1).and_then(|p| p.parse().ok()).unwrap_or(1);
                            i += 2;
                        }
                        "secret" | "password" => {
                            user.secret = parse_secret(&rest[i + 1..]);
                            break;
                        }
                        _ => i += 1,
                    }
                }
                self.users.insert(user.name.clone(), user);
            }
            ["enable", "secret" | "password", rest @ ..] => self.enable_secret = parse_secret(rest),
            ["netconf", "ssh"] => self.netconf.ssh = true,
            ["netconf", "ssh", "acl", n] => {
                self.netconf.ssh = true;
                self.netconf.acl = n.parse().ok();
            }
            ["netconf", "lock-time", n] => self.netconf.lock_time = num(Some(n)).unwrap_or(10),
            ["netconf", "max-sessions", n] => self.netconf.max_sessions = num(Some(n)).unwrap_or(4),
            ["netconf", "max-message", n] => self.netconf.max_message_kb = num(Some(n)),
            ["netconf", "format", f] => self.netconf.format = Some((*f).to_owned()),
            ["aaa", ..] | ["radius-server", ..] => self.aaa.global_line(w),
            ["ip", "ssh", "version", v] => self.ssh.version = v.parse().ok(),
            ["ip", "scp", "server", "enable"] => self.scp_server = true,
            ["ip", "ssh", "logging", "events"] => self.ssh.logging_events = true,
            ["ip", "ssh", "stricthostkeycheck"] => self.ssh.strict_host_key = true,
            ["ip", "tcp", "synwait-time", n] => self.ssh.synwait = num(Some(n)).unwrap_or(30),
            ["file", "prompt", "quiet"] => self.file_prompt_quiet = true,
            ["logging", "buffered", rest @ ..] => {
                let mut size = 4096;
                let mut level = 7;
                for t in rest {
                    match (t.parse::<u32>(), severity(t)) {
                        (Ok(n), _) if n >= 4096 => size = n,
                        (_, Some(l)) => level = l,
                        _ => {}
                    }
                }
                self.logging.buffered = Some((size, level));
            }
            ["no", "logging", "buffered"] => self.logging.buffered = None,
            ["logging", "console", rest @ ..] => {
                self.logging.console = Some(rest.first().and_then(|t| severity(t)).unwrap_or(7));
            }
            ["no", "logging", "console"] => self.logging.console = None,
            ["logging", "monitor", rest @ ..] => {
                self.logging.monitor = Some(rest.first().and_then(|t| severity(t)).unwrap_or(7));
            }
            ["no", "logging", "monitor"] => self.logging.monitor = None,
            ["logging", "trap", level] => self.logging.trap = severity(level).unwrap_or(6),
            ["logging", "host", address, rest @ ..] => {
                if let Ok(address) = address.parse() {
                    let port = match rest {
                        ["transport", "udp", "port", p] => p.parse().unwrap_or(514),
                        _ => 514,
                    };
                    self.logging.hosts.push(LogHost { address, port });
                }
            }
            ["service", "timestamps", "log", "uptime"] => {
                self.logging.timestamps = LogTimestamps::Uptime;
            }
            ["service", "timestamps", "log", "datetime", opts @ ..] => {
                self.logging.timestamps = LogTimestamps::Datetime {
                    msec: opts.contains(&"msec"),
                    year: opts.contains(&"year"),
                };
            }
            ["service", "sequence-numbers"] => self.logging.sequence_numbers = true,
            ["login", "on-success", "log"] => self.logging.login_success = true,
            ["login", "on-failure", "log"] => self.logging.login_failure = true,
            [
                "login",
                "block-for",
                block,
                "attempts",
                attempts,
                "within",
                within,
            ] => {
                if let (Some(block), Some(attempts), Some(within)) =
                    (num(Some(block)), num(Some(attempts)), num(Some(within)))
                {
                    self.login_block = Some(LoginBlock {
                        block,
                        attempts,
                        within,
                    });
                }
            }
            ["ip", "ssh", "time-out", n] => self.ssh.timeout = num(Some(n)).unwrap_or(120),
            ["ip", "ssh", "authentication-retries", n] => {
                self.ssh.retries = num(Some(n)).unwrap_or(3)
            }
            ["ip", "ssh", "rsa", "keypair-name", k] => self.ssh.rsa_keypair = Some((*k).to_owned()),
            ["ip", "ssh", "server", "algorithm", kind, algs @ ..] => match *kind {
                "encryption" => self.ssh.encryption = list(algs),
                "mac" => self.ssh.mac = list(algs),
                "kex" => self.ssh.kex = list(algs),
                "hostkey" => self.ssh.hostkey = list(algs),
                _ => {}
            },
            _ => {}
        }
    }

    fn section(&mut self, header: &[&str], body: &Body) {
        // The section's own lines (nested sub-sections have depth > 0).
        let lines = || {
            body.lines()
                .filter(|l| l.depth == 0)
                .map(|l| l.text.split(' ').collect::<Vec<&str>>())
        };
        match header {
            ["archive"] => {
                let mut a = ArchiveSettings::default();
                for w in lines() {
                    match &w[..] {
                        ["path", p] => a.path = Some((*p).to_owned()),
                        ["maximum", n] => a.maximum = n.parse().unwrap_or(10),
                        ["write-memory"] => a.write_memory = true,
                        ["time-period", n] => a.time_period = n.parse().ok(),
                        _ => {}
                    }
                }
                self.archive = a;
            }
            ["line", "vty", first, rest @ ..] => {
                let first: u32 = first.parse().unwrap_or(0);
                let last: u32 = rest.first().and_then(|l| l.parse().ok()).unwrap_or(first);
                let mut b = VtyBlock {
                    first,
                    last: last.max(first),
                    ..VtyBlock::default()
                };
                for w in lines() {
                    match &w[..] {
                        ["login", "local"] => b.login_local = true,
                        ["transport", "input", t @ ..] => {
                            b.transport_input = t.iter().map(|s| (*s).to_owned()).collect()
                        }
                        ["exec-timeout", m, rest @ ..] => {
                            b.exec_timeout = Some((
                                m.parse().unwrap_or(10),
                                rest.first().and_then(|s| s.parse().ok()).unwrap_or(0),
                            ));
                        }
                        ["access-class", n, "in"] => b.access_class = Some((*n).to_owned()),
                        ["login", "authentication", list] => {
                            b.login_authentication = Some((*list).to_owned())
                        }
                        ["authorization", "exec", list] => {
                            b.authorization_exec = Some((*list).to_owned())
                        }
                        ["accounting", "exec", list] => {
                            b.accounting_exec = Some((*list).to_owned())
                        }
                        ["authorization", "commands", level, list] => {
                            if let Ok(level) = level.parse() {
                                b.authorization_commands.insert(level, (*list).to_owned());
                            }
                        }
                        ["accounting", "commands", level, list] => {
                            if let Ok(level) = level.parse() {
                                b.accounting_commands.insert(level, (*list).to_owned());
                            }
                        }
                        ["password", rest @ ..] => b.password = parse_secret(rest),
                        _ => {}
                    }
                }
                self.vty.push(b);
            }
            ["ip", "access-list", kind, name] => {
                let extended = *kind == "extended";
                let acl = self.access_lists.entry((*name).to_owned()).or_default();
                acl.extended = extended;
                for w in lines() {
                    // An optional sequence number comes first.
                    let seq = w.first().and_then(|t| t.parse::<u64>().ok());
                    let w: &[&str] = if seq.is_some() { &w[1..] } else { &w };
                    if matches!(w.first(), Some(&("permit" | "deny"))) {
                        acl.configured.push((seq, w.join(" ")));
                    }
                    if let Some(e) = acl_entry(w, extended) {
                        acl.entries.push(e);
                    }
                }
            }
            ["radius", "server", _]
            | ["tacacs", "server", _]
            | ["aaa", "group", "server", _, _] => {
                let own: Vec<Vec<&str>> = lines().collect();
                self.aaa.section(header, &own);
            }
            ["ip", "ssh", "pubkey-chain"] => {
                // username / server (depth 0) > key-string (depth 1) > data
                // (depth 2)
                let mut user: Option<(bool, String)> = None;
                let mut in_key = false;
                let mut blob = String::new();
                fn keys<'s>(
                    s: &'s mut Settings,
                    (server, name): &(bool, String),
                ) -> &'s mut UserKeys {
                    let map = if *server {
                        &mut s.server_keys
                    } else {
                        &mut s.pubkeys
                    };
                    map.entry(name.clone()).or_default()
                }
                let flush = |s: &mut Self, user: &Option<(bool, String)>, blob: &mut String| {
                    if let Some(u) = user
                        && !blob.is_empty()
                    {
                        keys(s, u).key_strings.push(std::mem::take(blob));
                    }
                };
                for l in body.lines() {
                    if in_key && l.depth <= 1 {
                        flush(self, &user, &mut blob);
                        in_key = false;
                    }
                    let w: Vec<&str> = l.text.split(' ').collect();
                    match (l.depth, &w[..]) {
                        (0, [kind @ ("username" | "server"), u]) => {
                            let entry = (*kind == "server", (*u).to_owned());
                            keys(self, &entry);
                            user = Some(entry);
                        }
                        (1, ["key-string"]) => in_key = true,
                        (1, ["key-hash", kind, hash, ..]) => {
                            if let Some(u) = &user {
                                keys(self, u)
                                    .key_hashes
                                    .push(((*kind).to_owned(), (*hash).to_owned()));
                            }
                        }
                        (d, _) if d >= 2 && in_key => blob.push_str(l.text.trim()),
                        _ => {}
                    }
                }
                if in_key {
                    flush(self, &user, &mut blob);
                }
            }
            _ => {}
        }
    }

    /// Idle time after which a vty's EXEC session ends: the first vty
    /// block's `exec-timeout`, IOS's 10 minutes by default, `None` for
    /// `exec-timeout 0 0` (never).
    pub fn vty_exec_timeout(&self) -> Option<std::time::Duration> {
        let (min, sec) = self
            .vty
            .first()
            .and_then(|b| b.exec_timeout)
            .unwrap_or((10, 0));
        let total = u64::from(min) * 60 + u64::from(sec);
        (total > 0).then(|| std::time::Duration::from_secs(total))
    }

    /// vty lines available to sessions: those configured, or IOS's
    /// default `line vty 0 4` when none are.
    pub fn vty_lines(&self) -> u32 {
        match self.vty_count() {
            0 => 5,
            n => n,
        }
    }

    /// Number of vty lines configured.
    pub fn vty_count(&self) -> u32 {
        self.vty.iter().map(|b| b.last - b.first + 1).sum()
    }

    /// The RSA key label IOS uses: `ip ssh rsa keypair-name`, or
    /// `hostname.domain`.
    pub fn rsa_key_label(&self) -> Option<String> {
        if let Some(k) = &self.ssh.rsa_keypair {
            return Some(k.clone());
        }
        self.domain
            .as_ref()
            .map(|d| format!("{}.{d}", self.hostname))
    }
}

/// Keeps the current settings and a version that moves when they change.
#[derive(Debug, Clone, Default)]
pub struct SettingsTracker {
    current: Settings,
    version: u64,
}

impl SettingsTracker {
    /// The settings in force.
    pub fn current(&self) -> &Settings {
        &self.current
    }

    /// Bumped on every change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Recomputes from `cfg`; returns true if anything changed.
    pub fn update(&mut self, cat: &Catalogue, cfg: &Config) -> bool {
        let new = Settings::from_config(cat, cfg);
        if new == self.current {
            return false;
        }
        self.current = new;
        self.version += 1;
        true
    }
}
