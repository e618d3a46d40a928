//! Every parameter has IOS's type, range and length, and values IOS
//! refuses are refused here too, with IOS's message.

use ironconf_ios::apply::{Applier, ErrorOption, Outcome, apply_batch};
use ironconf_ios::catalogue::{BUILTIN, BUILTIN_EXEC, Catalogue};
use ironconf_ios::config::Config;
use ironconf_ios::param::ParamKind;
use ironconf_ios::parse::ParseError;

/// The first error of a batch, or `None`.
fn error(lines: &str) -> Option<ParseError> {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let r = apply_batch(
        &cat,
        &mut cfg,
        lines.lines(),
        ErrorOption::StopOnError,
        false,
    );
    r.failures.first().map(|f| f.error.clone())
}

fn rendered(lines: &str) -> String {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let r = apply_batch(
        &cat,
        &mut cfg,
        lines.lines(),
        ErrorOption::StopOnError,
        false,
    );
    assert!(r.ok(), "{:?}", r.failures);
    cfg.render(&cat, &[])
}

#[test]
fn every_catalogued_parameter_is_bounded() {
    // Walk both built-in catalogues' patterns: a WORD or LINE without a
    // length bound would let a peer store any amount of text.
    let mut unbounded = Vec::new();
    let mut count = 0;
    for text in [BUILTIN, BUILTIN_EXEC] {
        for line in text.lines() {
            let l = line.trim();
            if l.is_empty()
                || l.starts_with('#')
                || l.starts_with("help ")
                || l.starts_with("mode ")
            {
                continue;
            }
            let pattern = l.split_once(':').map_or("", |(_, p)| p);
            let pattern = pattern.split(';').next().unwrap_or("");
            for tok in pattern.split(|c: char| c.is_whitespace() || "[]()|".contains(c)) {
                if let Some(kind) = ParamKind::from_pattern(tok) {
                    count += 1;
                    if !kind.is_bounded() {
                        unbounded.push(l.to_owned());
                    }
                } else if tok.starts_with("WORD") || tok.starts_with("LINE") {
                    unbounded.push(format!("{l} (bad bound '{tok}')"));
                }
            }
        }
    }
    assert!(count > 150, "only {count} parameters seen");
    assert!(unbounded.is_empty(), "unbounded: {unbounded:#?}");
    // And the loaded catalogue agrees with the text.
    let cat = Catalogue::builtin();
    assert!(cat.rules().len() > 250);
}

#[test]
fn conflicting_bounds_at_one_position_are_a_catalogue_error() {
    let mut cat = Catalogue::empty();
    let r = cat.load("config: frob WORD:10 a\nconfig: frob WORD:20 b\n");
    assert_eq!(r.map_err(|e| e.line), Err(2));
    assert!(ParamKind::from_pattern("WORD:0").is_none());
    assert!(ParamKind::from_pattern("LINE:x").is_none());
}

#[test]
fn hostname_length_and_characters() {
    let long = "h".repeat(100);
    // `hostname ` is 9 characters: the caret goes under the 64th.
    assert_eq!(
        error(&format!("hostname {long}")),
        Some(ParseError::Invalid { column: 9 + 63 })
    );
    assert_eq!(error(&format!("hostname {}", "h".repeat(63))), None);
    // IOS warns about other characters, and takes the name.
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let mut a = Applier::new(&cat);
    assert_eq!(
        a.apply_line(&mut cfg, "hostname bad_name!"),
        Ok(Outcome::Warning(
            "% Hostname contains one or more illegal characters.".into()
        ))
    );
    assert!(cfg.render(&cat, &[]).contains("hostname bad_name!\n"));
}

#[test]
fn interface_numbers_have_their_type_range() {
    assert_eq!(
        error("interface Loopback2147483648"),
        Some(ParseError::Invalid { column: 18 })
    );
    assert_eq!(
        error("interface Loopback 2147483648"),
        Some(ParseError::Invalid { column: 19 })
    );
    assert_eq!(error("interface Loopback2147483647"), None);
    assert_eq!(
        error("interface Vlan4095"),
        Some(ParseError::Invalid { column: 14 })
    );
    assert_eq!(
        error("interface GigabitEthernet0/1.4294967296"),
        Some(ParseError::Invalid { column: 29 })
    );
    assert_eq!(error("interface GigabitEthernet0/1.4294967295"), None);
    assert_eq!(
        error("interface Port-channel0"),
        Some(ParseError::Invalid { column: 22 })
    );
}

#[test]
fn masks_are_contiguous_and_addresses_are_hosts() {
    assert_eq!(
        error("interface gi1\n ip address 10.0.0.1 255.0.255.0"),
        Some(ParseError::Refused(
            "Bad mask 0xFF00FF00 for address 10.0.0.1".into()
        ))
    );
    assert_eq!(
        error("interface gi1\n ip address 10.0.0.0 255.255.255.0"),
        Some(ParseError::Refused(
            "Bad mask /24 for address 10.0.0.0".into()
        ))
    );
    assert_eq!(
        error("ip route 10.1.1.0 255.255.0.0 Null0"),
        Some(ParseError::Refused("%Inconsistent address and mask".into()))
    );
    // A refused line changes nothing; the message has no caret.
    let e = ParseError::Refused("Bad mask /24 for address 10.0.0.0".into());
    assert_eq!(e.caret_line(10), None);
    assert_eq!(e.message("x"), "Bad mask /24 for address 10.0.0.0");
}

#[test]
fn lengths_of_names_and_texts() {
    let user = "u".repeat(5000);
    assert_eq!(
        error(&format!("username {user} secret 0 x")),
        Some(ParseError::Invalid { column: 9 + 64 })
    );
    let text = "d".repeat(1000);
    assert_eq!(
        error(&format!("interface gi1\ndescription {text}")),
        Some(ParseError::Invalid { column: 12 + 240 })
    );
    assert_eq!(
        error(&format!("interface gi1\ndescription {}", "d".repeat(240))),
        None
    );
    assert_eq!(
        error(&format!("vlan 10\n name {}", "v".repeat(33))),
        Some(ParseError::Invalid { column: 5 + 32 })
    );
    // The bound counts characters, not bytes.
    assert_eq!(
        error(&format!("interface gi1\ndescription {}", "é".repeat(240))),
        None
    );
}

#[test]
fn ipv6_addresses_are_typed_and_spelt_as_ios() {
    let text = rendered(
        "interface gi1\n ipv6 address 2001:db8:0:0::1/64\n ipv6 address fe80::1 link-local\n ipv6 address 2001:db8:1::/64 eui-64",
    );
    assert!(
        text.contains(
            " ipv6 address FE80::1 link-local\n ipv6 address 2001:DB8::1/64\n ipv6 address 2001:DB8:1::/64 eui-64\n"
        ),
        "{text}"
    );
    assert_eq!(
        error("interface gi1\n ipv6 address 2001:db8::g/64"),
        Some(ParseError::Invalid { column: 13 })
    );
    assert_eq!(
        error("interface gi1\n ipv6 address 2001:db8::1/129"),
        Some(ParseError::Invalid { column: 13 })
    );
}

#[test]
fn rollback_on_error_undoes_a_refused_batch() {
    let cat = Catalogue::builtin();
    let mut cfg = Config::new();
    let r = apply_batch(
        &cat,
        &mut cfg,
        [
            "hostname ok",
            "interface gi1",
            "ip address 10.0.0.1 255.0.255.0",
        ],
        ErrorOption::RollbackOnError,
        false,
    );
    assert!(r.rolled_back);
    assert_eq!(cfg.render(&cat, &[]), "!\nend\n");
}
