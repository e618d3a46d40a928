//! The device's NETCONF operations through a real session state machine
//! (scripted peer, exact bytes), with the state directory on disk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ironconf_device::{Device, NetconfHandler, Profile, STARTUP_CONFIG};
use ironconf_session::testing::ScriptedPeer;

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
const HELLO: &str = r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;

const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n\
username viewer privilege 1 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n\
interface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\nnetconf ssh\n";

fn session(device: &Device, user: &str, privilege: u8) -> ScriptedPeer<NetconfHandler> {
    let id = device.register_session(user, privilege, None, None);
    let mut p = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, user, privilege),
    );
    p.send(HELLO);
    p.take_output();
    p
}

fn rpc(id: u32, body: &str) -> String {
    format!(r#"<rpc message-id="{id}" xmlns="{NS}">{body}</rpc>]]>]]>"#)
}

fn reply(id: u32, body: &str) -> String {
    format!(r#"{DECL}<rpc-reply xmlns="{NS}" message-id="{id}">{body}</rpc-reply>]]>]]>"#)
}

const MINIMAL_FAILED: &str = "<rpc-error><error-type>protocol</error-type><error-tag>operation-failed</error-tag><error-severity>error</error-severity></rpc-error>";

#[test]
fn seed_text_filter_example_is_byte_exact() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(
        101,
        "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>interface Loopback113</text-filter-spec></config-format-text-cmd></filter></get-config>",
    ));
    p.expect(reply(
        101,
        "<data><cli-config-data><cmd>!</cmd>\n<cmd>interface Loopback113</cmd>\n<cmd> description test</cmd>\n<cmd> ip address 10.113.0.1 255.255.255.255</cmd>\n<cmd>end</cmd></cli-config-data></data>",
    ));
    // A spec that matches nothing gives an empty element.
    p.send(rpc(102, "<get-config><source><running/></source><filter type=\"subtree\"><config-format-text-cmd><text-filter-spec> | include exp_to_match_run_conf </text-filter-spec></config-format-text-cmd></filter></get-config>"));
    p.expect(reply(
        102,
        "<data><cli-config-data></cli-config-data></data>",
    ));
}

#[test]
fn whole_config_block_uses_crlf_and_no_trailing_newline() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(
        1,
        "<get-config><source><running/></source></get-config>",
    ));
    let out = p.take_text();
    assert!(
        out.contains("<data><cli-config-data-block>!\r\nhostname R1\r\n"),
        "{out}"
    );
    assert!(
        out.contains("\r\nnetconf ssh\r\n!\r\nend</cli-config-data-block></data>"),
        "{out}"
    );
    // <get> with no filter returns the same.
    p.send(rpc(2, "<get/>"));
    assert!(
        p.take_text()
            .contains("<cli-config-data-block>!\r\nhostname R1")
    );
}

#[test]
fn edit_config_with_every_error_option() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(1, "<edit-config><target><running/></target><config><cli-config-data><cmd>interface GigabitEthernet2</cmd><cmd>description scrapli was here!</cmd></cli-config-data></config></edit-config>"));
    p.expect(reply(1, "<ok />"));
    let text = |d: &Device| d.running_config();
    assert!(text(&device).contains("interface GigabitEthernet2\n description scrapli was here!\n"));
    assert!(device.last_change().is_some_and(|c| c.user == "admin"));

    let before = text(&device);
    p.send(rpc(2, "<edit-config><target><running/></target><error-option>rollback-on-error</error-option><config><cli-config-data-block>hostname R2\nnetconf max-sessions 17\n</cli-config-data-block></config></edit-config>"));
    p.expect(reply(2, MINIMAL_FAILED));
    assert_eq!(text(&device), before);

    p.send(rpc(3, "<edit-config><target><running/></target><config><cli-config-data-block>hostname R2\nnetconf max-sessions 17\nhostname R3</cli-config-data-block></config></edit-config>"));
    p.expect(reply(3, MINIMAL_FAILED));
    assert!(
        text(&device).contains("hostname R2\n"),
        "stop-on-error keeps earlier lines"
    );

    p.send(rpc(4, "<edit-config><target><running/></target><error-option>continue-on-error</error-option><config><cli-config-data-block>bogus\nhostname R4</cli-config-data-block></config></edit-config>"));
    p.expect(reply(4, MINIMAL_FAILED));
    assert!(text(&device).contains("hostname R4\n"));

    p.send(rpc(
        5,
        "<edit-config><target><candidate/></target><config/></edit-config>",
    ));
    assert!(
        p.take_text()
            .contains("<error-tag>operation-not-supported</error-tag>")
    );
    p.send(rpc(
        6,
        "<edit-config><target><running/></target></edit-config>",
    ));
    assert!(
        p.take_text()
            .contains("<error-tag>missing-element</error-tag>")
    );
    // Malformed input is answered by the session and counted too.
    p.send("<rpc message-id=\"7\"><get></rpc>]]>]]>");
    let c = device.counters();
    assert_eq!((c.transactions_total, c.transactions_errors), (7, 6));
    assert_eq!(
        c.error_tags[ironconf_proto::ErrorTag::OperationFailed.index()],
        4
    );
    assert_eq!(
        c.error_tags[ironconf_proto::ErrorTag::OperationNotSupported.index()],
        1
    );

    // ios-15 has no rollback-on-error.
    let (old, _) = Device::in_memory(Profile::by_name("ios-15").unwrap_or_default(), STARTUP);
    let mut p = session(&old, "admin", 15);
    p.send(rpc(1, "<edit-config><target><running/></target><error-option>rollback-on-error</error-option><config><cli-config-data><cmd>hostname X</cmd></cli-config-data></config></edit-config>"));
    assert!(
        p.take_text()
            .contains("<error-tag>operation-not-supported</error-tag>")
    );
}

#[test]
fn locks_across_two_sessions() {
    let (device, _) = Device::in_memory(Profile::by_name("standard").unwrap_or_default(), STARTUP);
    let mut a = session(&device, "admin", 15);
    let mut b = session(&device, "admin", 15);
    a.send(rpc(1, "<lock><target><running/></target></lock>"));
    assert!(a.take_text().contains("<ok/>"));
    b.send(rpc(1, "<lock><target><running/></target></lock>"));
    let denied = b.take_text();
    assert!(
        denied.contains("<error-tag>lock-denied</error-tag>"),
        "{denied}"
    );
    assert!(
        denied.contains(&format!("<session-id>{}</session-id>", a.session.id())),
        "{denied}"
    );
    b.send(rpc(2, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname B</cmd></cli-config-data></config></edit-config>"));
    assert!(b.take_text().contains("<error-tag>in-use</error-tag>"));
    b.send(rpc(3, "<unlock><target><running/></target></unlock>"));
    assert!(
        b.take_text()
            .contains("<error-tag>operation-failed</error-tag>")
    );
    a.send(rpc(2, "<unlock><target><running/></target></unlock>"));
    assert!(a.take_text().contains("<ok/>"));
    b.send(rpc(4, "<lock><target><running/></target></lock>"));
    assert!(b.take_text().contains("<ok/>"));
    // A session that ends releases its locks.
    b.send(rpc(5, "<close-session/>"));
    assert!(
        device
            .lock_holder(ironconf_device::locks::Datastore::Running)
            .is_none()
    );
}

#[test]
fn kill_session_ends_the_target_and_frees_its_lock() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let killed = Arc::new(AtomicBool::new(false));
    let flag = killed.clone();
    let victim = device.register_session(
        "admin",
        15,
        None,
        Some(Arc::new(move || flag.store(true, Ordering::SeqCst))),
    );
    device
        .lock_datastore(ironconf_device::locks::Datastore::Running, victim)
        .ok();
    let mut p = session(&device, "admin", 15);
    p.send(rpc(
        1,
        &format!("<kill-session><session-id>{victim}</session-id></kill-session>"),
    ));
    p.expect(reply(1, "<ok />"));
    assert!(killed.load(Ordering::SeqCst));
    assert!(
        device
            .lock_holder(ironconf_device::locks::Datastore::Running)
            .is_none()
    );
    p.send(rpc(
        2,
        &format!(
            "<kill-session><session-id>{}</session-id></kill-session>",
            p.session.id()
        ),
    ));
    // Killing oneself is invalid-value (close-session is the way).
    assert!(
        p.take_text()
            .contains("<error-tag>invalid-value</error-tag>")
    );
    p.send(rpc(
        3,
        "<kill-session><session-id>12345</session-id></kill-session>",
    ));
    p.expect(reply(3, "<rpc-error><error-type>protocol</error-type><error-tag>invalid-value</error-tag><error-severity>error</error-severity></rpc-error>"));
    p.send(rpc(4, "<kill-session/>"));
    assert!(
        p.take_text()
            .contains("<error-tag>missing-element</error-tag>")
    );
}

#[test]
fn privilege_below_15_gets_the_bare_ios_error() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "viewer", 1);
    p.send(rpc(
        1,
        "<get-config><source><running/></source></get-config>",
    ));
    // The exact reply IOS XE 16.4 and IOL 15.2 send.
    p.expect(reply(1, MINIMAL_FAILED));
}

#[test]
fn unknown_operations_are_answered() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    for op in [
        "<commit/>",
        "<validate><source><candidate/></source></validate>",
        "<discard-changes/>",
        "<frobnicate/>",
    ] {
        p.send(rpc(1, op));
        assert!(
            p.take_text()
                .contains("<error-tag>operation-not-supported</error-tag>"),
            "{op}"
        );
    }
}

#[test]
fn startup_lives_on_disk_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (device, boot) =
        Device::open(Profile::default(), dir.path()).unwrap_or_else(|e| panic!("{e}"));
    // First start: a default configuration with a generated admin password.
    let password = boot.generated_password.clone().unwrap_or_default();
    assert_eq!(password.len(), 16);
    let startup = std::fs::read_to_string(dir.path().join(STARTUP_CONFIG)).unwrap_or_default();
    assert!(
        startup.contains("username admin privilege 15 secret 9 $9$"),
        "{startup}"
    );
    assert!(!startup.contains(&password));
    assert!(
        device
            .settings()
            .users
            .get("admin")
            .and_then(|u| u.secret.as_ref())
            .is_some_and(|s| s.verify(&password))
    );
    assert!(
        startup.contains("netconf ssh\n")
            && startup.contains("line vty 0 15\n login local\n transport input ssh\n")
    );

    let mut p = session(&device, "admin", 15);
    p.send(rpc(1, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname saved-one</cmd></cli-config-data></config></edit-config>"));
    p.send(rpc(
        2,
        "<copy-config><target><startup/></target><source><running/></source></copy-config>",
    ));
    let out = p.take_text();
    assert_eq!(out.matches("<ok />").count(), 2, "{out}");
    let startup = std::fs::read_to_string(dir.path().join(STARTUP_CONFIG)).unwrap_or_default();
    assert!(startup.contains("hostname saved-one\n"), "{startup}");
    assert!(
        startup.contains("! Last configuration change at "),
        "{startup}"
    );

    // Reopen: the saved configuration is running, no new password.
    drop(p);
    let (again, boot) =
        Device::open(Profile::default(), dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(boot.generated_password.is_none());
    assert_eq!(again.settings().hostname, "saved-one");

    // startup -> running, and erase.
    let mut p = session(&again, "admin", 15);
    p.send(rpc(3, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname changed</cmd></cli-config-data></config></edit-config>"));
    p.send(rpc(
        4,
        "<copy-config><target><running/></target><source><startup/></source></copy-config>",
    ));
    assert_eq!(again.settings().hostname, "saved-one");
    p.send(rpc(
        5,
        "<delete-config><target><startup/></target></delete-config>",
    ));
    assert!(!dir.path().join(STARTUP_CONFIG).exists());
    p.send(rpc(
        6,
        "<delete-config><target><running/></target></delete-config>",
    ));
    assert!(
        p.take_text()
            .contains("<error-tag>operation-not-supported</error-tag>")
    );
}

#[test]
fn hand_written_startup_with_clear_secret_is_hashed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join(STARTUP_CONFIG),
        "hostname hand\nusername ops privilege 15 secret 0 s3cret\nfrobnicate on\n",
    )
    .ok();
    let (device, boot) =
        Device::open(Profile::default(), dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(boot.unknown_lines.len(), 1);
    assert!(
        device
            .settings()
            .users
            .get("ops")
            .and_then(|u| u.secret.as_ref())
            .is_some_and(|s| s.kind() == 9 && s.verify("s3cret"))
    );
    let text = device.running_config();
    assert!(
        !text.contains("s3cret") && text.contains("frobnicate on"),
        "{text}"
    );
}

#[test]
fn no_netconf_ssh_ends_the_other_sessions() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let killed = Arc::new(AtomicBool::new(false));
    let flag = killed.clone();
    device.register_session(
        "admin",
        15,
        None,
        Some(Arc::new(move || flag.store(true, Ordering::SeqCst))),
    );
    let mut p = session(&device, "admin", 15);
    p.send(rpc(1, "<edit-config><target><running/></target><config><cli-config-data><cmd>hostname still-on</cmd></cli-config-data></config></edit-config>"));
    assert!(!killed.load(Ordering::SeqCst));
    p.send(rpc(2, "<edit-config><target><running/></target><config><cli-config-data><cmd>no netconf ssh</cmd></cli-config-data></config></edit-config>"));
    assert!(p.take_text().contains("<ok />"));
    assert!(killed.load(Ordering::SeqCst));
    assert!(!device.settings().netconf.ssh);
}

#[test]
fn get_runs_exec_commands_in_oper_data_items() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(
        7,
        "<get><filter><config-format-text-block><text-filter-spec> | include exp_to_match_run_conf </text-filter-spec></config-format-text-block><oper-data-format-text-block><show>version</show><exec>show running-config | include hostname</exec><exec>show bogus</exec></oper-data-format-text-block></filter></get>",
    ));
    let out = p.take_text();
    assert!(out.contains("<data><cli-config-data-block></cli-config-data-block><cli-oper-data-block><item><show>version</show><response>\r\nCisco IOS XE Software, Version 16.12.04\r\n"), "{out}");
    assert!(out.contains("<item><exec>show running-config | include hostname</exec><response>\r\nhostname R1</response></item>"), "{out}");
    assert!(
        out.contains("% Invalid input detected at &apos;^&apos; marker.")
            || out.contains("% Invalid input detected at '^' marker."),
        "{out}"
    );
    // The same EXEC implementations, with their privilege levels.
    let mut low = session(&device, "viewer", 1);
    low.send(rpc(8, "<get><filter><oper-data-format-text-block><show>privilege</show><exec>show running-config</exec></oper-data-format-text-block></filter></get>"));
    let out = low.take_text();
    assert!(
        out.contains("<response>\r\nCurrent privilege level is 1</response>"),
        "{out}"
    );
    assert!(!out.contains("hostname R1"), "{out}");
    // `write memory` through NETCONF answers [OK].
    p.send(rpc(9, "<get><filter><oper-data-format-text-block><exec>write memory</exec></oper-data-format-text-block></filter></get>"));
    assert!(p.take_text().contains("[OK]"));
}

#[test]
fn show_netconf_counters_has_the_ios_layout() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(1, "<lock><target><running/></target></lock>"));
    p.send(rpc(2, "<frob/>"));
    let caller = ironconf_device::exec::ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    let out = ironconf_device::exec::run(&device, &caller, "sh netconf counters");
    assert!(out.ok);
    assert!(out.text.starts_with("NETCONF Counters\nConnection Attempts:0: rejected:0 no-hello:0 success:1\nTransactions\ntotal:2, success:1, errors:1\ndetailed errors:\nin-use 0\tinvalid-value 0\ttoo-big 0\n"), "{}", out.text);
    assert!(
        out.text
            .contains("data-missing 0\toperation-not-supported 1\toperation-failed 0\n"),
        "{}",
        out.text
    );
    let out = ironconf_device::exec::run(&device, &caller, "show netconf session");
    assert!(
        out.text.starts_with(
            "(Current | max) sessions: 1 | 4\nOperations received: 2 Operation errors: 1\n"
        ),
        "{}",
        out.text
    );
    let low = ironconf_device::exec::ExecCaller {
        session: None,
        user: "v".into(),
        privilege: 1,
        line: None,
    };
    let out = ironconf_device::exec::run(&device, &low, "show netconf counters");
    assert!(
        !out.ok && out.text.contains("% Invalid input detected at '^' marker."),
        "{}",
        out.text
    );
}

#[test]
fn show_netconf_schema_lists_exactly_the_operations_answered() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let listed: Vec<&str> = ironconf_device::ops::schema::operations().collect();
    assert!(listed.contains(&"edit-config") && listed.contains(&"close-session"));
    for op in listed.iter().chain(["no-such-op"].iter()) {
        let mut p = session(&device, "admin", 15);
        p.send(rpc(1, &format!("<{op}/>")));
        let out = p.take_output();
        let out = String::from_utf8_lossy(&out);
        let unsupported = out.contains("operation-not-supported");
        assert_eq!(unsupported, *op == "no-such-op", "{op}: {out}");
    }
    let text = ironconf_device::exec::run(
        &device,
        &ironconf_device::exec::ExecCaller {
            session: None,
            user: "admin".into(),
            privilege: 15,
            line: None,
        },
        "show netconf schema",
    )
    .text;
    assert!(text.starts_with(
        "New Name Space 'urn:ietf:params:xml:ns:netconf:base:1.0'\n<VirtualRootTag> [0, 1]\n  <rpc-reply> [0, 1]\n"
    ), "{text}");
    assert!(
        text.contains("\n          <text-filter-spec> [0, 1]\n"),
        "{text}"
    );
    assert!(
        text.contains("\n      <session-id> [1, 1] required\n"),
        "{text}"
    );
}

#[test]
fn interface_method_follows_startup_config_saves() {
    use ironconf_device::exec::{ExecCaller, run};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (dev, _) = Device::open(Profile::default(), dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let caller = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    let method = |dev: &Device| {
        let out = run(dev, &caller, "show ip interface brief | include Loopback1 ").text;
        out.split_whitespace().nth(3).unwrap_or_default().to_owned()
    };
    let set = |address: &str| {
        let lines = format!("interface Loopback1\n ip address {address} 255.255.255.255\n");
        let who = ironconf_device::Changer {
            user: "admin",
            session: None,
            line: None,
        };
        let r = dev
            .change_running(who, |cat, running| {
                ironconf_ios::apply::apply_batch_in(
                    cat,
                    running,
                    lines.lines(),
                    ironconf_ios::apply::ErrorOption::StopOnError,
                    false,
                )
            })
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(r.ok());
    };
    set("10.0.0.1");
    assert_eq!(method(&dev), "manual");
    dev.save_startup().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(method(&dev), "NVRAM");
    set("10.0.0.2");
    assert_eq!(method(&dev), "manual");
    // Saved again: the cached startup interfaces are read again.
    dev.save_startup().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(method(&dev), "NVRAM");
    // Erased: nothing came from NVRAM.
    dev.erase_startup().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(method(&dev), "manual");
}

fn end_sessions(device: &Device) {
    let ids: Vec<u32> = device.session_ids();
    for id in ids {
        device.unregister_session(id);
    }
}

/// Logins and NETCONF admission are the device's decisions, counted as
/// `show netconf session` counts them, whatever carries the connection.
#[test]
fn admission_is_decided_and_counted_by_the_device() {
    use ironconf_device::admission::{NetconfRefusal, NetconfRequest};
    let startup = format!(
        "{STARTUP}ip ssh pubkey-chain\n username viewer\n  key-string\n   ssh-ed25519 AAAAC3Nza viewer@lab\n  exit\n\
         username viewer\n  key-hash ssh-rsa 0A1B2C\n  exit\naccess-list 10 permit 10.0.0.0 0.255.255.255\n\
         line vty 0 1\n login local\n transport input ssh\nnetconf max-sessions 1\n"
    );
    let (device, _) = Device::in_memory(Profile::default(), &startup);
    // "cisco" is the password behind the MD5 hashes above.
    assert_eq!(device.login_with_password("admin", "cisco"), Some(15));
    assert_eq!(device.login_with_password("admin", "wrong"), None);
    assert_eq!(device.login_with_password("nobody", "cisco"), None);
    assert_eq!(
        device.public_key_allowed("viewer", "AAAAC3Nza", "FF"),
        Some(1)
    );
    assert_eq!(
        device.public_key_allowed("viewer", "OTHER", "0a1b2c"),
        Some(1)
    );
    assert_eq!(device.public_key_allowed("viewer", "OTHER", "FF"), None);
    assert_eq!(
        device.public_key_allowed("admin", "AAAAC3Nza", "0A1B2C"),
        None
    );
    let request = |source: &str| NetconfRequest {
        user: "admin",
        privilege: 15,
        source: source.parse().unwrap(),
        kill: Arc::new(|| {}),
        line: None,
    };
    // Without the access list every source may come; the limit is one.
    let first = device.admit_netconf(request("192.0.2.1")).unwrap();
    assert_eq!(
        device.admit_netconf(request("192.0.2.1")),
        Err(NetconfRefusal::MaxSessions)
    );
    device.unregister_session(first);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(1, "<edit-config><target><running/></target><config><cli-config-data><cmd>netconf ssh acl 10</cmd></cli-config-data></config></edit-config>"));
    assert!(p.take_text().contains("<ok />"));
    drop(p);
    end_sessions(&device);
    assert_eq!(
        device.admit_netconf(request("192.0.2.1")),
        Err(NetconfRefusal::AclDenied)
    );
    let permitted = device.admit_netconf(request("10.1.2.3")).unwrap();
    device.unregister_session(permitted);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(2, "<edit-config><target><running/></target><config><cli-config-data><cmd>no netconf ssh</cmd></cli-config-data></config></edit-config>"));
    drop(p);
    end_sessions(&device);
    assert_eq!(
        device.admit_netconf(request("10.1.2.3")),
        Err(NetconfRefusal::AgentOff)
    );
    let c = device.counters();
    assert_eq!(c.auth_errors, 2);
    assert_eq!(c.connection_attempts, 5);
    assert_eq!(c.rejected, 3);
    assert_eq!(c.connection_failures, 1);
    assert_eq!(c.acl_dropped, 1);
}

/// An empty `oper-data-format-text-block` still gets its (empty) block, and
/// an empty XML one its `xml-oper-data`.
#[test]
fn empty_oper_data_filters_get_empty_blocks() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, "admin", 15);
    p.send(rpc(
        8,
        "<get><filter><config-format-text-block><text-filter-spec>| include ^hostname</text-filter-spec></config-format-text-block><oper-data-format-text-block/><oper-data-format-xml/></filter></get>",
    ));
    let out = p.take_text();
    assert!(
        out.contains("<data><cli-config-data-block>hostname R1</cli-config-data-block><cli-oper-data-block></cli-oper-data-block><xml-oper-data></xml-oper-data></data>"),
        "{out}"
    );
}

/// The change record keeps a change's lines up to a bound: a replacement of
/// a large configuration is recorded without them (its user and time only).
#[test]
fn the_change_record_keeps_a_bounded_number_of_lines() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let who = ironconf_device::Changer {
        user: "admin",
        session: None,
        line: None,
    };
    device
        .configure(who, &["interface Loopback7", " description small"])
        .unwrap_or_else(|e| panic!("{e:?}"));
    let record = device.last_change();
    assert!(
        record
            .as_ref()
            .is_some_and(|c| c.added().iter().any(|l| l.contains("description small"))),
        "{record:?}"
    );
    let mut big = ironconf_ios::config::Config::new();
    let mut text = String::new();
    for i in 0..ironconf_device::device::RECORDED_LINES {
        text.push_str(&format!("interface Loopback{i}\n description big {i}\n"));
    }
    let cat = ironconf_ios::catalogue::Catalogue::builtin();
    let r = ironconf_ios::apply::apply_batch(
        &cat,
        &mut big,
        text.lines(),
        ironconf_ios::apply::ErrorOption::StopOnError,
        false,
    );
    assert!(r.failures.is_empty());
    device
        .replace_running(who, big)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let record = device.last_change();
    assert!(
        record
            .as_ref()
            .is_some_and(|c| c.user == "admin" && c.changes.is_empty()),
        "{:?}",
        record.map(|c| c.changes.len())
    );
    assert!(
        device
            .running_config()
            .contains("interface Loopback4095\n description big 4095\n")
    );
}
