//! XML-PI round trips over the whole catalogue: random configurations
//! drawn from every mode's command tree, rendered to XML-PI, read back and
//! applied to an empty configuration, render the same IOS text (and so the
//! same XML); and what the XML fuzz target checks, replayed on its saved
//! inputs.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use ironconf_ios::apply::{ErrorOption, apply_batch};
use ironconf_ios::catalogue::{Behaviour, Catalogue, ModeId, NodeId};
use ironconf_ios::config::Config;
use ironconf_ios::param::ParamKind;
use proptest::prelude::*;

include!("../../../fuzz/properties/xmlpi.rs");

/// A small deterministic generator (the case's seed is proptest's).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn word(&mut self, max: usize) -> String {
        let len = 1 + self.below(max.clamp(1, 10));
        (0..len)
            .map(|_| char::from(b'a' + self.below(26) as u8))
            .collect()
    }
}

fn value(rng: &mut Rng, kind: &ParamKind) -> String {
    match kind {
        ParamKind::Range(lo, hi) => {
            let span = hi - lo;
            let v = match rng.below(3) {
                0 => *lo,
                1 => *hi,
                _ => lo + rng.next() % (span + 1),
            };
            v.to_string()
        }
        ParamKind::Ipv4 => match rng.below(3) {
            0 => "255.255.255.0".into(),
            _ => format!(
                "10.{}.{}.{}",
                rng.below(256),
                rng.below(256),
                1 + rng.below(254)
            ),
        },
        ParamKind::Ipv6 => format!("2001:DB8::{:X}", 1 + rng.below(0xfffe)),
        ParamKind::Ipv6Prefix => format!("2001:DB8:{:X}::1/64", rng.below(0xffff)),
        ParamKind::Interface => {
            let names = [
                "Loopback",
                "GigabitEthernet1/0/",
                "GigabitEthernet",
                "Vlan",
                "Tunnel",
                "Port-channel",
            ];
            format!("{}{}", names[rng.below(names.len())], 1 + rng.below(40))
        }
        ParamKind::Word { max } => rng.word(max.unwrap_or(10)),
        ParamKind::Line { max } => {
            let words = 1 + rng.below(3);
            let mut s = String::new();
            for i in 0..words {
                if i > 0 {
                    s.push(' ');
                }
                s.push_str(&rng.word(6));
            }
            s.truncate(max.unwrap_or(240));
            s
        }
    }
}

/// A random line of `mode` (and its section's lines, indented), or `None`
/// when the walk met a dead end.
fn random_line(cat: &Catalogue, mode: ModeId, rng: &mut Rng, depth: usize, out: &mut Vec<String>) {
    let mut node: NodeId = cat.mode(mode).root;
    let mut words: Vec<String> = Vec::new();
    loop {
        let n = cat.node(node);
        let children = n.keywords.len() + n.params.len();
        let stop = n.terminal.is_some() && (children == 0 || rng.below(3) == 0);
        if stop || children == 0 || words.len() > 16 {
            break;
        }
        let pick = rng.below(children);
        if pick < n.keywords.len() {
            let (k, c) = &n.keywords[pick];
            words.push(k.clone());
            node = *c;
        } else {
            let (p, c) = &n.params[pick - n.keywords.len()];
            words.push(value(rng, p));
            node = *c;
        }
    }
    let Some(rule) = cat.node(node).terminal else {
        return;
    };
    let rule = cat.rule(rule);
    let indent = " ".repeat(depth);
    if rule.banner {
        out.push(format!("{indent}{} ^C", words[..words.len() - 1].join(" ")));
        out.push(rng.word(8));
        out.push("^C".into());
        return;
    }
    out.push(format!("{indent}{}", words.join(" ")));
    if let Behaviour::Section { enter, .. } = rule.behaviour {
        let m = cat.mode(enter);
        for _ in 0..rng.below(4) {
            if m.raw {
                out.push(format!("{indent} {}", rng.word(10)));
            } else {
                random_line(cat, enter, rng, depth + 1, out);
            }
        }
        out.push(format!("{indent} exit"));
    }
}

fn catalogue() -> Catalogue {
    let mut c = Catalogue::empty();
    c.load(ironconf_ios::catalogue::BUILTIN).expect("catalogue");
    c
}

fn random_config(cat: &Catalogue, seed: u64, lines: usize) -> String {
    let mut rng = Rng(seed | 1);
    let mut text = Vec::new();
    for _ in 0..lines {
        random_line(cat, cat.config_mode(), &mut rng, 0, &mut text);
    }
    let mut cfg = Config::new();
    let _ = apply_batch(
        cat,
        &mut cfg,
        text.iter().map(String::as_str),
        ErrorOption::ContinueOnError,
        false,
    );
    cfg.render(cat, &[])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Whatever the catalogue can configure survives XML-PI both ways.
    #[test]
    fn any_configuration_survives_xml_pi(seed in any::<u64>(), lines in 1usize..40) {
        let cat = catalogue();
        let text = random_config(&cat, seed, lines);
        let (again, xml, xml_again) = through_xml(&cat, &text);
        prop_assert_eq!(&again, &text, "XML:\n{}", xml);
        prop_assert_eq!(xml_again, xml);
    }
}

/// Every rule of every mode is reached by the generator: the property
/// covers the whole catalogue, not a part of it.
#[test]
fn the_generator_reaches_every_rule() {
    let cat = catalogue();
    let mut seen = vec![false; cat.rules().len()];
    let mut rng = Rng(7);
    for _ in 0..160_000 {
        let mut lines = Vec::new();
        random_line(&cat, cat.config_mode(), &mut rng, 0, &mut lines);
        // Which rules the lines matched, mode by mode, as the applier does.
        let mut cfg = Config::new();
        let mut applier = ironconf_ios::apply::Applier::new(&cat);
        for l in &lines {
            let mode = applier.mode();
            if let Ok(p) = ironconf_ios::parse::parse_line(&cat, mode, l, false)
                && let Some(r) = p.rule
            {
                seen[r.0 as usize] = true;
            }
            let _ = applier.apply_line(&mut cfg, l);
        }
    }
    let missing: Vec<&str> = cat
        .rules()
        .iter()
        .filter(|r| !seen[r.id.0 as usize] && cat.mode(r.mode).name != "exec")
        .map(|r| r.pattern.as_str())
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:#?}");
}

/// The fuzz target's property on its saved inputs.
#[test]
fn xmlpi_fuzz_regressions_replay() {
    let cat = catalogue();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("xmlpi-") {
            xmlpi_property(&cat, &std::fs::read(&path).expect("read"));
            n += 1;
        }
    }
    assert!(n > 0, "no xmlpi-* inputs in {}", dir.display());
}

#[test]
fn the_property_holds_on_a_sample() {
    let cat = catalogue();
    xmlpi_property(
        &cat,
        b"<Device-Configuration><hostname><SystemNetworkName>a</SystemNetworkName></hostname>\
          <interface><Param>Loopback1</Param><ConfigIf-Configuration><shutdown/></ConfigIf-Configuration></interface>\
          </Device-Configuration>",
    );
}

/// The corpus of real-world configurations survives XML-PI both ways.
#[test]
fn the_corpus_survives_xml_pi() {
    let cat = catalogue();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("cfg") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let (cfg, unknown) = ironconf_ios::apply::load(&cat, &text);
        assert!(unknown.is_empty(), "{}: {unknown:?}", path.display());
        let rendered = cfg.render(&cat, &[]);
        let (again, xml, xml_again) = through_xml(&cat, &rendered);
        assert_eq!(again, rendered, "{}", path.display());
        assert_eq!(xml_again, xml, "{}", path.display());
        assert!(!xml.contains("<X-Interface>"), "{}: {xml}", path.display());
        n += 1;
    }
    assert!(n >= 3, "{n} corpus files");
}
