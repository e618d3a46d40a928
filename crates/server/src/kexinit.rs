//! Reads the client's algorithm lists from its first KEXINIT, as it passes
//! on the wire, so `show ssh` can show the negotiated cipher and MAC (russh
//! does not report them). Sans I/O: bytes in, lists out; bounded.

/// The client's offer, in its order of preference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ClientOffer {
    pub ciphers_c2s: Vec<String>,
    pub ciphers_s2c: Vec<String>,
    pub macs_c2s: Vec<String>,
    pub macs_s2c: Vec<String>,
}

/// Bytes looked at before giving up (identification lines plus one
/// KEXINIT fit easily).
const LIMIT: usize = 64 * 1024;
const MSG_KEXINIT: u8 = 20;

#[derive(Debug, Default)]
pub(crate) struct Sniffer {
    buf: Vec<u8>,
    done: bool,
    offer: Option<ClientOffer>,
}

impl Sniffer {
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    pub(crate) fn offer(&self) -> Option<&ClientOffer> {
        self.offer.as_ref()
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if self.done {
            return;
        }
        self.buf.extend_from_slice(bytes);
        match parse(&self.buf) {
            Parse::Offer(o) => {
                self.offer = Some(o);
                self.finish();
            }
            Parse::Invalid => self.finish(),
            Parse::More if self.buf.len() > LIMIT => self.finish(),
            Parse::More => {}
        }
    }

    fn finish(&mut self) {
        self.done = true;
        self.buf = Vec::new();
    }
}

enum Parse {
    More,
    Invalid,
    Offer(ClientOffer),
}

fn parse(buf: &[u8]) -> Parse {
    // Lines before and including the `SSH-` identification (RFC 4253 4.2).
    let mut at = 0;
    loop {
        let Some(nl) = buf[at..].iter().position(|b| *b == b'\n') else {
            return Parse::More;
        };
        let line = &buf[at..at + nl];
        at += nl + 1;
        if line.starts_with(b"SSH-") {
            break;
        }
    }
    let rest = &buf[at..];
    if rest.len() < 6 {
        return Parse::More;
    }
    let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    if len > LIMIT {
        return Parse::Invalid;
    }
    if rest.len() < 4 + len {
        return Parse::More;
    }
    let padding = usize::from(rest[4]);
    let Some(payload) = rest.get(5..(4 + len).saturating_sub(padding)) else {
        return Parse::Invalid;
    };
    if payload.first() != Some(&MSG_KEXINIT) || payload.len() < 17 {
        return Parse::Invalid;
    }
    let mut p = &payload[17..];
    let mut lists = Vec::new();
    for _ in 0..6 {
        let Some((list, next)) = name_list(p) else {
            return Parse::Invalid;
        };
        lists.push(list);
        p = next;
    }
    // kex, host key, cipher c2s, cipher s2c, mac c2s, mac s2c.
    let mut it = lists.into_iter().skip(2);
    Parse::Offer(ClientOffer {
        ciphers_c2s: it.next().unwrap_or_default(),
        ciphers_s2c: it.next().unwrap_or_default(),
        macs_c2s: it.next().unwrap_or_default(),
        macs_s2c: it.next().unwrap_or_default(),
    })
}

fn name_list(p: &[u8]) -> Option<(Vec<String>, &[u8])> {
    let len = u32::from_be_bytes(p.get(..4)?.try_into().ok()?) as usize;
    let body = p.get(4..4 + len)?;
    let text = std::str::from_utf8(body).ok()?;
    let list = text
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some((list, &p[4 + len..]))
}

/// RFC 4253 7.1: the first algorithm on the client's list that the server
/// also supports.
pub(crate) fn negotiated(client: &[String], server: &[&str]) -> Option<String> {
    client
        .iter()
        .find(|c| server.contains(&c.as_str()))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kexinit(lists: [&str; 10]) -> Vec<u8> {
        let mut payload = vec![MSG_KEXINIT];
        payload.extend_from_slice(&[7; 16]);
        for l in lists {
            payload.extend_from_slice(&(l.len() as u32).to_be_bytes());
            payload.extend_from_slice(l.as_bytes());
        }
        payload.extend_from_slice(&[0, 0, 0, 0, 0]);
        let padding = 8 - (payload.len() + 5) % 8 + 4;
        let mut out = ((payload.len() + padding + 1) as u32)
            .to_be_bytes()
            .to_vec();
        out.push(padding as u8);
        out.extend_from_slice(&payload);
        out.extend(std::iter::repeat_n(0, padding));
        out
    }

    #[test]
    fn reads_the_offer_across_reads() {
        let mut wire = b"junk line\r\nSSH-2.0-OpenSSH_9.6\r\n".to_vec();
        wire.extend(kexinit([
            "curve25519-sha256",
            "ssh-ed25519",
            "aes128-ctr,aes256-ctr",
            "aes256-ctr",
            "hmac-sha2-256,hmac-sha1",
            "hmac-sha1",
            "none",
            "none",
            "",
            "",
        ]));
        let mut s = Sniffer::default();
        for chunk in wire.chunks(7) {
            s.feed(chunk);
        }
        assert!(s.is_done());
        let o = s.offer().cloned().unwrap_or_default();
        assert_eq!(o.ciphers_c2s, ["aes128-ctr", "aes256-ctr"]);
        assert_eq!(o.macs_s2c, ["hmac-sha1"]);
        assert_eq!(
            negotiated(&o.ciphers_c2s, &["aes256-ctr", "aes128-ctr"]).as_deref(),
            Some("aes128-ctr")
        );
    }

    #[test]
    fn gives_up_on_garbage_and_stays_bounded() {
        let mut s = Sniffer::default();
        s.feed(b"SSH-2.0-x\r\n\xff\xff\xff\xff\x00\x14");
        assert!(s.is_done() && s.offer().is_none());
        let mut s = Sniffer::default();
        for _ in 0..100 {
            s.feed(&[b'a'; 1024]);
        }
        assert!(s.is_done() && s.offer().is_none());
    }
}
