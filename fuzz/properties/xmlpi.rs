// The xmlpi fuzz target's property, shared with the engine's tests
// (`crates/ios/tests/xmlpi.rs`) by `include!`, so a saved input replays
// exactly what the fuzzer checked.
//
// Never panics on any input; whatever XML-PI the reader accepts, applied to
// an empty configuration, renders to text whose XML-PI reads back to the
// same text and the same XML.

/// `text` (a rendered configuration) through XML-PI and back: the text it
/// renders to when read back and applied to an empty configuration, its
/// XML, and the XML of that text.
#[allow(dead_code)]
fn through_xml(cat: &ironconf_ios::catalogue::Catalogue, text: &str) -> (String, String, String) {
    use ironconf_ios::apply::{ErrorOption, apply_batch};
    use ironconf_ios::config::Config;

    let write = |t: &str| {
        let mut out = Vec::new();
        ironconf_ios::xmlpi::write_config(cat, t, &mut out);
        String::from_utf8(out).unwrap_or_default()
    };
    let xml = write(text);
    let root = ironconf_proto::xml::parse(xml.as_bytes(), &Default::default())
        .unwrap_or_else(|e| panic!("written XML does not parse: {e}\n{xml}"));
    let lines = ironconf_ios::xmlpi::config_lines(cat, &root)
        .unwrap_or_else(|e| panic!("written XML does not read back: {}\n{xml}", e.message()));
    let mut cfg = Config::new();
    let result = apply_batch(
        cat,
        &mut cfg,
        lines.iter().map(String::as_str),
        ErrorOption::ContinueOnError,
        false,
    );
    assert!(
        result.failures.is_empty(),
        "lines read from written XML fail: {:?}\n{xml}",
        result.failures
    );
    let again = cfg.render(cat, &[]);
    let xml_again = write(&again);
    (again, xml, xml_again)
}

#[allow(dead_code)]
fn xmlpi_property(cat: &ironconf_ios::catalogue::Catalogue, data: &[u8]) {
    use ironconf_ios::apply::{ErrorOption, apply_batch};
    use ironconf_ios::config::Config;

    let Ok(root) = ironconf_proto::xml::parse(data, &Default::default()) else {
        return;
    };
    let Ok(lines) = ironconf_ios::xmlpi::config_lines(cat, &root) else {
        return;
    };
    let mut cfg = Config::new();
    let _ = apply_batch(
        cat,
        &mut cfg,
        lines.iter().map(String::as_str),
        ErrorOption::ContinueOnError,
        false,
    );
    let text = cfg.render(cat, &[]);
    let (again, xml, xml_again) = through_xml(cat, &text);
    assert_eq!(again, text, "input {:?}\nXML:\n{xml}", String::from_utf8_lossy(data));
    assert_eq!(xml_again, xml, "input {:?}", String::from_utf8_lossy(data));
}
