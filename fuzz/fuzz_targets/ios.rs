//! The IOS command parser and configuration engine on arbitrary lines: never
//! panic, and whatever got applied renders to text that loads back to the
//! same rendering.
#![no_main]

use std::sync::OnceLock;

use ironconf_ios::apply::{ErrorOption, apply_batch, load};
use ironconf_ios::catalogue::Catalogue;
use ironconf_ios::config::Config;
use libfuzzer_sys::fuzz_target;

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(Catalogue::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cat = catalogue();
    let option = match data.first().map(|b| b % 3) {
        Some(0) => ErrorOption::StopOnError,
        Some(1) => ErrorOption::ContinueOnError,
        _ => ErrorOption::RollbackOnError,
    };
    let mut cfg = Config::new();
    let _ = apply_batch(cat, &mut cfg, text.lines(), option, data.len() % 2 == 0);
    let once = cfg.render(cat, &[]);
    let (again, _) = load(cat, &once);
    assert_eq!(again.render(cat, &[]), once);
});
