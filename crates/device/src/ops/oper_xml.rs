//! `oper-data-format-xml`: show output as XML-PI data. As IOS's ODM spec
//! files do, each form is read from the command's own text output, so the
//! text and the XML never disagree: tables become `<entry>` elements with
//! the columns' names, key/value outputs their fields. `show ip interface
//! brief` has the shape public captures show (`ShowIpInterfaceBrief` /
//! `IPInterfaces` / `entry`); the other shapes are this device's, in the
//! same style.

use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::parse::parse_line;
use ironconf_proto::message::DataWriter;
use ironconf_proto::{ErrorTag, RpcError};

/// Show commands with an XML form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlShow {
    /// `show ip interface brief`
    IpInterfaceBrief,
    /// `show version`
    Version,
    /// `show interfaces [IFNAME]`
    Interfaces,
    /// `show inventory`
    Inventory,
    /// `show arp`, `show ip arp`
    Arp,
    /// `show running-config [ARGS]` (and its `|` filters)
    RunningConfig,
}

impl XmlShow {
    /// The element around the command's data, and the table's element
    /// inside it (`None`: fields, or the configuration itself).
    pub(crate) fn elements(self) -> (&'static str, Option<&'static str>) {
        match self {
            XmlShow::IpInterfaceBrief => ("ShowIpInterfaceBrief", Some("IPInterfaces")),
            XmlShow::Version => ("ShowVersion", None),
            XmlShow::Interfaces => ("ShowInterfaces", Some("Interfaces")),
            XmlShow::Inventory => ("ShowInventory", Some("InventoryEntries")),
            XmlShow::Arp => ("ShowArp", Some("ARPTable")),
            XmlShow::RunningConfig => ("ShowRunningConfig", None),
        }
    }
}

/// A `<show>` item of an `oper-data-format-xml` filter: the command as the
/// EXEC parser reads it (abbreviations as at the CLI), its XML form, and
/// whether the caller may run it.
pub(crate) fn xml_show(cat: &Catalogue, asked: &str, privilege: u8) -> Result<XmlShow, RpcError> {
    let command = format!("show {}", asked.trim());
    let (words, _) = command.split_once('|').unwrap_or((&command, ""));
    let parsed = cat
        .mode_by_name("exec")
        .and_then(|mode| parse_line(cat, mode, words, false).ok());
    let tokens: Vec<&str> = parsed
        .as_ref()
        .map(|p| p.tokens.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let piped = words.len() != command.len();
    let form = match tokens.as_slice() {
        ["show", "running-config", ..] => Some(XmlShow::RunningConfig),
        _ if piped => None,
        ["show", "ip", "interface", "brief"] => Some(XmlShow::IpInterfaceBrief),
        ["show", "version"] => Some(XmlShow::Version),
        ["show", "interfaces"] | ["show", "interfaces", _] => Some(XmlShow::Interfaces),
        ["show", "inventory"] => Some(XmlShow::Inventory),
        ["show", "arp"] | ["show", "ip", "arp"] => Some(XmlShow::Arp),
        _ => None,
    };
    let Some(form) = form else {
        return Err(RpcError::new(ErrorTag::OperationNotSupported)
            .bad_element("show")
            .message(format!(
                "'{command}' has no XML form on this device; use oper-data-format-text-block"
            )));
    };
    let needed = parsed
        .and_then(|p| p.rule)
        .map_or(15, |r| cat.rule(r).privilege);
    if needed > privilege {
        return Err(RpcError::new(ErrorTag::AccessDenied)
            .bad_element("show")
            .message(format!(
                "'{command}' needs privilege level {needed}, session has {privilege}"
            )));
    }
    Ok(form)
}

/// Writes a part of `form`'s text output as XML (a part of `show
/// interfaces` ends at an entry's end).
pub(crate) fn write_part(cat: &Catalogue, form: XmlShow, text: &str, w: &mut DataWriter) {
    match form {
        XmlShow::Version => version(text, w),
        XmlShow::Interfaces => interfaces(text, w),
        XmlShow::Inventory => inventory(text, w),
        XmlShow::Arp => arp(text, w),
        XmlShow::RunningConfig => {
            let body: String = text
                .lines()
                .filter(|l| {
                    !l.starts_with("Building configuration")
                        && !l.starts_with("Current configuration :")
                })
                .map(|l| format!("{l}\n"))
                .collect();
            ironconf_ios::xmlpi::write_config(cat, &body, w.buffer());
        }
        // Written from the interface table itself.
        XmlShow::IpInterfaceBrief => {}
    }
}

fn field(w: &mut DataWriter, name: &str, value: &str) {
    w.text_element(name, value.trim());
}

/// The text between `start` and the first `end` after it.
fn between<'t>(text: &'t str, start: &str, end: &str) -> Option<&'t str> {
    let from = text.find(start)? + start.len();
    let rest = &text[from..];
    Some(rest.find(end).map_or(rest, |e| &rest[..e]))
}

fn version(text: &str, w: &mut DataWriter) {
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Cisco IOS Software") {
            if let Some(image) = between(rest, "(", ")") {
                field(w, "Image", image);
            }
            if let Some(v) = between(rest, ", Version ", ",") {
                field(w, "Version", v);
            }
        } else if let Some(rom) = line.strip_prefix("ROM: ") {
            field(w, "ROM", rom);
        } else if let Some((host, up)) = line.split_once(" uptime is ")
            && !line.starts_with("Uptime for")
        {
            field(w, "Hostname", host);
            field(w, "Uptime", up);
        } else if let Some(by) = line.strip_prefix("System returned to ROM by ") {
            field(w, "ReturnedToROMBy", by);
        } else if let Some(file) = line.strip_prefix("System image file is ") {
            field(w, "SystemImageFile", file.trim_matches('"'));
        } else if let Some(reason) = line.strip_prefix("Last reload reason: ") {
            field(w, "LastReloadReason", reason);
        } else if let Some(rest) = line
            .strip_prefix("cisco ")
            .or_else(|| line.strip_prefix("Cisco "))
            .filter(|_| line.contains(" bytes of memory"))
        {
            if let Some(model) = rest.split_whitespace().next() {
                field(w, "Platform", model);
            }
            if let Some(mem) = between(rest, " with ", " bytes of memory") {
                field(w, "Memory", mem);
            }
        } else if let Some(id) = line.strip_prefix("Processor board ID ") {
            field(w, "ProcessorBoardID", id);
        } else if let Some(reg) = line.strip_prefix("Configuration register is ") {
            field(w, "ConfigurationRegister", reg);
        }
    }
}

/// `show interfaces`: one entry per interface (a line at the margin).
fn interfaces(text: &str, w: &mut DataWriter) {
    let mut open = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            let Some((name, rest)) = line.split_once(" is ") else {
                continue;
            };
            if open {
                w.end("entry");
            }
            w.start("entry");
            open = true;
            field(w, "Interface", name);
            let (status, protocol) = rest.split_once(", line protocol is ").unwrap_or((rest, ""));
            field(w, "Status", status);
            field(w, "Protocol", protocol);
            continue;
        }
        let l = line.trim();
        if let Some(hw) = l.strip_prefix("Hardware is ") {
            let (hw, mac) = hw.split_once(", address is ").unwrap_or((hw, ""));
            field(w, "Hardware", hw);
            if let Some(mac) = mac.split_whitespace().next() {
                field(w, "MAC-Address", mac);
            }
        } else if let Some(d) = l.strip_prefix("Description: ") {
            field(w, "Description", d);
        } else if let Some(a) = l.strip_prefix("Internet address is ") {
            field(w, "IP-Address", a);
        } else if let Some(rest) = l.strip_prefix("MTU ") {
            if let Some(mtu) = rest.split_whitespace().next() {
                field(w, "MTU", mtu);
            }
            if let Some(bw) = between(rest, "BW ", " ") {
                field(w, "BW", bw);
            }
            if let Some(dly) = between(rest, "DLY ", " ") {
                field(w, "DLY", dly);
            }
        } else if let Some(e) = l.strip_prefix("Encapsulation ") {
            field(w, "Encapsulation", e.split(',').next().unwrap_or(e));
        }
    }
    if open {
        w.end("entry");
    }
}

/// `show inventory`: `NAME: "…", DESCR: "…"` then `PID: … , VID: …, SN: …`.
fn inventory(text: &str, w: &mut DataWriter) {
    for line in text.lines() {
        if line.starts_with("NAME: ") {
            w.start("entry");
            field(
                w,
                "Name",
                between(line, "NAME: \"", "\"").unwrap_or_default(),
            );
            field(
                w,
                "Descr",
                between(line, "DESCR: \"", "\"").unwrap_or_default(),
            );
        } else if line.starts_with("PID: ") {
            field(w, "PID", between(line, "PID: ", ",").unwrap_or_default());
            field(w, "VID", between(line, "VID: ", ",").unwrap_or_default());
            field(w, "SN", between(line, "SN: ", "\n").unwrap_or_default());
            w.end("entry");
        }
    }
}

/// `show arp`: its table, columns by position of the header's words.
fn arp(text: &str, w: &mut DataWriter) {
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let [protocol, address, age, mac, kind, interface] = cols.as_slice() else {
            continue;
        };
        w.start("entry");
        field(w, "Protocol", protocol);
        field(w, "Address", address);
        field(w, "Age", age);
        field(w, "Hardware-Addr", mac);
        field(w, "Type", kind);
        field(w, "Interface", interface);
        w.end("entry");
    }
}
