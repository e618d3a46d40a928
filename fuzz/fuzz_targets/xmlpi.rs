//! XML-PI read back into CLI lines on arbitrary XML; the property checked
//! is in `fuzz/properties/xmlpi.rs`.
#![no_main]

use std::sync::OnceLock;

use ironconf_ios::catalogue::Catalogue;
use libfuzzer_sys::fuzz_target;

include!("../properties/xmlpi.rs");

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(Catalogue::builtin)
}

fuzz_target!(|data: &[u8]| {
    xmlpi_property(catalogue(), data);
});
