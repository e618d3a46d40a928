//! The XML reader and message parser on arbitrary bytes: never panic; what
//! parses writes back to something that parses to the same tree.
#![no_main]

use ironconf_proto::message::{Message, Rpc};
use ironconf_proto::xml::{self, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Ok(tree) = xml::parse(data, &limits) {
        let again = xml::parse(tree.to_xml().as_bytes(), &limits);
        assert_eq!(again.as_ref().ok(), Some(&tree));
    }
    if let Ok(Message::Rpc(e)) = ironconf_proto::parse_message(data, &limits) {
        let _ = Rpc::from_element(e);
    }
});
