// The ios fuzz target's property, shared with the engine's regression test
// (`crates/ios/tests/engine.rs`) by `include!`, so a saved input replays
// exactly what the fuzzer checked.
//
// Never panics on any input; whatever got applied renders to text that
// loads back to the same rendering; a rolled-back batch leaves the
// configuration as it was, in what it renders and in how it takes the next
// batch (salted hashes aside); a batch that stays reports a change exactly
// when the configuration changed. Lines before a line `%` (if any) are
// loaded first as the configuration the batch is applied to; the first
// byte picks the error option and the length's parity permissive loading.

fn ios_property(cat: &ironconf_ios::catalogue::Catalogue, data: &[u8]) {
    use ironconf_ios::apply::{ErrorOption, apply_batch, load};
    use ironconf_ios::config::Config;

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let option = match data.first().map(|b| b % 3) {
        Some(0) => ErrorOption::StopOnError,
        Some(1) => ErrorOption::ContinueOnError,
        _ => ErrorOption::RollbackOnError,
    };
    let permissive = data.len().is_multiple_of(2);
    let lines: Vec<&str> = text.lines().collect();
    let (base, batch) = match lines.iter().position(|l| *l == "%") {
        Some(i) => (&lines[..i], &lines[i + 1..]),
        None => (&[][..], &lines[..]),
    };
    let mut cfg = Config::new();
    let _ = apply_batch(
        cat,
        &mut cfg,
        base.iter().copied(),
        ErrorOption::ContinueOnError,
        true,
    );
    let before = cfg.clone();
    let result = apply_batch(cat, &mut cfg, batch.iter().copied(), option, permissive);
    let unchanged = cfg.render(cat, &[]) == before.render(cat, &[]);
    if result.rolled_back {
        assert!(result.changes.is_empty(), "input {text:?}");
        assert!(unchanged, "input {text:?}");
        // The same next batch on both gives the same configuration.
        let mut untouched = before;
        for c in [&mut cfg, &mut untouched] {
            let _ = apply_batch(
                cat,
                c,
                batch.iter().copied(),
                ErrorOption::ContinueOnError,
                permissive,
            );
        }
        assert_eq!(
            unsalted(&cfg.render(cat, &[])),
            unsalted(&untouched.render(cat, &[])),
            "input {text:?}"
        );
    } else {
        // The change record (configuration logging, archive) names a
        // change exactly when the configuration changed.
        assert_eq!(result.changes.is_empty(), unchanged, "input {text:?}");
    }
    let once = cfg.render(cat, &[]);
    let (again, _) = load(cat, &once);
    assert_eq!(again.render(cat, &[]), once, "input {text:?}");
}

/// The text with every salted hash (types 5, 8 and 9) as `$HASH`: hashing a
/// clear-text secret twice picks two random salts.
fn unsalted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        for (i, w) in line.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let salted = ["$1$", "$8$", "$9$"].iter().any(|p| w.starts_with(p));
            out.push_str(if salted { "$HASH" } else { w });
            if salted && w.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}
