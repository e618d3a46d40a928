//! The logging pipeline: IOS's messages and debug lines to the buffer, the
//! monitoring terminals, the `logging host`s and the syslog stream, each
//! with its level.

#![allow(clippy::panic)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use ironconf_device::exec::{ExecCaller, run};
use ironconf_device::logging::{LogMessage, MAX_BUFFER};
use ironconf_device::shell::Shell;
use ironconf_device::{Changer, Device, Profile};

const BASE: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\n";

fn show(d: &Device, cmd: &str) -> String {
    let caller = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    run(d, &caller, cmd).text
}

fn typed(sh: &mut Shell, keys: &str) -> String {
    sh.input(keys.as_bytes());
    String::from_utf8_lossy(&sh.take_output()).replace("\r\n", "\n")
}

fn buffer(d: &Device) -> Vec<String> {
    let text = show(d, "show logging");
    text.split("bytes):\n\n")
        .nth(1)
        .unwrap_or("")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn configuration_sessions_and_links_are_logged() {
    let d = Device::in_memory(Profile::default(), BASE).0;
    let mut sh = Shell::new(d.clone(), "admin", 15);
    typed(&mut sh, "");
    typed(&mut sh, "configure terminal\r");
    typed(&mut sh, "interface Loopback5\r");
    typed(&mut sh, "shutdown\r");
    typed(&mut sh, "no shutdown\r");
    typed(&mut sh, "end\r");
    let lines = buffer(&d);
    let bodies: Vec<&str> = lines
        .iter()
        .map(|l| l.split_once(": ").map_or("", |(_, b)| b))
        .collect();
    assert_eq!(
        bodies,
        [
            "%LINK-3-UPDOWN: Interface Loopback5, changed state to up",
            "%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback5, changed state to up",
            "%LINK-5-CHANGED: Interface Loopback5, changed state to administratively down",
            "%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback5, changed state to down",
            "%LINK-3-UPDOWN: Interface Loopback5, changed state to up",
            "%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback5, changed state to up",
            "%SYS-5-CONFIG_I: Configured from console by admin",
        ],
        "{lines:#?}"
    );
    // `*Nov 30 16:10:04.123: …`: datetime msec, the clock never set.
    let first = &lines[0];
    assert!(
        first.starts_with('*') && first.as_bytes().get(16) == Some(&b'.'),
        "{first}"
    );
    let head = show(&d, "show logging");
    assert!(head.starts_with("Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)\n"), "{head}");
    assert!(
        head.contains("    Buffer logging:  level debugging, 7 messages logged, xml disabled,\n"),
        "{head}"
    );
    assert!(
        head.contains("    Trap logging: level informational, 7 message lines logged\n"),
        "{head}"
    );
    assert!(head.contains("\nLog Buffer (4096 bytes):\n\n*"), "{head}");
    // clear logging empties the buffer.
    show(&d, "clear logging");
    assert!(buffer(&d).is_empty());
    assert!(show(&d, "show logging").contains(" 1 flushes,"));
}

#[test]
fn levels_sequence_numbers_and_the_buffer_bound() {
    let d = Device::in_memory(
        Profile::default(),
        &format!("{BASE}service sequence-numbers\nlogging buffered 4096 warnings\n"),
    )
    .0;
    d.log(LogMessage::new("SYS", 5, "CONFIG_I", "not kept"));
    d.log(LogMessage::new("SYS", 3, "TEST", "kept"));
    let lines = buffer(&d);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("000002: *") && lines[0].ends_with(": %SYS-3-TEST: kept"),
        "{}",
        lines[0]
    );
    for i in 0..500 {
        d.log(LogMessage::new("SYS", 3, "TEST", format!("message {i}")));
    }
    let lines = buffer(&d);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    assert!(bytes <= 4096, "{bytes}");
    assert!(lines.last().is_some_and(|l| l.ends_with("message 499")));
    // No buffer at all.
    let quiet = Device::in_memory(Profile::default(), &format!("{BASE}no logging buffered\n")).0;
    quiet.log(LogMessage::new("SYS", 3, "TEST", "x"));
    assert!(show(&quiet, "show logging").ends_with("Log Buffer disabled\n"));
}

#[test]
fn hosts_monitors_and_the_syslog_stream() {
    let d = Device::in_memory(
        Profile::default(),
        &format!("{BASE}logging host 192.0.2.5 transport udp port 5514\nlogging trap notifications\nlogging monitor errors\n"),
    )
    .0;
    let sent: Arc<Mutex<Vec<(SocketAddr, String)>>> = Arc::default();
    let keep = sent.clone();
    d.set_syslog_sender(Some(Arc::new(move |to, bytes: &[u8]| {
        keep.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((to, String::from_utf8_lossy(bytes).into_owned()));
    })));
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let keep = seen.clone();
    d.set_monitor_sink(
        0,
        Some(Arc::new(move |line: &str| {
            keep.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(line.to_owned());
        })),
    );
    let mut sh = Shell::new(d.clone(), "admin", 15);
    sh.set_vty(0);
    typed(&mut sh, "");
    typed(&mut sh, "terminal monitor\r");
    let who = Changer {
        user: "ops",
        session: None,
        line: None,
    };
    assert!(d.configure(who, &["interface Loopback9"]).is_ok());
    d.log(LogMessage::new(
        "SYS",
        6,
        "INFO",
        "informational: not sent to the host",
    ));
    d.log(LogMessage::new("SYS", 3, "ERR", "an error"));
    let sent = sent.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let to: SocketAddr = "192.0.2.5:5514".parse().unwrap_or_else(|e| panic!("{e}"));
    // An embedder's change from no line logs no CONFIG_I (the shell and
    // NETCONF do): the link messages, and the error.
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.iter().all(|(a, _)| *a == to));
    // local7: 23 × 8 + severity.
    assert!(
        sent[0].1.starts_with("<187>1: *")
            && sent[0]
                .1
                .ends_with(": %LINK-3-UPDOWN: Interface Loopback9, changed state to up"),
        "{}",
        sent[0].1
    );
    assert!(sent[1].1.starts_with("<189>2: *"), "{}", sent[1].1);
    assert!(
        sent[2].1.starts_with("<187>4: *") && sent[2].1.ends_with("%SYS-3-ERR: an error"),
        "{}",
        sent[2].1
    );
    // The monitor takes errors and worse only.
    let seen = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[0].ends_with("%LINK-3-UPDOWN: Interface Loopback9, changed state to up"));
    assert!(show(&d, "show logging").contains("        Logging to 192.0.2.5  (udp port 5514, audit disabled,\n              link up),\n              3 message lines logged, \n"));
}

#[test]
fn debug_lines_share_the_pipeline() {
    let d = Device::in_memory(Profile::default(), BASE).0;
    show(&d, "debug netconf all");
    d.debug(ironconf_device::DebugLevel::Info, "NETCONF: a debug line");
    let lines = buffer(&d);
    assert!(
        lines.iter().any(|l| l.ends_with(": NETCONF: a debug line")),
        "{lines:?}"
    );
    // Buffered at informational: debug lines stay out.
    let d = Device::in_memory(
        Profile::default(),
        &format!("{BASE}logging buffered 8192 informational\n"),
    )
    .0;
    show(&d, "debug netconf all");
    d.debug(ironconf_device::DebugLevel::Info, "NETCONF: not kept");
    assert!(buffer(&d).is_empty());
}

#[test]
fn the_buffer_never_grows_past_its_cap() {
    // IOS allows `logging buffered 2147483647`; the device keeps at most
    // MAX_BUFFER bytes whatever is asked.
    let d = Device::in_memory(
        Profile::default(),
        &format!("{BASE}logging buffered 2147483647 debugging\n"),
    )
    .0;
    let text = "x".repeat(200);
    for _ in 0..(MAX_BUFFER / 200 + 2000) {
        d.log(LogMessage::new("SYS", 5, "TEST", text.clone()));
    }
    let bytes: usize = buffer(&d).iter().map(|l| l.len() + 1).sum();
    assert!(bytes <= MAX_BUFFER && bytes > MAX_BUFFER - 1024, "{bytes}");
}
