//! Property tests: framing under every split and chunking, and the XML
//! reader checked against roxmltree as a differential oracle.

use bytes::BytesMut;
use ironconf_proto::framing::{Chunking, Frame, FrameDecoder, FrameStyle, Framing, encode};
use ironconf_proto::xml::{self, Attribute, Element, Limits, Node};
use proptest::prelude::*;

fn decode_stream(framing: Framing, pieces: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut dec = FrameDecoder::new(framing);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for p in pieces {
        buf.extend_from_slice(p);
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(Frame::Message(m))) => out.push(m.to_vec()),
                Ok(Some(Frame::TooBig { .. })) => out.push(b"TOO BIG".to_vec()),
                Ok(None) => break,
                Err(e) => {
                    out.push(format!("ERR {e}").into_bytes());
                    return out;
                }
            }
        }
    }
    out
}

/// Cuts `stream` into pieces of the given sizes, cycling through them.
fn split_at_sizes<'a>(stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for n in sizes.iter().cycle() {
        if at >= stream.len() {
            break;
        }
        let n = (*n).max(1).min(stream.len() - at);
        pieces.push(&stream[at..at + n]);
        at += n;
    }
    pieces
}

fn messages() -> Vec<Vec<u8>> {
    vec![
        b"<rpc message-id=\"1\"><get/></rpc>".to_vec(),
        b"<rpc message-id=\"2\"><x>]]>]]&gt;</x></rpc>".to_vec(),
        b"<rpc message-id=\"3\"/>".to_vec(),
    ]
}

#[test]
fn every_two_way_split_of_a_stream_decodes_identically() {
    for framing in [Framing::EndOfMessage, Framing::Chunked] {
        let msgs = messages();
        let mut stream = BytesMut::new();
        let style = FrameStyle {
            chunking: Chunking::MaxSize(7),
            newline_before_eom: true,
        };
        for m in &msgs {
            // A marker inside EOM content would end the message early.
            let m: &[u8] =
                if framing == Framing::EndOfMessage && m.windows(6).any(|w| w == b"]]>]]>") {
                    b"<rpc/>"
                } else {
                    m
                };
            encode(m, framing, style, &mut stream);
        }
        let whole = decode_stream(framing, &[&stream]);
        assert_eq!(whole.len(), 3, "{framing:?}: {whole:?}");
        for split in 0..=stream.len() {
            let (a, b) = stream.split_at(split);
            assert_eq!(
                decode_stream(framing, &[a, b]),
                whole,
                "{framing:?} split {split}"
            );
        }
    }
}

fn eom_message() -> impl Strategy<Value = Vec<u8>> {
    // Starts with '<' (leading whitespace is not part of a message) and
    // cannot contain the marker.
    proptest::collection::vec(
        prop_oneof![Just(b'a'), Just(b']'), Just(b'>'), Just(b'<'), Just(b'\n')],
        0..200,
    )
    .prop_map(|mut v| {
        v.insert(0, b'<');
        // Neither inside the content nor straddling its end.
        loop {
            let mut framed = v.clone();
            framed.extend_from_slice(b"]]>]]>");
            match framed.windows(6).position(|w| w == b"]]>]]>") {
                Some(pos) if pos < v.len() => v[pos] = b'a',
                _ => break,
            }
        }
        v
    })
}

proptest! {
    #[test]
    fn chunked_round_trip_any_content_any_chunks_any_splits(
        msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..300), 1..6),
        max_chunk in 1u32..64,
        splits in proptest::collection::vec(1usize..50, 1..20),
    ) {
        let mut stream = BytesMut::new();
        let style = FrameStyle { chunking: Chunking::MaxSize(max_chunk), newline_before_eom: false };
        for m in &msgs {
            encode(m, Framing::Chunked, style, &mut stream);
        }
        let pieces = split_at_sizes(&stream, &splits);
        prop_assert_eq!(decode_stream(Framing::Chunked, &pieces), msgs);
    }

    #[test]
    fn eom_round_trip_any_splits(
        msgs in proptest::collection::vec(eom_message(), 1..6),
        newline in any::<bool>(),
        splits in proptest::collection::vec(1usize..50, 1..20),
    ) {
        let mut stream = BytesMut::new();
        let style = FrameStyle { chunking: Chunking::OnePerMessage, newline_before_eom: newline };
        for m in &msgs {
            encode(m, Framing::EndOfMessage, style, &mut stream);
        }
        let pieces = split_at_sizes(&stream, &splits);
        let expected: Vec<Vec<u8>> = msgs.iter().map(|m| {
            let mut m = m.clone();
            if newline { m.push(b'\n'); }
            m
        }).collect();
        prop_assert_eq!(decode_stream(Framing::EndOfMessage, &pieces), expected);
    }

    #[test]
    fn size_limit_never_lets_a_large_message_through(
        sizes in proptest::collection::vec(1usize..400, 1..8),
        limit in 1u64..300,
        chunked in any::<bool>(),
    ) {
        let framing = if chunked { Framing::Chunked } else { Framing::EndOfMessage };
        let mut stream = BytesMut::new();
        let style = FrameStyle { chunking: Chunking::MaxSize(17), newline_before_eom: false };
        for s in &sizes {
            let mut m = vec![b'x'; *s];
            m[0] = b'<';
            encode(&m, framing, style, &mut stream);
        }
        let mut dec = FrameDecoder::new(framing);
        dec.set_max_message_size(Some(limit));
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for byte in stream.iter() {
            buf.extend_from_slice(&[*byte]);
            while let Ok(Some(f)) = dec.decode(&mut buf) {
                got.push(f);
            }
            // Never more than the limit (plus a partial marker) held.
            prop_assert!((buf.len() + dec.buffered()) as u64 <= limit + 6);
        }
        let expected: Vec<Frame> = sizes.iter().map(|s| {
            if *s as u64 > limit { Frame::TooBig { size: *s as u64 } }
            else { let mut m = vec![b'x'; *s]; m[0] = b'<'; Frame::Message(m.into()) }
        }).collect();
        prop_assert_eq!(got, expected);
    }
}

// ---- XML: roxmltree as the oracle ----

/// Compares our tree with roxmltree's: names, namespaces, attributes
/// (declarations aside), child elements in order, and direct text.
fn same_tree(ours: &Element, theirs: roxmltree::Node<'_, '_>) -> Result<(), String> {
    let tn = theirs.tag_name();
    if &*ours.name != tn.name() || ours.namespace.as_deref() != tn.namespace() {
        return Err(format!(
            "name {:?}/{:?} vs {:?}/{:?}",
            ours.name,
            ours.namespace,
            tn.name(),
            tn.namespace()
        ));
    }
    let mut a: Vec<(String, Option<String>, String)> = ours
        .attributes
        .iter()
        .filter(|a| !a.is_namespace_declaration())
        .map(|a| {
            (
                a.local_name().to_owned(),
                a.namespace.as_deref().map(str::to_owned),
                a.value.clone(),
            )
        })
        .collect();
    let mut b: Vec<(String, Option<String>, String)> = theirs
        .attributes()
        .map(|a| {
            (
                a.name().to_owned(),
                a.namespace().map(str::to_owned),
                a.value().to_owned(),
            )
        })
        .collect();
    a.sort();
    b.sort();
    if a != b {
        return Err(format!("attributes {a:?} vs {b:?}"));
    }
    // Whitespace-only text beside child elements is formatting, not data.
    let has_elements = theirs.children().any(|c| c.is_element());
    let their_text: String = theirs
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .filter(|t| !(has_elements && t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))))
        .collect();
    if ours.text() != their_text {
        return Err(format!("text {:?} vs {:?}", ours.text(), their_text));
    }
    let ours_children: Vec<&Element> = ours.child_elements().collect();
    let theirs_children: Vec<_> = theirs.children().filter(|c| c.is_element()).collect();
    if ours_children.len() != theirs_children.len() {
        return Err(format!(
            "{} vs {} children",
            ours_children.len(),
            theirs_children.len()
        ));
    }
    for (o, t) in ours_children.into_iter().zip(theirs_children) {
        same_tree(o, t)?;
    }
    Ok(())
}

fn check_against_oracle(input: &str) -> Result<(), TestCaseError> {
    let ours = xml::parse(input.as_bytes(), &Limits::default());
    // Leading whitespace is a documented leniency (scrapli sends it).
    let theirs = roxmltree::Document::parse(input.trim_start_matches([' ', '\t', '\r', '\n']));
    if let Ok(ours) = &ours {
        let doc = theirs.map_err(|e| {
            TestCaseError::fail(format!("we accepted, roxmltree refused ({e}): {input}"))
        })?;
        same_tree(ours, doc.root_element())
            .map_err(|e| TestCaseError::fail(format!("{e}: {input}")))?;
    }
    Ok(())
}

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just(" ".to_owned()),
            Just("\n".to_owned()),
            Just("é".to_owned()),
            Just("&".to_owned()),
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("]]>".to_owned()),
            Just("\r".to_owned()),
            Just("\t".to_owned()),
        ],
        0..8,
    )
    .prop_map(|v| v.concat())
}

fn element_strategy() -> impl Strategy<Value = Element> {
    let name = prop_oneof![
        Just("rpc"),
        Just("get"),
        Just("cmd"),
        Just("x-y"),
        Just("a.b")
    ];
    let prefix = prop_oneof![Just(None), Just(Some("nc")), Just(Some("cpi"))];
    let leaf = (
        name,
        prefix,
        proptest::collection::vec((0usize..3, text_strategy()), 0..3),
        text_strategy(),
    )
        .prop_map(|(name, prefix, attrs, text)| {
            let mut e = Element::new(name);
            e.prefix = prefix.map(str::to_owned);
            let mut seen = std::collections::BTreeSet::new();
            for (k, v) in attrs {
                let qname = ["message-id", "nc:operation", "ex"][k];
                if seen.insert(qname) {
                    e.attributes.push(Attribute {
                        qname: qname.to_owned(),
                        namespace: None,
                        value: v,
                    });
                }
            }
            if !text.is_empty() {
                e.children.push(Node::Text(text));
            }
            e
        });
    leaf.prop_recursive(4, 32, 4, |inner| {
        (
            inner.clone(),
            proptest::collection::vec(
                prop_oneof![
                    inner.prop_map(Node::Element),
                    text_strategy().prop_map(Node::Text)
                ],
                0..4,
            ),
        )
            .prop_map(|(mut parent, children)| {
                parent.children.extend(children);
                parent
            })
    })
}

/// Writes a document declaring the prefixes the generator uses.
fn document(root: &Element) -> String {
    let mut root = root.clone();
    root.attributes.push(Attribute {
        qname: "xmlns".into(),
        namespace: None,
        value: "urn:ietf:params:xml:ns:netconf:base:1.0".into(),
    });
    root.attributes.push(Attribute {
        qname: "xmlns:nc".into(),
        namespace: None,
        value: "urn:ietf:params:xml:ns:netconf:base:1.0".into(),
    });
    root.attributes.push(Attribute {
        qname: "xmlns:cpi".into(),
        namespace: None,
        value: "http://www.cisco.com/cpi_10/schema".into(),
    });
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}",
        root.to_xml()
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_documents_agree_with_roxmltree_and_round_trip(root in element_strategy()) {
        let doc = document(&root);
        let parsed = xml::parse(doc.as_bytes(), &Limits::default());
        prop_assert!(parsed.is_ok(), "{:?}: {}", parsed, doc);
        check_against_oracle(&doc)?;
        let parsed = parsed.unwrap_or_default();
        let again = xml::parse(parsed.to_xml().as_bytes(), &Limits::default());
        prop_assert_eq!(again.as_ref().ok(), Some(&parsed));
    }

    #[test]
    fn whatever_we_accept_roxmltree_accepts_identically(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("<a>"), Just("</a>"), Just("<b x='1'>"), Just("</b>"), Just("<c/>"),
                Just("<n:d xmlns:n='urn:n'>"), Just("</n:d>"), Just("<n:e/>"), Just("text"),
                Just("&amp;"), Just("&lt;"), Just("&#65;"), Just("&#x10FFFF;"), Just("&bogus;"),
                Just("<![CDATA[x<y]]>"), Just("<!--c-->"), Just("<?pi x?>"), Just(" "), Just("\n"),
                Just("<!DOCTYPE a>"), Just("<?xml version='1.0'?>"), Just("<a xmlns='urn:d'>"),
                Just("<f y=\"&quot;\" z='&#9;'/>"), Just("]]>"), Just("\u{feff}"), Just("<g a='1' a='2'/>"),
            ],
            0..12,
        )
    ) {
        check_against_oracle(&parts.concat())?;
    }
}
