//! Time from the device's clock: lock-time, `exec-timeout`, `ip ssh
//! time-out` and the idle time `show users` shows, on a simulated clock
//! (the SSH tests keep one real-time test of each).

#![allow(clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use ironconf_device::clock::{Clock, ManualClock};
use ironconf_device::exec::{ExecCaller, run};
use ironconf_device::shell::Shell;
use ironconf_device::{Device, NetconfHandler, Profile};
use ironconf_session::testing::ScriptedPeer;

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const HELLO: &str = r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;

fn build(startup: &str) -> (Device, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    match Device::builder(Profile::default())
        .in_memory(startup)
        .clock(clock.clone())
        .build()
    {
        Ok((d, _)) => (d, clock),
        Err(e) => panic!("{e}"),
    }
}

fn session(device: &Device, user: &str) -> ScriptedPeer<NetconfHandler> {
    let id = device.register_session(user, 15, None, None);
    let mut p = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, user, 15),
    );
    p.send(HELLO);
    p.take_output();
    p
}

fn rpc(id: u32, body: &str) -> String {
    format!(r#"<rpc message-id="{id}" xmlns="{NS}">{body}</rpc>]]>]]>"#)
}

const EDIT: &str = "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname B</cmd></cli-config-data></config></edit-config>";

#[test]
fn lock_time_releases_an_idle_lock_on_the_devices_clock() {
    let (device, clock) = build("hostname A\nnetconf ssh\nnetconf lock-time 30\n");
    let mut holder = session(&device, "a");
    let mut other = session(&device, "b");
    holder.send(rpc(1, "<lock><target><running/></target></lock>"));
    assert!(holder.take_text().contains("<ok"));
    clock.advance(Duration::from_secs(29));
    other.send(rpc(2, EDIT));
    assert!(other.take_text().contains("in-use"));
    // Activity of the holder restarts the time.
    holder.send(rpc(
        3,
        "<get-config><source><running/></source></get-config>",
    ));
    holder.take_output();
    clock.advance(Duration::from_secs(29));
    other.send(rpc(4, EDIT));
    assert!(other.take_text().contains("in-use"));
    clock.advance(Duration::from_secs(2));
    other.send(rpc(5, EDIT));
    assert!(other.take_text().contains("<ok"));
    assert_eq!(device.settings().hostname, "B");
}

#[test]
fn exec_timeout_ends_an_idle_shell_on_the_devices_clock() {
    let (device, clock) = build("hostname A\nline vty 0 4\n exec-timeout 1 30\n");
    let mut sh = Shell::new(device.clone(), "admin", 15);
    let started = clock.now();
    assert_eq!(sh.poll_timeout(), Some(started + Duration::from_secs(90)));
    clock.advance(Duration::from_secs(89));
    assert!(!sh.handle_timeout(clock.now()));
    // Input restarts the time.
    sh.input(b"\r");
    clock.advance(Duration::from_secs(89));
    assert!(!sh.handle_timeout(clock.now()));
    assert!(!sh.is_closed());
    clock.advance(Duration::from_secs(2));
    assert!(sh.handle_timeout(clock.now()));
    assert!(sh.is_closed());

    // `exec-timeout 0 0`: never.
    let (device, _clock) = build("hostname A\nline vty 0 4\n exec-timeout 0 0\n");
    assert_eq!(Shell::new(device, "admin", 15).poll_timeout(), None);
    // Unconfigured: IOS's 10 minutes.
    let (device, clock) = build("hostname A\n");
    assert_eq!(
        Shell::new(device, "admin", 15).poll_timeout(),
        Some(clock.now() + Duration::from_secs(600))
    );
}

#[test]
fn ip_ssh_time_out_sets_the_login_deadline() {
    let (device, clock) = build("hostname A\n");
    let t = clock.now();
    assert_eq!(device.login_deadline(t), t + Duration::from_secs(120));
    let (device, clock) = build("hostname A\nip ssh time-out 30\n");
    let t = clock.now();
    assert_eq!(device.login_deadline(t), t + Duration::from_secs(30));
}

#[test]
fn shown_times_come_from_the_devices_clock() {
    let (device, clock) = build("hostname A\nline vty 0 4\n");
    let caller = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    let vty = device.occupy_line("admin", None, Arc::new(|| {}));
    assert_eq!(vty, Some(0));
    clock.advance(Duration::from_secs(3725));
    let users = run(&device, &caller, "show users").text;
    assert!(users.contains("01:02:05"), "{users}");
    let uptime = device.uptime();
    assert_eq!(uptime, Duration::from_secs(3725));
    // The change record's time is the clock's calendar time.
    let before = device.wall_clock();
    let mut p = session(&device, "admin");
    clock.advance(Duration::from_secs(86_400));
    p.send(rpc(1, EDIT));
    p.take_output();
    let change = device.last_change().map(|c| c.time);
    assert_eq!(change, Some(before + Duration::from_secs(86_400)));
}

#[test]
fn a_connection_without_a_channel_gives_its_line_back_at_exec_timeout() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (d, clock) = build("hostname R1\nline vty 0 4\n exec-timeout 0 30\n");
    let ended = Arc::new(AtomicUsize::new(0));
    let occupy = |ended: &Arc<AtomicUsize>| {
        let e = ended.clone();
        d.occupy_line(
            "u",
            None,
            Arc::new(move || {
                e.fetch_add(1, Ordering::SeqCst);
            }),
        )
        .unwrap_or_else(|| panic!("no free line"))
    };
    let idle = occupy(&ended);
    let busy = Arc::new(AtomicUsize::new(0));
    let working = occupy(&busy);
    d.line_channel(working, true);
    // The idle connection's deadline is the device's next one.
    let due = d.poll_timeout().unwrap_or_else(|| panic!("no deadline"));
    assert_eq!(due - clock.now(), Duration::from_secs(30));
    clock.advance(Duration::from_secs(29));
    d.handle_timeout(clock.now());
    assert_eq!(ended.load(Ordering::SeqCst), 0, "ended before its time");
    clock.advance(Duration::from_secs(1));
    d.handle_timeout(clock.now());
    assert_eq!(ended.load(Ordering::SeqCst), 1, "the idle line was kept");
    d.release_line(idle);
    // A connection with a channel open is not idle, however long.
    clock.advance(Duration::from_secs(600));
    d.handle_timeout(clock.now());
    assert_eq!(busy.load(Ordering::SeqCst), 0);
    assert_eq!(d.poll_timeout(), None);
    // Its last channel closed: idle from then on.
    d.line_channel(working, false);
    clock.advance(Duration::from_secs(30));
    d.handle_timeout(clock.now());
    assert_eq!(busy.load(Ordering::SeqCst), 1);
}
