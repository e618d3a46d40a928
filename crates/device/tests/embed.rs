//! A device built the way an appliance embeds it: its own configuration
//! rules, EXEC command, rpc operation and commit hooks, through the same
//! paths as the built-in ones (NETCONF, the shell, the exec channel's
//! `exec::run`, reload).

#![allow(clippy::panic)]

use std::sync::{Arc, Mutex};

use ironconf_device::exec::{Command, ExecCaller, ExecOutput, run};
use ironconf_device::shell::Shell;
use ironconf_device::{BuildError, Commit, Device, NetconfHandler, Profile};
use ironconf_session::testing::ScriptedPeer;

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const HELLO: &str = r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;
const APP_NS: &str = "urn:example:appliance";

const RULES: &str = "mode pool prompt=config-pool parent=config\n\
config: pool WORD ; key=2 enter=pool\n\
pool: member A.B.C.D [<1-65535>] ; key=2\n\
help config pool \"An address pool\"\n";

const STARTUP: &str = "hostname app1\nusername admin privilege 15 secret 0 pw\nnetconf ssh\npool web\n member 10.0.0.1 80\n";

/// What the hooks saw, and the member address they refuse.
#[derive(Default)]
struct Seen {
    commits: Vec<(String, bool, Vec<String>)>,
}

fn appliance(seen: Arc<Mutex<Seen>>) -> Device {
    let built = Device::builder(Profile::by_name("standard").unwrap_or_default())
        .in_memory(STARTUP)
        .catalogue(RULES)
        .exec_command(
            Command::new("show pool [WORD] ; priv=1", |inv| {
                let lines = inv.device.running_config_lines(" member");
                ExecOutput::ok(format!(
                    "{} members{}\n",
                    lines.len(),
                    inv.arg().map(|a| format!(" ({a})")).unwrap_or_default()
                ))
            })
            .help("show pool", "Address pools"),
        )
        .operation(Some(APP_NS), "drain", |ctx, req| {
            ctx.require_privilege_15()?;
            let mut data = req.data();
            data.writer
                .raw(&format!("<drained xmlns=\"{APP_NS}\">"))
                .text(&ctx.caller.user)
                .end("drained");
            Ok(data.finish())
        })
        .capability(&format!("{APP_NS}?module=appliance"))
        .commit_hook(move |c: &Commit<'_>| {
            let mut s = seen.lock().unwrap_or_else(|p| p.into_inner());
            s.commits.push((c.user.to_owned(), c.boot, c.added()));
            if c.added().iter().any(|l| l.contains("member 192.0.2.")) {
                return Err("192.0.2.0/24 is documentation space, not a member".to_owned());
            }
            Ok(())
        })
        .build();
    match built {
        Ok((device, report)) => {
            assert!(
                report.unknown_lines.is_empty(),
                "{:?}",
                report.unknown_lines
            );
            device
        }
        Err(e) => panic!("{e}"),
    }
}

fn session(device: &Device) -> ScriptedPeer<NetconfHandler> {
    let id = device.register_session("admin", 15, None, None);
    let mut p = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, "admin", 15),
    );
    p.send(HELLO);
    let hello = p.take_text();
    assert!(hello.contains(APP_NS), "{hello}");
    p
}

fn rpc(id: u32, body: &str) -> String {
    format!(r#"<rpc message-id="{id}" xmlns="{NS}">{body}</rpc>]]>]]>"#)
}

fn edit(lines: &str) -> String {
    format!(
        "<edit-config><target><running/></target><config><cli-config-data-block>{lines}</cli-config-data-block></config></edit-config>"
    )
}

fn type_keys(shell: &mut Shell, keys: &str) -> String {
    shell.input(keys.as_bytes());
    String::from_utf8_lossy(&shell.take_output()).replace("\r\n", "\n")
}

#[test]
fn boot_is_shown_to_the_hooks() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let device = appliance(seen.clone());
    let s = seen.lock().unwrap_or_else(|p| p.into_inner());
    assert_eq!(s.commits.len(), 1);
    let (user, boot, added) = &s.commits[0];
    assert!(user.is_empty() && *boot);
    assert!(
        added.contains(&" member 10.0.0.1 80".to_owned()),
        "{added:?}"
    );
    assert!(device.last_change().is_none());
}

#[test]
fn a_refused_commit_rolls_back_the_whole_netconf_batch() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let device = appliance(seen.clone());
    let before = device.running_config();
    let mut p = session(&device);
    p.send(rpc(
        1,
        &edit("hostname app2\npool web\n member 10.0.0.2\n member 192.0.2.9 443\n"),
    ));
    let out = p.take_text();
    assert!(
        out.contains("<error-tag>operation-failed</error-tag>")
            && out.contains("192.0.2.0/24 is documentation space, not a member"),
        "{out}"
    );
    // Nothing of the batch stayed: not the hostname, not the good member.
    assert_eq!(device.running_config(), before);
    assert!(device.last_change().is_none());
    assert_eq!(device.settings().hostname, "app1");
    // An accepted batch is committed and recorded.
    p.send(rpc(2, &edit("pool web\n member 10.0.0.2\n")));
    assert!(p.take_text().contains("<ok/>"));
    assert_eq!(
        device.running_config_lines(" member"),
        [" member 10.0.0.1 80", " member 10.0.0.2"]
    );
    let s = seen.lock().unwrap_or_else(|p| p.into_inner());
    let (user, boot, added) = &s.commits[s.commits.len() - 1];
    assert_eq!((user.as_str(), *boot), ("admin", false));
    assert_eq!(
        added,
        &vec!["pool web".to_owned(), " member 10.0.0.2".to_owned()]
    );
}

#[test]
fn a_refused_line_in_the_shell_gets_the_hooks_message() {
    let device = appliance(Arc::default());
    let mut sh = Shell::new(device.clone(), "admin", 15);
    type_keys(&mut sh, "configure terminal\r");
    let out = type_keys(&mut sh, "pool web\r");
    assert!(out.ends_with("app1(config-pool)#"), "{out:?}");
    let out = type_keys(&mut sh, "member 192.0.2.1\r");
    assert!(
        out.contains("% 192.0.2.0/24 is documentation space, not a member\n"),
        "{out:?}"
    );
    assert!(out.ends_with("app1(config-pool)#"), "{out:?}");
    let out = type_keys(&mut sh, "member 10.9.9.9\r");
    assert!(!out.contains('%'), "{out:?}");
    assert_eq!(
        device.running_config_lines(" member"),
        [" member 10.0.0.1 80", " member 10.9.9.9"]
    );
    // The configuration rule's help.
    let out = type_keys(&mut sh, "end\rconfigure terminal\rpo?");
    assert!(out.contains("pool"), "{out:?}");
}

#[test]
fn the_embedders_exec_command_runs_everywhere_at_its_privilege() {
    let device = appliance(Arc::default());
    let viewer = ExecCaller {
        session: None,
        user: "viewer".into(),
        privilege: 1,
        line: None,
    };
    let out = run(&device, &viewer, "sh pool web");
    assert!(out.ok);
    assert_eq!(out.into_text(), "1 members (web)\n");
    assert_eq!(
        run(&device, &viewer, "show pool | include members").text,
        "1 members\n"
    );
    // In the shell, with its help; and through oper-data-format-text-block.
    let mut sh = Shell::new(device.clone(), "viewer", 1);
    let out = type_keys(&mut sh, "show ?");
    assert!(
        out.contains("pool") && out.contains("Address pools"),
        "{out:?}"
    );
    let mut p = session(&device);
    p.send(rpc(
        1,
        "<get><filter><oper-data-format-text-block><exec>show pool</exec></oper-data-format-text-block></filter></get>",
    ));
    let out = p.take_text();
    assert!(out.contains("1 members"), "{out}");
}

#[test]
fn the_embedders_operation_is_found_by_namespace() {
    let device = appliance(Arc::default());
    let mut p = session(&device);
    p.send(rpc(1, &format!("<drain xmlns=\"{APP_NS}\"/>")));
    let out = p.take_text();
    assert!(
        out.contains(&format!(
            "<data><drained xmlns=\"{APP_NS}\">admin</drained></data>"
        )),
        "{out}"
    );
    // Another name in its namespace is not supported; the built-in
    // operations are still there.
    p.send(rpc(2, &format!("<fill xmlns=\"{APP_NS}\"/>")));
    assert!(p.take_text().contains("operation-not-supported"));
    p.send(rpc(
        3,
        "<get-config><source><running/></source></get-config>",
    ));
    assert!(p.take_text().contains("pool web"));
}

#[test]
fn reload_goes_through_the_hooks_and_cannot_be_refused() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let device = appliance(seen.clone());
    let mut p = session(&device);
    p.send(rpc(1, &edit("pool web\n member 10.0.0.3\n")));
    assert!(p.take_text().contains("<ok/>"));
    // In memory, startup-config is empty: reload empties running-config.
    device.reload();
    assert!(device.running_config_lines("pool").is_empty());
    let s = seen.lock().unwrap_or_else(|p| p.into_inner());
    let last = &s.commits[s.commits.len() - 1];
    assert!(last.1, "reload is a boot change");
}

#[test]
fn bad_extensions_are_refused_with_their_line() {
    let bad = Device::builder(Profile::default())
        .catalogue("config: pool WORD ; key=2 enter=nowhere\n")
        .build();
    assert!(
        matches!(&bad, Err(BuildError::Catalogue { line: 1, message }) if message.contains("nowhere")),
        "{bad:?}"
    );
    let bad = Device::builder(Profile::default())
        .exec_command(Command::new("WORD ; priv=1", |_| {
            ExecOutput::ok(String::new())
        }))
        .build();
    assert!(matches!(bad, Err(BuildError::Command(_))), "{bad:?}");
}
