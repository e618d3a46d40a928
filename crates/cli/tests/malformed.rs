//! The malformed-input battery: broken framing, invalid XML, hostile
//! documents, bad envelopes and operations, limits, sent over real SSH to
//! the real binary. For each case: the precise `<rpc-error>` (or the close
//! the protocol leaves as the only answer), the session still serving when
//! it should, another session unaffected throughout, and the running
//! configuration unchanged unless the request was valid.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Device, start_with};
use ironconf_client::{Client, ConnectOptions, Datastore, Filter, RawSession};

const STARTUP: &str = "hostname battery\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
interface Loopback1\n description keep-me\n\
line vty 0 15\n login local\n transport input ssh\n\
netconf ssh\nnetconf max-sessions 16\nnetconf max-message 2048\n";

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Framing {
    Eom,
    Chunked,
}

enum Hello {
    Base10,
    Base11,
    /// Nothing: the input comes first.
    None,
    /// This hello, end-of-message framed, instead of ours.
    Raw(&'static str),
}

enum Expect {
    /// Replies containing each text; the session goes on serving.
    Reply(&'static [&'static str]),
    /// Replies containing each text, then the server ends the session.
    Closed(&'static [&'static str]),
    /// Nothing comes back while the server waits for more; the session
    /// is open and serving the other sessions.
    Waits,
}

struct Case {
    name: &'static str,
    hello: Hello,
    /// Sent after the hello, one `send` per piece (split packets).
    pieces: Vec<Vec<u8>>,
    expect: Expect,
    /// The request was valid and changes the running configuration.
    changes: bool,
}

fn framing_of(h: &Hello) -> Framing {
    match h {
        Hello::Base11 => Framing::Chunked,
        _ => Framing::Eom,
    }
}

fn eom(body: &str) -> Vec<u8> {
    format!("{body}]]>]]>").into_bytes()
}

fn chunk(body: &str) -> Vec<u8> {
    format!("\n#{}\n{body}\n##\n", body.len()).into_bytes()
}

fn rpc(id: &str, op: &str) -> String {
    format!("<rpc message-id=\"{id}\" xmlns=\"{NS}\">{op}</rpc>")
}

fn case(name: &'static str, hello: Hello, input: Vec<u8>, expect: Expect) -> Case {
    Case {
        name,
        hello,
        pieces: vec![input],
        expect,
        changes: false,
    }
}

/// An EOM-framed rpc case.
fn e(name: &'static str, op: &str, expect: Expect) -> Case {
    case(name, Hello::Base10, eom(&rpc("1", op)), expect)
}

/// An EOM-framed message given whole.
fn m(name: &'static str, message: &str, expect: Expect) -> Case {
    case(name, Hello::Base10, eom(message), expect)
}

/// A chunk-framed input given as raw bytes.
fn c(name: &'static str, bytes: &[u8], expect: Expect) -> Case {
    case(name, Hello::Base11, bytes.to_vec(), expect)
}

fn edit(cmds: &[&str]) -> String {
    let mut s = String::from("<edit-config><target><running/></target><config><cli-config-data>");
    for c in cmds {
        s.push_str(&format!("<cmd>{c}</cmd>"));
    }
    s.push_str("</cli-config-data></config></edit-config>");
    s
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let mut v = vec![
        // --- end-of-message framing ---
        m("eom: text before the root", &format!("xyz{}", rpc("1", "<get/>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("eom: empty message", "", Reply(&[])),
        m("eom: whitespace-only message", " \n\t ", Reply(&[])),
        m("eom: ]]> inside text", &rpc("1", "<get-config><source><running/></source><x>a]]>b</x></get-config>"), Reply(&["<error-tag>malformed-message</error-tag>"])),
        case("eom: two rpcs in one packet", Hello::Base10, [eom(&rpc("a", "<get/>")), eom(&rpc("b", "<get/>"))].concat(), Reply(&["message-id=\"a\"", "message-id=\"b\""])),
        Case { name: "eom: marker split across packets", hello: Hello::Base10, pieces: vec![format!("{}]]>]", rpc("1", "<get/>")).into_bytes(), b"]>".to_vec()], expect: Reply(&["message-id=\"1\"", "<data>"]), changes: false },
        Case { name: "eom: message split in the middle of a tag", hello: Hello::Base10, pieces: vec![b"<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><ge".to_vec(), b"t/></rpc>]]>]]>".to_vec()], expect: Reply(&["message-id=\"1\"", "<data>"]), changes: false },
        case("eom: a chunk header where a message belongs", Hello::Base10, chunk(&rpc("1", "<get/>")), Reply(&["message-id=\"1\""])),
        case("eom: message cut off by end of file", Hello::Base10, b"<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get/>".to_vec(), Waits),
        // --- chunked framing ---
        c("chunked: zero-length chunk", b"\n#0\n", Closed(&[])),
        c("chunked: size with a leading zero", b"\n#05\n<get/\n##\n", Closed(&[])),
        c("chunked: letter in the size", b"\n#1a\n", Closed(&[])),
        c("chunked: no LF after the size", b"\n#5<rpc/>", Closed(&[])),
        c("chunked: no # after LF", b"\n5\n<rpc/\n##\n", Closed(&[])),
        c("chunked: no LF before #", b"#5\n<rpc/\n##\n", Closed(&[])),
        c("chunked: size over 4294967295", b"\n#4294967296\n", Closed(&[])),
        c("chunked: end of chunks with no chunk", b"\n##\n", Closed(&[])),
        c("chunked: end of chunks not ended by LF", format!("\n#{}\n{}\n##x", rpc("1", "<get/>").len(), rpc("1", "<get/>")).as_bytes(), Closed(&[])),
        c("chunked: garbage between frames", [chunk(&rpc("1", "<get/>")), b"garbage".to_vec()].concat().as_slice(), Closed(&["message-id=\"1\""])),
        c("chunked: space inside the header", b"\n# 5\n<rpc/\n##\n", Closed(&[])),
        c("chunked: end-of-message marker instead", eom(&rpc("1", "<get/>")).as_slice(), Closed(&[])),
        c("chunked: huge declared chunk, never sent", b"\n#4294967295\n<rpc", Waits),
        c("chunked: declared chunk larger than max-message", format!("\n#{}\n", 3 * 1024 * 1024).as_bytes(), Waits),
        c("chunked: one-byte chunks", rpc("1", "<get/>").bytes().map(|b| format!("\n#1\n{}", b as char)).chain(std::iter::once("\n##\n".to_string())).collect::<String>().as_bytes(), Reply(&["message-id=\"1\"", "<data>"])),
        Case { name: "chunked: header split across packets", hello: Hello::Base11, pieces: vec![b"\n#".to_vec(), format!("{}\n{}\n#", rpc("1", "<get/>").len(), rpc("1", "<get/>")).into_bytes(), b"#\n".to_vec()], expect: Reply(&["message-id=\"1\"", "<data>"]), changes: false },
        // --- XML ---
        m("xml: mismatched end tag", &format!("<rpc message-id=\"1\" xmlns=\"{NS}\"><get></got></rpc>"), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: root never closed", &format!("<rpc message-id=\"1\" xmlns=\"{NS}\"><get/>"), Reply(&["<error-tag>malformed-message</error-tag>"])),
        case("xml: invalid UTF-8", Hello::Base10, [format!("<rpc message-id=\"1\" xmlns=\"{NS}\"><get><x>").into_bytes(), vec![0xff, 0xfe, 0xc3], b"</x></get></rpc>]]>]]>".to_vec()].concat(), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: UTF-16 declared", &format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}", rpc("1", "<get/>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: unbound prefix", &format!("<rpc message-id=\"1\" xmlns=\"{NS}\"><x:get/></rpc>"), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: two roots", &format!("{}{}", rpc("1", "<get/>"), rpc("2", "<get/>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: 10,000 nested elements", &rpc("1", &format!("<get>{}{}</get>", "<a>".repeat(10_000), "</a>".repeat(10_000))), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: 10 MB attribute", &rpc("1", &format!("<get a=\"{}\"/>", "x".repeat(10 * 1024 * 1024))), Reply(&["<error-tag>too-big</error-tag>"])),
        m("xml: 1,000,000 attributes", &rpc("1", &format!("<get {}/>", (0..1_000_000).map(|i| format!("a{i}=\"\" ")).collect::<String>())), Reply(&["<error-tag>too-big</error-tag>"])),
        m("xml: 1,000 attributes", &rpc("1", &format!("<get {}/>", (0..1_000).map(|i| format!("a{i}=\"\" ")).collect::<String>())), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: DTD", &format!("<!DOCTYPE rpc [<!ELEMENT rpc ANY>]>{}", rpc("1", "<get/>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: billion laughs", &format!("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>{}", rpc("1", "<get><x>&lol3;</x></get>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: external entity (XXE)", &format!("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}", rpc("1", "<get><x>&xxe;</x></get>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("xml: external DTD", &format!("<!DOCTYPE rpc SYSTEM \"http://example.com/x.dtd\">{}", rpc("1", "<get/>")), Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: undeclared entity", "<get><x>&foo;</x></get>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: character reference to NUL", "<get><x>&#0;</x></get>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: control character in text", "<get><x>\u{1}</x></get>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: < inside an attribute value", "<get a=\"<\"/>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: attribute given twice", "<get a=\"1\" a=\"2\"/>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: attribute without quotes", "<get a=1/>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: -- inside a comment", "<get><!-- a -- b --></get>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: empty element name", "< />", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: name starting with a digit", "<1get/>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        e("xml: comment and PI are fine", "<!-- c --><?pi x?><get-config><source><running/></source></get-config>", Reply(&["<data>"])),
        m("xml: byte-order mark is fine", &format!("\u{feff}{}", rpc("1", "<get/>")), Reply(&["<data>"])),
        e("xml: CDATA in a filter is fine", "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec><![CDATA[| include hostname]]></text-filter-spec></config-format-text-cmd></filter></get-config>", Reply(&["hostname battery"])),
        // --- the rpc envelope ---
        m("rpc: no message-id", &format!("<rpc xmlns=\"{NS}\"><get/></rpc>"), Reply(&["missing-attribute", "message-id"])),
        m("rpc: empty message-id", &format!("<rpc message-id=\"\" xmlns=\"{NS}\"><get/></rpc>"), Reply(&["message-id=\"\""])),
        e("rpc: no operation", "", Reply(&["missing-element"])),
        e("rpc: two operations", "<get/><get/>", Reply(&["<error-tag>unknown-element</error-tag>", "more than one operation"])),
        e("rpc: unknown operation", "<frobnicate/>", Reply(&["operation-not-supported"])),
        e("rpc: operation in a foreign namespace", "<get xmlns=\"urn:example:other\"/>", Reply(&["<error-tag>unknown-namespace</error-tag>", "<bad-namespace>urn:example:other</bad-namespace>"])),
        e("rpc: text instead of an operation", "hello", Reply(&["<error-tag>malformed-message</error-tag>", "text is not allowed"])),
        m("rpc: rpc in a foreign namespace", "<rpc message-id=\"1\" xmlns=\"urn:example:other\"><get/></rpc>", Reply(&["<error-tag>unknown-namespace</error-tag>", "urn:example:other"])),
        m("rpc: root is not a NETCONF message", "<foo/>", Reply(&["<error-tag>malformed-message</error-tag>"])),
        m("rpc: a client sends rpc-reply", &format!("<rpc-reply message-id=\"1\" xmlns=\"{NS}\"><ok/></rpc-reply>"), Reply(&["<error-tag>malformed-message</error-tag>", "may only send"])),
        m("rpc: 10,000-character message-id", &format!("<rpc message-id=\"{}\" xmlns=\"{NS}\"><get/></rpc>", "9".repeat(10_000)), Reply(&["<data>"])),
        // --- operations ---
        e("get-config: no source", "<get-config/>", Reply(&["missing-element", "source"])),
        e("get-config: unknown datastore", "<get-config><source><bogus/></source></get-config>", Reply(&["<error-tag>bad-element</error-tag>", "<bad-element>bogus</bad-element>"])),
        e("get-config: two sources", "<get-config><source><running/><startup/></source></get-config>", Reply(&["<error-tag>bad-element</error-tag>", "<bad-element>startup</bad-element>"])),
        e("get-config: candidate (not offered)", "<get-config><source><candidate/></source></get-config>", Reply(&["<error-tag>operation-not-supported</error-tag>", "candidate"])),
        e("get-config: url source", "<get-config><source><url>file:///etc/passwd</url></source></get-config>", Reply(&["<error-tag>operation-not-supported</error-tag>"])),
        e("get-config: bad text filter", "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include (</text-filter-spec></config-format-text-cmd></filter></get-config>", Reply(&["% Invalid regular expression"])),
        e("get: unknown filter type", "<get><filter type=\"frob\"/></get>", Reply(&["<error-tag>bad-attribute</error-tag>", "<bad-attribute>type</bad-attribute>"])),
        e("get: exec of an unknown command", "<get><filter><oper-data-format-text-block><exec>frobnicate</exec></oper-data-format-text-block></filter></get>", Reply(&["Invalid input detected"])),
        e("edit-config: no target", "<edit-config><config><cli-config-data><cmd>hostname x</cmd></cli-config-data></config></edit-config>", Reply(&["missing-element", "target"])),
        e("edit-config: no config", "<edit-config><target><running/></target></edit-config>", Reply(&["missing-element", "config"])),
        e("edit-config: unknown target", "<edit-config><target><bogus/></target><config><cli-config-data><cmd>hostname x</cmd></cli-config-data></config></edit-config>", Reply(&["<error-tag>bad-element</error-tag>", "<bad-element>bogus</bad-element>"])),
        e("edit-config: bad error-option", "<edit-config><target><running/></target><error-option>sometimes</error-option><config><cli-config-data><cmd>hostname x</cmd></cli-config-data></config></edit-config>", Reply(&["bad-element", "error-option"])),
        e("edit-config: bad default-operation", "<edit-config><target><running/></target><default-operation>maybe</default-operation><config><cli-config-data><cmd>hostname x</cmd></cli-config-data></config></edit-config>", Reply(&["<error-tag>invalid-value</error-tag>", "<bad-element>default-operation</bad-element>"])),
        e("edit-config: bad test-option", "<edit-config><target><running/></target><test-option>perhaps</test-option><config><cli-config-data><cmd>hostname x</cmd></cli-config-data></config></edit-config>", Reply(&["<error-tag>invalid-value</error-tag>", "<bad-element>test-option</bad-element>"])),
        e("edit-config: invalid CLI line", &edit(&["interface Loopback1", " frobnicate the widget"]), Reply(&["operation-failed"])),
        e("edit-config: invalid line, rollback-on-error", "<edit-config><target><running/></target><error-option>rollback-on-error</error-option><config><cli-config-data><cmd>hostname changed</cmd><cmd>bogus line</cmd></cli-config-data></config></edit-config>", Reply(&["operation-failed"])),
        e("edit-config: end in the middle, rollback-on-error", "<edit-config><target><running/></target><error-option>rollback-on-error</error-option><config><cli-config-data><cmd>hostname changed</cmd><cmd>end</cmd><cmd>hostname again</cmd></cli-config-data></config></edit-config>", Reply(&["operation-failed", "line 3: 'hostname again': % Invalid input detected"])),
        e("edit-config: 20,000-character invalid line", &edit(&[&format!("frobnicate {}", "x".repeat(20_000))]), Reply(&["operation-failed"])),
        e("edit-config: empty cli-config-data", "<edit-config><target><running/></target><config><cli-config-data/></config></edit-config>", Reply(&["<ok"])),
        e("edit-config: no of an absent line", &edit(&["no interface Loopback999"]), Reply(&["<ok"])),
        e("edit-config: unknown config format", "<edit-config><target><running/></target><config><frob/></config></edit-config>", Reply(&["<error-tag>operation-not-supported</error-tag>", "<bad-element>frob</bad-element>"])),
        e("copy-config: no source", "<copy-config><target><startup/></target></copy-config>", Reply(&["missing-element", "source"])),
        e("copy-config: startup to startup", "<copy-config><target><startup/></target><source><startup/></source></copy-config>", Reply(&["<error-tag>invalid-value</error-tag>"])),
        e("delete-config: running", "<delete-config><target><running/></target></delete-config>", Reply(&["<error-tag>operation-not-supported</error-tag>", "<bad-element>running</bad-element>"])),
        e("delete-config: no target", "<delete-config/>", Reply(&["missing-element"])),
        e("lock: no target", "<lock/>", Reply(&["missing-element"])),
        e("lock: unknown datastore", "<lock><target><bogus/></target></lock>", Reply(&["<error-tag>bad-element</error-tag>", "<bad-element>bogus</bad-element>"])),
        e("unlock: not locked", "<unlock><target><running/></target></unlock>", Reply(&["operation-failed"])),
        e("kill-session: no session-id", "<kill-session/>", Reply(&["missing-element", "session-id"])),
        e("kill-session: not a number", "<kill-session><session-id>abc</session-id></kill-session>", Reply(&["invalid-value"])),
        e("kill-session: no such session", "<kill-session><session-id>4000000000</session-id></kill-session>", Reply(&["invalid-value"])),
        // --- limits and the hello ---
        m("limit: message over max-message", &rpc("1", &format!("<get><x>{}</x></get>", "x".repeat(3 * 1024 * 1024))), Reply(&["<error-tag>too-big</error-tag>"])),
        case("hello: rpc before the hello", Hello::None, eom(&rpc("1", "<get/>")), Closed(&[])),
        case("hello: no base capability", Hello::Raw("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:example:x</capability></capabilities></hello>"), vec![], Closed(&[])),
        case("hello: client sends a session-id", Hello::Raw("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities><session-id>4</session-id></hello>"), vec![], Closed(&[])),
        case("hello: malformed", Hello::Raw("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"), vec![], Closed(&[])),
        case("hello: not XML at all", Hello::Raw("SSH-2.0-OpenSSH_9.2"), vec![], Closed(&[])),
        case("hello: a second hello", Hello::Base10, eom("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"), Reply(&[])),
        case("hello: chunk-framed client hello", Hello::None, chunk("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"), Reply(&[])),
        case("pipeline: 500 rpcs in one write", Hello::Base10, (0..500).map(|i| eom(&rpc(&i.to_string(), "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include hostname</text-filter-spec></config-format-text-cmd></filter></get-config>"))).collect::<Vec<_>>().concat(), Reply(&["message-id=\"0\"", "message-id=\"499\""])),
        e("close-session with content", "<close-session><x/></close-session>", Closed(&["message-id=\"1\""])),
    ];
    // Valid requests among the bad ones: they must still work.
    v.push(Case {
        changes: true,
        ..e(
            "valid: huge batch of 20,000 lines",
            &edit(
                &(0..10_000)
                    .flat_map(|i| {
                        [
                            format!("interface Loopback{}", 1000 + i),
                            format!(" description b{i}"),
                        ]
                    })
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            ),
            Reply(&["<ok"]),
        )
    });
    v
}

const HELLO_10: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>";
const HELLO_11: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>";

fn options(dev: &Device) -> ConnectOptions {
    common::key_options(dev, dev.port)
}

/// What a case did: the bytes that came back, and whether the session
/// was still serving (a probe rpc answered) or ended.
struct Outcome {
    output: String,
    serving: bool,
    ended: bool,
}

async fn run_case(opts: &ConnectOptions, c: &Case) -> Outcome {
    let limit = Duration::from_secs(20);
    let mut raw = RawSession::connect(opts).await.unwrap();
    raw.read_until(b"]]>]]>", limit).await.unwrap();
    match &c.hello {
        Hello::Base10 => raw.send(&eom(HELLO_10)).await.unwrap(),
        Hello::Base11 => raw.send(&eom(HELLO_11)).await.unwrap(),
        Hello::Raw(h) => raw.send(&eom(h)).await.unwrap(),
        Hello::None => {}
    }
    for (i, p) in c.pieces.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        // A server that has closed may refuse the rest; that is its answer.
        if raw.send(p).await.is_err() {
            break;
        }
    }
    let framing = framing_of(&c.hello);
    match c.expect {
        Expect::Reply(_) => {
            let probe = rpc(
                "probe",
                "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include hostname</text-filter-spec></config-format-text-cmd></filter></get-config>",
            );
            let (framed, end): (Vec<u8>, &[u8]) = match framing {
                Framing::Eom => (eom(&probe), b"]]>]]>"),
                Framing::Chunked => (chunk(&probe), b"\n##\n"),
            };
            let _ = raw.send(&framed).await;
            let mut out = Vec::new();
            let serving = match raw.read_until(b"message-id=\"probe\"", limit).await {
                Ok(before) => {
                    out.extend_from_slice(&before);
                    match raw.read_until(end, limit).await {
                        Ok(rest) => {
                            out.extend_from_slice(&rest);
                            String::from_utf8_lossy(&rest).contains("<cli-config-data>")
                        }
                        Err(_) => false,
                    }
                }
                Err(e) => {
                    out.extend_from_slice(e.to_string().as_bytes());
                    false
                }
            };
            let ended = raw.is_ended();
            raw.disconnect().await;
            Outcome {
                output: String::from_utf8_lossy(&out).into_owned(),
                serving,
                ended,
            }
        }
        Expect::Closed(_) => {
            let out = raw.read_quiet(Duration::from_secs(5), limit).await;
            let ended = raw.is_ended();
            raw.disconnect().await;
            Outcome {
                output: String::from_utf8_lossy(&out).into_owned(),
                serving: false,
                ended,
            }
        }
        Expect::Waits => {
            let out = raw
                .read_quiet(Duration::from_millis(600), Duration::from_secs(2))
                .await;
            let open = !raw.is_ended();
            // End of file in the middle of a message: the server closes.
            let _ = raw.send_eof().await;
            let closed = raw.wait_closed(limit).await;
            raw.disconnect().await;
            Outcome {
                output: String::from_utf8_lossy(&out).into_owned(),
                serving: open && closed,
                ended: !open,
            }
        }
    }
}

fn judge(c: &Case, o: &Outcome) -> Result<(), String> {
    let texts: &[&str] = match c.expect {
        Expect::Reply(t) => {
            if !o.serving {
                return Err("the session stopped serving".into());
            }
            t
        }
        Expect::Closed(t) => {
            if !o.ended {
                return Err("the server did not end the session".into());
            }
            t
        }
        Expect::Waits => {
            if o.output.contains("rpc-reply") || !o.serving {
                return Err("expected the server to wait, then close at end of file".into());
            }
            &[]
        }
    };
    for t in texts {
        if !o.output.contains(t) {
            return Err(format!("no {t:?} in the reply"));
        }
    }
    Ok(())
}

#[test]
fn malformed_input_battery() {
    let dev = start_with(STARTUP, &["--profile", "standard"]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cases = cases();
    assert!(cases.len() >= 80, "{} cases", cases.len());
    rt.block_on(async {
        let opts = options(&dev);
        // Another session, open through the whole battery.
        let observer = Client::connect(opts.clone()).await.unwrap();
        let running = |c: Client| async move {
            c.get_config(&Datastore::Running, &Filter::TextBlock(None))
                .await
                .map(|r| r.config_text().unwrap())
        };
        let mut config = running(observer.clone()).await.unwrap();
        let mut failures = Vec::new();
        for c in &cases {
            let o = run_case(&opts, c).await;
            let verbose = std::env::var_os("BATTERY_VERBOSE").is_some();
            if let Err(why) = judge(c, &o) {
                failures.push(format!(
                    "{}: {why}\n    serving={} ended={} output: {:.600}",
                    c.name, o.serving, o.ended, o.output
                ));
            } else if verbose {
                eprintln!("ok {}: {:.300}", c.name, o.output);
            }
            // The other session goes on, and nothing changed unless asked.
            match running(observer.clone()).await {
                Ok(now) if c.changes => config = now,
                Ok(now) if now != config => {
                    failures.push(format!("{}: the running configuration changed", c.name));
                    config = now;
                }
                Ok(_) => {}
                Err(e) => panic!("{}: the observing session failed: {e}", c.name),
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
        observer.close().await.unwrap();
    });
}
