//! The configuration engine end to end: commands in, IOS text out.

use ironconf_ios::apply::{ErrorOption, apply_batch, load};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;
use ironconf_ios::parse::ParseError;

fn body(cat: &Catalogue, cfg: &Config) -> String {
    cfg.render(cat, &[])
}

fn run(cat: &Catalogue, cfg: &mut Config, lines: &str) -> Vec<String> {
    let r = apply_batch(cat, cfg, lines.lines(), ErrorOption::StopOnError, false);
    r.failures
        .iter()
        .map(|f| format!("{}: {}", f.line.trim(), f.message()))
        .collect()
}

fn fresh(lines: &str) -> (Catalogue, Config) {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let errors = run(&cat, &mut cfg, lines);
    assert!(errors.is_empty(), "{errors:?}");
    (cat, cfg)
}

#[test]
fn seed_loopback_example_renders_like_ios() {
    let (cat, cfg) =
        fresh("interface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\n");
    assert_eq!(
        body(&cat, &cfg),
        "!\ninterface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\n!\nend\n"
    );
}

#[test]
fn same_setting_replaces_and_lists_accumulate() {
    let (cat, mut cfg) = fresh(
        "hostname A\nhostname B\ninterface gi1\ndescription one\ndescription two\nexit\n\
         access-list 1 permit 10.0.0.0 0.0.0.255\naccess-list 1 deny any\naccess-list 1 permit 10.0.0.0 0.0.0.255\n\
         ip route 0.0.0.0 0.0.0.0 10.0.0.1\nip route 10.1.0.0 255.255.0.0 Null0",
    );
    let text = body(&cat, &cfg);
    assert!(
        text.contains("hostname B\n") && !text.contains("hostname A"),
        "{text}"
    );
    assert!(
        text.contains(" description two\n") && !text.contains("description one"),
        "{text}"
    );
    assert!(
        text.contains("access-list 1 permit 10.0.0.0 0.0.0.255\naccess-list 1 deny any\n"),
        "{text}"
    );
    assert_eq!(text.matches("access-list 1 permit").count(), 1);
    assert!(
        text.contains("ip route 0.0.0.0 0.0.0.0 10.0.0.1\nip route 10.1.0.0 255.255.0.0 Null0\n"),
        "{text}"
    );
    run(
        &cat,
        &mut cfg,
        "no ip route 10.1.0.0 255.255.0.0\nno access-list 1\nno hostname",
    );
    let text = body(&cat, &cfg);
    assert!(
        !text.contains("access-list") && !text.contains("Null0") && !text.contains("hostname"),
        "{text}"
    );
    assert!(text.contains("ip route 0.0.0.0 0.0.0.0 10.0.0.1"), "{text}");
}

#[test]
fn no_forms_and_defaults() {
    let (cat, mut cfg) = fresh(
        "netconf max-sessions 8\nnetconf lock-time 60\nnetconf max-message 37283\nnetconf ssh acl 1\n\
         interface GigabitEthernet1\n ip address 10.0.0.1 255.255.255.0\n ip address 10.0.1.1 255.255.255.0 secondary\n shutdown\n",
    );
    run(
        &cat,
        &mut cfg,
        "netconf max-sessions 4\nno netconf max-message\nnetconf lock-time 10\ninterface gi1\nno shutdown\nno ip address",
    );
    let text = body(&cat, &cfg);
    assert!(
        !text.contains("max-sessions")
            && !text.contains("max-message")
            && !text.contains("lock-time"),
        "{text}"
    );
    assert!(text.contains("netconf ssh acl 1"), "{text}");
    assert!(
        text.contains("interface GigabitEthernet1\n no ip address\n!"),
        "{text}"
    );
    run(
        &cat,
        &mut cfg,
        "interface gi1\nip address 192.0.2.1 255.255.255.0",
    );
    let text = body(&cat, &cfg);
    assert!(
        text.contains(" ip address 192.0.2.1 255.255.255.0\n") && !text.contains("no ip address"),
        "{text}"
    );
    run(
        &cat,
        &mut cfg,
        "no interface GigabitEthernet1\nno netconf ssh",
    );
    let text = body(&cat, &cfg);
    assert_eq!(text, "!\nend\n");
    // `no` of something absent is accepted silently, as IOS does.
    assert!(run(&cat, &mut cfg, "no hostname\nno interface Loopback9").is_empty());
}

#[test]
fn stored_negations_and_canonical_spellings() {
    let (cat, mut cfg) = fresh(
        "no ip domain-lookup\nip domain-name example.com\nip domain name example.net\nno service pad\n",
    );
    let text = body(&cat, &cfg);
    assert!(text.contains("no service pad\n"), "{text}");
    assert!(
        text.contains("ip domain name example.net\nno ip domain lookup\n"),
        "{text}"
    );
    assert!(!text.contains("example.com"), "{text}");
    run(
        &cat,
        &mut cfg,
        "ip domain lookup\nno ip domain-name\nservice pad",
    );
    let text = body(&cat, &cfg);
    assert!(!text.contains("domain") && !text.contains("pad"), "{text}");
}

#[test]
fn parent_mode_commands_leave_the_sub_mode() {
    let (cat, cfg) = fresh("interface Loopback1\n description a\nhostname R9\n");
    // `description b` after `hostname` is not an interface line any more.
    let errs = {
        let mut c = cfg.clone();
        run(
            &cat,
            &mut c,
            "interface Loopback1\nhostname R9\ndescription b",
        )
    };
    assert_eq!(
        errs,
        vec!["description b: % Invalid input detected at '^' marker.".to_owned()]
    );
    assert!(body(&cat, &cfg).contains("hostname R9\n!\ninterface Loopback1\n description a\n!"));
}

#[test]
fn error_options_have_ios_semantics() {
    let cat = Catalogue::builtin();
    let base = "hostname R1\ninterface Loopback1\n description keep\n";
    let mut start = Config::new();
    run(&cat, &mut start, base);
    let before = body(&cat, &start);
    let batch = ["hostname R2", "netconf max-sessions 17", "hostname R3"];

    let mut stop = start.clone();
    let r = apply_batch(&cat, &mut stop, batch, ErrorOption::StopOnError, false);
    assert_eq!(r.failures.len(), 1);
    assert_eq!(r.failures[0].index, 1);
    assert_eq!(r.failures[0].error, ParseError::Invalid { column: 21 });
    assert!(body(&cat, &stop).contains("hostname R2"));

    let mut cont = start.clone();
    let r = apply_batch(&cat, &mut cont, batch, ErrorOption::ContinueOnError, false);
    assert_eq!(r.failures.len(), 1);
    assert!(body(&cat, &cont).contains("hostname R3"));

    let mut rb = start.clone();
    let r = apply_batch(&cat, &mut rb, batch, ErrorOption::RollbackOnError, false);
    assert!(r.rolled_back);
    assert_eq!(body(&cat, &rb), before);
    let r = apply_batch(
        &cat,
        &mut rb,
        ["interface lo1", "no description", "interface lo2", "bogus"],
        ErrorOption::RollbackOnError,
        false,
    );
    assert!(r.rolled_back);
    assert_eq!(body(&cat, &rb), before);
}

#[test]
fn changes_are_reported_per_item() {
    let (cat, mut cfg) = fresh("interface Loopback1\n description old\n");
    let r = apply_batch(
        &cat,
        &mut cfg,
        ["interface Loopback1", "description new", "hostname X"],
        ErrorOption::StopOnError,
        false,
    );
    let mut added: Vec<String> = r.changes.iter().flat_map(|c| c.added()).collect();
    let mut removed: Vec<String> = r.changes.iter().flat_map(|c| c.removed()).collect();
    added.sort();
    removed.sort();
    assert_eq!(
        added,
        vec![" description new", "hostname X", "interface Loopback1"]
    );
    assert_eq!(removed, vec![" description old", "interface Loopback1"]);
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_437_865_947);
    let record = r.record("kahou", t);
    assert_eq!(
        record.as_ref().map(|c| c.header_line()),
        Some("! Last configuration change at 23:12:27 UTC Sat Jul 25 2015 by kahou".to_owned())
    );
    assert_eq!(record.map(|c| c.added().len()), Some(3));
    let none = apply_batch(
        &cat,
        &mut cfg,
        ["hostname X"],
        ErrorOption::StopOnError,
        false,
    );
    assert_eq!(none.record("kahou", t), None);
}

#[test]
fn do_and_end_and_comments() {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let r = apply_batch(
        &cat,
        &mut cfg,
        [
            "! comment",
            "",
            "do show running-config",
            "interface lo1",
            "end",
            "hostname Z",
        ],
        ErrorOption::StopOnError,
        false,
    );
    // After `end` the CLI is in EXEC mode: a configuration command there
    // is invalid input, as IOS says at the `#` prompt.
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert_eq!(r.failures[0].index, 5);
    assert_eq!(r.failures[0].error, ParseError::Invalid { column: 0 });
    assert_eq!(r.execs, vec![(2, "show running-config".to_owned())]);
    assert!(body(&cat, &cfg).contains("!\ninterface Loopback1\n!"));
    assert!(!body(&cat, &cfg).contains("hostname Z"));
    // Blank lines and comments after `end` are nothing.
    let r = apply_batch(
        &cat,
        &mut cfg,
        ["hostname Y", "end", "", "! done"],
        ErrorOption::StopOnError,
        false,
    );
    assert!(r.ok(), "{:?}", r.failures);
}

#[test]
fn banners_span_lines_and_round_trip() {
    let (cat, cfg) = fresh(
        "banner motd ^C\nAuthorized access only\n  second line\n^C\nbanner login #one line#\nhostname R1",
    );
    let text = body(&cat, &cfg);
    assert!(
        text.contains("banner motd ^C\nAuthorized access only\n  second line\n^C\n"),
        "{text}"
    );
    assert!(text.contains("banner login ^Cone line^C\n"), "{text}");
    let (again, errors) = load(&cat, &text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(body(&cat, &again), text);
}

#[test]
fn rendering_follows_ios_order() {
    let (cat, cfg) = fresh(
        "netconf ssh\nline vty 0 4\n login local\n transport input ssh\nline con 0\ninterface Vlan1\ninterface GigabitEthernet10\n\
         interface GigabitEthernet2\ninterface Loopback0\nip ssh version 2\nusername admin privilege 15 secret 9 $9$abc\nhostname R1\nversion 16.12\n\
         netconf lock-time 60\nntp server 10.0.0.1\n",
    );
    let text = body(&cat, &cfg);
    let order: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && *l != "!")
        .collect();
    assert_eq!(
        order,
        vec![
            "version 16.12",
            "hostname R1",
            "username admin privilege 15 secret 9 $9$abc",
            "interface Loopback0",
            "interface GigabitEthernet2",
            "interface GigabitEthernet10",
            "interface Vlan1",
            "ip ssh version 2",
            "line con 0",
            "line vty 0 4",
            "ntp server 10.0.0.1",
            "netconf lock-time 60",
            "netconf ssh",
            "end",
        ]
    );
}

#[test]
fn pubkey_chain_nests_three_levels() {
    let (cat, cfg) = fresh(
        "ip ssh pubkey-chain\n username admin\n  key-string\n   AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n   C5bGx\n  exit\n  key-hash ssh-rsa 0123ABCD\n",
    );
    let text = body(&cat, &cfg);
    assert!(
        text.contains("ip ssh pubkey-chain\n username admin\n  key-string\n   AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n   C5bGx\n   exit\n  key-hash ssh-rsa 0123ABCD\n"),
        "{text}"
    );
    let (again, errors) = load(&cat, &text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(body(&cat, &again), text);
    // A key typed again replaces the one there (the same text applied
    // twice leaves one key).
    let mut cfg = again;
    let errors = run(
        &cat,
        &mut cfg,
        "ip ssh pubkey-chain\n username admin\n  key-string\n   NEWKEY\n  exit\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let text = body(&cat, &cfg);
    assert!(
        text.contains("  key-string\n   NEWKEY\n   exit\n  key-hash ssh-rsa 0123ABCD\n"),
        "{text}"
    );
}

#[test]
fn permissive_load_keeps_and_reports_unknown_lines() {
    let cat = Catalogue::builtin();
    let text = "hostname R1\ncrypto pki trustpoint TP-self-signed\n enrollment selfsigned\ninterface Loopback0\n frobnicate on\n ip address 10.0.0.1 255.255.255.255\n";
    let (cfg, errors) = load(&cat, text);
    let lines: Vec<&str> = errors.iter().map(|e| e.line.trim()).collect();
    // A section the catalogue does not know is reported by its header and
    // kept whole, its lines under it.
    assert_eq!(
        lines,
        vec!["crypto pki trustpoint TP-self-signed", "frobnicate on"]
    );
    let out = body(&cat, &cfg);
    assert!(
        out.contains(
            "hostname R1\n!\ncrypto pki trustpoint TP-self-signed\n enrollment selfsigned\n!\n"
        ),
        "{out}"
    );
    // Found by the ios fuzz target: an unindented unknown line after a
    // section is a global line, and stays one when the text is loaded again.
    let (other, _) = load(&cat, "control-plane\n zz1\nexit\nzz2\n");
    let text = body(&cat, &other);
    assert_eq!(text, "!\ncontrol-plane\n zz1\n!\nzz2\n!\nend\n");
    assert_eq!(body(&cat, &load(&cat, &text).0), text);
    // An indented unknown line after a `no` that left the sub-mode.
    let (other, _) = load(&cat, "control-plane\nno hostname\n   zz3\n");
    let text = body(&cat, &other);
    assert_eq!(text, "!\ncontrol-plane\n!\nzz3\n!\nend\n");
    assert_eq!(body(&cat, &load(&cat, &text).0), text);
    // Verbatim lines keep their place before the lines the catalogue orders.
    assert!(
        out.contains("interface Loopback0\n frobnicate on\n ip address 10.0.0.1 255.255.255.255\n"),
        "{out}"
    );
    let (again, _) = load(&cat, &out);
    assert_eq!(body(&cat, &again), out);
}

/// The sections an IOS XE 16 router's configuration holds that the
/// catalogue does not model (shapes as real routers print them).
const UNKNOWN_SECTIONS: &str = "\
version 16.12
service timestamps debug datetime msec
service call-home
platform qfp utilization monitor load 80
hostname R2
!
call-home
 ! If contact email address in call-home is configured as sch-smart-licensing@cisco.com
 ! the email address configured in Cisco Smart License Portal will be used as contact email address to send SCH notifications.
 contact-email-addr sch-smart-licensing@cisco.com
 profile \"CiscoTAC-1\"
  active
  destination transport-method http
!
crypto pki trustpoint TP-self-signed-1
 enrollment selfsigned
 subject-name cn=IOS-Self-Signed-Certificate-1
 revocation-check none
 rsakeypair TP-self-signed-1
!
crypto pki certificate chain TP-self-signed-1
 certificate self-signed 01
  30820330 30820218 A0030201 02020101 300D0609 2A864886 F70D0101 05050030
  \tquit
!
license udi pid CSR1000V sn 9ZL30UN51R9
license boot level ax
diagnostic bootup level minimal
!
redundancy
!
interface GigabitEthernet1
 ip address 10.0.0.1 255.255.255.0
 negotiation auto
 no mop enabled
 no mop sysid
!
control-plane
!
line vty 0 4
 login local
 transport input ssh
!
";

#[test]
fn unknown_sections_keep_their_lines_in_place() {
    let cat = Catalogue::builtin();
    let (cfg, errors) = load(&cat, UNKNOWN_SECTIONS);
    let out = body(&cat, &cfg);
    // Every line that is not a `!` separator comes back, with its
    // indentation, under its own header.
    let kept = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && l.trim() != "!")
            .map(str::to_owned)
            .collect()
    };
    let rendered = kept(&out);
    let mut at = 0;
    for line in kept(UNKNOWN_SECTIONS) {
        let found = rendered[at..].iter().position(|l| *l == line);
        assert!(
            found.is_some(),
            "{line:?} missing or out of place in\n{out}"
        );
        at += found.unwrap_or(0) + 1;
    }
    assert!(out.contains("service call-home\n"), "{out}");
    assert!(
        out.contains("crypto pki certificate chain TP-self-signed-1\n certificate self-signed 01\n  30820330 30820218"),
        "{out}"
    );
    assert!(out.contains("\n  \tquit\n"), "{out}");
    // Reported once per unknown section, not once per line.
    assert!(
        errors.iter().all(|e| !e.line.starts_with("  ")),
        "{errors:?}"
    );
    // Loading what was rendered gives the same text (write memory, reload).
    assert_eq!(body(&cat, &load(&cat, &out).0), out);
    // `no service call-home` is kept, and replaces the positive form.
    let (cfg, _) = load(&cat, "service call-home\nno service call-home\n");
    let out = body(&cat, &cfg);
    assert!(
        out.contains("no service call-home\n") && !out.contains("\nservice call-home"),
        "{out}"
    );
}

#[test]
fn clear_secrets_are_stored_as_type_9() {
    use ironconf_ios::secret::Secret;
    let (cat, cfg) = fresh(
        "username admin privilege 15 secret 0 cisco123\nusername op secret hunter2\nenable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n",
    );
    let text = body(&cat, &cfg);
    assert!(
        !text.contains("cisco123") && !text.contains("hunter2"),
        "{text}"
    );
    assert!(
        text.contains("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n"),
        "{text}"
    );
    let hash_of = |user: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("username {user} ")))
            .and_then(|l| l.split(" secret 9 ").nth(1))
            .map(|h| Secret::Scrypt(h.to_owned()))
    };
    assert!(
        hash_of("admin").is_some_and(|s| s.verify("cisco123")),
        "{text}"
    );
    assert!(hash_of("op").is_some_and(|s| s.verify("hunter2")), "{text}");
    assert!(
        text.contains("username admin privilege 15 secret 9 $9$"),
        "{text}"
    );
}

#[test]
fn show_running_config_filters_match_the_spec_examples() {
    use ironconf_ios::filter::{show_running_config, strip_show_header};
    let (cat, cfg) = fresh(
        "interface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\n\
         interface GigabitEthernet1\n ip address 10.0.0.15 255.255.255.0\n negotiation auto\n no mop enabled\n no mop sysid\n\
         interface GigabitEthernet2\n description scrapli was here!\nrouter bgp 65000\n bgp log-neighbor-changes\n neighbor 10.0.0.2 remote-as 65001\n",
    );
    let run = |args: &str| show_running_config(&cat, &cfg, &[], args);
    let seed = run("interface Loopback113").map(|t| strip_show_header(&t).to_owned());
    assert_eq!(
        seed,
        Ok("!\ninterface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\nend\n".to_owned())
    );
    let gi1 = run(" int gi1 ").map(|t| strip_show_header(&t).to_owned());
    assert_eq!(
        gi1,
        Ok("!\ninterface GigabitEthernet1\n ip address 10.0.0.15 255.255.255.0\n negotiation auto\n no mop enabled\n no mop sysid\nend\n".to_owned())
    );
    let inc = run("| include interface").map(|t| strip_show_header(&t).to_owned());
    assert_eq!(
        inc,
        Ok(
            "interface Loopback113\ninterface GigabitEthernet1\ninterface GigabitEthernet2\n"
                .to_owned()
        )
    );
    let sec = run("| section router bgp").map(|t| strip_show_header(&t).to_owned());
    assert_eq!(
        sec,
        Ok(
            "router bgp 65000\n bgp log-neighbor-changes\n neighbor 10.0.0.2 remote-as 65001\n"
                .to_owned()
        )
    );
    assert_eq!(
        run("| begin ^end").map(|t| strip_show_header(&t).to_owned()),
        Ok("end\n".to_owned())
    );
    assert_eq!(
        run("| include exp_to_match_run_conf").map(|t| strip_show_header(&t).to_owned()),
        Ok(String::new())
    );
    assert_eq!(run("| exclude ^ |!").map(|t| t.lines().count()), Ok(9));
    assert_eq!(
        run("| count interface"),
        Ok("Number of lines which match regexp = 3\n".to_owned())
    );
    let full = run("").unwrap_or_default();
    assert!(
        full.starts_with("Building configuration...\n\nCurrent configuration : "),
        "{full}"
    );
    let body = strip_show_header(&full);
    assert!(
        full.contains(&format!("Current configuration : {} bytes\n", body.len())),
        "{full}"
    );
    // Errors as IOS prints them.
    assert_eq!(
        run("interface Loopback999").map_err(|e| e.column),
        Err(Some(10))
    );
    assert_eq!(run("bogus").map_err(|e| e.column), Err(Some(0)));
    assert_eq!(run("| frob x").map_err(|e| e.column), Err(Some(2)));
    assert!(run("| include (").is_err());
}

#[test]
fn typed_settings_follow_the_configuration() {
    use ironconf_ios::settings::{Settings, SettingsTracker};
    use std::net::IpAddr;
    let (cat, mut cfg) = fresh(
        "hostname R1\nip domain name example.com\nusername admin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\nusername guest password 0 pw\n\
         access-list 1 permit host 127.0.0.1\naccess-list 1 deny 127.0.0.0 0.255.255.255\naccess-list 1 permit any\n\
         ip access-list standard MGMT\n 10 permit 10.0.0.0 0.0.0.255\n\
         netconf ssh acl 1\nnetconf max-sessions 5\nnetconf lock-time 60\nnetconf max-message 2345\n\
         ip ssh time-out 60\nip ssh authentication-retries 2\nip ssh version 2\nip ssh server algorithm encryption aes128-cbc 3des-cbc\n\
         line vty 0 4\n login local\n transport input ssh\nline vty 5 15\n login local\n\
         ip ssh pubkey-chain\n username admin\n  key-hash ssh-rsa ABCDEF0123\n",
    );
    let s = Settings::from_config(&cat, &cfg);
    assert_eq!(s.hostname, "R1");
    assert_eq!(s.rsa_key_label().as_deref(), Some("R1.example.com"));
    assert_eq!(s.users.get("admin").map(|u| u.privilege), Some(15));
    assert!(
        s.users
            .get("admin")
            .and_then(|u| u.secret.as_ref())
            .is_some_and(|p| p.verify("cisco"))
    );
    assert!(
        s.users
            .get("guest")
            .and_then(|u| u.secret.as_ref())
            .is_some_and(|p| p.verify("pw"))
    );
    assert_eq!(s.users.get("guest").map(|u| u.privilege), Some(1));
    let acl = s.access_lists.get("1").cloned().unwrap_or_default();
    let ip = |a: &str| a.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    assert!(acl.permits(ip("127.0.0.1")));
    assert!(!acl.permits(ip("127.0.0.2")));
    assert!(acl.permits(ip("10.9.9.9")));
    assert!(acl.permits(ip("::ffff:127.0.0.1")));
    assert!(!acl.permits(ip("::1")));
    assert!(
        s.access_lists
            .get("MGMT")
            .is_some_and(|a| a.permits(ip("10.0.0.7")) && !a.permits(ip("10.0.1.7")))
    );
    assert_eq!(
        (
            s.netconf.ssh,
            s.netconf.acl,
            s.netconf.max_sessions,
            s.netconf.lock_time,
            s.netconf.max_message_kb
        ),
        (true, Some(1), 5, 60, Some(2345))
    );
    assert_eq!(
        (s.ssh.timeout, s.ssh.retries, s.ssh.version),
        (60, 2, Some(2))
    );
    assert_eq!(
        s.ssh.encryption,
        Some(vec!["aes128-cbc".to_owned(), "3des-cbc".to_owned()])
    );
    assert_eq!(s.vty_count(), 16);
    assert!(s.vty[0].login_local && s.vty[0].transport_input == vec!["ssh".to_owned()]);
    assert_eq!(
        s.pubkeys.get("admin").map(|k| k.key_hashes.clone()),
        Some(vec![("ssh-rsa".to_owned(), "ABCDEF0123".to_owned())])
    );

    let mut t = SettingsTracker::default();
    assert!(t.update(&cat, &cfg));
    assert!(!t.update(&cat, &cfg));
    run(&cat, &mut cfg, "no netconf max-message\ndescription x");
    assert!(t.update(&cat, &cfg));
    assert_eq!(t.current().netconf.max_message_kb, None);
    assert_eq!(t.version(), 2);
}

#[test]
fn the_catalogue_is_extensible_at_run_time_and_from_a_file() {
    let mut cat = Catalogue::builtin();
    let mut cfg = Config::new();
    // Unknown until loaded.
    assert_eq!(
        run(&cat, &mut cfg, "crypto pki trustpoint TP1\n"),
        vec!["crypto pki trustpoint TP1: % Invalid input detected at '^' marker.".to_owned()]
    );
    // What an embedding application or a user's data file adds.
    let extra = "mode trustpoint prompt=ca-trustpoint parent=config\n\
                 config: crypto pki trustpoint WORD ; key=4 enter=trustpoint\n\
                 trustpoint: enrollment (selfsigned|terminal) ; key=1\n\
                 trustpoint: revocation-check (none|crl) ; key=1\n";
    assert_eq!(cat.load(extra), Ok(()));
    let errors = run(
        &cat,
        &mut cfg,
        "crypto pki trustpoint TP1\n enrollment selfsigned\n revocation-check none\n enrollment terminal\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        body(&cat, &cfg)
            .contains("crypto pki trustpoint TP1\n enrollment terminal\n revocation-check none\n!")
    );
    // From a user's file.
    let dir = std::env::temp_dir().join(format!("ironconf-cat-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("extra.cat");
    let _ = std::fs::write(&file, "config: ip sla responder ; key=3\n");
    assert_eq!(cat.load_file(&file), Ok(()));
    assert!(run(&cat, &mut cfg, "ip sla responder").is_empty());
    assert!(cat.load_file(&dir.join("missing.cat")).is_err());
    let _ = std::fs::remove_dir_all(&dir);
    // A broken file is refused with its line number.
    let e = cat.load("config: frob <9-1> ;\n");
    assert_eq!(e.map_err(|e| e.line), Err(1));
}

#[test]
fn default_forms_restore_defaults() {
    let (cat, mut cfg) = fresh(
        "netconf lock-time 60\nno ip domain lookup\ninterface lo1\n description x\n shutdown\n",
    );
    run(
        &cat,
        &mut cfg,
        "default netconf lock-time\ndefault ip domain lookup\ninterface lo1\ndefault description\ndefault shutdown",
    );
    assert_eq!(body(&cat, &cfg), "!\ninterface Loopback1\n!\nend\n");
}

#[test]
fn settings_are_read_only_from_the_items_they_claim() {
    use ironconf_ios::settings::Settings;
    // Everything settings read, among lines they do not.
    let (cat, cfg) = fresh(
        "hostname R1\nip domain name example.com\nusername admin privilege 15 secret 0 x\n\
         enable secret 0 y\naccess-list 1 permit host 127.0.0.1\n\
         ip access-list standard MGMT\n 10 permit 10.0.0.0 0.0.0.255\n\
         interface Loopback1\n description not a setting\n ip address 10.0.0.1 255.255.255.255\n\
         netconf ssh acl 1\nnetconf max-sessions 5\nip ssh time-out 60\nip ssh version 2\n\
         router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n\
         line vty 0 4\n login local\n exec-timeout 5 0\n\
         ip ssh pubkey-chain\n username admin\n  key-hash ssh-rsa ABCDEF0123\n\
         snmp-server community public RO\nbanner motd ^Chello^C\n",
    );
    let full = Settings::from_config(&cat, &cfg);
    let mut kept = String::new();
    let mut keep = false;
    for line in body(&cat, &cfg).lines() {
        if !line.starts_with(' ') {
            keep = Settings::reads(line);
        }
        if keep {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    assert!(
        !kept.contains("Loopback1") && !kept.contains("router bgp"),
        "{kept}"
    );
    let (_, only) = fresh(&kept);
    assert_eq!(Settings::from_config(&cat, &only), full);
}

include!("../../../fuzz/properties/ios.rs");

#[test]
fn fuzz_regressions_replay() {
    let cat = Catalogue::builtin();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("ios-") {
            ios_property(&cat, &std::fs::read(&path).expect("read"));
            seen += 1;
        }
    }
    assert!(seen > 0, "no ios regression inputs in {}", dir.display());
}

#[test]
fn verbatim_lines_stay_after_the_line_they_followed() {
    let cat = Catalogue::builtin();
    // Found by the ios fuzz target: the item a verbatim line followed is
    // removed, and a line ranked before it comes next.
    let mut cfg = Config::new();
    apply_batch(
        &cat,
        &mut cfg,
        "control-plane\nno control-plane\nzz1\nvlan 2\n".lines(),
        ErrorOption::ContinueOnError,
        true,
    );
    let text = body(&cat, &cfg);
    assert_eq!(text, "!\nvlan 2\n!\nzz1\n!\nend\n");
    assert_eq!(body(&cat, &load(&cat, &text).0), text);
    // After a naturally sorted line, a verbatim line stays after it, not
    // before the whole class.
    let (cfg, _) = load(&cat, "interface Loopback2\nzz2\ninterface Loopback1\n");
    let text = body(&cat, &cfg);
    assert!(
        text.contains("interface Loopback1\n!\ninterface Loopback2\n!\nzz2\n"),
        "{text}"
    );
    assert_eq!(body(&cat, &load(&cat, &text).0), text);
}

#[test]
fn a_rolled_back_batch_leaves_no_trace_for_the_next() {
    let cat = Catalogue::builtin();
    let (mut cfg, _) = load(
        &cat,
        "ip route 0.0.0.0 0.0.0.0 10.0.0.1\ninterface Loopback1\n",
    );
    let r = apply_batch(
        &cat,
        &mut cfg,
        "control-plane\nfrobnicate\n".lines(),
        ErrorOption::RollbackOnError,
        false,
    );
    assert!(r.rolled_back);
    // A verbatim line goes where it would have gone without the batch.
    apply_batch(&cat, &mut cfg, ["zz1"], ErrorOption::ContinueOnError, true);
    let text = body(&cat, &cfg);
    assert!(
        text.contains("interface Loopback1\n!\nzz1\nip route 0.0.0.0 0.0.0.0 10.0.0.1\n"),
        "{text}"
    );
}

#[test]
fn show_running_config_all_adds_the_default_lines() {
    let (cat, cfg) = fresh(
        "hostname R1\nno ip domain lookup\ninterface GigabitEthernet1\n no ip redirects\n mtu 9000\n",
    );
    let all = ironconf_ios::filter::show_running_config(&cat, &cfg, &[], "all")
        .map_err(|e| e.message)
        .unwrap_or_default();
    // Defaults appear where the configuration says nothing …
    assert!(all.contains("\nservice pad\n"), "{all}");
    assert!(all.contains("\nnetconf max-sessions 4\n"), "{all}");
    assert!(all.contains("\n ip unreachables\n"), "{all}");
    assert!(all.contains("\n load-interval 300\n"), "{all}");
    // … never over what it says.
    assert!(!all.contains("\nip domain lookup\n"), "{all}");
    assert!(all.contains("\nno ip domain lookup\n"), "{all}");
    assert!(
        !all.contains("\n ip redirects\n") && all.contains("\n no ip redirects\n"),
        "{all}"
    );
    assert!(
        all.contains("\n mtu 9000\n") && !all.contains(" mtu 1500\n"),
        "{all}"
    );
    // And the plain form stays without them.
    let plain = ironconf_ios::filter::show_running_config(&cat, &cfg, &[], "")
        .map_err(|e| e.message)
        .unwrap_or_default();
    assert!(!plain.contains("service pad") && !plain.contains("load-interval"));
}
