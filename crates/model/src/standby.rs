//! HSRP groups (`standby N …` under an interface), as `show standby` and
//! `show standby brief` print them. The device hears no other router, so a
//! group on an interface up with its virtual address is active here, its
//! standby unknown; on an interface shut, or without an address, it waits
//! in Init.

use std::fmt::Write as _;

use ironconf_ios::config::{Config, Item};

use crate::interfaces::short_name;

/// One HSRP group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The interface.
    pub interface: String,
    /// The group number.
    pub group: u16,
    /// The virtual IP address (`standby N ip A`).
    pub address: Option<String>,
    /// `standby N priority P` (100 by default).
    pub priority: u8,
    /// `standby N preempt`.
    pub preempt: bool,
    /// The interface is shut.
    pub shutdown: bool,
}

impl Group {
    /// `Active` or `Init`.
    pub fn state(&self) -> &'static str {
        if self.shutdown || self.address.is_none() {
            "Init"
        } else {
            "Active"
        }
    }

    /// HSRP version 1's virtual MAC address for the group.
    pub fn virtual_mac(&self) -> String {
        format!("0000.0c07.ac{:02x}", self.group % 256)
    }
}

/// The HSRP groups of `cfg`, by interface then group, as configured.
pub fn groups(cfg: &Config) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for item in cfg.items() {
        let Item::Section { header, body } = item else {
            continue;
        };
        let Some(name) = header.text.strip_prefix("interface ") else {
            continue;
        };
        let lines: Vec<&str> = body
            .lines()
            .filter(|l| l.depth == 0)
            .map(|l| l.text)
            .collect();
        let shutdown = lines.contains(&"shutdown");
        let first = out.len();
        for line in &lines {
            let words: Vec<&str> = line.split(' ').collect();
            let ["standby", n, rest @ ..] = words.as_slice() else {
                continue;
            };
            let Ok(group) = n.parse::<u16>() else {
                continue;
            };
            let at = match out[first..].iter().position(|g| g.group == group) {
                Some(p) => first + p,
                None => {
                    out.push(Group {
                        interface: name.trim().to_owned(),
                        group,
                        address: None,
                        priority: 100,
                        preempt: false,
                        shutdown,
                    });
                    out.len() - 1
                }
            };
            let g = &mut out[at];
            match rest {
                ["ip", a, ..] => g.address = Some((*a).to_owned()),
                ["priority", p] => g.priority = p.parse().unwrap_or(100),
                ["preempt", ..] => g.preempt = true,
                _ => {}
            }
        }
    }
    out
}

/// `show standby brief`.
pub fn show_standby_brief(groups: &[Group]) -> String {
    let mut out = String::from(
        "                     P indicates configured to preempt.\n                     |\nInterface   Grp  Pri P State   Active          Standby         Virtual IP\n",
    );
    for g in groups {
        let active = if g.state() == "Active" {
            "local"
        } else {
            "unknown"
        };
        let _ = writeln!(
            out,
            "{:<11} {:<4} {:<3} {} {:<7} {:<15} {:<15} {}",
            short_name(&g.interface),
            g.group,
            g.priority,
            if g.preempt { 'P' } else { ' ' },
            g.state(),
            active,
            "unknown",
            g.address.as_deref().unwrap_or("unknown"),
        );
    }
    out
}

/// `show standby`: each group in full; `since` is how long it has been in
/// its state (`hh:mm:ss`).
pub fn show_standby(groups: &[Group], since: &str) -> String {
    let mut out = String::new();
    for g in groups {
        let _ = writeln!(out, "{} - Group {}", g.interface, g.group);
        let _ = writeln!(out, "  State is {}", g.state());
        let changes = if g.state() == "Active" { 2 } else { 0 };
        let _ = writeln!(
            out,
            "    {changes} state change{}, last state change {since}",
            if changes == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            out,
            "  Virtual IP address is {}",
            g.address.as_deref().unwrap_or("unknown")
        );
        let mac = g.virtual_mac();
        if g.state() == "Active" {
            let _ = writeln!(out, "  Active virtual MAC address is {mac} (MAC In Use)");
        } else {
            out.push_str("  Active virtual MAC address is unknown (MAC Not In Use)\n");
        }
        let _ = writeln!(out, "    Local virtual MAC address is {mac} (v1 default)");
        out.push_str("  Hello time 3 sec, hold time 10 sec\n");
        if g.state() == "Active" {
            out.push_str("    Next hello sent in 1.776 secs\n");
        }
        let _ = writeln!(
            out,
            "  Preemption {}",
            if g.preempt { "enabled" } else { "disabled" }
        );
        if g.state() == "Active" {
            out.push_str("  Active router is local\n");
        } else {
            out.push_str("  Active router is unknown\n");
        }
        out.push_str("  Standby router is unknown\n");
        let _ = writeln!(out, "  Priority {} (configured {})", g.priority, g.priority);
        let _ = writeln!(
            out,
            "  Group name is \"hsrp-{}-{}\" (default)",
            short_name(&g.interface),
            g.group
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_ios::apply::load;
    use ironconf_ios::catalogue::Catalogue;

    #[test]
    fn a_group_alone_is_active_and_a_shut_one_waits() {
        let cat = Catalogue::builtin();
        let (cfg, unknown) = load(
            &cat,
            "interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n standby 1 ip 192.0.2.254\n standby 1 priority 110\n standby 1 preempt\n\
             interface GigabitEthernet2\n shutdown\n standby 20 ip 198.51.100.1\n",
        );
        assert!(unknown.is_empty(), "{unknown:?}");
        let g = groups(&cfg);
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].state(), g[0].priority, g[0].preempt),
            ("Active", 110, true)
        );
        assert_eq!(
            (g[1].state(), g[1].priority, g[1].preempt),
            ("Init", 100, false)
        );
        let brief = show_standby_brief(&g);
        assert!(
            brief.ends_with(
                "Gi1         1    110 P Active  local           unknown         192.0.2.254\n\
             Gi2         20   100   Init    unknown         unknown         198.51.100.1\n"
            ),
            "{brief}"
        );
        let full = show_standby(&g, "00:01:00");
        assert!(
            full.starts_with("GigabitEthernet1 - Group 1\n  State is Active\n"),
            "{full}"
        );
        assert!(
            full.contains("  Active virtual MAC address is 0000.0c07.ac01 (MAC In Use)\n"),
            "{full}"
        );
        assert!(
            full.contains("GigabitEthernet2 - Group 20\n  State is Init\n"),
            "{full}"
        );
    }
}
