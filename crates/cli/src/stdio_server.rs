//! `ironconf stdio-server`: a NETCONF server on standard input and output
//! that does no work (every rpc answered `<ok/>`, `get`/`get-config` with
//! a fixed data file). Run as an OpenSSH `netconf` subsystem it measures
//! what SSH and framing alone cost: the ceiling any server can reach.

use std::io::{BufWriter, Read, Write};
use std::path::Path;

use bytes::BytesMut;
use ironconf_client::session::message_id_of;
use ironconf_proto::capability::{BASE_1_0, BASE_1_1};
use ironconf_proto::message::{HelloStyle, write_hello};
use ironconf_proto::{Frame, FrameDecoder, FrameStyle, Framing, Limits, Message, parse_message};

pub(crate) fn run(data_file: Option<&Path>) -> anyhow::Result<()> {
    let data = match data_file {
        Some(p) => std::fs::read_to_string(p)?,
        None => String::new(),
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = BufWriter::with_capacity(256 * 1024, std::io::stdout().lock());
    let caps = [BASE_1_0.to_owned(), BASE_1_1.to_owned()];
    let mut hello = Vec::new();
    write_hello(
        &mut hello,
        &caps,
        Some(std::process::id()),
        HelloStyle::default(),
    );
    let mut framed = BytesMut::new();
    ironconf_proto::framing::encode(
        &hello,
        Framing::EndOfMessage,
        FrameStyle::default(),
        &mut framed,
    );
    out.write_all(&framed)?;
    out.flush()?;
    let mut decoder = FrameDecoder::new(Framing::EndOfMessage);
    let mut framing = None;
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = input.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        while let Some(frame) = decoder.decode(&mut buf)? {
            let Frame::Message(body) = frame else {
                continue;
            };
            let Some(f) = framing else {
                // The client's hello picks the framing.
                let f = match parse_message(&body, &Limits::default()) {
                    Ok(Message::Hello(h)) if h.capabilities.iter().any(|c| c == BASE_1_1) => {
                        Framing::Chunked
                    }
                    _ => Framing::EndOfMessage,
                };
                decoder.set_framing(f);
                framing = Some(f);
                continue;
            };
            let text = String::from_utf8_lossy(&body);
            let id = message_id_of(&text).unwrap_or_default();
            let mut reply = format!(
                "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"{id}\">"
            );
            let close = text.contains("<close-session");
            if text.contains("<get-config") || text.contains("<get>") || text.contains("<get ") {
                reply.push_str("<data>");
                reply.push_str(&data);
                reply.push_str("</data>");
            } else {
                reply.push_str("<ok/>");
            }
            reply.push_str("</rpc-reply>");
            framed.clear();
            ironconf_proto::framing::encode(
                reply.as_bytes(),
                f,
                FrameStyle::default(),
                &mut framed,
            );
            out.write_all(&framed)?;
            if close {
                out.flush()?;
                return Ok(());
            }
        }
        out.flush()?;
    }
}
