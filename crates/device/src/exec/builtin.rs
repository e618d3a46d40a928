//! The built-in EXEC commands, one registration line each. Adding a
//! command: its grammar in `ios/catalogue/exec.cat`, its run function in
//! the family's file, and a line here.

use std::sync::Arc;

use super::registry::{Command, ExecRegistry, Invocation, Registered};
use super::{
    ExecOutput, aaa, access_lists, archive, config, copy, crypto, debug, files, interfaces, lines,
    logging, netconf, platform, routing, services, ssh, system, terminal,
};
use crate::device::Device;

/// A built-in EXEC command.
pub(crate) struct ExecCommand {
    /// The words that name it.
    pub pattern: &'static [&'static str],
    /// What it does.
    pub run: fn(&Invocation<'_>) -> ExecOutput,
    /// It applies the `| …` filters itself (`show running-config`).
    pub own_pipes: bool,
}

const fn cmd(
    pattern: &'static [&'static str],
    run: fn(&Invocation<'_>) -> ExecOutput,
) -> ExecCommand {
    ExecCommand {
        pattern,
        run,
        own_pipes: false,
    }
}

/// The built-in commands.
pub(crate) static BUILTIN: &[ExecCommand] = &[
    ExecCommand {
        pattern: &["show", "running-config", ".."],
        run: config::show_running_config,
        own_pipes: true,
    },
    cmd(&["show", "startup-config"], config::show_startup_config),
    cmd(&["copy", ".."], copy::copy),
    cmd(&["dir", ".."], files::dir),
    cmd(&["delete", ".."], files::delete),
    cmd(&["more", ".."], files::more),
    cmd(&["verify", ".."], files::verify),
    cmd(&["mkdir", "*"], files::mkdir),
    cmd(&["rmdir", "*"], files::rmdir),
    cmd(&["rename", "*", "*"], files::rename),
    cmd(&["show", "file", "systems"], files::show_file_systems),
    cmd(&["archive", "config"], archive::archive_config),
    cmd(&["show", "archive"], archive::show_archive),
    cmd(
        &["show", "archive", "config", "differences", ".."],
        archive::show_differences,
    ),
    cmd(
        &["show", "archive", "config", "incremental-diffs", ".."],
        archive::show_incremental,
    ),
    cmd(
        &["show", "archive", "config", "rollback", "timer"],
        archive::show_rollback_timer,
    ),
    cmd(&["configure", "replace", ".."], archive::configure_replace),
    cmd(&["configure", "confirm"], archive::configure_confirm),
    cmd(&["configure", "revert", ".."], archive::configure_revert),
    cmd(&["show", "flash:"], files::show_flash),
    cmd(&["show", "bootflash:"], files::show_flash),
    cmd(&["write", ".."], config::write_memory),
    cmd(&["erase", "startup-config"], config::erase_startup_config),
    cmd(&["reload"], config::reload),
    cmd(&["show", "version"], system::show_version),
    cmd(&["show", "clock"], system::show_clock),
    cmd(&["show", "calendar"], system::show_calendar),
    cmd(&["show", "hosts", ".."], system::show_hosts),
    cmd(&["show", "privilege"], system::show_privilege),
    cmd(&["terminal", "length", "*"], terminal::terminal_length),
    cmd(&["terminal", "width", "*"], system::terminal_setting),
    cmd(&["terminal", "no", "editing"], system::terminal_setting),
    cmd(&["terminal", "editing"], system::terminal_setting),
    cmd(&["ping", ".."], system::ping),
    cmd(&["traceroute", ".."], system::traceroute),
    cmd(
        &["show", "netconf", "counters"],
        netconf::show_netconf_counters,
    ),
    cmd(
        &["show", "netconf", "session"],
        netconf::show_netconf_session,
    ),
    cmd(&["show", "netconf", "schema"], netconf::show_netconf_schema),
    cmd(
        &["clear", "netconf", "counters"],
        netconf::clear_netconf_counters,
    ),
    cmd(
        &["clear", "netconf", "sessions"],
        netconf::clear_netconf_sessions,
    ),
    cmd(&["show", "debugging"], debug::show_debugging),
    cmd(&["debug", "netconf", "*"], debug::debug_netconf),
    cmd(&["no", "debug", "netconf", "*"], debug::no_debug_netconf),
    cmd(&["undebug", "netconf", "*"], debug::no_debug_netconf),
    cmd(&["no", "debug", "all"], debug::no_debug_all),
    cmd(&["undebug", "all"], debug::no_debug_all),
    cmd(&["terminal", "monitor"], debug::terminal_monitor),
    cmd(&["terminal", "no", "monitor"], debug::terminal_no_monitor),
    cmd(&["show", "ip", "ssh"], ssh::show_ip_ssh),
    cmd(&["show", "ssh"], ssh::show_ssh),
    // What acts on the terminal that types it (through its `Terminal`).
    cmd(&["enable", ".."], terminal::enable),
    cmd(&["disable", ".."], terminal::disable),
    cmd(&["exit"], terminal::exit),
    cmd(&["logout"], terminal::exit),
    cmd(&["configure", "terminal"], terminal::configure_terminal),
    cmd(&["ssh", ".."], terminal::ssh),
    cmd(&["show", "sessions"], terminal::show_sessions),
    cmd(&["resume", ".."], terminal::resume),
    cmd(&["disconnect", ".."], terminal::disconnect),
    cmd(&["show", "aaa", "servers"], aaa::show_aaa_servers),
    cmd(&["show", "aaa", "sessions"], aaa::show_aaa_sessions),
    cmd(
        &["debug", "aaa", "authentication"],
        debug::debug_aaa_authentication,
    ),
    cmd(
        &["no", "debug", "aaa", "authentication"],
        debug::debug_aaa_authentication,
    ),
    cmd(
        &["undebug", "aaa", "authentication"],
        debug::debug_aaa_authentication,
    ),
    cmd(
        &["test", "aaa", "group", "*", "*", "*", ".."],
        aaa::test_aaa,
    ),
    cmd(
        &["show", "aaa", "method-lists", "all"],
        aaa::show_aaa_method_lists,
    ),
    cmd(
        &["show", "ip", "interface", "brief"],
        interfaces::show_ip_interface_brief,
    ),
    cmd(
        &["show", "interfaces", "description"],
        interfaces::show_interfaces_description,
    ),
    cmd(
        &["show", "interfaces", "status"],
        interfaces::show_interfaces_status,
    ),
    cmd(&["show", "interfaces", ".."], interfaces::show_interfaces),
    cmd(
        &["show", "ip", "interface", ".."],
        interfaces::show_ip_interface,
    ),
    cmd(
        &["show", "ipv6", "interface", ".."],
        interfaces::show_ipv6_interface,
    ),
    cmd(&["show", "arp"], interfaces::show_arp),
    cmd(&["show", "ip", "route", ".."], routing::show_ip_route),
    cmd(&["show", "ip", "bgp", ".."], routing::show_ip_bgp),
    cmd(&["show", "ipv6", "route"], routing::show_ipv6_route),
    cmd(&["show", "ipv6", "neighbors"], routing::show_ipv6_neighbors),
    cmd(&["show", "standby", ".."], routing::show_standby),
    cmd(&["show", "bgp", ".."], routing::show_bgp),
    cmd(
        &["show", "ntp", "associations"],
        services::show_ntp_associations,
    ),
    cmd(&["show", "ntp", "status"], services::show_ntp_status),
    cmd(&["show", "snmp"], services::show_snmp),
    cmd(
        &["show", "snmp", "community"],
        services::show_snmp_community,
    ),
    cmd(&["show", "vrf", ".."], services::show_vrf),
    cmd(&["show", "ip", "vrf"], services::show_ip_vrf),
    cmd(&["show", "vlan", ".."], services::show_vlan),
    cmd(
        &["show", "mac", "address-table"],
        services::show_mac_address_table,
    ),
    cmd(
        &["show", "mac-address-table"],
        services::show_mac_address_table,
    ),
    cmd(
        &["show", "lldp", "neighbors", ".."],
        services::show_lldp_neighbors,
    ),
    cmd(
        &["show", "cdp", "neighbors", ".."],
        services::show_cdp_neighbors,
    ),
    cmd(&["show", "logging"], logging::show_logging),
    cmd(&["clear", "logging"], logging::clear_logging),
    cmd(&["show", "lldp"], services::show_lldp),
    cmd(
        &["show", "lldp", "interface", ".."],
        services::show_lldp_interface,
    ),
    cmd(&["show", "lacp", "sys-id"], services::show_lacp_sys_id),
    cmd(&["show", "snmp", "user", ".."], services::show_snmp_user),
    cmd(&["show", "cdp"], services::show_cdp),
    cmd(&["show", "inventory"], platform::show_inventory),
    cmd(&["show", "environment", ".."], platform::show_environment),
    cmd(&["show", "platform"], platform::show_platform),
    cmd(
        &["show", "processes", "memory", ".."],
        platform::show_processes_memory,
    ),
    cmd(&["show", "ip", "arp"], interfaces::show_arp),
    cmd(
        &["show", "processes", "cpu", ".."],
        system::show_processes_cpu,
    ),
    cmd(
        &["show", "memory", "statistics"],
        system::show_memory_statistics,
    ),
    cmd(&["show", "snmp", "chassis"], system::show_snmp_chassis),
    cmd(
        &["crypto", "key", "generate", "rsa", ".."],
        crypto::generate,
    ),
    cmd(&["crypto", "key", "zeroize", "rsa", ".."], crypto::zeroize),
    cmd(
        &["show", "crypto", "key", "mypubkey", "rsa", ".."],
        crypto::show_mypubkey,
    ),
    cmd(&["show", "users"], lines::show_users),
    cmd(&["show", "login"], lines::show_login),
    cmd(&["show", "line"], lines::show_line),
    cmd(&["clear", "line", "*"], lines::clear_line),
    cmd(&["show", "access-lists", ".."], access_lists::show),
    cmd(&["show", "ip", "access-lists", ".."], access_lists::show),
];

impl ExecRegistry {
    /// The built-in commands and `extra` before them.
    pub(crate) fn new(extra: &[Command]) -> ExecRegistry {
        let mut commands: Vec<Registered> = extra
            .iter()
            .map(|c| Registered {
                pattern: c.pattern.clone(),
                run: c.run.clone(),
                own_pipes: false,
            })
            .collect();
        commands.extend(BUILTIN.iter().map(|c| Registered {
            pattern: c.pattern.iter().map(|w| (*w).to_owned()).collect(),
            run: Arc::new(c.run),
            own_pipes: c.own_pipes,
        }));
        ExecRegistry { commands }
    }

    /// The built-in commands alone, one copy per process (a fleet of
    /// devices shares it).
    pub(crate) fn builtin_shared() -> Arc<ExecRegistry> {
        static SHARED: std::sync::OnceLock<Arc<ExecRegistry>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| Arc::new(ExecRegistry::new(&[])))
            .clone()
    }
}

/// A device's own commands (an embedder's with the built-in ones), kept as
/// its handle; a device without one runs the built-in ones.
#[derive(Clone)]
struct ExecCommands(Arc<ExecRegistry>);

impl Device {
    /// The EXEC commands.
    pub(crate) fn exec_commands(&self) -> Arc<ExecRegistry> {
        self.handle::<ExecCommands>()
            .map_or_else(ExecRegistry::builtin_shared, |c| c.0)
    }

    /// Gives the device an embedder's `commands` with the built-in ones.
    pub(crate) fn add_exec_commands(&self, commands: &[Command]) {
        if !commands.is_empty() {
            self.set_handle(Some(ExecCommands(Arc::new(ExecRegistry::new(commands)))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every EXEC rule of the built-in catalogue has a command that runs it
    /// (but those the interactive shell handles itself, listed last).
    #[test]
    fn every_catalogued_command_is_registered() {
        let cat = ironconf_ios::catalogue::Catalogue::builtin();
        let Some(mode) = cat.mode_by_name("exec") else {
            panic!("no exec mode");
        };
        let exec = ironconf_ios::catalogue::BUILTIN_EXEC;
        let own = exec
            .find("# Handled by the interactive shell itself.")
            .unwrap_or(exec.len());
        for line in exec[..own].lines() {
            let Some(rule) = line.strip_prefix("exec: ") else {
                continue;
            };
            let syntax = rule.split(';').next().unwrap_or_default().trim();
            // The shortest command the rule accepts: its leading keywords,
            // with an argument where one is required.
            let mut words = Vec::new();
            for w in syntax.split_whitespace() {
                if w.starts_with('[') {
                    break;
                }
                let w = if w.starts_with('(') {
                    w.trim_matches(|c| c == '(' || c == ')')
                        .split('|')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                } else if w.starts_with('<') {
                    "1".to_owned()
                } else if w.chars().all(|c| c.is_ascii_uppercase()) {
                    "x".to_owned()
                } else {
                    w.to_owned()
                };
                words.push(w);
            }
            let text = words.join(" ");
            let parsed = ironconf_ios::parse::parse_line(&cat, mode, &text, false)
                .unwrap_or_else(|e| panic!("{text}: {e:?}"));
            let tokens: Vec<&str> = parsed.tokens.iter().map(String::as_str).collect();
            assert!(
                ExecRegistry::new(&[]).find(&tokens).is_some(),
                "'{text}' is catalogued but not registered"
            );
        }
    }
}
