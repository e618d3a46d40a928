//! Property tests of the engine: `no` undoes, rollback leaves no trace,
//! rendering is a fixed point.

use ironconf_ios::apply::{ErrorOption, apply_batch, load};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;
use proptest::prelude::*;

const BASE: &str = include_str!("corpus/access-switch.cfg");

/// A command (possibly several lines) and the lines that undo it, for
/// settings the base configuration does not have.
fn command() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    prop_oneof![
        (5u32..=16).prop_map(|n| (
            vec![format!("netconf max-sessions {n}")],
            vec!["no netconf max-sessions".into()]
        )),
        (11u32..=300).prop_map(|n| (
            vec![format!("netconf lock-time {n}")],
            vec!["no netconf lock-time".into()]
        )),
        (1u32..=2_147_483).prop_map(|n| (
            vec![format!("netconf max-message {n}")],
            vec!["no netconf max-message".into()]
        )),
        (0u32..=5)
            .prop_filter("not default", |n| *n != 3)
            .prop_map(|n| (
                vec![format!("ip ssh authentication-retries {n}")],
                vec!["no ip ssh auth".into()]
            )),
        (1000u32..2000, "[a-z]{1,12}").prop_map(|(n, d)| (
            vec![
                format!("interface Loopback{n}"),
                format!(" description {d}"),
                format!(" ip address 10.{}.{}.1 255.255.255.255", n / 250, n % 250)
            ],
            vec![format!("no interface lo{n}")]
        )),
        (50u32..99, 0u8..255).prop_map(|(n, o)| (
            vec![
                format!("access-list {n} permit host 192.0.2.{o}"),
                format!("access-list {n} deny any")
            ],
            vec![format!("no access-list {n}")]
        )),
        (0u8..255, 1u8..255).prop_map(|(a, b)| (
            vec![format!("ip route 198.18.{a}.0 255.255.255.0 10.99.3.{b}")],
            vec![format!(
                "no ip route 198.18.{a}.0 255.255.255.0 10.99.3.{b}"
            )]
        )),
        "[a-z]{3,10}".prop_map(|c| (
            vec![format!("snmp-server community {c} RW")],
            vec![format!("no snmp-server community {c}")]
        )),
        (0u8..255).prop_map(|o| (
            vec![format!("logging host 198.51.100.{o}")],
            vec![format!("no logging host 198.51.100.{o}")]
        )),
        (0u8..255).prop_map(|o| (
            vec![format!("ntp server 198.51.100.{o}")],
            vec![format!("no ntp server 198.51.100.{o}")]
        )),
        "[a-z]{3,10}".prop_map(|u| (
            vec![format!(
                "username x{u} privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0"
            )],
            vec![format!("no username x{u}")]
        )),
        (2u32..40).prop_map(|p| (
            vec![
                format!("interface GigabitEthernet1/0/{p}"),
                " shutdown".into()
            ],
            vec![
                format!("interface GigabitEthernet1/0/{p}"),
                " no shutdown".into()
            ]
        )),
        (1u32..40).prop_map(|p| (
            vec![
                format!("interface gi1/0/{p}"),
                " speed 100".into(),
                " duplex full".into()
            ],
            vec![
                format!("interface gi1/0/{p}"),
                "no speed".into(),
                "no duplex".into()
            ]
        )),
    ]
}

fn apply(cat: &Catalogue, cfg: &mut Config, lines: &[String]) -> bool {
    apply_batch(
        cat,
        cfg,
        lines.iter().map(String::as_str),
        ErrorOption::StopOnError,
        false,
    )
    .ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_undoes_what_was_applied(cmds in proptest::collection::vec(command(), 1..6)) {
        let cat = Catalogue::builtin();
        let (base, _) = load(&cat, BASE);
        let before = base.render(&cat, &[]);
        let mut cfg = base.clone();
        for (apply_lines, _) in &cmds {
            prop_assert!(apply(&cat, &mut cfg, apply_lines), "{:?}", apply_lines);
        }
        prop_assert_ne!(cfg.render(&cat, &[]), before.clone());
        for (_, undo) in cmds.iter().rev() {
            prop_assert!(apply(&cat, &mut cfg, undo), "{:?}", undo);
        }
        prop_assert_eq!(cfg.render(&cat, &[]), before);
    }

    #[test]
    fn rollback_on_error_leaves_no_trace(
        cmds in proptest::collection::vec(command(), 1..6),
        bad_at in 0usize..20,
        bad in prop_oneof![Just("netconf max-sessions 17"), Just("interface Bogus1"), Just("ip ssh time-out"), Just("frobnicate")],
    ) {
        let cat = Catalogue::builtin();
        let (mut cfg, _) = load(&cat, BASE);
        let before = cfg.render(&cat, &[]);
        let mut lines: Vec<String> = cmds.into_iter().flat_map(|(a, _)| a).collect();
        let at = bad_at.min(lines.len());
        lines.insert(at, bad.to_owned());
        let r = apply_batch(&cat, &mut cfg, lines.iter().map(String::as_str), ErrorOption::RollbackOnError, false);
        prop_assert!(r.rolled_back);
        prop_assert_eq!(cfg.render(&cat, &[]), before);
    }

    #[test]
    fn rendering_is_a_fixed_point(cmds in proptest::collection::vec(command(), 1..10)) {
        let cat = Catalogue::builtin();
        let mut cfg = Config::new();
        for (apply_lines, _) in &cmds {
            apply(&cat, &mut cfg, apply_lines);
        }
        let once = cfg.render(&cat, &[]);
        let (again, unknown) = load(&cat, &once);
        prop_assert!(unknown.is_empty());
        prop_assert_eq!(again.render(&cat, &[]), once);
    }
}
