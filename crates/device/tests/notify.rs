//! Notifications: Cisco's `<notification-on/>`, RFC 5277 subscriptions
//! with RFC 6470's events, replay, stopTime, errors and the bounds.

#![allow(clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use ironconf_device::clock::ManualClock;
use ironconf_device::notify::{NotificationSink, REPLAY_BYTES, REPLAY_EVENTS};
use ironconf_device::{Changer, Device, KillSwitch, NetconfHandler, Profile};
use ironconf_session::testing::ScriptedPeer;

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const NOTIF: &str = "urn:ietf:params:xml:ns:netconf:notification:1.0";
const HELLO: &str = r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;
const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\ninterface Loopback113\n description test\nnetconf ssh\n";

type Inbox = Arc<Mutex<Vec<String>>>;

/// A session with a notification sink that keeps what it gets (refusing
/// past `capacity`).
fn session(device: &Device, capacity: usize) -> (ScriptedPeer<NetconfHandler>, u32, Inbox) {
    session_with(device, capacity, None)
}

fn session_with(
    device: &Device,
    capacity: usize,
    kill: Option<KillSwitch>,
) -> (ScriptedPeer<NetconfHandler>, u32, Inbox) {
    let id = device.register_session("admin", 15, "192.0.2.9".parse().ok(), kill);
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let sink: NotificationSink = Arc::new(move |doc: Arc<str>| {
        let mut v = kept.lock().unwrap_or_else(|p| p.into_inner());
        if v.len() >= capacity {
            return false;
        }
        v.push(doc.to_string());
        true
    });
    device.set_notification_sink(id, Some(sink));
    let mut p = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, "admin", 15),
    );
    p.send(HELLO);
    p.take_output();
    (p, id, inbox)
}

fn rpc(id: u32, body: &str) -> String {
    format!(r#"<rpc message-id="{id}" xmlns="{NS}">{body}</rpc>]]>]]>"#)
}

fn take(inbox: &Inbox) -> Vec<String> {
    std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()))
}

fn device(profile: &str) -> (Device, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let built = Device::builder(Profile::by_name(profile).unwrap_or_default())
        .in_memory(STARTUP)
        .clock(clock.clone())
        .build();
    match built {
        Ok((d, _)) => (d, clock),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn legacy_notifications_follow_every_change() {
    let (d, _) = device("ios-xe-16");
    let (mut a, _, inbox) = session(&d, 100);
    a.send(rpc(1, "<notification-on/>"));
    assert!(a.take_text().contains("<ok />"));
    // A change from the shell's configuration mode, on vty 2.
    let who = Changer {
        user: "ops",
        session: None,
        line: Some(2),
    };
    assert!(
        d.configure(who, &["interface Loopback113", " description changed"])
            .is_ok()
    );
    let got = take(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    let n = &got[0];
    assert!(
        n.starts_with(&format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><notification xmlns="{NOTIF}"><eventTime>"#
        )),
        "{n}"
    );
    assert!(
        n.contains("<config-change-event><user>ops</user><line>vty 2</line><changes><cmd>interface Loopback113</cmd><cmd> description changed</cmd></changes></config-change-event></notification>"),
        "{n}"
    );
    // A NETCONF change: the session's user and address.
    let (mut b, _, _) = session(&d, 100);
    b.send(rpc(2, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname R2</cmd></cli-config-data></config></edit-config>"));
    b.take_output();
    let got = take(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("<user>admin</user><line>vty 1</line><source-ip>192.0.2.9</source-ip><changes><cmd>hostname R2</cmd></changes>"), "{}", got[0]);
    // A change that changes nothing sends nothing; off stops them.
    b.send(rpc(3, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname R2</cmd></cli-config-data></config></edit-config>"));
    a.send(rpc(4, "<notification-off/>"));
    b.send(rpc(5, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname R3</cmd></cli-config-data></config></edit-config>"));
    assert!(take(&inbox).is_empty());
    let counters = ironconf_device::exec::run(
        &d,
        &ironconf_device::exec::ExecCaller {
            session: None,
            user: "admin".into(),
            privilege: 15,
            line: None,
        },
        "show netconf session",
    );
    assert!(
        counters.text.contains("Notifications Sent: 2\n"),
        "{}",
        counters.text
    );
}

#[test]
fn subscriptions_carry_rfc_6470_events() {
    let (d, _) = device("standard");
    let (mut a, a_id, inbox) = session(&d, 100);
    a.send(rpc(
        1,
        &format!(r#"<create-subscription xmlns="{NOTIF}"/>"#),
    ));
    assert!(a.take_text().contains("<ok/>"));
    let (mut b, b_id, _) = session(&d, 100);
    b.send(rpc(2, "<edit-config><target><running/></target><config><cli-config-data><cmd>interface Loopback113</cmd><cmd>shutdown</cmd></cli-config-data></config></edit-config>"));
    b.take_output();
    let got = take(&inbox);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].contains(&format!("<netconf-session-start xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"><username>admin</username><session-id>{b_id}</session-id><source-host>192.0.2.9</source-host></netconf-session-start>")), "{}", got[0]);
    assert!(got[1].contains(&format!("<changed-by><username>admin</username><session-id>{b_id}</session-id><source-host>192.0.2.9</source-host></changed-by><datastore>running</datastore><cli-changes xmlns=\"urn:ironconf:params:xml:ns:cli-changes\"><cmd>interface Loopback113</cmd><cmd> shutdown</cmd></cli-changes>")), "{}", got[1]);
    // rpcs keep working while subscribed (interleave).
    a.send(rpc(
        3,
        "<get-config><source><running/></source></get-config>",
    ));
    assert!(a.take_text().contains("hostname R1"));
    // The other session killed by this one: its end names the killer.
    a.send(rpc(
        4,
        &format!("<kill-session><session-id>{b_id}</session-id></kill-session>"),
    ));
    a.take_output();
    b.session.kill();
    b.pump();
    let got = take(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains(&format!("<session-id>{b_id}</session-id><source-host>192.0.2.9</source-host><killed-by>{a_id}</killed-by><termination-reason>killed</termination-reason></netconf-session-end>")), "{}", got[0]);
    // The streams, as <get> lists them.
    a.send(rpc(5, r#"<get><filter type="subtree"><netconf xmlns="urn:ietf:params:xml:ns:netmod:notification"/></filter></get>"#));
    let streams = a.take_text();
    assert!(streams.contains("<stream><name>NETCONF</name><description>default NETCONF event stream</description><replaySupport>true</replaySupport><replayLogCreationTime>"), "{streams}");
    assert!(streams.contains("<stream><name>syslog</name>"), "{streams}");
}

#[test]
fn replay_filters_and_stop_time() {
    let (d, clock) = device("standard");
    let start = SystemTime::now();
    let who = || Changer {
        user: "ops",
        session: None,
        line: None,
    };
    clock.advance(Duration::from_secs(10));
    assert!(d.configure(who(), &["hostname A"]).is_ok());
    clock.advance(Duration::from_secs(10));
    assert!(d.configure(who(), &["hostname B"]).is_ok());
    clock.advance(Duration::from_secs(10));
    let (mut a, _, inbox) = session(&d, 100);
    // Replay from the start, only the changes naming `hostname B`.
    let filter = r#"<filter type="subtree"><netconf-config-change xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"><cli-changes xmlns="urn:ironconf:params:xml:ns:cli-changes"><cmd>hostname B</cmd></cli-changes></netconf-config-change></filter>"#;
    let t = ironconf_device::notify::event_time(start);
    a.send(rpc(1, &format!(r#"<create-subscription xmlns="{NOTIF}">{filter}<startTime>{t}</startTime></create-subscription>"#)));
    assert!(a.take_text().contains("<ok/>"));
    let got = take(&inbox);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].contains("<cmd>hostname B</cmd>") && !got[0].contains("<cmd>hostname A</cmd>"),
        "{}",
        got[0]
    );
    assert!(
        got[1].contains("<replayComplete xmlns=\"urn:ietf:params:xml:ns:netmod:notification\"/>"),
        "{}",
        got[1]
    );
    // A window wholly in the past ends at once.
    let (mut b, _, inbox_b) = session(&d, 100);
    let stop = ironconf_device::notify::event_time(start + Duration::from_secs(15));
    b.send(rpc(2, &format!(r#"<create-subscription xmlns="{NOTIF}"><startTime>{t}</startTime><stopTime>{stop}</stopTime></create-subscription>"#)));
    b.take_output();
    let got = take(&inbox_b);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].contains("<cmd>hostname A</cmd>"));
    assert!(got[1].contains("replayComplete") && got[2].contains("notificationComplete"));
    // A stopTime ahead: the subscription ends when the device's time
    // reaches it.
    let (mut c, _, inbox_c) = session(&d, 100);
    let now = ironconf_device::notify::event_time(d.wall_clock());
    let later = ironconf_device::notify::event_time(d.wall_clock() + Duration::from_secs(5));
    c.send(rpc(3, &format!(r#"<create-subscription xmlns="{NOTIF}"><startTime>{now}</startTime><stopTime>{later}</stopTime></create-subscription>"#)));
    c.take_output();
    let got = take(&inbox_c);
    assert!(
        got.last().is_some_and(|n| n.contains("replayComplete")),
        "{got:?}"
    );
    clock.advance(Duration::from_secs(6));
    d.handle_timeout(d.now());
    let got = take(&inbox_c);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("notificationComplete"));
}

#[test]
fn bad_subscriptions_get_precise_errors() {
    let (d, _) = device("standard");
    let (mut a, _, _) = session(&d, 100);
    let sub = |body: &str| {
        rpc(
            9,
            &format!(r#"<create-subscription xmlns="{NOTIF}">{body}</create-subscription>"#),
        )
    };
    let error = |p: &mut ScriptedPeer<NetconfHandler>, body: &str| {
        p.send(sub(body));
        p.take_text()
    };
    let e = error(&mut a, "<stream>nope</stream>");
    assert!(
        e.contains("<error-tag>invalid-value</error-tag>")
            && e.contains("<bad-element>stream</bad-element>"),
        "{e}"
    );
    let e = error(&mut a, "<stopTime>2026-01-01T00:00:00Z</stopTime>");
    assert!(
        e.contains("<error-tag>missing-element</error-tag>")
            && e.contains("<bad-element>startTime</bad-element>"),
        "{e}"
    );
    let e = error(&mut a, "<startTime>tomorrow</startTime>");
    assert!(
        e.contains("<error-tag>bad-element</error-tag>")
            && e.contains("<bad-element>startTime</bad-element>"),
        "{e}"
    );
    let e = error(&mut a, "<startTime>2999-01-01T00:00:00Z</startTime>");
    assert!(
        e.contains("<error-tag>bad-element</error-tag>") && e.contains("is in the future"),
        "{e}"
    );
    let e = error(
        &mut a,
        "<startTime>2020-01-02T00:00:00Z</startTime><stopTime>2020-01-01T00:00:00Z</stopTime>",
    );
    assert!(e.contains("<bad-element>stopTime</bad-element>"), "{e}");
    let e = error(&mut a, r#"<filter type="xpath" select="/x"/>"#);
    assert!(e.contains("<bad-attribute>type</bad-attribute>"), "{e}");
    assert!(error(&mut a, "").contains("<ok/>"));
    let e = error(&mut a, "");
    assert!(
        e.contains("<error-tag>operation-failed</error-tag>")
            && e.contains("already has a subscription"),
        "{e}"
    );
}

#[test]
fn a_subscriber_that_does_not_read_is_ended() {
    let (d, _) = device("standard");
    let killed = Arc::new(Mutex::new(false));
    let flag = killed.clone();
    // The sink takes 3 documents, then reports its queue full.
    let kill: KillSwitch = Arc::new(move || {
        *flag.lock().unwrap_or_else(|p| p.into_inner()) = true;
    });
    let (mut a, _, inbox) = session_with(&d, 3, Some(kill));
    a.send(rpc(
        1,
        &format!(r#"<create-subscription xmlns="{NOTIF}"/>"#),
    ));
    a.take_output();
    let who = || Changer {
        user: "ops",
        session: None,
        line: None,
    };
    for i in 0..5 {
        assert!(d.configure(who(), &[&format!("hostname H{i}")]).is_ok());
    }
    assert_eq!(take(&inbox).len(), 3);
    assert!(*killed.lock().unwrap_or_else(|p| p.into_inner()));
    // The replay log keeps its bounds whatever happens.
    for i in 0..(REPLAY_EVENTS + 50) {
        assert!(d.configure(who(), &[&format!("hostname X{i}")]).is_ok());
    }
    let (events, bytes) = d.replay_log_size();
    assert!(
        events <= REPLAY_EVENTS && bytes <= REPLAY_BYTES,
        "{events} {bytes}"
    );
    assert_eq!(events, REPLAY_EVENTS);
}

#[test]
fn the_syslog_stream_carries_log_messages() {
    let (d, _) = device("standard");
    let (mut a, _, inbox) = session(&d, 100);
    a.send(rpc(
        1,
        &format!(
            r#"<create-subscription xmlns="{NOTIF}"><stream>syslog</stream></create-subscription>"#
        ),
    ));
    assert!(a.take_text().contains("<ok/>"));
    d.log(ironconf_device::logging::LogMessage::new(
        "SYS",
        5,
        "CONFIG_I",
        "Configured from console by ops",
    ));
    // Debug lines stay off the stream (they are not syslog messages).
    d.log(ironconf_device::logging::LogMessage {
        facility: "",
        severity: 7,
        mnemonic: "",
        text: "NETCONF: debug".into(),
    });
    let got = take(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains(r#"<syslog-message xmlns="urn:ironconf:params:xml:ns:syslog"><facility>SYS</facility><severity>5</severity><mnemonic>CONFIG_I</mnemonic><text>Configured from console by ops</text><line>*"#), "{}", got[0]);
}

#[test]
fn a_change_of_capabilities_is_announced() {
    let (d, _) = device("standard");
    let (mut a, _, inbox) = session(&d, 100);
    a.send(rpc(
        1,
        &format!(r#"<create-subscription xmlns="{NOTIF}"/>"#),
    ));
    a.take_output();
    let mut caps = d.capabilities().to_vec();
    caps.retain(|c| !c.contains(":interleave:"));
    caps.push("urn:example:appliance:firewall:1.0".into());
    d.set_capabilities(caps);
    let got = take(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("<netconf-capability-change xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"><changed-by><server/></changed-by><added-capability>urn:example:appliance:firewall:1.0</added-capability><deleted-capability>urn:ietf:params:netconf:capability:interleave:1.0</deleted-capability></netconf-capability-change>"), "{}", got[0]);
    // A new session is offered the new set; the same set again is no change.
    let (b, _, _) = session(&d, 100);
    drop(b);
    let offered = d.session_config(99).capabilities;
    assert!(
        offered
            .iter()
            .any(|c| c == "urn:example:appliance:firewall:1.0")
    );
    d.set_capabilities(d.capabilities().to_vec());
    assert!(
        take(&inbox)
            .iter()
            .all(|n| !n.contains("capability-change"))
    );
}
