//! Scripted-peer tests of the session state machine: exact bytes in, exact
//! bytes out, simulated time.

use std::time::Duration;

use ironconf_proto::capability::{
    BASE_1_0, BASE_1_1, CISCO_NOTIFICATION, CISCO_PI_DATA_MODEL, ROLLBACK_ON_ERROR, STARTUP, URL,
    WRITEABLE_RUNNING,
};
use ironconf_proto::message::{OkStyle, ReplyStyle};
use ironconf_proto::{ErrorStyle, ErrorTag, FramingErrorKind, RpcError};
use ironconf_session::testing::ScriptedPeer;
use ironconf_session::{
    CloseReason, DataSource, MissingMessageId, NoHello, Reply, Request, RequestId, RpcHandler,
    SessionConfig,
};
use proptest::prelude::*;

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// A device stand-in: `get` answers data, `fail` an error, `defer` later.
#[derive(Debug, Default)]
struct Device {
    deferred: Vec<Request>,
    hellos: usize,
}

impl RpcHandler for Device {
    fn handle_rpc(&mut self, r: &Request) -> Option<Reply> {
        match r.operation_name() {
            "get" => {
                let mut d = r.data();
                d.writer.text_element("x", &r.operation.text());
                Some(d.finish())
            }
            "fail" => Some(r.errors(&[RpcError::new(ErrorTag::OperationFailed)])),
            "stream" => {
                let n = r.operation.text().trim().parse().unwrap_or(0);
                let mut d = r.data();
                d.writer.start("items");
                Some(d.stream(Box::new(Items { left: n })))
            }
            "defer" => {
                self.deferred.push(r.clone());
                None
            }
            other => Some(r.errors(&[RpcError::operation_not_supported(other)])),
        }
    }

    fn hello_received(&mut self, _: &[String], _: ironconf_proto::Framing) {
        self.hellos += 1;
    }
}

/// Writes `left` items of 1,000 characters, one per call, then closes.
struct Items {
    left: usize,
}

impl DataSource for Items {
    fn write_next(&mut self, w: &mut ironconf_proto::message::DataWriter) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        if self.left == 0 {
            w.text_element("i", &"a<".repeat(500)).end("items");
        } else {
            w.text_element("i", &"a<".repeat(500));
        }
        true
    }
}

fn rfc_config() -> SessionConfig {
    let mut c = SessionConfig::new(4, vec![BASE_1_0.into(), BASE_1_1.into()]);
    c.reply_style.xml_declaration = false;
    c.hello_style.xml_declaration = false;
    c
}

/// The IOS XE 16 agent's settings.
fn cisco_config() -> SessionConfig {
    let caps = [
        BASE_1_0,
        WRITEABLE_RUNNING,
        ROLLBACK_ON_ERROR,
        STARTUP,
        URL,
        CISCO_PI_DATA_MODEL,
        CISCO_NOTIFICATION,
    ];
    let mut c = SessionConfig::new(373835280, caps.iter().map(|s| s.to_string()).collect());
    c.reply_style = ReplyStyle {
        namespace_first: true,
        ok: OkStyle::Spaced,
        errors: ErrorStyle::CiscoMinimal,
        ..ReplyStyle::default()
    };
    c.missing_message_id = MissingMessageId::Accept;
    c.malformed_tag = ErrorTag::OperationFailed;
    c.reject_client_session_id = false;
    c
}

fn hello(caps: &[&str]) -> String {
    let caps: String = caps
        .iter()
        .map(|c| format!("<capability>{c}</capability>"))
        .collect();
    format!(r#"<hello xmlns="{NS}"><capabilities>{caps}</capabilities></hello>]]>]]>"#)
}

fn chunk(body: &str) -> String {
    format!("\n#{}\n{body}\n##\n", body.len())
}

fn peer(config: SessionConfig) -> ScriptedPeer<Device> {
    ScriptedPeer::new(config, Device::default())
}

#[test]
fn cisco_hello_is_byte_exact() {
    let mut p = peer(cisco_config());
    p.expect(format!(
        "{DECL}<hello xmlns=\"{NS}\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>\
<capability>urn:ietf:params:netconf:capability:writeable-running:1.0</capability>\
<capability>urn:ietf:params:netconf:capability:rollback-on-error:1.0</capability>\
<capability>urn:ietf:params:netconf:capability:startup:1.0</capability>\
<capability>urn:ietf:params:netconf:capability:url:1.0</capability>\
<capability>urn:cisco:params:netconf:capability:pi-data-model:1.0</capability>\
<capability>urn:cisco:params:netconf:capability:notification:1.0</capability>\
</capabilities><session-id>373835280</session-id></hello>]]>]]>"
    ));
    // The device sends nothing in answer to the client hello.
    p.send(hello(&["urn:ietf:params:xml:ns:netconf:base:1.0"]))
        .expect("");
    p.send(format!(
        r#"<rpc message-id="101" xmlns="{NS}"><lock><target><running/></target></lock></rpc>]]>]]>"#
    ));
    p.expect(format!(
        "{DECL}<rpc-reply xmlns=\"{NS}\" message-id=\"101\"><rpc-error><error-type>protocol</error-type>\
<error-tag>operation-not-supported</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>]]>]]>"
    ));
}

#[test]
fn rpc_before_hello_closes_with_no_hello() {
    let mut p = peer(rfc_config());
    p.take_output();
    p.send(format!(
        r#"<rpc message-id="1" xmlns="{NS}"><get/></rpc>]]>]]>"#
    ));
    assert_eq!(
        p.closed(),
        Some(&CloseReason::NoHello(NoHello::RpcBeforeHello))
    );
    assert!(p.session.is_closed());
    p.expect("");
}

#[test]
fn hello_timeout_fires_only_at_the_deadline() {
    let mut c = rfc_config();
    c.hello_timeout = Some(Duration::from_secs(30));
    let mut p = peer(c);
    assert_eq!(
        p.session.poll_timeout(),
        Some(p.now() + Duration::from_secs(30))
    );
    p.advance(Duration::from_secs(29));
    assert_eq!(p.closed(), None);
    p.advance(Duration::from_secs(1));
    assert_eq!(p.closed(), Some(&CloseReason::NoHello(NoHello::Timeout)));
    // After a hello, the hello deadline is gone.
    let mut c = rfc_config();
    c.hello_timeout = Some(Duration::from_secs(30));
    let mut p = peer(c);
    p.send(hello(&[BASE_1_0]));
    assert_eq!(p.session.poll_timeout(), None);
    p.advance(Duration::from_secs(60));
    assert_eq!(p.closed(), None);
}

#[test]
fn hello_problems_close_with_reasons() {
    let mut p = peer(cisco_config());
    p.send(hello(&[BASE_1_1]));
    assert_eq!(
        p.closed(),
        Some(&CloseReason::NoHello(NoHello::NoCommonBase))
    );

    let mut p = peer(rfc_config());
    p.send(format!(r#"<hello xmlns="{NS}"><capabilities><capability>{BASE_1_0}</capability></capabilities><session-id>5</session-id></hello>]]>]]>"#));
    assert_eq!(
        p.closed(),
        Some(&CloseReason::NoHello(NoHello::ClientSessionId))
    );

    // IOS ignores a client session-id.
    let mut p = peer(cisco_config());
    p.send(format!(r#"<hello><capabilities><capability>{BASE_1_0}</capability></capabilities><session-id>5</session-id></hello>]]>]]>"#));
    assert_eq!(p.closed(), None);
    assert!(p.session.is_established());

    let mut p = peer(rfc_config());
    p.send("<hello><oops></hello>]]>]]>");
    assert!(matches!(
        p.closed(),
        Some(CloseReason::NoHello(NoHello::BadHello(_)))
    ));

    let mut p = peer(rfc_config());
    p.send("<hel");
    p.send_eof();
    assert!(
        matches!(p.closed(), Some(CloseReason::Framing(e)) if e.kind == FramingErrorKind::Truncated)
    );

    let mut p = peer(rfc_config());
    p.send_eof();
    assert_eq!(p.closed(), Some(&CloseReason::NoHello(NoHello::EndOfInput)));
}

#[test]
fn hello_and_first_chunked_rpc_in_one_packet() {
    let mut p = peer(rfc_config());
    p.take_output();
    let rpc = format!(r#"<rpc message-id="1" xmlns="{NS}"><get>a</get></rpc>"#);
    p.send(hello(&[BASE_1_0, BASE_1_1]) + &chunk(&rpc));
    p.expect(chunk(&format!(
        r#"<rpc-reply message-id="1" xmlns="{NS}"><data><x>a</x></data></rpc-reply>"#
    )));
    assert_eq!(p.session.framing(), ironconf_proto::Framing::Chunked);
    assert_eq!(p.handler.hellos, 1);
}

#[test]
fn chunk_framed_client_hello_is_tolerated() {
    // ncclient may send its hello chunk-framed after seeing a 1.1 server hello.
    let mut p = peer(cisco_config());
    p.take_output();
    let h = hello(&[BASE_1_0, BASE_1_1]);
    p.send(chunk(h.trim_end_matches("]]>]]>")));
    assert!(p.session.is_established());
    assert_eq!(p.session.framing(), ironconf_proto::Framing::EndOfMessage);
    p.send("<rpc message-id=\"2\"><get>b</get></rpc>]]>]]>");
    assert!(p.take_text().contains("<data><x>b</x></data>"));
}

#[test]
fn every_rpc_attribute_is_echoed_verbatim() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send(format!(
        r#"<rpc message-id="urn:uuid:1&amp;2" xmlns="{NS}" xmlns:ex="http://example.net/content/1.0" ex:user-id="fred"><get/></rpc>]]>]]>"#
    ));
    p.expect(format!(
        r#"<rpc-reply message-id="urn:uuid:1&amp;2" xmlns:ex="http://example.net/content/1.0" ex:user-id="fred" xmlns="{NS}"><data><x></x></data></rpc-reply>]]>]]>"#
    ));
}

#[test]
fn missing_message_id_per_profile() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send(format!(r#"<rpc xmlns="{NS}"><get/></rpc>]]>]]>"#));
    p.expect(format!(
        r#"<rpc-reply xmlns="{NS}"><rpc-error><error-type>rpc</error-type><error-tag>missing-attribute</error-tag><error-severity>error</error-severity><error-message xml:lang="en">&lt;rpc&gt; has no message-id attribute</error-message><error-info><bad-attribute>message-id</bad-attribute><bad-element>rpc</bad-element></error-info></rpc-error></rpc-reply>]]>]]>"#
    ));
    let mut p = peer(cisco_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send("<rpc><get>z</get></rpc>]]>]]>");
    p.expect(format!(
        r#"{DECL}<rpc-reply xmlns="{NS}"><data><x>z</x></data></rpc-reply>]]>]]>"#
    ));
}

#[test]
fn replies_keep_request_order_when_completed_out_of_order() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0])).take_output();
    let mut batch = String::new();
    for (i, op) in ["defer", "get", "defer", "fail", "bogus"]
        .iter()
        .enumerate()
    {
        batch += &format!(r#"<rpc message-id="{i}"><{op}/></rpc>]]>]]>"#);
    }
    p.send(&batch);
    // Nothing can leave before rpc 0 is answered.
    p.expect("");
    assert_eq!(p.session.pending(), 2);
    let second = p.handler.deferred.remove(1);
    let reply = second.ok();
    assert_eq!(p.session.send_reply(second.id, reply), Ok(()));
    p.pump();
    p.expect("");
    let first = p.handler.deferred.remove(0);
    let reply = first.ok();
    assert_eq!(p.session.send_reply(first.id, reply), Ok(()));
    // Answering twice is refused, not a crash.
    assert!(p.session.send_reply(first.id, first.ok()).is_err());
    assert!(p.session.send_reply(RequestId(999), first.ok()).is_err());
    p.pump();
    let out = p.take_text();
    let ids: Vec<&str> = out
        .match_indices("message-id=\"")
        .map(|(i, _)| &out[i + 12..i + 13])
        .collect();
    assert_eq!(ids, vec!["0", "1", "2", "3", "4"], "{out}");
    assert!(out.contains("operation-not-supported"));
    let s = p.session.stats();
    assert_eq!((s.rpcs_received, s.replies_ok, s.replies_error), (5, 3, 2));
    assert_eq!(s.error_tags[ErrorTag::OperationFailed.index()], 1);
    assert_eq!(s.error_tags[ErrorTag::OperationNotSupported.index()], 1);
}

#[test]
fn too_big_is_answered_and_the_session_goes_on() {
    let mut c = cisco_config();
    c.max_message_size = Some(100);
    let mut p = peer(c);
    p.send(hello(&[BASE_1_0])).take_output();
    let big = format!(
        "<rpc message-id=\"1\"><get>{}</get></rpc>]]>]]>",
        "y".repeat(5000)
    );
    p.send(&big);
    p.expect(format!(
        "{DECL}<rpc-reply xmlns=\"{NS}\"><rpc-error><error-type>rpc</error-type><error-tag>too-big</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>]]>]]>"
    ));
    p.send("<rpc message-id=\"2\"><get>ok</get></rpc>]]>]]>");
    assert!(p.take_text().contains("<x>ok</x>"));
    assert_eq!(p.session.stats().error_tags[ErrorTag::TooBig.index()], 1);
    // The limit can change while the session runs.
    p.session.set_max_message_size(None);
    p.send(&big);
    assert!(p.take_text().contains("<data>"));
}

#[test]
fn malformed_messages_get_precise_errors() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0])).take_output();
    let cases: &[(&str, &str)] = &[
        ("<rpc message-id=\"1\"><get></rpc>", "malformed-message"),
        (
            "<!DOCTYPE rpc><rpc message-id=\"1\"><get/></rpc>",
            "malformed-message",
        ),
        (
            "<rpc message-id=\"1\"><get>&xxe;</get></rpc>",
            "malformed-message",
        ),
        (
            "<rpc message-id=\"1\" xmlns=\"urn:wrong\"><get/></rpc>",
            "unknown-namespace",
        ),
        ("<rpc message-id=\"1\"></rpc>", "missing-element"),
        (
            "<rpc message-id=\"1\"><get/><get/></rpc>",
            "unknown-element",
        ),
        (
            "<rpc-reply message-id=\"1\"><ok/></rpc-reply>",
            "malformed-message",
        ),
        ("<foo/>", "malformed-message"),
        ("\u{1}", "malformed-message"),
    ];
    for (input, tag) in cases {
        p.send(format!("{input}]]>]]>"));
        let out = p.take_text();
        assert!(
            out.contains(&format!("<error-tag>{tag}</error-tag>")),
            "{input}: {out}"
        );
        assert!(!p.session.is_closed(), "{input}");
    }
    // Attributes are still echoed when the envelope is wrong.
    p.send("<rpc message-id=\"77\"></rpc>]]>]]>");
    assert!(p.take_text().starts_with("<rpc-reply message-id=\"77\""));
    // IOS has no malformed-message: it answers operation-failed.
    let mut p = peer(cisco_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send("<rpc><get></rpc>]]>]]>");
    assert!(
        p.take_text()
            .contains("<error-type>rpc</error-type><error-tag>operation-failed</error-tag>")
    );
}

#[test]
fn second_hello_is_ignored() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send(hello(&[BASE_1_0])).expect("");
    assert!(p.session.is_established());
    assert_eq!(p.handler.hellos, 1);
}

#[test]
fn close_session_replies_in_order_then_closes() {
    let mut p = peer(cisco_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send(format!(
        r#"<rpc message-id="1"><defer/></rpc>]]>]]><nc:rpc xmlns:nc="{NS}" message-id="2"><nc:close-session/></nc:rpc>]]>]]><rpc message-id="3"><get/></rpc>]]>]]>"#
    ));
    p.expect("");
    assert_eq!(p.closed(), None);
    let d = p.handler.deferred.remove(0);
    let reply = d.ok();
    assert_eq!(p.session.send_reply(d.id, reply), Ok(()));
    p.pump();
    p.expect(format!(
        r#"{DECL}<rpc-reply xmlns="{NS}" message-id="1"><ok /></rpc-reply>]]>]]>{DECL}<rpc-reply xmlns="{NS}" xmlns:nc="{NS}" message-id="2"><ok /></rpc-reply>]]>]]>"#
    ));
    assert_eq!(p.closed(), Some(&CloseReason::CloseSession));
    // Nothing after close-session is read.
    assert_eq!(p.session.stats().rpcs_received, 2);
}

#[test]
fn pending_limit_holds_input_back_until_answers() {
    let mut c = rfc_config();
    c.max_pending_rpcs = 2;
    let mut p = peer(c);
    p.send(hello(&[BASE_1_0])).take_output();
    let batch: String = (0..4)
        .map(|i| format!("<rpc message-id=\"{i}\"><defer/></rpc>]]>]]>"))
        .collect();
    p.send(&batch);
    assert_eq!(p.handler.deferred.len(), 2);
    assert!(p.session.buffered_input() > 0);
    let d = p.handler.deferred.remove(0);
    let reply = d.ok();
    assert_eq!(p.session.send_reply(d.id, reply), Ok(()));
    p.pump();
    assert_eq!(p.handler.deferred.len(), 2);
    assert_eq!(p.handler.deferred[1].message_id.as_deref(), Some("2"));
}

#[test]
fn input_flood_while_pending_closes_the_session() {
    let mut c = rfc_config();
    c.max_pending_rpcs = 1;
    c.max_input_buffer = 10_000;
    let mut p = peer(c);
    p.send(hello(&[BASE_1_0])).take_output();
    let one = "<rpc message-id=\"1\"><defer/></rpc>]]>]]>";
    for _ in 0..400 {
        p.send(one);
    }
    assert_eq!(p.closed(), Some(&CloseReason::InputOverflow));
    assert!(p.session.buffered_input() == 0);
}

#[test]
fn idle_timeout_counts_only_without_pending_rpcs() {
    let mut c = rfc_config();
    c.idle_timeout = Some(Duration::from_secs(60));
    let mut p = peer(c);
    p.send(hello(&[BASE_1_0]));
    p.send("<rpc message-id=\"1\"><defer/></rpc>]]>]]>");
    assert_eq!(p.session.poll_timeout(), None);
    p.advance(Duration::from_secs(120));
    assert_eq!(p.closed(), None);
    let d = p.handler.deferred.remove(0);
    let reply = d.ok();
    assert_eq!(p.session.send_reply(d.id, reply), Ok(()));
    p.advance(Duration::from_secs(1));
    assert_eq!(p.closed(), Some(&CloseReason::IdleTimeout));
}

#[test]
fn kill_drops_output_and_eof_waits_for_pending_replies() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0]));
    p.session.kill();
    p.pump();
    assert_eq!(p.closed(), Some(&CloseReason::Killed));
    assert_eq!(p.session.poll_transmit(), None);

    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_0])).take_output();
    p.send("<rpc message-id=\"1\"><defer/></rpc>]]>]]>\n");
    p.send_eof();
    assert_eq!(p.closed(), None);
    let d = p.handler.deferred.remove(0);
    let reply = d.ok();
    assert_eq!(p.session.send_reply(d.id, reply), Ok(()));
    p.pump();
    assert!(p.take_text().contains("<ok/>"));
    assert_eq!(p.closed(), Some(&CloseReason::EndOfInput));
}

#[test]
fn rpcs_before_a_framing_error_are_still_answered() {
    let script = hello(&[BASE_1_1]) + &chunk("<rpc message-id=\"1\"><get>a</get></rpc>") + "\n#x\n";
    for bytewise in [false, true] {
        let mut p = peer(rfc_config());
        p.take_output();
        if bytewise {
            p.send_bytewise(&script);
        } else {
            p.send(&script);
        }
        assert!(p.take_text().contains("<x>a</x>"), "bytewise {bytewise}");
        assert!(
            matches!(p.closed(), Some(CloseReason::Framing(e)) if e.offset == script.len() as u64 - 2)
        );
    }
}

#[test]
fn framing_error_in_chunked_mode_closes() {
    let mut p = peer(rfc_config());
    p.send(hello(&[BASE_1_1])).take_output();
    p.send("\n#0\n");
    assert!(
        matches!(p.closed(), Some(CloseReason::Framing(e)) if e.kind == FramingErrorKind::ZeroChunkSize)
    );
}

/// A conversation fed whole and fed byte by byte gives identical output.
#[test]
fn bytewise_input_gives_identical_output() {
    let script = hello(&[BASE_1_0, BASE_1_1])
        + &chunk("<rpc message-id=\"1\"><get>a</get></rpc>")
        + &chunk("<rpc message-id=\"2\"><fail/></rpc>")
        + "\n#3\n<rp\n#31\nc message-id=\"3\"><get>b</get></\n#4\nrpc>\n##\n";
    let mut whole = peer(rfc_config());
    whole.send(&script);
    let mut bytewise = peer(rfc_config());
    bytewise.send_bytewise(&script);
    let a = whole.take_text();
    assert_eq!(a, bytewise.take_text());
    assert_eq!(a.matches("<rpc-reply").count(), 3, "{a}");
}

proptest! {
    /// Random chunk sizes and random packet splits never change the replies.
    #[test]
    fn any_chunking_and_split_gives_the_same_replies(
        chunk_sizes in proptest::collection::vec(1usize..40, 1..20),
        splits in proptest::collection::vec(1usize..64, 1..50),
    ) {
        let mut script = hello(&[BASE_1_1]);
        for i in 0..6 {
            let body = format!("<rpc message-id=\"{i}\"><get>v{i}</get></rpc>");
            let mut at = 0;
            let mut k = 0;
            while at < body.len() {
                let n = chunk_sizes[k % chunk_sizes.len()].min(body.len() - at);
                script += &format!("\n#{n}\n{}", &body[at..at + n]);
                at += n;
                k += 1;
            }
            script += "\n##\n";
        }
        let mut p = peer(rfc_config());
        p.take_output();
        let bytes = script.as_bytes();
        let mut at = 0;
        let mut k = 0;
        while at < bytes.len() {
            let n = splits[k % splits.len()].min(bytes.len() - at);
            p.send(&bytes[at..at + n]);
            at += n;
            k += 1;
        }
        let out = p.take_text();
        for i in 0..6 {
            let expected = format!("<rpc-reply message-id=\"{i}\" xmlns=\"{NS}\"><data><x>v{i}</x></data></rpc-reply>");
            let framed = chunk(&expected);
            prop_assert!(out.contains(&framed), "missing reply {}: {}", i, out);
        }
        prop_assert_eq!(p.closed(), None);
    }
}

/// A streamed reply is written while it is sent: each `poll_transmit`
/// writes about one part, the parts frame one message in either framing,
/// and replies after it wait for its end.
#[test]
fn streamed_replies_are_written_a_part_at_a_time() {
    for chunked in [false, true] {
        let mut p = peer(rfc_config());
        p.take_output();
        let caps: &[&str] = if chunked {
            &[BASE_1_0, BASE_1_1]
        } else {
            &[BASE_1_0]
        };
        p.send(hello(caps));
        let frame = |body: &str| {
            if chunked {
                chunk(body)
            } else {
                format!("{body}]]>]]>")
            }
        };
        // 300 items of about 1.5 kB escaped: about 450 kB in all.
        p.session.handle_input(
            (frame(&format!(
                r#"<rpc message-id="1" xmlns="{NS}"><stream>300</stream></rpc>"#
            )) + &frame(&format!(
                r#"<rpc message-id="2" xmlns="{NS}"><get>after</get></rpc>"#
            )))
                .as_bytes(),
            p.now(),
        );
        ironconf_session::dispatch(&mut p.session, &mut p.handler);
        let mut parts = Vec::new();
        while let Some(b) = p.session.poll_transmit() {
            // The session holds no more than one part written ahead.
            assert!(p.session.buffered_output() < 64 * 1024);
            parts.push(b);
        }
        assert!(parts.len() > 10, "{} parts", parts.len());
        assert!(parts.iter().all(|b| b.len() < 40 * 1024));
        let wire: Vec<u8> = parts.concat();
        let mut dec = ironconf_proto::FrameDecoder::new(if chunked {
            ironconf_proto::Framing::Chunked
        } else {
            ironconf_proto::Framing::EndOfMessage
        });
        let mut buf = bytes::BytesMut::from(&wire[..]);
        let mut messages = Vec::new();
        while let Ok(Some(ironconf_proto::Frame::Message(m))) = dec.decode(&mut buf) {
            messages.push(String::from_utf8_lossy(&m).into_owned());
        }
        assert_eq!(messages.len(), 2, "chunked {chunked}");
        let item = format!("<i>{}</i>", "a&lt;".repeat(500));
        assert_eq!(
            messages[0],
            format!(
                r#"<rpc-reply message-id="1" xmlns="{NS}"><data><items>{}</items></data></rpc-reply>"#,
                item.repeat(300)
            )
        );
        assert!(messages[1].contains("<x>after</x>"));
        assert_eq!(p.session.stats().replies_ok, 2);
    }
}

#[test]
fn notifications_are_framed_and_never_split_a_reply() {
    let note = r#"<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-11-30T00:00:00Z</eventTime><x/></notification>"#;
    // Before the hello exchange nothing is sent.
    let mut p = peer(rfc_config());
    p.take_output();
    assert!(!p.session.send_notification(note.as_bytes()));
    // Chunked: one chunk per notification, after the reply queued before it.
    let rpc = format!(r#"<rpc message-id="1" xmlns="{NS}"><get>a</get></rpc>"#);
    p.send(hello(&[BASE_1_0, BASE_1_1]) + &chunk(&rpc));
    assert!(p.session.send_notification(note.as_bytes()));
    p.pump();
    p.expect(
        chunk(&format!(
            r#"<rpc-reply message-id="1" xmlns="{NS}"><data><x>a</x></data></rpc-reply>"#
        )) + &chunk(note),
    );
    assert_eq!(p.session.stats().notifications, 1);
    // End-of-message framing for a base:1.0 peer.
    let mut p = peer(rfc_config());
    p.take_output();
    p.send(hello(&[BASE_1_0]));
    assert!(p.session.send_notification(note.as_bytes()));
    p.pump();
    p.expect(format!("{note}]]>]]>"));
    // After close-session, nothing more.
    p.send(format!(
        r#"<rpc message-id="2" xmlns="{NS}"><close-session/></rpc>]]>]]>"#
    ));
    p.take_output();
    assert!(!p.session.send_notification(note.as_bytes()));
}
