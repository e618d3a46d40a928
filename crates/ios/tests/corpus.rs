//! Real-looking configurations (routers and switches, several hundred lines
//! each) load without unknown lines, render back byte for byte, and replay
//! through the command path to the same result.

use ironconf_ios::apply::{ErrorOption, apply_batch, load};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;

const CORPUS: &[(&str, &str)] = &[
    (
        "csr-edge-router.cfg",
        include_str!("corpus/csr-edge-router.cfg"),
    ),
    (
        "access-switch.cfg",
        include_str!("corpus/access-switch.cfg"),
    ),
    (
        "branch-router.cfg",
        include_str!("corpus/branch-router.cfg"),
    ),
];

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: {x:?} vs {y:?}", i + 1);
        }
    }
    format!("lengths {} vs {}", a.lines().count(), b.lines().count())
}

#[test]
fn corpus_loads_renders_and_replays() {
    let cat = Catalogue::builtin();
    for (name, text) in CORPUS {
        assert!(text.lines().count() >= 300, "{name} is too small");
        let (cfg, unknown) = load(&cat, text);
        let unknown: Vec<String> = unknown
            .iter()
            .map(|f| format!("{}: {}", f.index + 1, f.line))
            .collect();
        assert!(
            unknown.is_empty(),
            "{name}: lines the catalogue does not know: {unknown:?}"
        );
        let rendered = cfg.render(&cat, &[]);
        assert!(
            rendered == *text,
            "{name}: {}",
            first_difference(&rendered, text)
        );

        // Replay every line as a NETCONF <cmd> would, strictly.
        let mut replay = Config::new();
        let r = apply_batch(
            &cat,
            &mut replay,
            text.lines(),
            ErrorOption::StopOnError,
            false,
        );
        assert!(r.ok(), "{name}: {:?}", r.failures);
        assert_eq!(replay.render(&cat, &[]), rendered, "{name}");

        // Loading what was rendered is a fixed point.
        let (again, _) = load(&cat, &rendered);
        assert_eq!(again.render(&cat, &[]), rendered, "{name}");
    }
}

#[test]
fn replaying_onto_itself_changes_nothing() {
    let cat = Catalogue::builtin();
    for (name, text) in CORPUS {
        let (mut cfg, _) = load(&cat, text);
        let r = apply_batch(
            &cat,
            &mut cfg,
            text.lines(),
            ErrorOption::StopOnError,
            false,
        );
        assert!(r.ok(), "{name}");
        assert!(r.changes.is_empty(), "{name}: {:?}", r.changes.first());
    }
}
