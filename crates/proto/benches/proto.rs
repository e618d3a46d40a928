//! Framing and parsing throughput on a 10 MB message.
//!
//! `cargo bench -p ironconf-proto`; divan prints time per iteration, and the
//! byte counters turn it into throughput.

use bytes::BytesMut;
use divan::counter::BytesCount;
use ironconf_proto::framing::{Chunking, FrameDecoder, FrameStyle, Framing, encode};
use ironconf_proto::xml::Limits;

fn main() {
    divan::main();
}

/// An edit-config of `lines` interfaces as `<cmd>` lines (10.1 MB for 115,000).
fn edit_config(lines: usize) -> String {
    let mut s = String::with_capacity(lines * 60);
    s.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><rpc message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><edit-config><target><running/></target><config><cli-config-data>"#);
    for i in 0..lines {
        s.push_str(&format!(
            "<cmd>interface Loopback{i}</cmd>\n<cmd> description link &amp; &quot;{i}&quot;</cmd>\n"
        ));
    }
    s.push_str("</cli-config-data></config></edit-config></rpc>");
    s
}

const LINES: usize = 115_000;

#[divan::bench]
fn frame_decode_eom(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    let mut framed = BytesMut::new();
    encode(
        msg.as_bytes(),
        Framing::EndOfMessage,
        FrameStyle::default(),
        &mut framed,
    );
    let framed = framed.freeze();
    bencher.counter(BytesCount::new(framed.len())).bench(|| {
        let mut dec = FrameDecoder::new(Framing::EndOfMessage);
        let mut buf = BytesMut::from(&framed[..]);
        divan::black_box(dec.decode(&mut buf).ok().flatten())
    });
}

#[divan::bench]
fn frame_decode_chunked_64k(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    let mut framed = BytesMut::new();
    let style = FrameStyle {
        chunking: Chunking::MaxSize(65536),
        newline_before_eom: false,
    };
    encode(msg.as_bytes(), Framing::Chunked, style, &mut framed);
    let framed = framed.freeze();
    bencher.counter(BytesCount::new(framed.len())).bench(|| {
        let mut dec = FrameDecoder::new(Framing::Chunked);
        let mut buf = BytesMut::from(&framed[..]);
        divan::black_box(dec.decode(&mut buf).ok().flatten())
    });
}

/// The copy `BytesMut::from` makes in the decode benchmarks, alone, so the
/// decoder's own cost can be read off as the difference.
#[divan::bench]
fn baseline_copy(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    bencher
        .counter(BytesCount::new(msg.len()))
        .bench(|| divan::black_box(BytesMut::from(msg.as_bytes())));
}

#[divan::bench]
fn frame_encode_chunked_64k(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    let style = FrameStyle {
        chunking: Chunking::MaxSize(65536),
        newline_before_eom: false,
    };
    bencher.counter(BytesCount::new(msg.len())).bench(|| {
        let mut out = BytesMut::new();
        encode(msg.as_bytes(), Framing::Chunked, style, &mut out);
        divan::black_box(out)
    });
}

#[divan::bench]
fn parse_rpc(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    // The tree is dropped inside the timed closure, as roxmltree's is.
    bencher.counter(BytesCount::new(msg.len())).bench(|| {
        divan::black_box(ironconf_proto::parse_message(msg.as_bytes(), &Limits::default()).is_ok())
    });
}

/// roxmltree on the same document: a reference DOM parser measured in the
/// same run.
#[divan::bench]
fn baseline_roxmltree(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    bencher.counter(BytesCount::new(msg.len())).bench(|| {
        divan::black_box(roxmltree::Document::parse(&msg).map(|d| d.descendants().count()))
    });
}

/// quick-xml's namespace-resolving reader alone, doing nothing with the
/// events: the ceiling for any parser built on it.
#[divan::bench]
fn baseline_quick_xml_ns_events(bencher: divan::Bencher) {
    let msg = edit_config(LINES);
    bencher.counter(BytesCount::new(msg.len())).bench(|| {
        let mut r = quick_xml::reader::NsReader::from_str(&msg);
        let mut n = 0usize;
        loop {
            match r.read_resolved_event() {
                Ok((_, quick_xml::events::Event::Eof)) | Err(_) => break,
                Ok(_) => n += 1,
            }
        }
        divan::black_box(n)
    });
}
