//! The interactive shell, driven byte by byte as a terminal would.

use ironconf_device::shell::Shell;
use ironconf_device::{Device, Profile};

fn device(startup: &str) -> ((), Device) {
    ((), Device::in_memory(Profile::default(), startup).0)
}

/// Types `keys`, returns what the terminal shows (backspaces kept).
fn type_keys(shell: &mut Shell, keys: &str) -> String {
    shell.input(keys.as_bytes());
    String::from_utf8_lossy(&shell.take_output()).replace("\r\n", "\n")
}

const BASE: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\n";

#[test]
fn prompts_follow_privilege_and_mode() {
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev.clone(), "admin", 15);
    assert_eq!(type_keys(&mut sh, ""), "R1#");
    let out = type_keys(&mut sh, "conf t\r");
    assert!(out.contains("Enter configuration commands"), "{out:?}");
    assert!(out.ends_with("R1(config)#"), "{out:?}");
    let out = type_keys(&mut sh, "interface Loopback5\r");
    assert!(out.ends_with("R1(config-if)#"), "{out:?}");
    let out = type_keys(&mut sh, "description from shell\r");
    assert!(out.ends_with("R1(config-if)#"), "{out:?}");
    let out = type_keys(&mut sh, "end\r");
    assert!(out.ends_with("R1#"), "{out:?}");
    // The change is in running-config, seen by every other session.
    let mut other = Shell::new(dev, "admin", 15);
    type_keys(&mut other, "terminal length 0\r");
    let running = type_keys(&mut other, "show running-config\r");
    assert!(
        running.contains("interface Loopback5\n description from shell\n"),
        "{running}"
    );
    let out = type_keys(&mut sh, "hostname R9\r");
    assert!(
        out.contains("% Invalid input detected at '^' marker."),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "exit\r");
    assert!(sh.is_closed(), "{out:?}");
}

#[test]
fn config_errors_print_ios_messages_and_keep_the_mode() {
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "configure terminal\r");
    let out = type_keys(&mut sh, "netconf max-sessions 99\r");
    assert!(out.contains('^'), "{out:?}");
    assert!(
        out.contains("% Invalid input detected at '^' marker."),
        "{out:?}"
    );
    assert!(out.ends_with("R1(config)#"), "{out:?}");
    // Ctrl-Z leaves configuration mode from anywhere.
    type_keys(&mut sh, "line vty 0 4\r");
    let out = type_keys(&mut sh, "\x1a");
    assert!(out.ends_with("R1#"), "{out:?}");
}

#[test]
fn enable_needs_the_enable_secret() {
    let (_d, dev) =
        device("hostname R1\nenable secret 0 letmein\nusername op privilege 1 secret 0 pw\n");
    let mut sh = Shell::new(dev.clone(), "op", 1);
    assert_eq!(type_keys(&mut sh, ""), "R1>");
    let out = type_keys(&mut sh, "configure terminal\r");
    assert!(out.contains("% Invalid input"), "{out:?}");
    let out = type_keys(&mut sh, "enable\r");
    assert!(out.ends_with("Password: "), "{out:?}");
    // The password is not echoed.
    let out = type_keys(&mut sh, "wrong\r");
    assert!(!out.contains("wrong"), "{out:?}");
    assert!(out.contains("% Bad secrets"), "{out:?}");
    assert!(out.ends_with("R1>"), "{out:?}");
    type_keys(&mut sh, "enable\r");
    let out = type_keys(&mut sh, "letmein\r");
    assert!(!out.contains("letmein"), "{out:?}");
    assert!(out.ends_with("R1#"), "{out:?}");
    let out = type_keys(&mut sh, "disable\r");
    assert!(out.ends_with("R1>"), "{out:?}");

    // Without an enable secret a vty user cannot raise privilege.
    let (_d2, dev2) = device(BASE);
    let mut sh = Shell::new(dev2, "op", 1);
    type_keys(&mut sh, "");
    let out = type_keys(&mut sh, "enable\r");
    assert!(out.contains("% No password set"), "{out:?}");
}

#[test]
fn line_editing_history_help_and_completion() {
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    // Backspace and Ctrl-U edit the line before it is run.
    type_keys(&mut sh, "show clockx\x7f");
    let out = type_keys(&mut sh, "\r");
    assert!(!out.contains("% Invalid"), "{out:?}");
    type_keys(&mut sh, "garbage\x15");
    let out = type_keys(&mut sh, "show privilege\r");
    assert!(out.contains("Current privilege level is 15"), "{out:?}");
    // Up arrow recalls the last command.
    let out = type_keys(&mut sh, "\x1b[A");
    assert!(out.ends_with("show privilege"), "{out:?}");
    let out = type_keys(&mut sh, "\r");
    assert!(out.contains("Current privilege level is 15"), "{out:?}");
    // ? lists what may follow and reprints the line.
    let out = type_keys(&mut sh, "show ?");
    assert!(out.contains("running-config"), "{out:?}");
    assert!(out.ends_with("R1#show "), "{out:?}");
    type_keys(&mut sh, "\x15");
    // A parameter's help, in configuration mode.
    type_keys(&mut sh, "configure terminal\r");
    let out = type_keys(&mut sh, "hostname ?");
    assert!(out.contains("WORD  This system's network name"), "{out:?}");
    type_keys(&mut sh, "\x15end\r");
    // Tab completes a unique keyword.
    let out = type_keys(&mut sh, "show privi\t");
    assert!(out.ends_with("lege "), "{out:?}");
    let out = type_keys(&mut sh, "\r");
    assert!(out.contains("Current privilege level is 15"), "{out:?}");
    // An over-long line is refused key by key, not buffered without bound.
    let long = "x".repeat(10_000);
    let out = type_keys(&mut sh, &long);
    assert!(out.contains('\x07'), "bell expected");
    let out = type_keys(&mut sh, "\x03");
    assert!(out.ends_with("R1#"), "{out:?}");
}

#[test]
fn long_output_pages_at_more() {
    let mut startup = String::from(BASE);
    for i in 0..60 {
        startup.push_str(&format!("interface Loopback{i}\n description d{i}\n"));
    }
    let (_d, dev) = device(&startup);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    let out = type_keys(&mut sh, "show running-config\r");
    assert!(out.ends_with(" --More-- "), "{out:?}");
    assert!(!out.contains("Loopback59"), "{out:?}");
    // Space shows the next page; q stops and returns to the prompt.
    let out = type_keys(&mut sh, " ");
    assert!(out.contains("Loopback"), "{out:?}");
    let out = type_keys(&mut sh, "q");
    assert!(out.ends_with("R1#"), "{out:?}");
    // terminal length 0 turns paging off.
    type_keys(&mut sh, "terminal length 0\r");
    let out = type_keys(&mut sh, "show running-config\r");
    assert!(out.contains("Loopback59"), "{out:?}");
    assert!(!out.contains("--More--"), "{out:?}");
    assert!(out.ends_with("R1#"), "{out:?}");
}

/// A startup-config whose `show interfaces` is several parts long.
fn many_interfaces(n: u32) -> String {
    let mut startup = String::from(BASE);
    for i in 0..n {
        startup.push_str(&format!(
            "interface GigabitEthernet0/{}/{}\n description port {i}\n ip address 10.{}.{}.1 255.255.255.252\n",
            i / 64,
            i % 64,
            i / 256,
            i % 256
        ));
    }
    startup
}

#[test]
fn a_long_output_is_written_a_part_at_a_time_and_keys_wait_for_its_end() {
    let (_d, dev) = device(&many_interfaces(400));
    let viewer = ironconf_device::exec::ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    let expected = ironconf_device::exec::run(&dev, &viewer, "show interfaces").into_text();
    assert!(expected.len() > 400_000, "{}", expected.len());
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "terminal length 0\r");
    // The command and the next one typed ahead, as a paste.
    let keys = b"show interfaces\rshow clock\r";
    let limit = 64 * 1024;
    let mut read = sh.input_some(keys, limit);
    assert!(sh.writing(), "the output should stop at the limit");
    assert_eq!(read, b"show interfaces\r".len(), "show clock waits");
    let mut screen = String::from_utf8_lossy(&sh.take_output()).into_owned();
    let mut takes = 1;
    while sh.writing() {
        sh.write_more(limit);
        let part = sh.take_output();
        // A part is about the limit: never the whole output at once.
        assert!(part.len() < limit + 16 * 1024, "{}", part.len());
        screen.push_str(&String::from_utf8_lossy(&part));
        takes += 1;
    }
    assert!(takes >= 6, "{takes} takes");
    let shown = screen.replace("\r\n", "\n");
    assert_eq!(shown, format!("show interfaces\n{expected}R1#"));
    // The typed-ahead command runs once the output has ended.
    read += sh.input_some(&keys[read..], limit);
    assert_eq!(read, keys.len());
    let out = String::from_utf8_lossy(&sh.take_output()).into_owned();
    assert!(out.starts_with("show clock\r\n"), "{out:?}");
    assert!(out.ends_with("R1#"), "{out:?}");
}

#[test]
fn a_long_output_pages_at_more_across_its_parts() {
    let (_d, dev) = device(&many_interfaces(400));
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "terminal length 10\r");
    let out = type_keys(&mut sh, "show interfaces\r");
    assert_eq!(out.matches('\n').count(), 10, "{out:?}");
    assert!(out.ends_with(" --More-- "), "{out:?}");
    // Space: the next 9 lines; Enter: one more.
    let out = type_keys(&mut sh, " ");
    assert_eq!(out.matches('\n').count(), 9, "{out:?}");
    let out = type_keys(&mut sh, "\r");
    assert_eq!(out.matches('\n').count(), 1, "{out:?}");
    // Hundreds of pages (several parts) later, still paging; any other key ends it.
    for _ in 0..400 {
        type_keys(&mut sh, " ");
    }
    let out = type_keys(&mut sh, " ");
    assert!(
        out.contains(" is up, line protocol is up") || out.contains("packets"),
        "{out:?}"
    );
    assert!(out.ends_with(" --More-- "), "{out:?}");
    let out = type_keys(&mut sh, "q");
    assert!(out.ends_with("R1#"), "{out:?}");
    let out = type_keys(&mut sh, "show clock\r");
    assert!(out.ends_with("R1#") && !out.contains("--More--"), "{out:?}");
}

#[test]
fn show_access_lists_lists_numbered_and_named_lists() {
    let (_d, dev) = device(&format!(
        "{BASE}access-list 1 remark mgmt\naccess-list 1 permit 10.1.0.0 0.0.255.255\n\
         access-list 1 permit host 127.0.0.1\naccess-list 1 deny any\n\
         access-list 101 permit tcp any host 10.0.0.1 eq 22\n\
         ip access-list standard MGMT\n permit 192.0.2.0 0.0.0.255\n 50 deny any\n"
    ));
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    let out = type_keys(&mut sh, "show access-lists\r");
    let expected = "show access-lists\n\
        Standard IP access list 1\n\
        \x20   10 permit 10.1.0.0, wildcard bits 0.0.255.255\n\
        \x20   20 permit 127.0.0.1\n\
        \x20   30 deny any\n\
        Extended IP access list 101\n\
        \x20   10 permit tcp any host 10.0.0.1 eq 22\n\
        Standard IP access list MGMT\n\
        \x20   10 permit 192.0.2.0, wildcard bits 0.0.0.255\n\
        \x20   50 deny any\n\
        R1#";
    assert_eq!(out, expected);
    let out = type_keys(&mut sh, "sh access-lists MGMT\r");
    assert!(
        out.starts_with("sh access-lists MGMT\nStandard IP access list MGMT\n"),
        "{out:?}"
    );
    assert!(!out.contains("list 1\n"), "{out:?}");
}

#[test]
fn vty_lines_show_users_clear_line_and_reload() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join(ironconf_device::STARTUP_CONFIG),
        format!("{BASE}line vty 0 1\n login local\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (dev, _) = ironconf_device::Device::open(Profile::default(), dir.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let netconf_killed = Arc::new(AtomicBool::new(false));
    let k = netconf_killed.clone();
    let id = dev.register_session(
        "admin",
        15,
        "127.0.0.9".parse().ok(),
        Some(Arc::new(move || k.store(true, Ordering::SeqCst))),
    );
    let shell_killed = Arc::new(AtomicBool::new(false));
    let k = shell_killed.clone();
    let vty = dev.occupy_line(
        "admin",
        "127.0.0.2".parse().ok(),
        Arc::new(move || k.store(true, Ordering::SeqCst)),
    );
    assert_eq!(vty, Some(1));
    // Both lines of `line vty 0 1` are taken: a third EXEC session is refused.
    assert_eq!(dev.occupy_line("x", None, Arc::new(|| {})), None);
    let mut sh = Shell::new(dev.clone(), "admin", 15);
    sh.set_vty(1);
    type_keys(&mut sh, "");
    let out = type_keys(&mut sh, "show users\r");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1],
        "    Line       User       Host(s)              Idle       Location"
    );
    assert!(
        lines[2].starts_with("   1 vty 0     admin      idle                 00:00:0"),
        "{out}"
    );
    assert!(lines[2].ends_with(" 127.0.0.9"), "{out}");
    assert!(lines[3].starts_with("*  2 vty 1     admin "), "{out}");
    let out = type_keys(&mut sh, "show line\r");
    assert_eq!(
        out,
        "show line\n   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int\n\
         *    0 CTY              -    -      -    -    -      0       0     0/0       -\n\
         *    1 VTY              -    -      -    -    -      1       0     0/0       -\n\
         *    2 VTY              -    -      -    -    -      1       0     0/0       -\n\
         R1#"
    );
    // clear line ends the NETCONF session on line 1.
    let out = type_keys(&mut sh, "clear line 1\r");
    assert!(out.contains("[OK]"), "{out}");
    assert!(netconf_killed.load(Ordering::SeqCst));
    assert!(!shell_killed.load(Ordering::SeqCst));
    dev.unregister_session(id);
    // reload: running-config is startup-config again, every session ends.
    type_keys(&mut sh, "conf t\rhostname CHANGED\rend\r");
    // The question waits for its answer; `n` keeps the device up, Enter
    // takes the default.
    let out = type_keys(&mut sh, "reload\r");
    assert!(out.ends_with("Proceed with reload? [confirm]"), "{out}");
    let out = type_keys(&mut sh, "n\r");
    assert!(out.ends_with("CHANGED#"), "{out:?}");
    assert!(!shell_killed.load(Ordering::SeqCst));
    assert_eq!(dev.settings().hostname, "CHANGED");
    type_keys(&mut sh, "reload\r");
    type_keys(&mut sh, "\r");
    assert!(shell_killed.load(Ordering::SeqCst));
    assert_eq!(dev.settings().hostname, "R1");
    dev.release_line(1);
    assert!(dev.lines_in_use().is_empty());
}

#[test]
fn show_ssh_without_connections() {
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    let out = type_keys(&mut sh, "show ssh\r");
    assert_eq!(
        out,
        "show ssh\n%No SSHv2 server connections running.\n%No SSHv1 server connections running.\nR1#"
    );
}

#[test]
fn abbreviated_terminal_length_sets_the_screen() {
    let mut startup = String::from(BASE);
    for i in 0..60 {
        startup.push_str(&format!("interface Loopback{i}\n"));
    }
    let (_d, dev) = device(&startup);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "term len 0\r");
    let out = type_keys(&mut sh, "sh run\r");
    assert!(out.contains("Loopback59"), "{out:?}");
    assert!(!out.contains("--More--"), "{out:?}");
}

#[test]
fn a_netconf_lock_on_running_holds_off_configuration_mode() {
    let (_d, dev) = device(BASE);
    let id = dev.register_session("netops", 15, None, None);
    dev.lock_datastore(ironconf_device::locks::Datastore::Running, id)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut sh = Shell::new(dev.clone(), "admin", 15);
    let out = type_keys(&mut sh, "configure terminal\r");
    assert!(
        out.contains(&format!(
            "Configuration mode is locked by process '{id}' user 'netops' from terminal '1'. Please try later."
        )),
        "{out:?}"
    );
    assert!(out.ends_with("R1#"), "{out:?}");
    // Once the lock is gone, configuration goes ahead.
    dev.unregister_session(id);
    let out = type_keys(&mut sh, "configure terminal\rhostname R2\r");
    assert!(out.ends_with("R2(config)#"), "{out:?}");
}

#[test]
fn interface_show_commands_take_ios_abbreviations() {
    let (_d, dev) = device(&format!(
        "{BASE}interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\ninterface Loopback0\n"
    ));
    let mut sh = Shell::new(dev, "admin", 1);
    type_keys(&mut sh, "terminal length 0\r");
    let out = type_keys(&mut sh, "sh ip int br\r");
    assert!(
        out.contains("\nGigabitEthernet1       192.0.2.1       YES manual up                    up\nLoopback0              unassigned      YES unset  up                    up\n"),
        "{out}"
    );
    let out = type_keys(&mut sh, "sh int gi1\r");
    assert!(
        out.contains("\nGigabitEthernet1 is up, line protocol is up \n"),
        "{out}"
    );
    assert!(!out.contains("Loopback0"), "{out}");
    let out = type_keys(&mut sh, "show interfaces loopback 0\r");
    assert!(
        out.contains("\nLoopback0 is up, line protocol is up \n"),
        "{out}"
    );
    let out = type_keys(&mut sh, "show interfaces Gi9\r");
    assert!(
        out.contains("% Invalid input detected at '^' marker."),
        "{out}"
    );
}

#[test]
fn file_commands_ask_and_wait_for_the_answers() {
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev.clone(), "admin", 15);
    type_keys(&mut sh, "");
    let out = type_keys(&mut sh, "copy running-config flash:r.cfg\r");
    assert!(out.ends_with("Destination filename [r.cfg]? "), "{out:?}");
    // Another name, typed at the question.
    let out = type_keys(&mut sh, "other.cfg\r");
    assert!(out.contains(" bytes copied in "), "{out:?}");
    assert!(out.ends_with("R1#"), "{out:?}");
    let listing = type_keys(&mut sh, "dir\r");
    assert!(
        listing.contains("  other.cfg\n") && !listing.contains("  r.cfg\n"),
        "{listing}"
    );
    // Overwriting asks for confirmation; `n` keeps the file.
    type_keys(&mut sh, "copy running-config flash:other.cfg\r");
    let out = type_keys(&mut sh, "\r");
    assert!(
        out.ends_with("Do you want to over write? [confirm]"),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "n\r");
    assert!(out.contains("%Copy aborted"), "{out:?}");
    // delete asks twice; Ctrl-C abandons the command.
    type_keys(&mut sh, "delete flash:other.cfg\r");
    let out = type_keys(&mut sh, "\r");
    assert!(
        out.ends_with("Delete bootflash:/other.cfg? [confirm]"),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "\x03");
    assert!(out.ends_with("R1#"), "{out:?}");
    assert!(type_keys(&mut sh, "dir\r").contains("other.cfg"));
    type_keys(&mut sh, "delete flash:other.cfg\r\r\r");
    assert!(!type_keys(&mut sh, "dir\r").contains("other.cfg"));
    // configure replace without force: Enter takes the default, no.
    type_keys(&mut sh, "copy running-config flash:base.cfg\r\r");
    let out = type_keys(&mut sh, "configure replace flash:base.cfg\r");
    assert!(out.ends_with("? [no]: "), "{out:?}");
    let out = type_keys(&mut sh, "\r");
    assert!(!out.contains("Rollback Done"), "{out:?}");
    type_keys(&mut sh, "configure replace flash:base.cfg\r");
    let out = type_keys(&mut sh, "y\r");
    assert!(out.contains("Rollback Done"), "{out:?}");
}

#[test]
fn enable_levels_always_ask_for_the_secret_going_up() {
    let (_d, dev) =
        device("hostname R1\nenable secret 0 letmein\nusername admin privilege 15 secret 0 pw\n");
    let mut sh = Shell::new(dev, "admin", 15);
    assert_eq!(type_keys(&mut sh, ""), "R1#");
    // What netmiko and scrapli send to prepare a session.
    for c in [
        "terminal width 511\r",
        "terminal length 0\r",
        "terminal no editing\r",
    ] {
        let out = type_keys(&mut sh, c);
        assert!(!out.contains('%'), "{c}: {out:?}");
    }
    let out = type_keys(&mut sh, "disable\r");
    assert!(out.ends_with("R1>"), "{out:?}");
    // A privilege-15 user too gives the enable secret to go up again.
    let out = type_keys(&mut sh, "enable\r");
    assert!(out.ends_with("Password: "), "{out:?}");
    let out = type_keys(&mut sh, "letmein\r");
    assert!(out.ends_with("R1#"), "{out:?}");
    assert!(type_keys(&mut sh, "show privilege\r").contains("Current privilege level is 15"));
    // Down to a level, and up to one.
    type_keys(&mut sh, "disable 3\r");
    assert!(type_keys(&mut sh, "show privilege\r").contains("Current privilege level is 3"));
    let out = type_keys(&mut sh, "enable 7\r");
    assert!(out.ends_with("Password: "), "{out:?}");
    type_keys(&mut sh, "letmein\r");
    assert!(type_keys(&mut sh, "show privilege\r").contains("Current privilege level is 7"));
    let out = type_keys(&mut sh, "disable 9\r");
    assert!(
        out.contains("% New privilege level must be less than current privilege level"),
        "{out:?}"
    );
    // Going down asks nothing.
    let out = type_keys(&mut sh, "enable 1\r");
    assert!(out.ends_with("R1>"), "{out:?}");
}

#[test]
fn show_running_config_errors_have_their_caret() {
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "terminal length 0\r");
    let out = type_keys(&mut sh, "show running-config frobnicate\r");
    assert!(
        out.contains("show running-config frobnicate\n                       ^\n% Invalid input detected at '^' marker."),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "show running-config view full\r");
    assert!(out.contains("hostname R1"), "{out:?}");
}

/// `ssh` from the shell, with the driver of its connection played by the
/// test: password prompt without echo, keys through, the escape sequence,
/// `show sessions`, `resume`, `disconnect`, the remote's end.
#[test]
fn ssh_connections_from_the_shell() {
    use ironconf_device::sessions::{SessionEvent as E, SessionRequest as R};
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    let out = type_keys(
        &mut sh,
        "ssh -v 2 -c aes256-cbc -m hmac-sha1 -l user2 10.76.82.24\r",
    );
    assert!(!out.contains("R1#"), "no prompt while connecting: {out:?}");
    let reqs = sh.take_requests();
    let [R::Open { id, target, .. }] = reqs.as_slice() else {
        panic!("{reqs:?}");
    };
    let id = *id;
    assert_eq!(
        (
            target.user.as_str(),
            target.host.as_str(),
            target.cipher,
            target.mac
        ),
        (
            "user2",
            "10.76.82.24",
            Some("aes256-cbc"),
            Some("hmac-sha1")
        )
    );
    sh.session_event(E::Password { id });
    assert_eq!(type_keys(&mut sh, ""), "Password: ");
    assert_eq!(type_keys(&mut sh, "s3cret"), "", "no echo");
    type_keys(&mut sh, "\r");
    assert_eq!(
        sh.take_requests(),
        vec![R::Password {
            id,
            password: "s3cret".into()
        }]
    );
    sh.session_event(E::Connected { id });
    sh.session_event(E::Output {
        id,
        bytes: b"remote$ ".to_vec(),
    });
    assert_eq!(type_keys(&mut sh, ""), "remote$ ");
    // The terminal's size follows to the remote.
    sh.set_window(132, 50);
    assert_eq!(
        sh.take_requests(),
        vec![R::WindowSize {
            id,
            cols: 132,
            rows: 50
        }]
    );
    // Keys pass through untouched (no local echo, no editing).
    assert_eq!(type_keys(&mut sh, "ls -l\r?\t"), "");
    assert_eq!(
        sh.take_requests(),
        vec![R::Data {
            id,
            bytes: b"ls -l\r?\t".to_vec()
        }]
    );
    // Ctrl-^ x suspends: the device's prompt, keys stay local.
    let out = type_keys(&mut sh, "\x1ex");
    assert!(out.ends_with("R1#"), "{out:?}");
    assert_eq!(sh.take_requests(), vec![R::Pause { id }]);
    let out = type_keys(&mut sh, "show sessions\r");
    assert!(
        out.contains(
            "Conn Host                Address             Byte  Idle Conn Name\n*  1 10.76.82.24"
        ),
        "{out:?}"
    );
    // Output while suspended waits for resume.
    sh.session_event(E::Output {
        id,
        bytes: b"later\n".to_vec(),
    });
    assert_eq!(type_keys(&mut sh, ""), "");
    let out = type_keys(&mut sh, "resume\r");
    assert!(
        out.contains("[Resuming connection 1 to 10.76.82.24 ... ]\n\nlater\n"),
        "{out:?}"
    );
    assert_eq!(sh.take_requests(), vec![R::Resume { id }]);
    sh.session_event(E::Ended { id, message: None });
    let out = type_keys(&mut sh, "");
    assert!(
        out.contains("[Connection to 10.76.82.24 closed by foreign host]\nR1#"),
        "{out:?}"
    );
    assert!(type_keys(&mut sh, "show sessions\r").contains("% No connections open"));
}

#[test]
fn ssh_failures_and_refusals_from_the_shell() {
    use ironconf_device::sessions::{SessionEvent as E, SessionRequest as R};
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    // SSH version 1 and unknown ciphers: IOS's caret under the word.
    let out = type_keys(&mut sh, "ssh -v 1 10.0.0.1\r");
    assert!(
        out.contains("\n          ^\n% SSH version 1 is not supported"),
        "{out:?}"
    );
    assert!(out.ends_with("R1#"), "{out:?}");
    let out = type_keys(&mut sh, "ssh -c des 10.0.0.1\r");
    assert!(
        out.contains("\n          ^\n% Invalid input detected at '^' marker."),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "ssh -m hmac-md4 10.0.0.1\r");
    assert!(
        out.contains("\n          ^\n% Invalid input detected at '^' marker."),
        "{out:?}"
    );
    assert!(sh.take_requests().is_empty());
    // Two password prompts, both wrong: IOS gives up.
    type_keys(&mut sh, "ssh -o numberofpasswordprompts 2 bob@10.0.0.2\r");
    let reqs = sh.take_requests();
    let [R::Open { id, target, .. }] = reqs.as_slice() else {
        panic!("{reqs:?}");
    };
    let id = *id;
    assert_eq!(target.user, "bob");
    for _ in 0..2 {
        sh.session_event(E::Password { id });
        assert!(type_keys(&mut sh, "wrong\r").contains("Password: "));
    }
    sh.session_event(E::Password { id });
    let out = type_keys(&mut sh, "");
    assert!(out.contains("% Authentication failed.\nR1#"), "{out:?}");
    let reqs = sh.take_requests();
    assert_eq!(reqs.last(), Some(&R::Close { id }), "{reqs:?}");
    // A connection that fails: the driver's message, then the prompt.
    type_keys(&mut sh, "ssh 10.0.0.3\r");
    let reqs = sh.take_requests();
    let [R::Open { id, .. }] = reqs.as_slice() else {
        panic!("{reqs:?}");
    };
    sh.session_event(E::Ended {
        id: *id,
        message: Some("% Connection refused by remote host".into()),
    });
    let out = type_keys(&mut sh, "");
    assert!(
        out.contains("% Connection refused by remote host\nR1#"),
        "{out:?}"
    );
    // disconnect asks to confirm.
    type_keys(&mut sh, "ssh 10.0.0.4\r");
    let reqs = sh.take_requests();
    let [R::Open { id, .. }] = reqs.as_slice() else {
        panic!("{reqs:?}");
    };
    let id = *id;
    sh.session_event(E::Password { id });
    type_keys(&mut sh, "pw\r");
    sh.session_event(E::Connected { id });
    type_keys(&mut sh, "\x1eX");
    let out = type_keys(&mut sh, "disconnect 1\r");
    assert!(
        out.ends_with("Closing connection to 10.0.0.4 [confirm]"),
        "{out:?}"
    );
    let out = type_keys(&mut sh, "\r");
    assert!(out.ends_with("R1#"), "{out:?}");
    assert!(sh.take_requests().contains(&R::Close { id }));
}

/// The bounds of a terminal's outgoing connections: 20 of them, 4 kB of
/// keys typed ahead while one is set up, 64 kB kept while suspended.
#[test]
fn outgoing_connections_are_bounded() {
    use ironconf_device::sessions::{
        MAX_CONNECTIONS, SUSPENDED_OUTPUT, SessionEvent as E, SessionRequest as R,
    };
    let (_d, dev) = device(BASE);
    let mut sh = Shell::new(dev, "admin", 15);
    type_keys(&mut sh, "");
    let open = |sh: &mut Shell, host: &str| -> u32 {
        type_keys(sh, &format!("ssh {host}\r"));
        let reqs = sh.take_requests();
        let [R::Open { id, .. }] = reqs.as_slice() else {
            panic!("{reqs:?}");
        };
        *id
    };
    // Keys typed while the login goes on: 4 kB of them reach the remote.
    let first = open(&mut sh, "10.0.0.1");
    sh.session_event(E::Password { id: first });
    type_keys(&mut sh, "pw\r");
    type_keys(&mut sh, &"k".repeat(10_000));
    sh.take_requests();
    sh.session_event(E::Connected { id: first });
    let sent: usize = sh
        .take_requests()
        .iter()
        .map(|r| match r {
            R::Data { bytes, .. } => bytes.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(sent, 4096, "keys typed ahead");
    // Suspended, at most 64 kB of the remote's output is kept.
    type_keys(&mut sh, "\x1ex");
    sh.session_event(E::Output {
        id: first,
        bytes: vec![b'o'; SUSPENDED_OUTPUT * 2],
    });
    let out = type_keys(&mut sh, "resume\r");
    let kept = "o".repeat(SUSPENDED_OUTPUT);
    assert!(out.contains(&kept), "less than the bound kept");
    assert!(!out.contains(&format!("{kept}o")), "kept beyond the bound");
    type_keys(&mut sh, "\x1ex");
    sh.take_requests();
    // Connections up to the limit, then IOS's refusal.
    for n in 1..MAX_CONNECTIONS {
        let id = open(&mut sh, &format!("10.0.1.{n}"));
        sh.session_event(E::Password { id });
        type_keys(&mut sh, "pw\r");
        sh.session_event(E::Connected { id });
        type_keys(&mut sh, "\x1ex");
        sh.take_requests();
    }
    let out = type_keys(&mut sh, "ssh 10.0.2.1\r");
    assert!(out.contains("% No free connections"), "{out:?}");
    assert!(sh.take_requests().is_empty());
}
