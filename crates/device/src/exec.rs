//! EXEC commands: the same implementations serve the SSH exec channel and
//! NETCONF's `oper-data-format-text-block`. Interactive prompts are
//! answered with their defaults, as IOS does for NETCONF.

use std::fmt::Write as _;
use std::time::SystemTime;

use ironconf_ios::change::IosTime;
use ironconf_ios::filter::{apply_pipes, show_running_config};
use ironconf_ios::parse::{ParseError, parse_line};
use ironconf_ios::settings::AccessList;
use ironconf_proto::ErrorTag;

use crate::device::Device;
use crate::interfaces::{interfaces, show_interfaces, show_ip_interface_brief};

/// Who runs a command.
#[derive(Debug, Clone)]
pub struct ExecCaller {
    /// The NETCONF session, if the command came through NETCONF.
    pub session: Option<u32>,
    /// The user.
    pub user: String,
    /// Privilege level.
    pub privilege: u8,
    /// The caller's vty line, if it holds one.
    pub line: Option<u32>,
}

/// A command's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// The text, lines ending in `\n`.
    pub text: String,
    /// False when the command was refused or failed (IOS `%` message).
    pub ok: bool,
}

impl ExecOutput {
    fn ok(text: String) -> Self {
        ExecOutput { text, ok: true }
    }

    fn error(text: String) -> Self {
        ExecOutput { text, ok: false }
    }
}

/// Runs one EXEC command line (with an optional `| include …` filter).
pub fn run(device: &Device, caller: &ExecCaller, line: &str) -> ExecOutput {
    let line = line.trim();
    let (command, pipes) = match line.find('|') {
        Some(p) => (line[..p].trim_end(), &line[p..]),
        None => (line, ""),
    };
    let cat = device.catalogue();
    let Some(mode) = cat.mode_by_name("exec") else {
        return ExecOutput::error("% EXEC commands are not available\n".into());
    };
    let parsed = match parse_line(cat, mode, command, false) {
        Ok(p) => p,
        Err(e) => return parse_error(command, &e),
    };
    let Some(rule) = parsed.rule else {
        return parse_error(command, &ParseError::Incomplete);
    };
    // Commands above the caller's level are invisible, as on IOS.
    if cat.rule(rule).privilege > caller.privilege {
        return parse_error(command, &ParseError::Invalid { column: 0 });
    }
    let words: Vec<&str> = parsed.tokens.iter().map(String::as_str).collect();
    let output = match words.as_slice() {
        ["show", "running-config", rest @ ..] => {
            let args = format!("{} {pipes}", rest.join(" "));
            let st = device.state();
            return match show_running_config(cat, &st.running, &st.config_header(), args.trim()) {
                Ok(t) => ExecOutput::ok(t),
                Err(e) => ExecOutput::error(format!("{}\n", e.message)),
            };
        }
        ["show", "startup-config"] => match device.startup_text() {
            Some(t) => ExecOutput::ok(format!("Using {} out of 33554432 bytes\n{t}", t.len())),
            None => ExecOutput::error("startup-config is not present\n".into()),
        },
        ["show", "version"] => ExecOutput::ok(show_version(device)),
        ["show", "clock"] => ExecOutput::ok(format!("*{}\n", clock(SystemTime::now()))),
        ["show", "privilege"] => ExecOutput::ok(format!("Current privilege level is {}\n", caller.privilege)),
        ["show", "netconf", "counters"] => ExecOutput::ok(show_netconf_counters(device)),
        ["show", "netconf", "session"] => ExecOutput::ok(show_netconf_session(device)),
        ["show", "ip", "ssh"] => ExecOutput::ok(show_ip_ssh(device)),
        ["show", "ip", "interface", "brief"] => {
            ExecOutput::ok(show_ip_interface_brief(&device.ip_interface_brief()))
        }
        ["show", "interfaces", name @ ..] => {
            let running = interfaces(&device.state().running);
            match show_interfaces(&running, name.first().copied()) {
                Some(text) => ExecOutput::ok(text),
                // As IOS does for an interface the device does not have.
                None => parse_error(
                    command,
                    &ParseError::Invalid {
                        column: command.rfind(' ').map_or(0, |p| p + 1),
                    },
                ),
            }
        }
        ["crypto", "key", "generate", "rsa", rest @ ..] => crypto_key_generate(device, rest),
        ["crypto", "key", "zeroize", "rsa", rest @ ..] => crypto_key_zeroize(device, rest.first().copied()),
        ["show", "crypto", "key", "mypubkey", "rsa", rest @ ..] => {
            ExecOutput::ok(show_crypto_key(device, rest.first().copied()))
        }
        ["show", "debugging"] => {
            let d = device.state().debug;
            let mut out = String::new();
            if d.errors || d.info {
                out.push_str("NETCONF:\n");
                if d.errors {
                    out.push_str("  NETCONF Errors debugging is on\n");
                }
                if d.info {
                    out.push_str("  NETCONF Informational debugging is on\n");
                }
            }
            ExecOutput::ok(out)
        }
        ["debug", "netconf", level] => {
            let mut st = device.state();
            st.debug.errors = true;
            if *level == "all" {
                st.debug.info = true;
            }
            ExecOutput::ok(format!("NETCONF {level} debugging is on\n"))
        }
        ["no", "debug", "netconf", level] | ["undebug", "netconf", level] => {
            let mut st = device.state();
            st.debug.errors = false;
            if *level == "all" {
                st.debug.info = false;
            }
            ExecOutput::ok(format!("NETCONF {level} debugging is off\n"))
        }
        ["no", "debug", "all"] | ["undebug", "all"] => {
            device.state().debug = Default::default();
            ExecOutput::ok("All possible debugging has been turned off\n".into())
        }
        ["terminal", "monitor"] => match caller.line {
            Some(vty) => {
                device.state().monitoring.insert(vty);
                ExecOutput::ok(String::new())
            }
            None => ExecOutput::error("% Not a terminal line\n".into()),
        },
        ["terminal", "no", "monitor"] => {
            if let Some(vty) = caller.line {
                device.state().monitoring.remove(&vty);
            }
            ExecOutput::ok(String::new())
        }
        ["show", "netconf", "schema"] => ExecOutput::ok(crate::ops::schema::show_netconf_schema()),
        ["show", "ssh"] => ExecOutput::ok(show_ssh(device)),
        ["show", "line"] => ExecOutput::ok(show_line(device)),
        ["show", "users"] => ExecOutput::ok(show_users(device, caller)),
        ["clear", "line", n] => {
            if let Ok(n) = n.parse::<u32>() {
                device.clear_line(n);
            }
            ExecOutput::ok("[confirm]\n [OK]\n".into())
        }
        ["reload"] => {
            // The confirmation is answered with its default.
            device.reload();
            ExecOutput::ok("Proceed with reload? [confirm]\n".into())
        }
        ["show", "access-lists", name @ ..] => ExecOutput::ok(show_access_lists(
            &device.settings().access_lists,
            name.first().copied(),
        )),
        ["clear", "netconf", "counters"] => {
            device.state().counters = Default::default();
            ExecOutput::ok(String::new())
        }
        ["clear", "netconf", "sessions"] => {
            let ids: Vec<u32> = device.state().sessions.keys().copied().collect();
            for id in ids.into_iter().filter(|id| Some(*id) != caller.session) {
                device.kill_session(id);
            }
            ExecOutput::ok(String::new())
        }
        ["copy", "running-config", "startup-config"] | ["write", ..] => match device.save_startup() {
            // The "Destination filename [startup-config]?" prompt is
            // answered with its default.
            Ok(()) => ExecOutput::ok("Building configuration...\n[OK]\n".into()),
            Err(e) => ExecOutput::error(format!("%Error copying nvram:startup-config ({e})\n")),
        },
        ["erase", "startup-config"] => match device.erase_startup() {
            Ok(()) => ExecOutput::ok(
                "Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]\n[OK]\nErase of nvram: complete\n"
                    .into(),
            ),
            Err(e) => ExecOutput::error(format!("%Error erasing nvram: ({e})\n")),
        },
        ["terminal", "length", _] => ExecOutput::ok(String::new()),
        [cmd @ ("ping" | "traceroute"), ..] => {
            ExecOutput::error(format!("% {cmd} is not available: this device has no data plane\n"))
        }
        _ => ExecOutput::error(format!("% '{command}' is not implemented on this device\n")),
    };
    if pipes.is_empty() || !output.ok {
        return output;
    }
    match apply_pipes(&output.text, pipes) {
        Ok(t) => ExecOutput::ok(t),
        Err(e) => ExecOutput::error(format!("{}\n", e.message)),
    }
}

fn parse_error(command: &str, e: &ParseError) -> ExecOutput {
    let mut text = String::new();
    if let Some(caret) = e.caret_line(0) {
        let _ = writeln!(text, "{command}");
        let _ = writeln!(text, "{caret}");
    }
    let _ = writeln!(text, "{}", e.message(command));
    ExecOutput::error(text)
}

/// `10:20:30.123 UTC Wed Nov 25 2026`
fn clock(now: SystemTime) -> String {
    let t = IosTime::at(now);
    format!(
        "{}.{:03} UTC {} {} {} {}",
        t.clock(),
        t.millis,
        t.weekday,
        t.month,
        t.day,
        t.year
    )
}

fn show_version(device: &Device) -> String {
    let hostname = device.settings().hostname;
    let uptime = device.uptime().as_secs();
    let (days, hours, minutes) = (uptime / 86_400, uptime % 86_400 / 3600, uptime % 3600 / 60);
    format!(
        "Cisco IOS XE Software, Version 16.12.04\n\
         Cisco IOS Software [Gibraltar], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.4, RELEASE SOFTWARE (fc5)\n\
         ironconf emulation of the IOS NETCONF agent (profile {profile})\n\
         \n\
         ROM: IOS-XE ROMMON\n\
         \n\
         {hostname} uptime is {days} days, {hours} hours, {minutes} minutes\n\
         System returned to ROM by reload\n\
         System image file is \"bootflash:packages.conf\"\n\
         \n\
         cisco CSR1000V (VXE) processor with 2072442K/3075K bytes of memory.\n\
         Processor board ID 9ABCDEFGHIJ\n\
         1 Virtual Ethernet interface\n\
         32768K bytes of non-volatile configuration memory.\n\
         \n\
         Configuration register is 0x2102\n",
        profile = device.profile().name,
    )
}

/// `show netconf counters` (spec 2.1): three counters a line, TAB-separated.
fn show_netconf_counters(device: &Device) -> String {
    let c = device.state().counters.clone();
    let tag = |t: ErrorTag| c.error_tags[t.index()];
    use ErrorTag::*;
    format!(
        "NETCONF Counters\n\
         Connection Attempts:{}: rejected:{} no-hello:{} success:{}\n\
         Transactions\n\
         total:{}, success:{}, errors:{}\n\
         detailed errors:\n\
         in-use {}\tinvalid-value {}\ttoo-big {}\n\
         missing-attribute {}\tbad-attribute {}\tunknown-attribute {}\n\
         missing-element {}\tbad-element {}\tunknown-element {}\n\
         unknown-namespace {}\taccess-denied {}\tlock-denied {}\n\
         resource-denied {}\trollback-failed {}\tdata-exists {}\n\
         data-missing {}\toperation-not-supported {}\toperation-failed {}\n\
         partial-operation {}\n",
        c.connection_attempts,
        c.rejected,
        c.no_hello,
        c.success,
        c.transactions_total,
        c.transactions_success,
        c.transactions_errors,
        tag(InUse),
        tag(InvalidValue),
        tag(TooBig),
        tag(MissingAttribute),
        tag(BadAttribute),
        tag(UnknownAttribute),
        tag(MissingElement),
        tag(BadElement),
        tag(UnknownElement),
        tag(UnknownNamespace),
        tag(AccessDenied),
        tag(LockDenied),
        tag(ResourceDenied),
        tag(RollbackFailed),
        tag(DataExists),
        tag(DataMissing),
        tag(OperationNotSupported),
        tag(OperationFailed) + tag(MalformedMessage),
        tag(PartialOperation),
    )
}

/// `show netconf session` (spec 2.1).
fn show_netconf_session(device: &Device) -> String {
    let settings = device.settings();
    let st = device.state();
    let c = &st.counters;
    format!(
        "(Current | max) sessions: {} | {}\n\
         Operations received: {} Operation errors: {}\n\
         Connection Requests: {} Authentication errors: {} Connection Failures: {}\n\
         ACL dropped : {}\n\
         Notifications Sent: {}\n",
        st.sessions.len(),
        settings.netconf.max_sessions,
        c.transactions_total,
        c.transactions_errors,
        c.connection_attempts,
        c.auth_errors,
        c.connection_failures,
        c.acl_dropped,
        c.notifications_sent,
    )
}

/// `show ip ssh` in the IOS XE form, with the key in SECSH format wrapped
/// at 80 columns.
fn show_ip_ssh(device: &Device) -> String {
    let s = device.settings();
    let version = match s.ssh.version {
        Some(2) => "2.0",
        Some(1) => "1.5",
        _ => "1.99",
    };
    let label = device.ssh_rsa_label();
    let key = label.as_deref().and_then(|l| device.rsa_public_key(l));
    let mut out = String::new();
    let Some(key) = key else {
        let _ = writeln!(out, "SSH Disabled - version {version}");
        let _ = writeln!(
            out,
            "%Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2)."
        );
        let _ = writeln!(
            out,
            "Authentication timeout: {} secs; Authentication retries: {}",
            s.ssh.timeout, s.ssh.retries
        );
        return out;
    };
    let list = |l: &Option<Vec<String>>, default: &str| {
        l.as_ref().map_or(default.to_owned(), |v| v.join(","))
    };
    let _ = writeln!(out, "SSH Enabled - version {version}");
    let _ = writeln!(out, "Authentication methods:publickey,password");
    let _ = writeln!(
        out,
        "Encryption Algorithms:{}",
        list(
            &s.ssh.encryption,
            "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"
        )
    );
    let _ = writeln!(
        out,
        "MAC Algorithms:{}",
        list(
            &s.ssh.mac,
            "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256"
        )
    );
    let _ = writeln!(
        out,
        "Authentication timeout: {} secs; Authentication retries: {}",
        s.ssh.timeout, s.ssh.retries
    );
    let _ = writeln!(out, "Minimum expected Diffie Hellman key size : 2048 bits");
    let _ = writeln!(
        out,
        "IOS Keys in SECSH format(ssh-rsa, base64 encoded): {}",
        label.unwrap_or_default()
    );
    let chars: Vec<char> = key.chars().collect();
    for chunk in chars.chunks(80) {
        let _ = writeln!(out, "{}", chunk.iter().collect::<String>());
    }
    out
}

/// `show access-lists [NAME]`: numbered lists by number, then named lists
/// by name; numbered entries are numbered 10, 20, … as IOS shows them,
/// named ones keep their own sequence numbers.
pub fn show_access_lists(
    lists: &std::collections::BTreeMap<String, AccessList>,
    only: Option<&str>,
) -> String {
    let mut names: Vec<&String> = lists
        .keys()
        .filter(|n| only.is_none_or(|o| o == n.as_str()))
        .collect();
    names.sort_by_key(|n| match n.parse::<u32>() {
        Ok(number) => (0, number, ""),
        Err(_) => (1, 0, n.as_str()),
    });
    let mut out = String::new();
    for name in names {
        let Some(acl) = lists.get(name) else { continue };
        let kind = if acl.extended { "Extended" } else { "Standard" };
        let _ = writeln!(out, "{kind} IP access list {name}");
        let mut last = 0;
        for (seq, text) in &acl.configured {
            let seq = seq.unwrap_or(last / 10 * 10 + 10);
            last = seq;
            let words: Vec<&str> = text.split(' ').collect();
            let _ = writeln!(out, "    {seq} {}", ace_text(&words, acl.extended));
        }
    }
    out
}

/// One entry as `show access-lists` prints it: standard entries spell out
/// wildcard bits (`permit 10.0.0.0, wildcard bits 0.0.0.255`) and drop
/// `host`; extended entries read as configured.
fn ace_text(words: &[&str], extended: bool) -> String {
    if extended {
        return words.join(" ");
    }
    match words {
        [action, "host", addr, rest @ ..] | [action, addr, "0.0.0.0", rest @ ..] => {
            join_rest(&format!("{action} {addr}"), rest)
        }
        [action, "any", rest @ ..] => join_rest(&format!("{action} any"), rest),
        [action, addr, wild, rest @ ..] if wild.parse::<std::net::Ipv4Addr>().is_ok() => {
            join_rest(&format!("{action} {addr}, wildcard bits {wild}"), rest)
        }
        _ => words.join(" "),
    }
}

fn join_rest(head: &str, rest: &[&str]) -> String {
    if rest.is_empty() {
        head.to_owned()
    } else {
        format!("{head} {}", rest.join(" "))
    }
}

/// `show users`: every vty line in use, the caller's marked `*`.
fn show_users(device: &Device, caller: &ExecCaller) -> String {
    let mut out =
        String::from("    Line       User       Host(s)              Idle       Location\n");
    let st = device.state();
    for (vty, l) in &st.lines {
        let own = caller.line == Some(*vty)
            || (caller.session.is_some() && l.netconf == caller.session)
            || matches!(l.owner, crate::device::LineOwner::Netconf(id) if Some(id) == caller.session);
        let mark = if own { '*' } else { ' ' };
        let idle = l.last_input.elapsed().as_secs();
        let idle = format!("{:02}:{:02}:{:02}", idle / 3600, idle / 60 % 60, idle % 60);
        let location = l.source.map(|a| a.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{mark}{:>3} {:<9} {:<10} {:<20} {idle} {location}\n",
            crate::device::vty_line_number(*vty),
            format!("vty {vty}"),
            l.user,
            "idle",
        ));
    }
    out.push_str("\n  Interface    User               Mode         Idle     Peer Address\n\n");
    out
}

/// `crypto key generate rsa [general-keys|usage-keys] [label L] [modulus N]`.
/// The modulus prompt is answered with its default (2048).
fn crypto_key_generate(device: &Device, args: &[&str]) -> ExecOutput {
    let after = |kw: &str| {
        args.iter()
            .position(|a| *a == kw)
            .and_then(|i| args.get(i + 1))
            .copied()
    };
    let settings = device.settings();
    let label = match after("label") {
        Some(l) => l.to_owned(),
        None => match settings.rsa_key_label() {
            Some(l) => l,
            None => return ExecOutput::error("% Please define a domain-name first.\n".into()),
        },
    };
    let Some(store) = device.key_store() else {
        return ExecOutput::error("% Key generation is not available on this device\n".into());
    };
    let mut out = String::new();
    if device.rsa_labels().contains(&label) {
        out.push_str(&format!(
            "% You already have RSA keys defined named {label}.\n% They will be replaced.\n\n"
        ));
    }
    out.push_str(&format!("The name for the keys will be: {label}\n"));
    let bits = match after("modulus").and_then(|m| m.parse::<usize>().ok()) {
        Some(b) => {
            out.push_str(&format!("\n% The key modulus size is {b} bits\n"));
            b
        }
        None => {
            out.push_str(
                "Choose the size of the key modulus in the range of 360 to 4096 for your\n  \
                 General Purpose Keys. Choosing a key modulus greater than 512 may take\n  \
                 a few minutes.\n\nHow many bits in the modulus [2048]: \n",
            );
            2048
        }
    };
    // SSH version 2 needs a modulus of at least 1024 bits.
    if bits < 1024 {
        out.push_str(&format!(
            "% Key modulus {bits} is not supported: use 1024 to 4096 bits for SSH version 2\n"
        ));
        return ExecOutput::error(out);
    }
    out.push_str(&format!(
        "% Generating {bits} bit RSA keys, keys will be non-exportable...\n"
    ));
    let started = std::time::Instant::now();
    match store.generate_rsa(&label, bits) {
        Ok(()) => {
            out.push_str(&format!(
                "[OK] (elapsed time was {} seconds)\n",
                started.elapsed().as_secs().max(1)
            ));
            ExecOutput::ok(out)
        }
        Err(e) => {
            out.push_str(&format!("% Key generation failed: {e}\n"));
            ExecOutput::error(out)
        }
    }
}

/// `crypto key zeroize rsa [LABEL]`; the confirmation is answered yes.
fn crypto_key_zeroize(device: &Device, label: Option<&str>) -> ExecOutput {
    let Some(store) = device.key_store() else {
        return ExecOutput::error("% Key removal is not available on this device\n".into());
    };
    let present = device.rsa_labels();
    let (labels, mut out) = match label {
        Some(l) => {
            if !present.iter().any(|k| k == l) {
                return ExecOutput::error(format!("% RSA keypair {l} is not present.\n"));
            }
            (
                vec![l.to_owned()],
                format!("% Keys to be removed are named '{l}'.\n"),
            )
        }
        None => (present, "% All keys will be removed.\n".to_owned()),
    };
    out.push_str(
        "% All router certs issued using these keys will also be removed.\n\
         Do you really want to remove these keys? [yes/no]: yes\n",
    );
    match store.zeroize_rsa(&labels) {
        Ok(_) => ExecOutput::ok(out),
        Err(e) => {
            out.push_str(&format!("% Key removal failed: {e}\n"));
            ExecOutput::error(out)
        }
    }
}

/// `show ssh`: each SSHv2 connection twice (`IN`, `OUT`), in IOS's fixed
/// columns (a long value pushes the later ones right).
fn show_ssh(device: &Device) -> String {
    let st = device.state();
    if st.ssh_connections.is_empty() {
        return "%No SSHv2 server connections running.\n%No SSHv1 server connections running.\n"
            .into();
    }
    let row = |c: &str, v: &str, m: &str, e: &str, h: &str, s: &str, u: &str| {
        format!("{c:<10} {v:<7} {m:<4} {e:<11} {h:<12} {s:<21} {u}\n")
    };
    let mut out = row(
        "Connection",
        "Version",
        "Mode",
        "Encryption",
        "Hmac",
        "State",
        "Username",
    );
    for (n, c) in &st.ssh_connections {
        let n = n.to_string();
        out.push_str(&row(
            &n,
            "2.0",
            "IN",
            &c.cipher_in,
            &c.mac_in,
            "Session started",
            &c.user,
        ));
        out.push_str(&row(
            &n,
            "2.0",
            "OUT",
            &c.cipher_out,
            &c.mac_out,
            "Session started",
            &c.user,
        ));
    }
    out.push_str("%No SSHv1 server connections running.\n");
    out
}

/// `show crypto key mypubkey rsa [LABEL]`: each key pair with its public
/// key as DER (SubjectPublicKeyInfo) in hex, as IOS prints it.
fn show_crypto_key(device: &Device, only: Option<&str>) -> String {
    let mut labels = device.rsa_labels();
    labels.retain(|l| only.is_none_or(|o| o == l));
    let mut out = String::new();
    for label in labels {
        let Some(der) = device.rsa_public_key(&label).and_then(|k| rsa_spki_der(&k)) else {
            continue;
        };
        if let Some(t) = device.rsa_key_time(&label).map(IosTime::at) {
            // IOS leaves out the weekday here.
            let _ = writeln!(
                out,
                "% Key pair was generated at: {} UTC {} {} {}",
                t.clock(),
                t.month,
                t.day,
                t.year
            );
        }
        let _ = writeln!(out, "Key name: {label}");
        let _ = writeln!(out, "Key type: RSA KEYS");
        let _ = writeln!(out, " Storage Device: private-config");
        let _ = writeln!(out, " Usage: General Purpose Key");
        let _ = writeln!(out, " Key is not exportable.");
        let _ = writeln!(out, " Key Data:");
        let hex: String = der.iter().map(|b| format!("{b:02X}")).collect();
        let groups: Vec<&str> = hex
            .as_bytes()
            .chunks(8)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        for line in groups.chunks(8) {
            let _ = writeln!(out, "  {}", line.join(" "));
        }
    }
    out
}

/// DER SubjectPublicKeyInfo of an `ssh-rsa BASE64` public key. SSH's
/// mpint is already a minimal two's-complement integer, as DER wants.
fn rsa_spki_der(secsh: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let blob = base64::engine::general_purpose::STANDARD
        .decode(secsh.split_whitespace().nth(1)?)
        .ok()?;
    let mut p = blob.as_slice();
    let mut field = || -> Option<Vec<u8>> {
        let len = u32::from_be_bytes(p.get(..4)?.try_into().ok()?) as usize;
        let v = p.get(4..4 + len)?.to_vec();
        p = &p[4 + len..];
        Some(v)
    };
    if field()? != b"ssh-rsa" {
        return None;
    }
    let e = field()?;
    let n = field()?;
    let rsa_key = der(0x30, &[der(0x02, &n), der(0x02, &e)].concat());
    let mut bits = vec![0];
    bits.extend_from_slice(&rsa_key);
    // rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
    let algorithm = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01],
            ),
            der(0x05, &[]),
        ]
        .concat(),
    );
    Some(der(0x30, &[algorithm, der(0x03, &bits)].concat()))
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// `show line`: the console and each configured vty (`*` when in use),
/// with its access class and how many sessions it has carried.
fn show_line(device: &Device) -> String {
    let st = device.state();
    let settings = st.settings.current();
    let mut out = String::from(
        "   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int\n",
    );
    out.push_str(
        "*    0 CTY              -    -      -    -    -      0       0     0/0       -\n",
    );
    for vty in 0..settings.vty_lines() {
        let mark = if st.lines.contains_key(&vty) {
            '*'
        } else {
            ' '
        };
        let access = settings
            .vty
            .iter()
            .find(|b| (b.first..=b.last).contains(&vty))
            .and_then(|b| b.access_class.clone())
            .unwrap_or_else(|| "-".into());
        let uses = st.line_uses.get(&vty).copied().unwrap_or(0);
        out.push_str(&format!(
            "{mark}{:>5} VTY              -    -      -    - {access:>4} {uses:>6}       0     0/0       -\n",
            crate::device::vty_line_number(vty)
        ));
    }
    out
}
