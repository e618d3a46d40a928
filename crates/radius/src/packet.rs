//! RADIUS packets: requests encoded, replies checked and decoded.

use std::net::Ipv4Addr;

use thiserror::Error;

/// Packet codes (RFC 2865 §3, RFC 2866 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// Access-Request.
    AccessRequest = 1,
    /// Access-Accept.
    AccessAccept = 2,
    /// Access-Reject.
    AccessReject = 3,
    /// Accounting-Request.
    AccountingRequest = 4,
    /// Accounting-Response.
    AccountingResponse = 5,
    /// Access-Challenge.
    AccessChallenge = 11,
}

impl Code {
    fn from_u8(b: u8) -> Option<Code> {
        Some(match b {
            1 => Code::AccessRequest,
            2 => Code::AccessAccept,
            3 => Code::AccessReject,
            4 => Code::AccountingRequest,
            5 => Code::AccountingResponse,
            11 => Code::AccessChallenge,
            _ => return None,
        })
    }
}

/// Attribute types (RFC 2865 §5, RFC 2866 §5, RFC 2869, RFC 3579).
pub mod attribute {
    /// User-Name.
    pub const USER_NAME: u8 = 1;
    /// User-Password (hidden with the shared secret).
    pub const USER_PASSWORD: u8 = 2;
    /// NAS-IP-Address.
    pub const NAS_IP_ADDRESS: u8 = 4;
    /// NAS-Port.
    pub const NAS_PORT: u8 = 5;
    /// Service-Type.
    pub const SERVICE_TYPE: u8 = 6;
    /// Reply-Message.
    pub const REPLY_MESSAGE: u8 = 18;
    /// Class.
    pub const CLASS: u8 = 25;
    /// Vendor-Specific.
    pub const VENDOR_SPECIFIC: u8 = 26;
    /// Calling-Station-Id.
    pub const CALLING_STATION_ID: u8 = 31;
    /// NAS-Identifier.
    pub const NAS_IDENTIFIER: u8 = 32;
    /// Acct-Status-Type.
    pub const ACCT_STATUS_TYPE: u8 = 40;
    /// Acct-Delay-Time.
    pub const ACCT_DELAY_TIME: u8 = 41;
    /// Acct-Session-Id.
    pub const ACCT_SESSION_ID: u8 = 44;
    /// Acct-Authentic.
    pub const ACCT_AUTHENTIC: u8 = 45;
    /// Acct-Session-Time.
    pub const ACCT_SESSION_TIME: u8 = 46;
    /// Acct-Terminate-Cause.
    pub const ACCT_TERMINATE_CAUSE: u8 = 49;
    /// NAS-Port-Type.
    pub const NAS_PORT_TYPE: u8 = 61;
    /// Message-Authenticator (HMAC-MD5 of the packet).
    pub const MESSAGE_AUTHENTICATOR: u8 = 80;
    /// Cisco's vendor number.
    pub const VENDOR_CISCO: u32 = 9;
    /// Cisco-AVPair, Cisco's vendor attribute 1 (`shell:priv-lvl=15`).
    pub const CISCO_AVPAIR: u8 = 1;
    /// Service-Type Administrative-User.
    pub const SERVICE_ADMINISTRATIVE: u32 = 6;
    /// Service-Type NAS-Prompt-User.
    pub const SERVICE_NAS_PROMPT: u32 = 7;
    /// Service-Type Login-User.
    pub const SERVICE_LOGIN: u32 = 1;
    /// NAS-Port-Type Virtual (a vty).
    pub const PORT_VIRTUAL: u32 = 5;
}

/// The longest packet RADIUS allows.
pub const MAX_PACKET: usize = 4096;
const HEADER: usize = 20;
/// The longest password RFC 2865 hides (§5.2).
const MAX_PASSWORD: usize = 128;

/// Why a request could not be made or a reply was not taken.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes than a header.
    #[error("packet of {0} bytes, shorter than a RADIUS header")]
    TooShort(usize),
    /// More than RADIUS allows.
    #[error("packet of {0} bytes, longer than RADIUS allows (4096)")]
    TooLong(usize),
    /// The length field disagrees with what arrived.
    #[error("length field says {field} bytes, {received} received")]
    Length {
        /// The header's length.
        field: usize,
        /// Bytes received.
        received: usize,
    },
    /// A reply to another request.
    #[error("identifier {got}, expected {expected}")]
    WrongIdentifier {
        /// The request's identifier.
        expected: u8,
        /// The reply's.
        got: u8,
    },
    /// Not a reply to this kind of request.
    #[error("code {0} does not answer this request")]
    UnexpectedCode(u8),
    /// The Response Authenticator does not match: most often a shared
    /// secret that differs between the device and the server.
    #[error("response authenticator does not match (shared secret differs?)")]
    BadAuthenticator,
    /// The Message-Authenticator attribute does not match.
    #[error("Message-Authenticator does not match (shared secret differs?)")]
    BadMessageAuthenticator,
    /// An attribute whose length is impossible.
    #[error("attribute {kind} at byte {offset} has length {length}")]
    BadAttribute {
        /// Its type.
        kind: u8,
        /// Where it starts.
        offset: usize,
        /// The length it claims.
        length: u8,
    },
    /// A password RADIUS cannot carry.
    #[error("password longer than 128 bytes")]
    PasswordTooLong,
    /// An attribute value RADIUS cannot carry.
    #[error("attribute value of {0} bytes, longer than 253")]
    AttributeTooLong(usize),
    /// A request longer than a packet.
    #[error("request of {0} bytes, longer than RADIUS allows (4096)")]
    RequestTooLong(usize),
}

/// One attribute: its type and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Type.
    pub kind: u8,
    /// Value, as sent.
    pub value: Vec<u8>,
}

/// HMAC-MD5 (RFC 2104) of the concatenation of `parts`, keyed by `key`:
/// the Message-Authenticator.
pub fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..16].copy_from_slice(&md5::compute(key).0);
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = md5::Context::new();
    inner.consume(k.map(|b| b ^ 0x36));
    for p in parts {
        inner.consume(p);
    }
    let inner = inner.finalize();
    let mut outer = md5::Context::new();
    outer.consume(k.map(|b| b ^ 0x5c));
    outer.consume(inner.0);
    outer.finalize().0
}

fn md5_of(parts: &[&[u8]]) -> [u8; 16] {
    let mut c = md5::Context::new();
    for p in parts {
        c.consume(p);
    }
    c.finalize().0
}

/// A request ready to send: its bytes, and what its reply is checked
/// against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    bytes: Vec<u8>,
    code: Code,
}

impl Encoded {
    /// The packet.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its identifier.
    pub fn identifier(&self) -> u8 {
        self.bytes[1]
    }

    fn authenticator(&self) -> &[u8] {
        &self.bytes[4..HEADER]
    }
}

fn push_attribute(out: &mut Vec<u8>, kind: u8, value: &[u8]) -> Result<(), Error> {
    if value.len() > 253 {
        return Err(Error::AttributeTooLong(value.len()));
    }
    out.push(kind);
    out.push(value.len() as u8 + 2);
    out.extend_from_slice(value);
    Ok(())
}

fn finish_length(out: &mut [u8]) -> Result<(), Error> {
    if out.len() > MAX_PACKET {
        return Err(Error::RequestTooLong(out.len()));
    }
    let len = out.len() as u16;
    out[2..4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// A Cisco-AVPair attribute value (`shell:priv-lvl=15`).
fn cisco_avpair(pair: &str) -> Vec<u8> {
    let mut v = attribute::VENDOR_CISCO.to_be_bytes().to_vec();
    v.push(attribute::CISCO_AVPAIR);
    v.push(pair.len().min(251) as u8 + 2);
    v.extend_from_slice(&pair.as_bytes()[..pair.len().min(251)]);
    v
}

/// An Access-Request for a login with a password (PAP).
#[derive(Debug, Clone)]
pub struct AccessRequest {
    user: String,
    password: Vec<u8>,
    extra: Vec<Attribute>,
}

impl AccessRequest {
    /// A login of `user` with `password`.
    pub fn new(user: &str, password: &[u8]) -> Self {
        AccessRequest {
            user: user.to_owned(),
            password: password.to_vec(),
            extra: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn attribute(mut self, kind: u8, value: &[u8]) -> Self {
        self.extra.push(Attribute {
            kind,
            value: value.to_vec(),
        });
        self
    }

    /// NAS-Identifier: the device's hostname.
    pub fn nas_identifier(self, name: &str) -> Self {
        self.attribute(attribute::NAS_IDENTIFIER, name.as_bytes())
    }

    /// NAS-IP-Address.
    pub fn nas_ip(self, address: Ipv4Addr) -> Self {
        self.attribute(attribute::NAS_IP_ADDRESS, &address.octets())
    }

    /// Calling-Station-Id: where the login comes from.
    pub fn calling_station(self, id: &str) -> Self {
        self.attribute(attribute::CALLING_STATION_ID, id.as_bytes())
    }

    /// NAS-Port and NAS-Port-Type Virtual: the vty the login is on.
    pub fn vty(self, port: u32) -> Self {
        self.attribute(attribute::NAS_PORT, &port.to_be_bytes())
            .attribute(
                attribute::NAS_PORT_TYPE,
                &attribute::PORT_VIRTUAL.to_be_bytes(),
            )
    }

    /// A Cisco-AVPair.
    pub fn avpair(self, pair: &str) -> Self {
        let v = cisco_avpair(pair);
        self.attribute(attribute::VENDOR_SPECIFIC, &v)
    }

    /// The packet, with identifier `id` and the Request Authenticator
    /// `authenticator` (16 random bytes, new for each request), the
    /// password hidden and a Message-Authenticator added (RFC 3579) with
    /// `secret`.
    pub fn encode(&self, id: u8, authenticator: [u8; 16], secret: &[u8]) -> Result<Encoded, Error> {
        if self.password.len() > MAX_PASSWORD {
            return Err(Error::PasswordTooLong);
        }
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(&[Code::AccessRequest as u8, id, 0, 0]);
        out.extend_from_slice(&authenticator);
        push_attribute(&mut out, attribute::USER_NAME, self.user.as_bytes())?;
        push_attribute(
            &mut out,
            attribute::USER_PASSWORD,
            &hide_password(&self.password, &authenticator, secret),
        )?;
        for a in &self.extra {
            push_attribute(&mut out, a.kind, &a.value)?;
        }
        // Message-Authenticator last, zero while the HMAC is taken.
        push_attribute(&mut out, attribute::MESSAGE_AUTHENTICATOR, &[0; 16])?;
        finish_length(&mut out)?;
        let mac = hmac_md5(secret, &[&out]);
        let at = out.len() - 16;
        out[at..].copy_from_slice(&mac);
        Ok(Encoded {
            bytes: out,
            code: Code::AccessRequest,
        })
    }
}

/// User-Password as RFC 2865 §5.2 hides it: padded to 16-byte blocks,
/// each XORed with MD5(secret + the previous block).
fn hide_password(password: &[u8], authenticator: &[u8; 16], secret: &[u8]) -> Vec<u8> {
    let blocks = password.len().div_ceil(16).max(1);
    let mut padded = password.to_vec();
    padded.resize(blocks * 16, 0);
    let mut out = Vec::with_capacity(padded.len());
    let mut previous: Vec<u8> = authenticator.to_vec();
    for chunk in padded.chunks(16) {
        let b = md5_of(&[secret, &previous]);
        let c: Vec<u8> = chunk.iter().zip(b).map(|(p, k)| p ^ k).collect();
        out.extend_from_slice(&c);
        previous = c;
    }
    out
}

/// Reverses [`hide_password`] (for tests and a server's side).
pub fn reveal_password(hidden: &[u8], authenticator: &[u8; 16], secret: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hidden.len());
    let mut previous: &[u8] = authenticator;
    for chunk in hidden.chunks(16) {
        let b = md5_of(&[secret, previous]);
        out.extend(chunk.iter().zip(b).map(|(c, k)| c ^ k));
        previous = chunk;
    }
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

/// Acct-Status-Type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcctStatus {
    /// A session began.
    Start = 1,
    /// It ended.
    Stop = 2,
}

/// An Accounting-Request (RFC 2866).
#[derive(Debug, Clone)]
pub struct AccountingRequest {
    status: AcctStatus,
    session_id: String,
    user: String,
    extra: Vec<Attribute>,
}

impl AccountingRequest {
    /// A `status` record of session `session_id` for `user`.
    pub fn new(status: AcctStatus, session_id: &str, user: &str) -> Self {
        AccountingRequest {
            status,
            session_id: session_id.to_owned(),
            user: user.to_owned(),
            extra: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn attribute(mut self, kind: u8, value: &[u8]) -> Self {
        self.extra.push(Attribute {
            kind,
            value: value.to_vec(),
        });
        self
    }

    /// A 32-bit attribute (Acct-Session-Time, Acct-Terminate-Cause …).
    pub fn integer(self, kind: u8, value: u32) -> Self {
        self.attribute(kind, &value.to_be_bytes())
    }

    /// A Cisco-AVPair (`task_id=5`, `cmd=show version`).
    pub fn avpair(self, pair: &str) -> Self {
        let v = cisco_avpair(pair);
        self.attribute(attribute::VENDOR_SPECIFIC, &v)
    }

    /// The packet, whose Request Authenticator is the MD5 of the packet
    /// and the secret (RFC 2866 §3).
    pub fn encode(&self, id: u8, secret: &[u8]) -> Result<Encoded, Error> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(&[Code::AccountingRequest as u8, id, 0, 0]);
        out.extend_from_slice(&[0; 16]);
        push_attribute(
            &mut out,
            attribute::ACCT_STATUS_TYPE,
            &(self.status as u32).to_be_bytes(),
        )?;
        push_attribute(
            &mut out,
            attribute::ACCT_SESSION_ID,
            self.session_id.as_bytes(),
        )?;
        push_attribute(&mut out, attribute::USER_NAME, self.user.as_bytes())?;
        for a in &self.extra {
            push_attribute(&mut out, a.kind, &a.value)?;
        }
        finish_length(&mut out)?;
        let auth = md5_of(&[&out, secret]);
        out[4..HEADER].copy_from_slice(&auth);
        Ok(Encoded {
            bytes: out,
            code: Code::AccountingRequest,
        })
    }
}

/// A verified reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Accept, Reject, Challenge or Accounting-Response.
    pub code: Code,
    /// Its attributes, in order.
    pub attributes: Vec<Attribute>,
}

impl Reply {
    /// Checks `bytes` as the reply to `request` under `secret`: its size,
    /// identifier, code, Response Authenticator and Message-Authenticator
    /// (when present), then decodes it.
    pub fn verify(bytes: &[u8], request: &Encoded, secret: &[u8]) -> Result<Reply, Error> {
        if bytes.len() < HEADER {
            return Err(Error::TooShort(bytes.len()));
        }
        if bytes.len() > MAX_PACKET {
            return Err(Error::TooLong(bytes.len()));
        }
        let field = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
        if field < HEADER || field > bytes.len() {
            return Err(Error::Length {
                field,
                received: bytes.len(),
            });
        }
        // Octets past the length are padding (RFC 2865 §3).
        let bytes = &bytes[..field];
        if bytes[1] != request.identifier() {
            return Err(Error::WrongIdentifier {
                expected: request.identifier(),
                got: bytes[1],
            });
        }
        let code = Code::from_u8(bytes[0]).ok_or(Error::UnexpectedCode(bytes[0]))?;
        let answers = match request.code {
            Code::AccessRequest => matches!(
                code,
                Code::AccessAccept | Code::AccessReject | Code::AccessChallenge
            ),
            _ => code == Code::AccountingResponse,
        };
        if !answers {
            return Err(Error::UnexpectedCode(bytes[0]));
        }
        let expected = md5_of(&[
            &bytes[..4],
            request.authenticator(),
            &bytes[HEADER..],
            secret,
        ]);
        if bytes[4..HEADER] != expected {
            return Err(Error::BadAuthenticator);
        }
        let mut attributes = Vec::new();
        let mut at = HEADER;
        let mut message_authenticator = None;
        while at < bytes.len() {
            let kind = bytes[at];
            let length = bytes.get(at + 1).copied().unwrap_or(0);
            let end = at + usize::from(length);
            if length < 2 || end > bytes.len() {
                return Err(Error::BadAttribute {
                    kind,
                    offset: at,
                    length,
                });
            }
            if kind == attribute::MESSAGE_AUTHENTICATOR {
                if length != 18 {
                    return Err(Error::BadAttribute {
                        kind,
                        offset: at,
                        length,
                    });
                }
                message_authenticator = Some(at + 2);
            }
            attributes.push(Attribute {
                kind,
                value: bytes[at + 2..end].to_vec(),
            });
            at = end;
        }
        if let Some(m) = message_authenticator {
            // Over the reply with the request's authenticator in place of
            // its own and the attribute's value zero (RFC 3579 §3.2).
            let mac = hmac_md5(
                secret,
                &[
                    &bytes[..4],
                    request.authenticator(),
                    &bytes[HEADER..m],
                    &[0; 16],
                    &bytes[m + 16..],
                ],
            );
            if bytes[m..m + 16] != mac {
                return Err(Error::BadMessageAuthenticator);
            }
        }
        Ok(Reply { code, attributes })
    }

    /// Values of attributes of type `kind`.
    pub fn values(&self, kind: u8) -> impl Iterator<Item = &[u8]> {
        self.attributes
            .iter()
            .filter(move |a| a.kind == kind)
            .map(|a| a.value.as_slice())
    }

    /// Cisco-AVPairs (`shell:priv-lvl=15`), in order.
    pub fn cisco_avpairs(&self) -> Vec<String> {
        let mut pairs = Vec::new();
        for v in self.values(attribute::VENDOR_SPECIFIC) {
            if v.len() < 4 || v[..4] != attribute::VENDOR_CISCO.to_be_bytes() {
                continue;
            }
            // Sub-attributes: type, length, value.
            let mut at = 4;
            while at + 2 <= v.len() {
                let (kind, len) = (v[at], usize::from(v[at + 1]));
                if len < 2 || at + len > v.len() {
                    break;
                }
                if kind == attribute::CISCO_AVPAIR {
                    pairs.push(String::from_utf8_lossy(&v[at + 2..at + len]).into_owned());
                }
                at += len;
            }
        }
        pairs
    }

    /// Service-Type, if sent.
    pub fn service_type(&self) -> Option<u32> {
        self.values(attribute::SERVICE_TYPE)
            .find_map(|v| <[u8; 4]>::try_from(v).ok().map(u32::from_be_bytes))
    }

    /// Reply-Message texts, joined.
    pub fn reply_message(&self) -> Option<String> {
        let text: Vec<String> = self
            .values(attribute::REPLY_MESSAGE)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        (!text.is_empty()).then(|| text.concat())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn hmac_md5_matches_rfc_2202() {
        assert_eq!(
            hex(&hmac_md5(&[0x0b; 16], &[b"Hi There"])),
            "9294727a3638bb1c13f48ef8158bfc9d"
        );
        assert_eq!(
            hex(&hmac_md5(b"Jefe", &[b"what do ya want ", b"for nothing?"])),
            "750c783e6ab0b503eaa86e310a5db738"
        );
        // A key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_md5(
                &[0xaa; 80],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            )),
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"
        );
    }

    #[test]
    fn passwords_are_hidden_per_block_and_revealed_with_the_secret() {
        let auth = [7u8; 16];
        for pw in [
            &b""[..],
            b"x",
            b"exactly16bytes!!",
            b"a password of more than 16 bytes",
        ] {
            let hidden = hide_password(pw, &auth, b"s");
            assert_eq!(hidden.len(), pw.len().div_ceil(16).max(1) * 16);
            assert_eq!(reveal_password(&hidden, &auth, b"s"), pw);
            if !pw.is_empty() {
                assert_ne!(&hidden[..pw.len()], pw);
                assert_ne!(reveal_password(&hidden, &auth, b"t"), pw);
            }
        }
    }

    fn reply(code: u8, request: &Encoded, attrs: &[u8], secret: &[u8]) -> Vec<u8> {
        let mut out = vec![code, request.identifier(), 0, 0];
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(attrs);
        let len = out.len() as u16;
        out[2..4].copy_from_slice(&len.to_be_bytes());
        let auth = md5_of(&[&out[..4], request.authenticator(), attrs, secret]);
        out[4..20].copy_from_slice(&auth);
        out
    }

    #[test]
    fn requests_carry_their_attributes_and_a_valid_message_authenticator() {
        let req = AccessRequest::new("alice", b"pw")
            .nas_identifier("R1")
            .vty(2)
            .encode(9, [1; 16], b"secret")
            .unwrap();
        let b = req.bytes();
        assert_eq!(b[0], 1);
        assert_eq!(b[1], 9);
        assert_eq!(usize::from(u16::from_be_bytes([b[2], b[3]])), b.len());
        assert_eq!(&b[20..27], &[1, 7, b'a', b'l', b'i', b'c', b'e']);
        assert_eq!(&b[27..29], &[2, 18]);
        let m = b.len() - 16;
        assert_eq!(b[m - 2], attribute::MESSAGE_AUTHENTICATOR);
        let mac = hmac_md5(b"secret", &[&b[..m], &[0; 16]]);
        assert_eq!(&b[m..], &mac);
        assert_eq!(
            AccessRequest::new("a", &[b'x'; 129]).encode(1, [0; 16], b"s"),
            Err(Error::PasswordTooLong)
        );
    }

    #[test]
    fn replies_are_verified_before_they_are_believed() {
        let secret = b"testing123";
        let req = AccessRequest::new("bob", b"pw")
            .encode(42, [3; 16], secret)
            .unwrap();
        // Accept with a Cisco-AVPair and Service-Type.
        let mut attrs = vec![attribute::SERVICE_TYPE, 6, 0, 0, 0, 6];
        let pair = cisco_avpair("shell:priv-lvl=15");
        attrs.extend_from_slice(&[attribute::VENDOR_SPECIFIC, pair.len() as u8 + 2]);
        attrs.extend_from_slice(&pair);
        let ok = reply(2, &req, &attrs, secret);
        let r = Reply::verify(&ok, &req, secret).unwrap();
        assert_eq!(r.code, Code::AccessAccept);
        assert_eq!(r.cisco_avpairs(), vec!["shell:priv-lvl=15".to_owned()]);
        assert_eq!(r.service_type(), Some(6));
        // Padding after the length is ignored.
        let mut padded = ok.clone();
        padded.extend_from_slice(&[0; 5]);
        assert!(Reply::verify(&padded, &req, secret).is_ok());
        // Another secret, another identifier, a truncated packet, a length
        // past the data, a code that answers nothing, a broken attribute.
        assert_eq!(
            Reply::verify(&ok, &req, b"other"),
            Err(Error::BadAuthenticator)
        );
        let mut other = ok.clone();
        other[1] = 43;
        assert_eq!(
            Reply::verify(&other, &req, secret),
            Err(Error::WrongIdentifier {
                expected: 42,
                got: 43
            })
        );
        assert_eq!(
            Reply::verify(&ok[..10], &req, secret),
            Err(Error::TooShort(10))
        );
        assert_eq!(
            Reply::verify(&ok[..ok.len() - 1], &req, secret),
            Err(Error::Length {
                field: ok.len(),
                received: ok.len() - 1
            })
        );
        assert_eq!(
            Reply::verify(&reply(5, &req, &[], secret), &req, secret),
            Err(Error::UnexpectedCode(5))
        );
        assert_eq!(
            Reply::verify(&reply(2, &req, &[18, 1], secret), &req, secret),
            Err(Error::BadAttribute {
                kind: 18,
                offset: 20,
                length: 1
            })
        );
        assert_eq!(
            Reply::verify(&vec![0u8; 5000], &req, secret),
            Err(Error::TooLong(5000))
        );
        // A Message-Authenticator is checked when present.
        let mut with_mac = attrs.clone();
        with_mac.extend_from_slice(&[attribute::MESSAGE_AUTHENTICATOR, 18]);
        with_mac.extend_from_slice(&[0; 16]);
        let mut full = vec![2, 42, 0, 0];
        full.extend_from_slice(&[0; 16]);
        full.extend_from_slice(&with_mac);
        let len = full.len() as u16;
        full[2..4].copy_from_slice(&len.to_be_bytes());
        let mac = hmac_md5(secret, &[&full[..4], req.authenticator(), &full[20..]]);
        let n = full.len();
        full[n - 16..].copy_from_slice(&mac);
        let auth = md5_of(&[&full[..4], req.authenticator(), &full[20..], secret]);
        full[4..20].copy_from_slice(&auth);
        assert!(Reply::verify(&full, &req, secret).is_ok());
        full[n - 1] ^= 1;
        let auth = md5_of(&[&full[..4], req.authenticator(), &full[20..], secret]);
        full[4..20].copy_from_slice(&auth);
        assert_eq!(
            Reply::verify(&full, &req, secret),
            Err(Error::BadMessageAuthenticator)
        );
    }

    #[test]
    fn accounting_requests_are_signed_with_the_secret() {
        let req = AccountingRequest::new(AcctStatus::Start, "00000001", "alice")
            .integer(attribute::ACCT_AUTHENTIC, 1)
            .encode(5, b"s")
            .unwrap();
        let b = req.bytes();
        let mut zeroed = b.to_vec();
        zeroed[4..20].copy_from_slice(&[0; 16]);
        assert_eq!(&b[4..20], &md5_of(&[&zeroed, b"s"]));
        assert_eq!(&b[20..26], &[40, 6, 0, 0, 0, 1]);
        let ok = reply(5, &req, &[], b"s");
        assert_eq!(
            Reply::verify(&ok, &req, b"s").unwrap().code,
            Code::AccountingResponse
        );
        assert_eq!(
            Reply::verify(&reply(2, &req, &[], b"s"), &req, b"s"),
            Err(Error::UnexpectedCode(2))
        );
    }
}
