//! The session state machine driven by arbitrary input, packet splits and
//! clock steps, with a device that answers, defers and fails: it must never
//! panic, and every reply it sends must be a well-framed message.
#![no_main]

use std::time::Duration;

use ironconf_proto::capability::{BASE_1_0, BASE_1_1};
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::testing::ScriptedPeer;
use ironconf_session::{Reply, Request, RpcHandler, SessionConfig};
use libfuzzer_sys::fuzz_target;

#[derive(Default)]
struct Device {
    deferred: Vec<Request>,
}

impl RpcHandler for Device {
    fn handle_rpc(&mut self, r: &Request) -> Option<Reply> {
        match r.operation_name().len() % 3 {
            0 => Some(r.ok()),
            1 => Some(r.errors(&[RpcError::new(ErrorTag::OperationFailed)])),
            _ => {
                self.deferred.push(r.clone());
                None
            }
        }
    }
}

const HELLO: &[u8] = b"<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>";

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let mut config = SessionConfig::new(1, vec![BASE_1_0.into(), BASE_1_1.into()]);
    config.max_pending_rpcs = 1 + usize::from(data[0] % 4);
    config.max_message_size = Some(512);
    config.max_input_buffer = 4096;
    config.hello_timeout = Some(Duration::from_secs(5));
    config.idle_timeout = Some(Duration::from_secs(5));
    let mut p = ScriptedPeer::new(config, Device::default());
    if data[0] & 0x80 != 0 {
        p.send(HELLO);
    }
    // Each piece: a length byte, then that many bytes; 0xff steps the clock
    // and answers the oldest deferred rpc.
    let mut rest = &data[1..];
    while let Some((&n, tail)) = rest.split_first() {
        if n == 0xff {
            p.advance(Duration::from_secs(1));
            if !p.handler.deferred.is_empty() {
                let r = p.handler.deferred.remove(0);
                let reply = r.ok();
                let _ = p.session.send_reply(r.id, reply);
                p.pump();
            }
            rest = tail;
            continue;
        }
        let n = usize::from(n).min(tail.len());
        p.send(&tail[..n]);
        rest = &tail[n..];
    }
    p.send_eof();
    assert!(p.session.buffered_input() <= 4096 + 512);
});
