//! IOS's logging: one pipeline for the messages the device writes
//! (`%SYS-5-CONFIG_I: …`) and the `debug` lines, to the destinations
//! `logging …` configures, each with its level: the buffer `show logging`
//! prints, the terminals that asked for `terminal monitor`, the `logging
//! host`s (RFC 3164-style datagrams, sent by what the server installs), the
//! console (counted: an emulated device has none), and the `syslog`
//! notification stream.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::SystemTime;

use ironconf_ios::change::IosTime;
use ironconf_ios::settings::{LogTimestamps, LoggingSettings, SEVERITIES};
use ironconf_proto::xml::escape_text;

use crate::device::Device;

/// Sends one syslog datagram to a `logging host`. Must not block (the
/// server's sender is a non-blocking UDP socket).
pub type SyslogSender = Arc<dyn Fn(SocketAddr, &[u8]) + Send + Sync>;

/// The most the buffer keeps, whatever `logging buffered SIZE` asks for
/// (IOS allows up to 2 GB): bytes of message text.
pub const MAX_BUFFER: usize = 8 * 1024 * 1024;

/// The syslog facility IOS sends with (`local7`).
const FACILITY_LOCAL7: u8 = 23;

/// A message: `%FACILITY-SEVERITY-MNEMONIC: text`, or a debug line (no
/// facility).
#[derive(Debug, Clone)]
pub struct LogMessage {
    /// `SYS`, `LINK`; empty for a debug line.
    pub facility: &'static str,
    /// 0 (emergencies) to 7 (debugging).
    pub severity: u8,
    /// `CONFIG_I`.
    pub mnemonic: &'static str,
    /// The text after the mnemonic.
    pub text: String,
}

impl LogMessage {
    /// A `%FACILITY-SEVERITY-MNEMONIC` message.
    pub fn new(
        facility: &'static str,
        severity: u8,
        mnemonic: &'static str,
        text: impl Into<String>,
    ) -> Self {
        LogMessage {
            facility,
            severity: severity.min(7),
            mnemonic,
            text: text.into(),
        }
    }

    /// The message without its timestamp.
    pub fn body(&self) -> String {
        if self.facility.is_empty() {
            self.text.clone()
        } else {
            format!(
                "%{}-{}-{}: {}",
                self.facility, self.severity, self.mnemonic, self.text
            )
        }
    }
}

/// Where messages went, for `show logging`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LogCounts {
    pub(crate) console: u64,
    pub(crate) monitor: u64,
    pub(crate) buffer: u64,
    pub(crate) trap: u64,
    pub(crate) flushes: u64,
}

/// The logging state (behind the device lock).
#[derive(Debug, Default)]
pub(crate) struct Logging {
    buffer: VecDeque<String>,
    buffer_bytes: usize,
    /// Messages logged since boot: the sequence number.
    seq: u64,
    pub(crate) counts: LogCounts,
    /// Lines sent to each host, by address.
    pub(crate) host_counts: Vec<(SocketAddr, u64)>,
}

impl Logging {
    fn keep(&mut self, line: String, size: usize) {
        let size = size.min(MAX_BUFFER);
        self.buffer_bytes += line.len() + 1;
        self.buffer.push_back(line);
        while self.buffer_bytes > size {
            match self.buffer.pop_front() {
                Some(old) => self.buffer_bytes -= old.len() + 1,
                None => break,
            }
        }
    }

    /// `clear logging`.
    pub(crate) fn clear(&mut self) {
        self.buffer.clear();
        self.buffer_bytes = 0;
        self.counts.flushes += 1;
    }
}

/// `*Nov 30 16:10:04.123` (the `*`: the clock was never set, as on a
/// device without NTP).
fn stamp(t: &LoggingSettings, time: SystemTime, uptime_secs: u64) -> String {
    match t.timestamps {
        LogTimestamps::Datetime { msec, year } => {
            let i = IosTime::at(time);
            let mut s = format!("*{} {:>2} ", i.month, i.day);
            if year {
                let _ = write!(s, "{} ", i.year);
            }
            s.push_str(&i.clock());
            if msec {
                let _ = write!(s, ".{:03}", i.millis);
            }
            s
        }
        LogTimestamps::Uptime => {
            let (d, h, m, sec) = (
                uptime_secs / 86_400,
                uptime_secs / 3600 % 24,
                uptime_secs / 60 % 60,
                uptime_secs % 60,
            );
            if d > 0 {
                format!("{d}d{h:02}h")
            } else {
                format!("{h:02}:{m:02}:{sec:02}")
            }
        }
    }
}

/// What sends datagrams to the `logging host`s, kept as the device's
/// handle.
#[derive(Clone)]
struct Syslog(SyslogSender);

impl Device {
    /// Sends a debug line through the logging pipeline (severity
    /// debugging): to the buffer and the monitoring terminals, as `logging
    /// buffered` and `logging monitor` say, timestamped as IOS does.
    pub fn debug(&self, level: crate::debug::DebugLevel, text: &str) {
        if !self.debugging(level) {
            return;
        }
        self.log(LogMessage {
            facility: "",
            severity: 7,
            mnemonic: "",
            text: text.to_owned(),
        });
    }
}

impl Device {
    /// Installs what sends datagrams to the `logging host`s.
    pub fn set_syslog_sender(&self, sender: Option<SyslogSender>) {
        self.set_handle(sender.map(Syslog));
    }

    /// Logs a message to every destination whose level takes it.
    pub fn log(&self, message: LogMessage) {
        let time = self.wall_clock();
        let uptime = self.uptime().as_secs();
        let body = message.body();
        let (monitors, datagrams, line) = {
            // Read in place: every message passes here.
            self.with_features(|st| {
                let cfg = &st.settings.logging;
                let monitors: Vec<crate::debug::MonitorSink> =
                    if cfg.monitor.is_some_and(|l| message.severity <= l) {
                        st.slots
                            .get::<crate::debug::Debugging>()
                            .map(crate::debug::Debugging::monitors)
                            .unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                st.slots.with(|logging: &mut Logging| {
                    let seq = logging.seq + 1;
                    logging.seq = seq;
                    let stamp = stamp(cfg, time, uptime);
                    let line = if cfg.sequence_numbers {
                        format!("{seq:06}: {stamp}: {body}")
                    } else {
                        format!("{stamp}: {body}")
                    };
                    let sev = message.severity;
                    if cfg.console.is_some_and(|l| sev <= l) {
                        logging.counts.console += 1;
                    }
                    if let Some((size, level)) = cfg.buffered
                        && sev <= level
                    {
                        logging.counts.buffer += 1;
                        logging.keep(line.clone(), size as usize);
                    }
                    logging.counts.monitor += monitors.len() as u64;
                    let mut datagrams = Vec::new();
                    if sev <= cfg.trap && !message.facility.is_empty() {
                        logging.counts.trap += 1;
                        // `<189>12: *Nov 30 16:10:04.123: %SYS-5-CONFIG_I: …`
                        let pri = u16::from(FACILITY_LOCAL7) * 8 + u16::from(sev);
                        let datagram = format!("<{pri}>{seq}: {stamp}: {body}");
                        for h in &cfg.hosts {
                            let to = SocketAddr::new(IpAddr::V4(h.address), h.port);
                            match logging.host_counts.iter_mut().find(|(a, _)| *a == to) {
                                Some((_, n)) => *n += 1,
                                None => logging.host_counts.push((to, 1)),
                            }
                            datagrams.push((to, datagram.clone()));
                        }
                    }
                    (monitors, datagrams, line)
                })
            })
        };
        for m in monitors {
            m(&line);
        }
        if !datagrams.is_empty() {
            let sender = self.handle::<Syslog>().map(|s| s.0);
            if let Some(send) = sender {
                for (to, d) in datagrams {
                    send(to, d.as_bytes());
                }
            }
        }
        if !message.facility.is_empty() {
            self.publish(
                crate::notify::Stream::Syslog,
                syslog_event(&message, &line),
                None,
            );
        }
    }

    /// `show logging`: IOS's header, then the buffer.
    pub(crate) fn show_logging(&self) -> String {
        self.view(|v| {
        let none = Logging::default();
        let logging = v.slots().get::<Logging>().unwrap_or(&none);
        let cfg = &v.settings().logging;
        let c = logging.counts;
        let level = |l: Option<u8>| match l {
            Some(l) => format!("level {}", SEVERITIES[usize::from(l.min(7))]),
            None => "disabled".into(),
        };
        let mut out = format!(
            "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, {} flushes, 0 overruns, xml disabled, filtering disabled)\n\nNo Active Message Discriminator.\n\n\n\nNo Inactive Message Discriminator.\n\n\n    Console logging: {}, {} messages logged, xml disabled,\n                     filtering disabled\n    Monitor logging: {}, {} messages logged, xml disabled,\n                     filtering disabled\n    Buffer logging:  {}, {} messages logged, xml disabled,\n                    filtering disabled\n    Exception Logging: size (4096 bytes)\n    Count and timestamp logging messages: disabled\n    Persistent logging: disabled\n\nNo active filter modules.\n\n    Trap logging: level {}, {} message lines logged\n",
            c.flushes,
            level(cfg.console),
            c.console,
            level(cfg.monitor),
            c.monitor,
            level(cfg.buffered.map(|(_, l)| l)),
            c.buffer,
            SEVERITIES[usize::from(cfg.trap.min(7))],
            c.trap,
        );
        for h in &cfg.hosts {
            let to = SocketAddr::new(IpAddr::V4(h.address), h.port);
            let n = logging
                .host_counts
                .iter()
                .find(|(a, _)| *a == to)
                .map_or(0, |(_, n)| *n);
            let _ = write!(
                out,
                "        Logging to {}  (udp port {}, audit disabled,\n              link up),\n              {n} message lines logged, \n              0 message lines rate-limited, \n              0 message lines dropped-by-MD, \n              xml disabled, sequence number disabled\n              filtering disabled\n",
                h.address, h.port
            );
        }
        out.push_str("        Logging Source-Interface:       VRF Name:\n\n");
        match cfg.buffered {
            Some((size, _)) => {
                let _ = writeln!(out, "Log Buffer ({size} bytes):\n");
                for l in &logging.buffer {
                    out.push_str(l);
                    out.push('\n');
                }
            }
            None => out.push_str("Log Buffer disabled\n"),
        }
        out
        })
    }

    /// `clear logging`.
    pub(crate) fn clear_logging(&self) {
        self.with_slot(|l: &mut Logging| l.clear());
    }

    /// `%SYS-5-CONFIG_I` for a configuration made from `source` (`console`,
    /// `NETCONF`, a URL) by `user` on vty `line` (and its address).
    pub fn log_configured(&self, source: &str, user: &str, line: Option<u32>) {
        let address = line.and_then(|l| self.view(|v| v.lines().get(&l).and_then(|e| e.source)));
        let mut text = format!("Configured from {source} by {user}");
        if let Some(l) = line {
            let _ = write!(text, " on vty{l}");
        }
        if let Some(a) = address {
            let _ = write!(text, " ({a})");
        }
        self.log(LogMessage::new("SYS", 5, "CONFIG_I", text));
    }

    /// `%SEC_LOGIN-5-LOGIN_SUCCESS` / `%SEC_LOGIN-4-LOGIN_FAILED`, when
    /// `login on-success log` / `login on-failure log` ask for them.
    pub fn log_login(&self, user: &str, source: IpAddr, local_port: u16, success: bool) {
        let (on_success, on_failure) = {
            self.view(|v| {
                let l = &v.settings().logging;
                (l.login_success, l.login_failure)
            })
        };
        let at = ironconf_ios::change::ios_time(self.wall_clock());
        if success && on_success {
            self.log(LogMessage::new(
                "SEC_LOGIN",
                5,
                "LOGIN_SUCCESS",
                format!(
                    "Login Success [user: {user}] [Source: {source}] [localport: {local_port}] at {at}"
                ),
            ));
        } else if !success && on_failure {
            self.log(LogMessage::new(
                "SEC_LOGIN",
                4,
                "LOGIN_FAILED",
                format!(
                    "Login failed [user: {user}] [Source: {source}] [localport: {local_port}] [Reason: Login Authentication Failed] at {at}"
                ),
            ));
        }
    }

    /// `%SEC_LOGIN-1-QUIET_MODE_ON` (with the seconds, user, source and
    /// port of the failure that began it) or `%SEC_LOGIN-5-QUIET_MODE_OFF`.
    pub(crate) fn log_quiet_mode(&self, on: Option<(u64, &str, IpAddr, u16)>) {
        let at = ironconf_ios::change::ios_time(self.wall_clock());
        let message = match on {
            Some((seconds, user, source, local_port)) => LogMessage::new(
                "SEC_LOGIN",
                1,
                "QUIET_MODE_ON",
                format!(
                    "Still timeleft for watching failures is {seconds} secs, [user: {user}] [Source: {source}] [localport: {local_port}] [Reason: Login Authentication Failed] [ACL: sl_def_acl] at {at}"
                ),
            ),
            None => LogMessage::new(
                "SEC_LOGIN",
                5,
                "QUIET_MODE_OFF",
                format!("Quiet Mode is OFF, because block period timed out at {at}"),
            ),
        };
        self.log(message);
    }

    /// `%SSH-5-SSH2_SESSION` and `%SSH-5-SSH2_USERAUTH` when SSH
    /// connection `n` has logged in on vty `vty` (`closed`: its
    /// `%SSH-5-SSH2_CLOSE`), with `ip ssh logging events`.
    pub fn log_ssh_event(&self, n: u32, vty: Option<u32>, source: IpAddr, closed: bool) {
        let (on, conn) = {
            self.view(|v| {
                (
                    v.settings().ssh.logging_events,
                    v.ssh_connections().get(&n).cloned(),
                )
            })
        };
        let (true, Some(c)) = (on, conn) else {
            return;
        };
        let tty = vty.unwrap_or(0);
        let crypto = format!("using crypto cipher '{}', hmac '{}'", c.cipher_in, c.mac_in);
        if closed {
            self.log(LogMessage::new(
                "SSH",
                5,
                "SSH2_CLOSE",
                format!(
                    "SSH2 Session from {source} (tty = {tty}) for user '{}' {crypto} closed",
                    c.user
                ),
            ));
            return;
        }
        self.log(LogMessage::new(
            "SSH",
            5,
            "SSH2_SESSION",
            format!("SSH2 Session request from {source} (tty = {tty}) {crypto} Succeeded"),
        ));
        self.log(LogMessage::new(
            "SSH",
            5,
            "SSH2_USERAUTH",
            format!(
                "User '{}' authentication for SSH2 Session from {source} (tty = {tty}) {crypto} Succeeded",
                c.user
            ),
        ));
    }

    /// The link messages of interfaces shut down, enabled, created or
    /// removed by a change (`interface` items among `changes`).
    pub(crate) fn log_link_changes(&self, changes: &[ironconf_ios::config::ItemChange]) {
        for c in changes {
            let header = c.after.first().or(c.before.first());
            let Some(name) = header.and_then(|h| h.strip_prefix("interface ")) else {
                continue;
            };
            let name = name.trim();
            let shut = |lines: &[String]| lines.iter().any(|l| l.trim() == "shutdown");
            let before = (!c.before.is_empty()).then(|| shut(&c.before));
            let after = (!c.after.is_empty()).then(|| shut(&c.after));
            match (before, after) {
                // Up (a new interface, or `no shutdown`).
                (None, Some(false)) | (Some(true), Some(false)) => {
                    self.log(LogMessage::new(
                        "LINK",
                        3,
                        "UPDOWN",
                        format!("Interface {name}, changed state to up"),
                    ));
                    self.log(LogMessage::new(
                        "LINEPROTO",
                        5,
                        "UPDOWN",
                        format!("Line protocol on Interface {name}, changed state to up"),
                    ));
                }
                (Some(false), Some(true)) => {
                    self.log(LogMessage::new(
                        "LINK",
                        5,
                        "CHANGED",
                        format!("Interface {name}, changed state to administratively down"),
                    ));
                    self.log(LogMessage::new(
                        "LINEPROTO",
                        5,
                        "UPDOWN",
                        format!("Line protocol on Interface {name}, changed state to down"),
                    ));
                }
                (Some(_), None) => {
                    self.log(LogMessage::new(
                        "LINK",
                        5,
                        "CHANGED",
                        format!("Interface {name}, changed state to deleted"),
                    ));
                }
                _ => {}
            }
        }
    }
}

/// The `syslog` stream's event for a message.
fn syslog_event(m: &LogMessage, line: &str) -> String {
    format!(
        r#"<syslog-message xmlns="{}"><facility>{}</facility><severity>{}</severity><mnemonic>{}</mnemonic><text>{}</text><line>{}</line></syslog-message>"#,
        crate::notify::SYSLOG_NS,
        m.facility,
        m.severity,
        m.mnemonic,
        escape_text(&m.text),
        escape_text(line)
    )
}
