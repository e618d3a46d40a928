//! AAA configuration: method lists checked as IOS checks them, server
//! keys stored as IOS stores them, and `aaa new-model` taking over the
//! lines' logins.

use ironconf_ios::apply::{ErrorOption, apply_batch};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;
use ironconf_ios::parse::ParseError;

fn apply(lines: &str) -> (String, Vec<(String, ParseError)>) {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let r = apply_batch(
        &cat,
        &mut cfg,
        lines.lines(),
        ErrorOption::ContinueOnError,
        false,
    );
    let failures = r
        .failures
        .iter()
        .map(|f| (f.line.clone(), f.error.clone()))
        .collect();
    // Without IOS's `!` separators: what is compared is the lines' order.
    let text: String = cfg
        .render(&cat, &[])
        .lines()
        .filter(|l| *l != "!")
        .map(|l| format!("{l}\n"))
        .collect();
    (text, failures)
}

#[test]
fn method_lists_take_ios_methods_and_refuse_others_at_the_word() {
    let (text, failures) = apply(
        "aaa new-model\n\
         aaa authentication login default group radius local\n\
         aaa authentication login VTY group RAD-GRP group tacacs+ local-case none\n\
         aaa authentication enable default group radius enable\n\
         aaa authorization exec default group radius local if-authenticated\n\
         aaa authorization commands 15 default group tacacs+ local\n\
         aaa accounting exec default start-stop group radius\n\
         aaa accounting commands 15 default stop-only group tacacs+\n\
         aaa accounting connection default none\n",
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(
        text.starts_with("aaa new-model\naaa authentication login default group radius local\naaa authentication login VTY group RAD-GRP group tacacs+ local-case none\naaa authentication enable default group radius enable\naaa authorization exec default group radius local if-authenticated\n"),
        "{text}"
    );
    let column = |line: &str, word: &str| line.find(word).unwrap_or(usize::MAX);
    for (line, bad) in [
        (
            "aaa authentication login default group radius bogus",
            "bogus",
        ),
        ("aaa authentication enable default local", "local"),
        (
            "aaa authorization exec default if-authenticated local",
            "local",
        ),
        (
            "aaa accounting exec default sometimes group radius",
            "sometimes",
        ),
        ("aaa accounting exec default start-stop local", "local"),
        (
            "aaa accounting connection default none group radius",
            "group",
        ),
    ] {
        let (_, failures) = apply(line);
        assert_eq!(
            failures.first().map(|f| f.1.clone()),
            Some(ParseError::Invalid {
                column: column(line, bad)
            }),
            "{line}"
        );
    }
    for line in [
        "aaa authentication login default group",
        "aaa accounting exec default start-stop",
    ] {
        let (_, failures) = apply(line);
        assert_eq!(
            failures.first().map(|f| f.1.clone()),
            Some(ParseError::Incomplete),
            "{line}"
        );
    }
}

#[test]
fn server_definitions_render_in_place_with_keys_as_ios_stores_them() {
    let (text, failures) = apply(
        "radius server RAD1\n address ipv4 192.0.2.10 auth-port 1812 acct-port 1813\n key 0 s3cret\n timeout 3\n retransmit 2\n\
         tacacs server TAC1\n address ipv4 192.0.2.20\n key tac key\n single-connection\n\
         aaa group server radius RAD-GRP\n server name RAD1\n\
         radius-server dead-criteria time 5 tries 3\nradius-server deadtime 10\n\
         line vty 0 4\n authorization exec VTY\n accounting exec VTY\n login authentication VTY\n",
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(
        text.contains("aaa group server radius RAD-GRP\n server name RAD1\n"),
        "{text}"
    );
    assert!(
        text.contains("radius server RAD1\n address ipv4 192.0.2.10 auth-port 1812 acct-port 1813\n timeout 3\n retransmit 2\n key s3cret\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "tacacs server TAC1\n address ipv4 192.0.2.20\n key tac key\n single-connection\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(" authorization exec VTY\n accounting exec VTY\n"),
        "{text}"
    );
    // Under service password-encryption a clear key is stored as type 7,
    // one given as type 7 as it is.
    let (text, failures) = apply(
        "service password-encryption\nradius server RAD1\n key s3cret\ntacacs server TAC1\n key 7 070C285F4D06\n",
    );
    assert!(failures.is_empty(), "{failures:?}");
    let keys: Vec<Option<String>> = text
        .lines()
        .filter_map(|l| l.strip_prefix(" key 7 "))
        .map(ironconf_ios::secret::type7_decode)
        .collect();
    assert_eq!(
        keys,
        vec![Some("cisco".to_owned()), Some("s3cret".to_owned())],
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains(" key 7 070C285F4D06\n"), "{text}");
    // Turned on after the keys were set: they are encrypted at once.
    let (text, failures) = apply(
        "radius server RAD1\n key s3cret\ntacacs server TAC1\n key other one\nservice password-encryption\n",
    );
    assert!(failures.is_empty(), "{failures:?}");
    let keys: Vec<Option<String>> = text
        .lines()
        .filter_map(|l| l.strip_prefix(" key 7 "))
        .map(ironconf_ios::secret::type7_decode)
        .collect();
    assert_eq!(
        keys,
        vec![Some("other one".to_owned()), Some("s3cret".to_owned())],
        "{text}"
    );
    assert_eq!(text.matches(" key ").count(), 2, "{text}");
}

#[test]
fn aaa_new_model_takes_the_login_lines_off_the_vtys() {
    let (text, failures) = apply(
        "line vty 0 4\n login local\n transport input ssh\nline vty 5 15\n login\n login authentication VTY\naaa new-model\n",
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(!text.contains(" login local\n"), "{text}");
    assert!(!text.contains(" login\n"), "{text}");
    assert!(
        text.contains("line vty 0 4\n transport input ssh\n"),
        "{text}"
    );
    assert!(text.contains(" login authentication VTY\n"), "{text}");
    // And later ones are taken but not kept.
    let (text, failures) =
        apply("aaa new-model\nline vty 0 4\n login local\n login\n exec-timeout 5\n");
    assert!(failures.is_empty(), "{failures:?}");
    assert!(text.contains("line vty 0 4\n exec-timeout 5\n"), "{text}");
    assert!(!text.contains("login"), "{text}");
}

#[test]
fn the_lines_name_their_aaa_lists() {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let r = apply_batch(
        &cat,
        &mut cfg,
        "aaa new-model\naaa accounting commands 15 CMDS start-stop group tacacs+\n\
line vty 0 4\n login authentication VTY\n authorization exec EXEC\n authorization commands 15 AUTH15\n accounting exec ACCT\n accounting commands 15 CMDS\n"
            .lines(),
        ErrorOption::StopOnError,
        false,
    );
    assert!(r.ok(), "{:?}", r.failures);
    let s = ironconf_ios::settings::Settings::from_config(&cat, &cfg);
    let b = &s.vty[0];
    assert_eq!(b.login_authentication.as_deref(), Some("VTY"));
    assert_eq!(b.authorization_exec.as_deref(), Some("EXEC"));
    assert_eq!(
        b.authorization_commands.get(&15).map(String::as_str),
        Some("AUTH15")
    );
    assert_eq!(b.accounting_exec.as_deref(), Some("ACCT"));
    assert_eq!(
        b.accounting_commands.get(&15).map(String::as_str),
        Some("CMDS")
    );
    assert!(
        s.aaa
            .accounting
            .contains_key(&(ironconf_ios::aaa::AcctKind::Commands(15), "CMDS".to_owned()))
    );
}
