//! Notifications, both kinds a client may ask for:
//!
//! - Cisco's legacy ones: a session sends `<notification-on/>`, and at the
//!   end of every configuration change, whatever made it, receives one
//!   `<notification>` with a `config-change-event` listing the changed
//!   lines, who made the change (user, line, source address) and when. No
//!   public capture shows the message; its shape is this emulator's reading
//!   (spec §3.6).
//! - RFC 5277 subscriptions (`create-subscription`) to the `NETCONF`
//!   stream, which carries RFC 6470's events (`netconf-config-change`,
//!   `netconf-session-start`, `netconf-session-end`,
//!   `netconf-capability-change`), and to the `syslog` stream, which
//!   carries the device's log messages. Replay (`startTime`) comes from a
//!   bounded log; `stopTime` ends a subscription with
//!   `notificationComplete`.
//!
//! Delivery never blocks whoever made the event: each session's sink takes
//! the document or reports its queue full, and a session whose queue is
//! full is ended (with the reason logged).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use ironconf_proto::xml::{Element, escape_text};
use ironconf_proto::{ErrorTag, RpcError};

use crate::device::Device;

/// Receives the notification documents of one NETCONF session (whole
/// `<notification>` documents, unframed). Must not block: it returns false
/// when the session's queue is full, and the device then ends the session.
pub type NotificationSink = Arc<dyn Fn(Arc<str>) -> bool + Send + Sync>;

/// RFC 5277's namespace.
pub const NOTIFICATION_NS: &str = "urn:ietf:params:xml:ns:netconf:notification:1.0";
/// RFC 6470's events.
pub const NETCONF_NOTIFICATIONS_NS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications";
/// RFC 5277 §3.2.5: the streams a device offers.
pub const NETMOD_NOTIFICATION_NS: &str = "urn:ietf:params:xml:ns:netmod:notification";
/// The changed CLI lines added to `netconf-config-change` (RFC 6470's
/// `edit` names YANG nodes, which an IOS CLI change has none of).
pub const CLI_CHANGES_NS: &str = "urn:ironconf:params:xml:ns:cli-changes";

/// The changed lines one configuration-change notification lists; past
/// them, their count.
pub const MAX_CHANGE_LINES: usize = ironconf_core::device::RECORDED_LINES;

/// The `syslog` stream's messages.
pub const SYSLOG_NS: &str = "urn:ironconf:params:xml:ns:syslog";

/// Events kept for replay: at most this many …
pub const REPLAY_EVENTS: usize = 1024;
/// … and at most this many bytes of them.
pub const REPLAY_BYTES: usize = 1 << 20;

/// An event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stream {
    /// RFC 5277's default stream: RFC 6470's events.
    Netconf,
    /// The device's log messages.
    Syslog,
}

impl Stream {
    /// Every stream, as `<streams>` lists them.
    pub const ALL: [Stream; 2] = [Stream::Netconf, Stream::Syslog];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Netconf => "NETCONF",
            Stream::Syslog => "syslog",
        }
    }

    /// Its description in `<streams>`.
    fn description(self) -> &'static str {
        match self {
            Stream::Netconf => "default NETCONF event stream",
            Stream::Syslog => "the device's log messages",
        }
    }

    /// A stream by name.
    pub fn by_name(name: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One event: when, on which stream, and its element (the content of the
/// `<notification>`, after `<eventTime>`).
#[derive(Debug)]
pub(crate) struct Event {
    pub(crate) time: SystemTime,
    pub(crate) stream: Stream,
    pub(crate) xml: String,
}

/// A session's RFC 5277 subscription.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    pub(crate) stream: Stream,
    pub(crate) filter: Option<Element>,
    pub(crate) stop: Option<SystemTime>,
}

#[derive(Clone)]
pub(crate) struct Sink(pub(crate) NotificationSink);

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sink")
    }
}

/// The device's notification state (behind its one lock).
#[derive(Debug, Default)]
pub(crate) struct Notifications {
    pub(crate) sinks: BTreeMap<u32, Sink>,
    /// Sessions that sent `<notification-on/>`.
    pub(crate) legacy: BTreeSet<u32>,
    pub(crate) subscriptions: BTreeMap<u32, Subscription>,
    log: VecDeque<Arc<Event>>,
    log_bytes: usize,
    /// When the first event was logged.
    pub(crate) log_created: Option<SystemTime>,
}

impl Notifications {
    fn append(&mut self, event: Arc<Event>) {
        self.log_created.get_or_insert(event.time);
        self.log_bytes += event.xml.len();
        self.log.push_back(event);
        while self.log.len() > REPLAY_EVENTS || self.log_bytes > REPLAY_BYTES {
            match self.log.pop_front() {
                Some(old) => self.log_bytes -= old.xml.len(),
                None => break,
            }
        }
    }

    /// Logged events of `stream` from `start` (inclusive) to `stop`.
    pub(crate) fn replay(
        &self,
        stream: Stream,
        start: SystemTime,
        stop: Option<SystemTime>,
    ) -> Vec<Arc<Event>> {
        self.log
            .iter()
            .filter(|e| e.stream == stream && e.time >= start && stop.is_none_or(|s| e.time <= s))
            .cloned()
            .collect()
    }

    /// Events held for replay, and their bytes.
    pub(crate) fn log_len(&self) -> (usize, usize) {
        (self.log.len(), self.log_bytes)
    }
}

/// `2026-11-30T15:04:05.123Z`.
pub fn event_time(t: SystemTime) -> String {
    DateTime::<Utc>::from(t).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An RFC 3339 date-time (`startTime`, `stopTime`).
pub fn parse_time(text: &str) -> Option<SystemTime> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| SystemTime::from(t.with_timezone(&Utc)))
}

/// The notification document carrying `event`.
pub(crate) fn document(declaration: bool, time: SystemTime, event: &str) -> String {
    let mut out = String::with_capacity(event.len() + 160);
    if declaration {
        out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    }
    let _ = write!(
        out,
        r#"<notification xmlns="{NOTIFICATION_NS}"><eventTime>{}</eventTime>{event}</notification>"#,
        event_time(time)
    );
    out
}

pub use ironconf_core::ChangedBy;

pub use ironconf_core::configure::change_lines;

fn cmds(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let _ = write!(out, "<cmd>{}</cmd>", escape_text(l));
    }
    out
}

/// Cisco's legacy `config-change-event`.
fn legacy_event(by: &ChangedBy, lines: &[String]) -> String {
    let mut out = String::from("<config-change-event>");
    let _ = write!(out, "<user>{}</user>", escape_text(&by.user));
    if let Some(l) = by.line {
        let _ = write!(out, "<line>vty {l}</line>");
    }
    if let Some(s) = by.source {
        let _ = write!(out, "<source-ip>{s}</source-ip>");
    }
    let _ = write!(
        out,
        "<changes>{}</changes></config-change-event>",
        cmds(lines)
    );
    out
}

fn changed_by(by: &ChangedBy) -> String {
    if by.user.is_empty() {
        // Made by the device itself (a reload).
        return "<changed-by><server/></changed-by>".into();
    }
    let mut out = String::from("<changed-by>");
    let _ = write!(
        out,
        "<username>{}</username><session-id>{}</session-id>",
        escape_text(&by.user),
        by.session.unwrap_or(0)
    );
    if let Some(s) = by.source {
        let _ = write!(out, "<source-host>{s}</source-host>");
    }
    out.push_str("</changed-by>");
    out
}

/// RFC 6470 `netconf-config-change`, with the changed CLI lines.
fn config_change_event(by: &ChangedBy, lines: &[String]) -> String {
    format!(
        r#"<netconf-config-change xmlns="{NETCONF_NOTIFICATIONS_NS}">{}<datastore>running</datastore><cli-changes xmlns="{CLI_CHANGES_NS}">{}</cli-changes></netconf-config-change>"#,
        changed_by(by),
        cmds(lines)
    )
}

pub use ironconf_core::lines::Termination;

/// Does `event` (one element) pass a subtree `filter` (the `<filter>`
/// element)? Each top-level node of the filter names an event; its content
/// match nodes (leaves with text) must all match, its containment nodes
/// must match below; selection nodes select and do not restrict.
pub fn passes(filter: &Element, event: &Element) -> bool {
    filter.child_elements().any(|f| node_matches(f, event))
}

fn same_name(f: &Element, e: &Element) -> bool {
    f.name == e.name
        && match (&f.namespace, &e.namespace) {
            (Some(a), Some(b)) => **a == **b,
            (Some(_), None) => false,
            (None, _) => true,
        }
}

fn node_matches(f: &Element, e: &Element) -> bool {
    if !same_name(f, e) {
        return false;
    }
    f.child_elements().all(|fc| {
        let has_children = fc.child_elements().next().is_some();
        let text = fc.text();
        let text = text.trim();
        if has_children {
            e.child_elements().any(|ec| node_matches(fc, ec))
        } else if !text.is_empty() {
            e.child_elements()
                .any(|ec| same_name(fc, ec) && ec.text().trim() == text)
        } else {
            true
        }
    })
}

/// Hands documents to their sessions' sinks, in order: how many went,
/// and the sessions whose queue was full (each once).
fn hand_over(n: &Notifications, deliveries: Vec<(u32, Arc<str>)>) -> (u64, Vec<u32>) {
    let mut sent = 0;
    let mut full: Vec<u32> = Vec::new();
    for (id, doc) in deliveries {
        if full.contains(&id) {
            continue;
        }
        let Some(sink) = n.sinks.get(&id) else {
            continue;
        };
        if (sink.0)(doc) {
            sent += 1;
        } else {
            full.push(id);
        }
    }
    (sent, full)
}

impl Device {
    /// Attaches (or with `None` detaches) the sink of a NETCONF session's
    /// notifications. Detaching ends the session's subscriptions.
    pub fn set_notification_sink(&self, session: u32, sink: Option<NotificationSink>) {
        self.with_slot(|n: &mut Notifications| match sink {
            Some(s) => {
                n.sinks.insert(session, Sink(s));
            }
            None => {
                n.sinks.remove(&session);
                n.legacy.remove(&session);
                n.subscriptions.remove(&session);
            }
        });
    }

    fn declaration(&self) -> bool {
        self.profile().reply.xml_declaration
    }

    /// Logs an event and sends it to the subscribers of its stream (and,
    /// for a configuration change, `legacy` to the sessions that turned
    /// Cisco's notifications on). Documents are handed to the sinks under
    /// the device lock, so that every session receives events in the order
    /// they happened; a sink only queues. Sessions whose queue is full are
    /// ended once the lock is released.
    pub(crate) fn publish(&self, stream: Stream, xml: String, legacy: Option<String>) {
        let time = self.wall_clock();
        let declaration = self.declaration();
        let event = Arc::new(Event { time, stream, xml });
        let full = {
            self.with_features(|fs| {
                let counters = &mut *fs.counters;
                fs.slots.with(|n: &mut Notifications| {
                    n.append(event.clone());
                    let mut parsed: Option<Option<Element>> = None;
                    let mut document: Option<Arc<str>> = None;
                    let mut deliveries = Vec::new();
                    for (id, sub) in &n.subscriptions {
                        if sub.stream != stream {
                            continue;
                        }
                        if let Some(f) = &sub.filter {
                            let element = parsed.get_or_insert_with(|| {
                                ironconf_proto::xml::parse(
                                    event.xml.as_bytes(),
                                    &ironconf_proto::xml::Limits::default(),
                                )
                                .ok()
                            });
                            if !element.as_ref().is_some_and(|e| passes(f, e)) {
                                continue;
                            }
                        }
                        let doc = document
                            .get_or_insert_with(|| document_arc(declaration, time, &event.xml))
                            .clone();
                        deliveries.push((*id, doc));
                    }
                    if let Some(legacy) = &legacy
                        && !n.legacy.is_empty()
                    {
                        let doc = document_arc(declaration, time, legacy);
                        deliveries.extend(n.legacy.iter().map(|id| (*id, doc.clone())));
                    }
                    let (sent, full) = hand_over(n, deliveries);
                    counters.notifications_sent += sent;
                    full
                })
            })
        };
        self.end_full(full);
    }

    /// Ends the sessions whose notification queue was full.
    fn end_full(&self, full: Vec<u32>) {
        for id in full {
            tracing::warn!(
                session = id,
                "notification queue full: the session does not read; ending it"
            );
            self.end_session(id, Termination::Other, None);
        }
    }

    /// Events held for replay and their bytes (at most [`REPLAY_EVENTS`]
    /// and [`REPLAY_BYTES`]).
    pub fn replay_log_size(&self) -> (usize, usize) {
        self.with_slot(|n: &mut Notifications| n.log_len())
    }

    /// `<notification-on/>` (`on`) and `<notification-off/>`.
    pub(crate) fn legacy_notifications(&self, session: u32, on: bool) -> Result<(), RpcError> {
        self.with_slot(|n: &mut Notifications| {
            if !n.sinks.contains_key(&session) {
                return Err(RpcError::new(ErrorTag::OperationFailed)
                    .message("this session cannot receive notifications"));
            }
            if on {
                n.legacy.insert(session);
            } else {
                n.legacy.remove(&session);
            }
            Ok(())
        })
    }

    /// Starts an RFC 5277 subscription: the replayed events first (with
    /// `replayComplete`), then the live ones; a window wholly in the past
    /// ends at once with `notificationComplete`.
    pub(crate) fn subscribe(
        &self,
        session: u32,
        stream: Stream,
        filter: Option<Element>,
        start: Option<SystemTime>,
        stop: Option<SystemTime>,
    ) -> Result<(), RpcError> {
        let now = self.wall_clock();
        let declaration = self.declaration();
        let full = {
            self.with_features(|fs| {
                let counters = &mut *fs.counters;
                fs.slots.with(|n: &mut Notifications| {
                    if !n.sinks.contains_key(&session) {
                        return Err(RpcError::new(ErrorTag::OperationFailed)
                            .message("this session cannot receive notifications"));
                    }
                    if n.subscriptions.contains_key(&session) {
                        return Err(RpcError::new(ErrorTag::OperationFailed).message(
                            "this session already has a subscription (RFC 5277 allows one)",
                        ));
                    }
                    let mut deliveries = Vec::new();
                    if let Some(start) = start {
                        for e in n.replay(stream, start, stop) {
                            let passes_filter = match &filter {
                                None => true,
                                Some(f) => ironconf_proto::xml::parse(
                                    e.xml.as_bytes(),
                                    &ironconf_proto::xml::Limits::default(),
                                )
                                .is_ok_and(|el| passes(f, &el)),
                            };
                            if passes_filter {
                                deliveries
                                    .push((session, document_arc(declaration, e.time, &e.xml)));
                            }
                        }
                        deliveries.push((
                            session,
                            document_arc(
                                declaration,
                                now,
                                &format!(r#"<replayComplete xmlns="{NETMOD_NOTIFICATION_NS}"/>"#),
                            ),
                        ));
                    }
                    if stop.is_some_and(|s| s <= now) {
                        deliveries.push((
                            session,
                            document_arc(
                                declaration,
                                now,
                                &format!(
                                    r#"<notificationComplete xmlns="{NETMOD_NOTIFICATION_NS}"/>"#
                                ),
                            ),
                        ));
                    } else {
                        n.subscriptions.insert(
                            session,
                            Subscription {
                                stream,
                                filter,
                                stop,
                            },
                        );
                    }
                    let (sent, full) = hand_over(n, deliveries);
                    counters.notifications_sent += sent;
                    Ok(full)
                })
            })?
        };
        self.end_full(full);
        Ok(())
    }

    /// The events of a configuration change that went through the
    /// configuration path.
    pub(crate) fn publish_config_change(&self, by: &ChangedBy, changes: &[String]) {
        if changes.is_empty() {
            return;
        }
        let lines = if changes.len() > MAX_CHANGE_LINES {
            &changes[..MAX_CHANGE_LINES]
        } else {
            changes
        };
        let omitted = changes.len() - lines.len();
        let (mut event, mut legacy) = (config_change_event(by, lines), legacy_event(by, lines));
        if omitted > 0 {
            // Bounded: the lines past the first MAX_CHANGE_LINES are counted.
            let more = format!("<omitted-lines>{omitted}</omitted-lines>");
            event = event.replacen("</cli-changes>", &format!("{more}</cli-changes>"), 1);
            legacy = legacy.replacen("</changes>", &format!("{more}</changes>"), 1);
        }
        self.publish(Stream::Netconf, event, Some(legacy));
    }

    /// RFC 6470 `netconf-session-start`.
    pub(crate) fn publish_session_start(
        &self,
        user: &str,
        session: u32,
        source: Option<std::net::IpAddr>,
    ) {
        let mut xml = format!(
            r#"<netconf-session-start xmlns="{NETCONF_NOTIFICATIONS_NS}"><username>{}</username><session-id>{session}</session-id>"#,
            escape_text(user)
        );
        if let Some(s) = source {
            let _ = write!(xml, "<source-host>{s}</source-host>");
        }
        xml.push_str("</netconf-session-start>");
        self.publish(Stream::Netconf, xml, None);
    }

    /// RFC 6470 `netconf-session-end`.
    pub(crate) fn publish_session_end(
        &self,
        user: &str,
        session: u32,
        source: Option<std::net::IpAddr>,
        reason: Termination,
        killed_by: Option<u32>,
    ) {
        let mut xml = format!(
            r#"<netconf-session-end xmlns="{NETCONF_NOTIFICATIONS_NS}"><username>{}</username><session-id>{session}</session-id>"#,
            escape_text(user)
        );
        if let Some(s) = source {
            let _ = write!(xml, "<source-host>{s}</source-host>");
        }
        if let (Termination::Killed, Some(by)) = (reason, killed_by) {
            let _ = write!(xml, "<killed-by>{by}</killed-by>");
        }
        let _ = write!(
            xml,
            "<termination-reason>{}</termination-reason></netconf-session-end>",
            reason.as_str()
        );
        self.publish(Stream::Netconf, xml, None);
    }

    /// RFC 6470 `netconf-capability-change`: what was added and removed.
    pub(crate) fn publish_capability_change(&self, added: &[String], removed: &[String]) {
        let mut xml = format!(
            r#"<netconf-capability-change xmlns="{NETCONF_NOTIFICATIONS_NS}"><changed-by><server/></changed-by>"#
        );
        for a in added {
            let _ = write!(
                xml,
                "<added-capability>{}</added-capability>",
                escape_text(a)
            );
        }
        for r in removed {
            let _ = write!(
                xml,
                "<deleted-capability>{}</deleted-capability>",
                escape_text(r)
            );
        }
        xml.push_str("</netconf-capability-change>");
        self.publish(Stream::Netconf, xml, None);
    }

    /// Subscriptions whose `stopTime` has passed end with
    /// `notificationComplete` (called from the device's timeout).
    pub(crate) fn end_due_subscriptions(&self) {
        let now = self.wall_clock();
        let declaration = self.declaration();
        let full = {
            self.with_features(|fs| {
                let counters = &mut *fs.counters;
                fs.slots.with(|n: &mut Notifications| {
                    let due: Vec<u32> = n
                        .subscriptions
                        .iter()
                        .filter(|(_, s)| s.stop.is_some_and(|t| t <= now))
                        .map(|(id, _)| *id)
                        .collect();
                    if due.is_empty() {
                        return Vec::new();
                    }
                    let doc = document_arc(
                        declaration,
                        now,
                        &format!(r#"<notificationComplete xmlns="{NETMOD_NOTIFICATION_NS}"/>"#),
                    );
                    for id in &due {
                        n.subscriptions.remove(id);
                    }
                    let (sent, full) =
                        hand_over(n, due.iter().map(|id| (*id, doc.clone())).collect());
                    counters.notifications_sent += sent;
                    full
                })
            })
        };
        self.end_full(full);
    }

    /// RFC 5277 §3.2.5: the streams, as `<get>` returns them.
    pub(crate) fn streams_xml(&self) -> String {
        let created = self.with_slot(|n: &mut Notifications| n.log_created);
        let mut out = format!(r#"<netconf xmlns="{NETMOD_NOTIFICATION_NS}"><streams>"#);
        for s in Stream::ALL {
            let _ = write!(
                out,
                "<stream><name>{}</name><description>{}</description><replaySupport>true</replaySupport>",
                s.name(),
                s.description()
            );
            if let Some(t) = created {
                let _ = write!(
                    out,
                    "<replayLogCreationTime>{}</replayLogCreationTime>",
                    event_time(t)
                );
            }
            out.push_str("</stream>");
        }
        out.push_str("</streams></netconf>");
        out
    }
}

fn document_arc(declaration: bool, time: SystemTime, event: &str) -> Arc<str> {
    Arc::from(document(declaration, time, event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_ios::config::ItemChange;

    fn item(before: &[&str], after: &[&str]) -> ItemChange {
        ItemChange {
            before: before.iter().map(|s| (*s).to_owned()).collect(),
            after: after.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn changes_read_as_commands() {
        // Lines set the same thing when their first word is the same.
        let same =
            |_: &str, a: &str, b: &str| a.split_whitespace().next() == b.split_whitespace().next();
        let lines = change_lines(
            &[
                item(&["hostname A"], &["hostname B"]),
                item(
                    &["interface Loopback1", " description old", " shutdown"],
                    &["interface Loopback1", " description new", " shutdown"],
                ),
                item(&[], &["interface Loopback2", " description x"]),
                item(&["ip route 0.0.0.0 0.0.0.0 10.0.0.1"], &[]),
            ],
            &same,
        );
        assert_eq!(
            lines,
            [
                "hostname B",
                "interface Loopback1",
                " description new",
                "interface Loopback2",
                " description x",
                "no ip route 0.0.0.0 0.0.0.0 10.0.0.1",
            ]
        );
    }

    #[test]
    fn times_and_filters() {
        let t = parse_time("2026-11-30T10:00:00+01:00");
        assert_eq!(
            t.map(event_time).as_deref(),
            Some("2026-11-30T09:00:00.000Z")
        );
        assert_eq!(parse_time("yesterday"), None);
        let limits = ironconf_proto::xml::Limits::default();
        let event = ironconf_proto::xml::parse(
            format!(r#"<netconf-session-start xmlns="{NETCONF_NOTIFICATIONS_NS}"><username>ops</username><session-id>7</session-id></netconf-session-start>"#).as_bytes(),
            &limits,
        );
        let filter = |f: &str| {
            ironconf_proto::xml::parse(format!("<filter>{f}</filter>").as_bytes(), &limits)
        };
        let yes = filter(&format!(
            r#"<netconf-session-start xmlns="{NETCONF_NOTIFICATIONS_NS}"><username>ops</username></netconf-session-start>"#
        ));
        let no = filter(&format!(
            r#"<netconf-session-start xmlns="{NETCONF_NOTIFICATIONS_NS}"><username>admin</username></netconf-session-start>"#
        ));
        let other = filter(&format!(
            r#"<netconf-session-end xmlns="{NETCONF_NOTIFICATIONS_NS}"/>"#
        ));
        let check = |f: &Result<Element, _>| match (f, &event) {
            (Ok(f), Ok(e)) => Some(passes(f, e)),
            _ => None,
        };
        assert_eq!(check(&yes), Some(true));
        assert_eq!(check(&no), Some(false));
        assert_eq!(check(&other), Some(false));
    }
}
