//! The frame decoder on arbitrary bytes, split arbitrarily, in both framings,
//! with a size limit: it must never panic, and neither splitting nor taking
//! chunks whole (the client's mode) may change what it yields.
#![no_main]

use bytes::BytesMut;
use ironconf_proto::framing::{Frame, FrameDecoder, Framing};
use libfuzzer_sys::fuzz_target;

fn run(
    framing: Framing,
    limit: Option<u64>,
    whole_chunks: Option<usize>,
    pieces: &[&[u8]],
) -> Vec<Result<Frame, String>> {
    let mut dec = FrameDecoder::new(framing);
    dec.set_max_message_size(limit);
    dec.set_whole_chunks(whole_chunks);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for p in pieces {
        buf.extend_from_slice(p);
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(f)) => out.push(Ok(f)),
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    return out;
                }
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let framing = if data[0] & 1 == 0 { Framing::EndOfMessage } else { Framing::Chunked };
    let limit = if data[0] & 2 == 0 { None } else { Some(u64::from(data[1])) };
    let input = &data[2..];
    let split = usize::from(data[1]) % (input.len() + 1);
    let whole = run(framing, limit, None, &[input]);
    let (a, b) = input.split_at(split);
    let halves = run(framing, limit, None, &[a, b]);
    assert_eq!(whole, halves);
    let chunks_limit = if data[0] & 4 == 0 { 1 << 20 } else { usize::from(data[1]) };
    let whole_chunks = run(framing, limit, Some(chunks_limit), &[a, b]);
    assert_eq!(whole, whole_chunks);
});
