//! The IOS command parser and configuration engine on arbitrary lines; the
//! property checked is in `fuzz/properties/ios.rs`.
#![no_main]

use std::sync::OnceLock;

use ironconf_ios::catalogue::Catalogue;
use libfuzzer_sys::fuzz_target;

include!("../properties/ios.rs");

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(Catalogue::builtin)
}

fuzz_target!(|data: &[u8]| {
    ios_property(catalogue(), data);
});
