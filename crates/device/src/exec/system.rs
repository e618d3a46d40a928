//! `show version`, `show clock`, `show privilege`, `terminal length`, and
//! the commands a device without a data plane cannot run.

use std::fmt::Write as _;
use std::time::SystemTime;

use ironconf_ios::change::IosTime;

use super::{ExecOutput, Invocation};
use crate::device::Device;

pub(super) fn show_version(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(version_text(i.device))
}

pub(super) fn show_clock(inv: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(format!("*{}\n", clock(inv.device.wall_clock())))
}

/// `show calendar`: the hardware clock, to the second, without the
/// software clock's authority mark.
pub(super) fn show_calendar(inv: &Invocation<'_>) -> ExecOutput {
    let t = IosTime::at(inv.device.wall_clock());
    ExecOutput::ok(format!(
        "{} UTC {} {} {} {}\n",
        t.clock(),
        t.weekday,
        t.month,
        t.day,
        t.year
    ))
}

pub(super) fn show_privilege(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(format!(
        "Current privilege level is {}\n",
        i.caller.privilege
    ))
}

/// The screen's length and width and line editing are the terminal's own
/// (the shell keeps the length); the command itself prints nothing.
/// `terminal width`, `terminal [no] editing`: nothing a line keeps here.
pub(super) fn terminal_setting(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(String::new())
}

/// The device's own IPv4 addresses (interfaces up, with an address): what
/// answers a ping on a device without a data plane.
fn own_addresses(device: &Device) -> Vec<String> {
    let ifs = device.interface_table();
    ifs.iter()
        .filter(|i| !i.shutdown)
        .filter_map(|i| match &i.address {
            crate::interfaces::Address::Static { address, .. } => Some(address.clone()),
            _ => None,
        })
        .collect()
}

/// The destination and the `KEYWORD VALUE` options of `ping` /
/// `traceroute`, after an optional `vrf NAME` and `ip`.
fn target_and_options(
    args: &[&str],
) -> Option<(String, std::collections::HashMap<String, String>)> {
    let mut words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
    if words.first() == Some(&"vrf") && words.len() >= 2 {
        words.drain(..2);
    }
    if matches!(words.first(), Some(&("ip" | "ipv4"))) {
        words.remove(0);
    }
    let target = (*words.first()?).to_owned();
    let mut options = std::collections::HashMap::new();
    for pair in words[1..].chunks(2) {
        if let [k, v] = pair {
            options.insert(k.to_ascii_lowercase(), (*v).to_owned());
        }
    }
    Some((target, options))
}

/// `ping [vrf V] [ip] DEST [repeat N] [size N] [timeout N] [source X]`:
/// the device's own addresses answer; anything else times out. `ping`
/// alone asks for each of them, as IOS's extended ping does.
pub(super) fn ping(i: &Invocation<'_>) -> ExecOutput {
    if i.args.is_empty() {
        return extended_ping(i);
    }
    let Some((target, options)) = target_and_options(i.args) else {
        return super::parse_error(i.command, &ironconf_ios::parse::ParseError::Incomplete);
    };
    ping_output(i.device, &target, &options)
}

/// `ping` alone: IOS's dialogue, one question at a time, each default in
/// brackets (a caller that cannot answer takes the defaults, and has no
/// target).
fn extended_ping(i: &Invocation<'_>) -> ExecOutput {
    let mut out = String::new();
    macro_rules! ask {
        ($question:expr, $default:expr) => {
            match i.ask(&mut out, $question, $default) {
                super::Asked::Answer(a) => a,
                super::Asked::Wait(w) => return w,
            }
        };
    }
    let protocol = ask!("Protocol [ip]: ", "ip");
    if !"ip".starts_with(protocol.to_ascii_lowercase().as_str()) {
        out.push_str(&format!(
            "% Unknown protocol - \"{protocol}\", type \"ping ?\" for help\n"
        ));
        return ExecOutput::error(out);
    }
    let target = ask!("Target IP address: ", "");
    if target.is_empty() {
        out.push_str("% Bad IP address\n");
        return ExecOutput::error(out);
    }
    let mut options = std::collections::HashMap::new();
    for (key, question, default) in [
        ("repeat", "Repeat count [5]: ", "5"),
        ("size", "Datagram size [100]: ", "100"),
        ("timeout", "Timeout in seconds [2]: ", "2"),
    ] {
        let answer = ask!(question, default);
        if answer.parse::<u32>().is_err() {
            out.push_str("% A decimal number between 1 and 2147483647.\n");
            return ExecOutput::error(out);
        }
        options.insert(key.to_owned(), answer);
    }
    let extended = ask!("Extended commands [n]: ", "n");
    if extended.to_ascii_lowercase().starts_with('y') {
        let source = ask!("Source address or interface: ", "");
        ask!("Type of service [0]: ", "0");
        ask!("Set DF bit in IP header? [no]: ", "no");
        ask!("Validate reply data? [no]: ", "no");
        ask!("Data pattern [0x0000ABCD]: ", "0x0000ABCD");
        ask!("Loose, Strict, Record, Timestamp, Verbose[none]: ", "none");
        if !source.is_empty() {
            options.insert("source".to_owned(), source);
        }
    }
    ask!("Sweep range of sizes [n]: ", "n");
    let done = ping_output(i.device, &target, &options);
    out.push_str(&done.text);
    ExecOutput { text: out, ..done }
}

/// What a ping of `target` prints.
fn ping_output(
    device: &Device,
    target: &str,
    options: &std::collections::HashMap<String, String>,
) -> ExecOutput {
    if target.parse::<std::net::IpAddr>().is_err() {
        return ExecOutput::error(format!(
            "Translating \"{target}\"...domain server (255.255.255.255)\n% Unrecognized host or address, or protocol not running.\n"
        ));
    }
    let number = |k: &str, d: u32| options.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    let repeat = number("repeat", 5).clamp(1, 2_147_483_647);
    let size = number("size", 100);
    let timeout = number("timeout", 2);
    let answers = own_addresses(device).iter().any(|a| a == target);
    let shown = repeat.min(1000) as usize;
    let mut out = format!(
        "Type escape sequence to abort.\nSending {repeat}, {size}-byte ICMP Echos to {target}, timeout is {timeout} seconds:\n"
    );
    let mark = if answers { "!" } else { "." };
    for chunk in 0..shown.div_ceil(70) {
        let n = (shown - chunk * 70).min(70);
        out.push_str(&mark.repeat(n));
        out.push('\n');
    }
    if answers {
        out.push_str(&format!(
            "Success rate is 100 percent ({repeat}/{repeat}), round-trip min/avg/max = 1/1/1 ms\n"
        ));
    } else {
        out.push_str(&format!("Success rate is 0 percent (0/{repeat})\n"));
    }
    ExecOutput::ok(out)
}

/// `traceroute [vrf V] [ip] DEST [ttl MIN MAX] …`: one hop to the device's
/// own addresses; nothing answers anywhere else (30 hops of `*`).
pub(super) fn traceroute(i: &Invocation<'_>) -> ExecOutput {
    let Some((target, _)) = target_and_options(i.args) else {
        return super::parse_error(i.command, &ironconf_ios::parse::ParseError::Incomplete);
    };
    if target.parse::<std::net::IpAddr>().is_err() {
        return ExecOutput::error(format!(
            "Translating \"{target}\"...domain server (255.255.255.255)\n% Unrecognized host or address, or protocol not running.\n"
        ));
    }
    let mut out = format!(
        "Type escape sequence to abort.\nTracing the route to {target}\nVRF info: (vrf in name/id, vrf out name/id)\n"
    );
    if own_addresses(i.device).contains(&target) {
        out.push_str(&format!("  1 {target} 1 msec 0 msec 0 msec\n"));
    } else {
        for hop in 1..=30 {
            out.push_str(&format!("{hop:>3}  *  *  * \n"));
        }
    }
    ExecOutput::ok(out)
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

/// `1 day, 2 hours, 3 minutes`: IOS leaves out the units that are zero.
pub(crate) fn ios_uptime(secs: u64) -> String {
    let mut rest = secs;
    let mut take = |unit: u64| {
        let n = rest / unit;
        rest %= unit;
        n
    };
    let units = [
        (take(365 * 86_400), "year"),
        (take(7 * 86_400), "week"),
        (take(86_400), "day"),
        (take(3600), "hour"),
        (take(60), "minute"),
    ];
    let parts: Vec<String> = units
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n} {u}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if parts.is_empty() {
        "0 minutes".into()
    } else {
        parts.join(", ")
    }
}

fn version_text(device: &Device) -> String {
    let hostname = device.view(|v| v.settings().hostname.clone());
    let uptime = ios_uptime(device.uptime().as_secs());
    let interfaces = device.interface_table();
    let (_, capacity) = device.flash_usage();
    crate::platform::show_version(
        device.profile().platform,
        &crate::platform::Running {
            hostname: &hostname,
            uptime: &uptime,
            flash: device.flash_name(),
            flash_bytes: capacity,
            interfaces: interfaces.iter().map(|i| i.name.as_str()).collect(),
        },
    )
}

/// One graph of `show processes cpu history`: `columns` samples of 1%
/// (an idle router), the axis, and its title.
fn cpu_graph(columns: usize, title: &str, legend: bool) -> String {
    let mut out = String::from("\n");
    // The sample values above the graph: tens (none), then ones.
    let _ = writeln!(out, "    {}", " ".repeat(columns));
    let _ = writeln!(out, "    {}", "1".repeat(columns));
    for level in (1..=10).rev() {
        let _ = writeln!(out, "{:>3} {}", level * 10, " ".repeat(columns));
    }
    // `0....5....1....1....2` over `          0    5    0`: tens on the
    // axis, units below, every five samples.
    let digit = |n: usize| char::from_digit((n % 10) as u32, 10).unwrap_or('0');
    let mut axis = String::from("   0");
    let mut labels = String::from("    ");
    for c in 1..=columns {
        let (a, l) = match c {
            _ if c % 5 != 0 => ('.', ' '),
            5 => ('5', ' '),
            _ => (digit(c / 10), digit(c)),
        };
        axis.push(a);
        labels.push(l);
    }
    let _ = writeln!(out, "{axis}");
    let _ = writeln!(out, "{}", labels.trim_end());
    let _ = writeln!(out, "{:>14}{title}", "");
    if legend {
        let _ = writeln!(out, "{:>14}* = maximum CPU%   # = average CPU%", "");
    }
    out
}

/// `show processes cpu [sorted|history]`: an idle router.
pub(super) fn show_processes_cpu(i: &Invocation<'_>) -> ExecOutput {
    if i.arg() == Some("history") {
        let mut out = cpu_graph(60, "CPU% per second (last 60 seconds)", false);
        out.push_str(&cpu_graph(60, "CPU% per minute (last 60 minutes)", true));
        out.push_str(&cpu_graph(72, "CPU% per hour (last 72 hours)", true));
        return ExecOutput::ok(out);
    }
    ExecOutput::ok(
        "CPU utilization for five seconds: 1%/0%; one minute: 1%; five minutes: 1%\n PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process \n   1           2          13        153  0.00%  0.00%  0.00%   0 Chunk Manager    \n   2         116        1297         89  0.00%  0.00%  0.00%   0 Load Meter       \n   3           0           1          0  0.00%  0.00%  0.00%   0 IOSXE heartbeat  \n   4        1012         512       1976  0.07%  0.02%  0.00%   0 Check heaps      \n   5           0           1          0  0.00%  0.00%  0.00%   0 Pool Manager     \n".into(),
    )
}

/// `show memory statistics`: the processor and I/O pools.
pub(super) fn show_memory_statistics(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(
        "                Head    Total(b)     Used(b)     Free(b)   Lowest(b)  Largest(b)\nProcessor  7F2E1B8010   1988394688   265487072  1722907616  1719357352  1722645084\n lsmpi_io  7F2D4A41A8     6295128     6294304         824         824         412\n".into(),
    )
}

/// `show snmp chassis`: the chassis serial number (`show version`'s
/// processor board ID).
pub(super) fn show_snmp_chassis(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok("9ABCDEFGHIJ\n".into())
}

/// `show hosts`.
pub(super) fn show_hosts(i: &Invocation<'_>) -> ExecOutput {
    let s = i.device.settings();
    let mut out = match &s.domain {
        Some(d) => format!("Default domain is {d}\n"),
        None => "Default domain is not set\n".into(),
    };
    out.push_str(if s.no_domain_lookup {
        "Name/address lookup uses static mappings\n"
    } else {
        "Name/address lookup uses domain service\n"
    });
    if s.name_servers.is_empty() {
        out.push_str("Name servers are 255.255.255.255\n");
    } else {
        out.push_str(&format!("Name servers are {}\n", s.name_servers.join(", ")));
    }
    out.push_str(
        "\nCodes: UN - unknown, EX - expired, OK - OK, ?? - revalidate\n       temp - temporary, perm - permanent\n       NA - Not Applicable None - Not defined\n\nHost                      Port  Flags      Age Type   Address(es)\n",
    );
    ExecOutput::ok(out)
}

#[cfg(test)]
mod tests {
    use super::ios_uptime;

    #[test]
    fn uptime_leaves_out_zero_units() {
        assert_eq!(ios_uptime(0), "0 minutes");
        assert_eq!(ios_uptime(60), "1 minute");
        assert_eq!(ios_uptime(7 * 60), "7 minutes");
        assert_eq!(
            ios_uptime(86_400 + 2 * 3600 + 60),
            "1 day, 2 hours, 1 minute"
        );
        assert_eq!(ios_uptime(8 * 86_400), "1 week, 1 day");
        assert_eq!(ios_uptime(366 * 86_400), "1 year, 1 day");
    }
}
