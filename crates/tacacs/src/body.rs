//! The bodies of RFC 8907's packets, encoded and decoded with every
//! length checked.

use crate::packet::Error;

/// Reads fields off a body, every read checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Reader { bytes, at: 0, what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(n).ok_or(Error::Body(self.what))?;
        let s = self.bytes.get(self.at..end).ok_or(Error::Body(self.what))?;
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<usize, Error> {
        let b = self.take(2)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn text(&mut self, n: usize) -> Result<String, Error> {
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }

    /// The whole body was read: trailing bytes mean the fields did not
    /// add up.
    fn done(&self) -> Result<(), Error> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(Error::Body(self.what))
        }
    }
}

fn len8(s: &[u8]) -> Result<u8, Error> {
    u8::try_from(s.len()).map_err(|_| Error::FieldTooLong(s.len()))
}

fn len16(s: &[u8]) -> Result<[u8; 2], Error> {
    u16::try_from(s.len())
        .map(u16::to_be_bytes)
        .map_err(|_| Error::FieldTooLong(s.len()))
}

/// How a user is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenType {
    /// ASCII: the server asks for what it needs (`GETPASS`).
    Ascii = 1,
    /// PAP: the password in the start packet.
    Pap = 2,
}

/// An authentication START (client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenStart {
    /// Privilege level asked for.
    pub priv_lvl: u8,
    /// ASCII or PAP.
    pub authen_type: AuthenType,
    /// The user.
    pub user: String,
    /// The port (`tty2`, `vty0`).
    pub port: String,
    /// Where the user comes from.
    pub rem_addr: String,
    /// PAP's password; empty for ASCII.
    pub data: Vec<u8>,
}

impl AuthenStart {
    /// A PAP login (send with minor version 1).
    pub fn pap(user: &str, password: &str, port: &str, rem_addr: &str) -> Self {
        AuthenStart {
            priv_lvl: 1,
            authen_type: AuthenType::Pap,
            user: user.to_owned(),
            port: port.to_owned(),
            rem_addr: rem_addr.to_owned(),
            data: password.as_bytes().to_vec(),
        }
    }

    /// An ASCII login: the server then asks for the password.
    pub fn ascii(user: &str, port: &str, rem_addr: &str) -> Self {
        AuthenStart {
            priv_lvl: 1,
            authen_type: AuthenType::Ascii,
            user: user.to_owned(),
            port: port.to_owned(),
            rem_addr: rem_addr.to_owned(),
            data: Vec::new(),
        }
    }

    /// The body (action LOGIN, service LOGIN).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![
            1,
            self.priv_lvl,
            self.authen_type as u8,
            1,
            len8(self.user.as_bytes()).unwrap_or(u8::MAX),
            len8(self.port.as_bytes()).unwrap_or(u8::MAX),
            len8(self.rem_addr.as_bytes()).unwrap_or(u8::MAX),
            len8(&self.data).unwrap_or(u8::MAX),
        ];
        for f in [
            self.user.as_bytes(),
            self.port.as_bytes(),
            self.rem_addr.as_bytes(),
            &self.data,
        ] {
            out.extend_from_slice(&f[..f.len().min(255)]);
        }
        out
    }

    /// Reads a START body (server side).
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body, "authentication START");
        let _action = r.u8()?;
        let priv_lvl = r.u8()?;
        let authen_type = match r.u8()? {
            1 => AuthenType::Ascii,
            2 => AuthenType::Pap,
            _ => return Err(Error::Body("authentication START")),
        };
        let _service = r.u8()?;
        let (ul, pl, rl, dl) = (r.u8()?, r.u8()?, r.u8()?, r.u8()?);
        let start = AuthenStart {
            priv_lvl,
            authen_type,
            user: r.text(ul.into())?,
            port: r.text(pl.into())?,
            rem_addr: r.text(rl.into())?,
            data: r.take(dl.into())?.to_vec(),
        };
        r.done()?;
        Ok(start)
    }
}

/// An authentication REPLY's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenStatus {
    /// Authenticated.
    Pass,
    /// Refused.
    Fail,
    /// Send the data asked for (CONTINUE).
    GetData,
    /// Send the user name.
    GetUser,
    /// Send the password.
    GetPass,
    /// Start again with another type.
    Restart,
    /// The server erred.
    Error,
    /// Ask another server.
    Follow,
}

impl AuthenStatus {
    fn code(self) -> u8 {
        match self {
            AuthenStatus::Pass => 1,
            AuthenStatus::Fail => 2,
            AuthenStatus::GetData => 3,
            AuthenStatus::GetUser => 4,
            AuthenStatus::GetPass => 5,
            AuthenStatus::Restart => 6,
            AuthenStatus::Error => 7,
            AuthenStatus::Follow => 0x21,
        }
    }

    fn from_code(c: u8) -> Result<Self, Error> {
        Ok(match c {
            1 => AuthenStatus::Pass,
            2 => AuthenStatus::Fail,
            3 => AuthenStatus::GetData,
            4 => AuthenStatus::GetUser,
            5 => AuthenStatus::GetPass,
            6 => AuthenStatus::Restart,
            7 => AuthenStatus::Error,
            0x21 => AuthenStatus::Follow,
            _ => return Err(Error::Body("authentication REPLY")),
        })
    }
}

/// An authentication REPLY (server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenReply {
    /// What the server decided or asks.
    pub status: AuthenStatus,
    /// Do not echo the answer (a password).
    pub no_echo: bool,
    /// Text for the user (`Password: `).
    pub server_msg: String,
    /// Data.
    pub data: Vec<u8>,
}

impl AuthenReply {
    /// A reply with a status and a message.
    pub fn new(status: AuthenStatus, server_msg: &str) -> Self {
        AuthenReply {
            status,
            no_echo: status == AuthenStatus::GetPass,
            server_msg: server_msg.to_owned(),
            data: Vec::new(),
        }
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = vec![self.status.code(), u8::from(self.no_echo)];
        out.extend_from_slice(&len16(self.server_msg.as_bytes())?);
        out.extend_from_slice(&len16(&self.data)?);
        out.extend_from_slice(self.server_msg.as_bytes());
        out.extend_from_slice(&self.data);
        Ok(out)
    }

    /// Reads a REPLY body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body, "authentication REPLY");
        let status = AuthenStatus::from_code(r.u8()?)?;
        let flags = r.u8()?;
        let (ml, dl) = (r.u16()?, r.u16()?);
        let reply = AuthenReply {
            status,
            no_echo: flags & 1 != 0,
            server_msg: r.text(ml)?,
            data: r.take(dl)?.to_vec(),
        };
        r.done()?;
        Ok(reply)
    }
}

/// An authentication CONTINUE (client): the answer to GETPASS and the like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenContinue {
    /// The answer (the password).
    pub user_msg: Vec<u8>,
    /// The client gives up.
    pub abort: bool,
}

impl AuthenContinue {
    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = len16(&self.user_msg)?.to_vec();
        out.extend_from_slice(&[0, 0, u8::from(self.abort)]);
        out.extend_from_slice(&self.user_msg);
        Ok(out)
    }

    /// Reads a CONTINUE body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body, "authentication CONTINUE");
        let (ul, dl) = (r.u16()?, r.u16()?);
        let flags = r.u8()?;
        let user_msg = r.take(ul)?.to_vec();
        r.take(dl)?;
        r.done()?;
        Ok(AuthenContinue {
            user_msg,
            abort: flags & 1 != 0,
        })
    }
}

fn encode_args(out: &mut Vec<u8>, args: &[String]) -> Result<(), Error> {
    for a in args {
        out.push(len8(a.as_bytes())?);
    }
    Ok(())
}

/// An authorization REQUEST (client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorRequest {
    /// How the user was authenticated (6: TACACS+, 5: local, 3: RADIUS…).
    pub authen_method: u8,
    /// Privilege level of the session.
    pub priv_lvl: u8,
    /// The user.
    pub user: String,
    /// The port.
    pub port: String,
    /// Where from.
    pub rem_addr: String,
    /// `service=shell`, `cmd=show`, `cmd-arg=version` …
    pub args: Vec<String>,
}

impl AuthorRequest {
    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = vec![
            self.authen_method,
            self.priv_lvl,
            1,
            1,
            len8(self.user.as_bytes())?,
            len8(self.port.as_bytes())?,
            len8(self.rem_addr.as_bytes())?,
            u8::try_from(self.args.len()).map_err(|_| Error::FieldTooLong(self.args.len()))?,
        ];
        encode_args(&mut out, &self.args)?;
        for f in [&self.user, &self.port, &self.rem_addr] {
            out.extend_from_slice(f.as_bytes());
        }
        for a in &self.args {
            out.extend_from_slice(a.as_bytes());
        }
        Ok(out)
    }

    /// Reads a REQUEST body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body, "authorization REQUEST");
        let authen_method = r.u8()?;
        let priv_lvl = r.u8()?;
        let (_type, _service) = (r.u8()?, r.u8()?);
        let (ul, pl, rl, n) = (r.u8()?, r.u8()?, r.u8()?, r.u8()?);
        let lens = r.take(n.into())?.to_vec();
        let user = r.text(ul.into())?;
        let port = r.text(pl.into())?;
        let rem_addr = r.text(rl.into())?;
        let args = lens
            .iter()
            .map(|l| r.text((*l).into()))
            .collect::<Result<Vec<_>, _>>()?;
        r.done()?;
        Ok(AuthorRequest {
            authen_method,
            priv_lvl,
            user,
            port,
            rem_addr,
            args,
        })
    }
}

/// An authorization RESPONSE's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorStatus {
    /// Granted; the server's arguments are added to the request's.
    PassAdd,
    /// Granted; the server's arguments replace the request's.
    PassRepl,
    /// Refused.
    Fail,
    /// The server erred.
    Error,
    /// Ask another server.
    Follow,
}

/// An authorization RESPONSE (server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorResponse {
    /// The decision.
    pub status: AuthorStatus,
    /// `priv-lvl=15` …
    pub args: Vec<String>,
    /// Text for the user.
    pub server_msg: String,
}

impl AuthorResponse {
    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let code = match self.status {
            AuthorStatus::PassAdd => 1,
            AuthorStatus::PassRepl => 2,
            AuthorStatus::Fail => 0x10,
            AuthorStatus::Error => 0x11,
            AuthorStatus::Follow => 0x21,
        };
        let mut out = vec![
            code,
            u8::try_from(self.args.len()).map_err(|_| Error::FieldTooLong(self.args.len()))?,
        ];
        out.extend_from_slice(&len16(self.server_msg.as_bytes())?);
        out.extend_from_slice(&[0, 0]);
        encode_args(&mut out, &self.args)?;
        out.extend_from_slice(self.server_msg.as_bytes());
        for a in &self.args {
            out.extend_from_slice(a.as_bytes());
        }
        Ok(out)
    }

    /// Reads a RESPONSE body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body, "authorization RESPONSE");
        let status = match r.u8()? {
            1 => AuthorStatus::PassAdd,
            2 => AuthorStatus::PassRepl,
            0x10 => AuthorStatus::Fail,
            0x11 => AuthorStatus::Error,
            0x21 => AuthorStatus::Follow,
            _ => return Err(Error::Body("authorization RESPONSE")),
        };
        let n = r.u8()?;
        let (ml, dl) = (r.u16()?, r.u16()?);
        let lens = r.take(n.into())?.to_vec();
        let server_msg = r.text(ml)?;
        r.take(dl)?;
        let args = lens
            .iter()
            .map(|l| r.text((*l).into()))
            .collect::<Result<Vec<_>, _>>()?;
        r.done()?;
        Ok(AuthorResponse {
            status,
            args,
            server_msg,
        })
    }

    /// The value of argument `name` (`priv-lvl`), mandatory (`=`) or
    /// optional (`*`).
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find_map(|a| {
            let (k, v) = a.split_once(['=', '*'])?;
            (k == name).then_some(v)
        })
    }
}

/// An accounting record's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcctFlags {
    /// A session or command began.
    Start = 0x02,
    /// It ended.
    Stop = 0x04,
    /// Still going.
    Watchdog = 0x08,
}

/// An accounting REQUEST (client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcctRequest {
    /// Start, stop or watchdog.
    pub flags: AcctFlags,
    /// How the user was authenticated.
    pub authen_method: u8,
    /// Privilege level.
    pub priv_lvl: u8,
    /// The user.
    pub user: String,
    /// The port.
    pub port: String,
    /// Where from.
    pub rem_addr: String,
    /// `task_id=5`, `service=shell`, `cmd=show version <cr>` …
    pub args: Vec<String>,
}

impl AcctRequest {
    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let author = AuthorRequest {
            authen_method: self.authen_method,
            priv_lvl: self.priv_lvl,
            user: self.user.clone(),
            port: self.port.clone(),
            rem_addr: self.rem_addr.clone(),
            args: self.args.clone(),
        }
        .encode()?;
        // The same fields after one byte of flags.
        let mut out = vec![self.flags as u8];
        out.extend_from_slice(&author);
        Ok(out)
    }

    /// Reads a REQUEST body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let (flags, rest) = body
            .split_first()
            .ok_or(Error::Body("accounting REQUEST"))?;
        let flags = match flags {
            0x02 => AcctFlags::Start,
            0x04 => AcctFlags::Stop,
            0x08 => AcctFlags::Watchdog,
            _ => return Err(Error::Body("accounting REQUEST")),
        };
        let a = AuthorRequest::decode(rest).map_err(|_| Error::Body("accounting REQUEST"))?;
        Ok(AcctRequest {
            flags,
            authen_method: a.authen_method,
            priv_lvl: a.priv_lvl,
            user: a.user,
            port: a.port,
            rem_addr: a.rem_addr,
            args: a.args,
        })
    }
}

/// An accounting REPLY's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcctStatus {
    /// Recorded.
    Success = 1,
    /// Not recorded.
    Error = 2,
    /// Ask another server.
    Follow = 0x21,
}

/// An accounting REPLY (server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcctReply {
    /// Recorded or not.
    pub status: AcctStatus,
    /// Text.
    pub server_msg: String,
}

impl AcctReply {
    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = len16(self.server_msg.as_bytes())?.to_vec();
        out.extend_from_slice(&[0, 0, self.status as u8]);
        out.extend_from_slice(self.server_msg.as_bytes());
        Ok(out)
    }

    /// Reads a REPLY body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body, "accounting REPLY");
        let (ml, dl) = (r.u16()?, r.u16()?);
        let status = match r.u8()? {
            1 => AcctStatus::Success,
            2 => AcctStatus::Error,
            0x21 => AcctStatus::Follow,
            _ => return Err(Error::Body("accounting REPLY")),
        };
        let server_msg = r.text(ml)?;
        r.take(dl)?;
        r.done()?;
        Ok(AcctReply { status, server_msg })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::packet::{Header, Packet, PacketType};

    #[test]
    fn bodies_round_trip_and_malformed_ones_are_refused() {
        let start = AuthenStart::ascii("alice", "vty0", "192.0.2.1");
        assert_eq!(AuthenStart::decode(&start.encode()).unwrap(), start);
        let reply = AuthenReply::new(AuthenStatus::GetPass, "Password: ");
        let enc = reply.encode().unwrap();
        assert_eq!(AuthenReply::decode(&enc).unwrap(), reply);
        assert_eq!(
            AuthenReply::decode(&enc[..enc.len() - 1]),
            Err(Error::Body("authentication REPLY"))
        );
        let cont = AuthenContinue {
            user_msg: b"pw".to_vec(),
            abort: false,
        };
        assert_eq!(
            AuthenContinue::decode(&cont.encode().unwrap()).unwrap(),
            cont
        );
        let req = AuthorRequest {
            authen_method: 6,
            priv_lvl: 1,
            user: "alice".into(),
            port: "vty0".into(),
            rem_addr: "192.0.2.1".into(),
            args: vec!["service=shell".into(), "cmd=".into()],
        };
        assert_eq!(AuthorRequest::decode(&req.encode().unwrap()).unwrap(), req);
        let resp = AuthorResponse {
            status: AuthorStatus::PassAdd,
            args: vec!["priv-lvl=15".into()],
            server_msg: String::new(),
        };
        let back = AuthorResponse::decode(&resp.encode().unwrap()).unwrap();
        assert_eq!(back.arg("priv-lvl"), Some("15"));
        let acct = AcctRequest {
            flags: AcctFlags::Stop,
            authen_method: 6,
            priv_lvl: 15,
            user: "alice".into(),
            port: "vty0".into(),
            rem_addr: "192.0.2.1".into(),
            args: vec!["task_id=3".into(), "elapsed_time=7".into()],
        };
        assert_eq!(AcctRequest::decode(&acct.encode().unwrap()).unwrap(), acct);
        let ar = AcctReply {
            status: AcctStatus::Success,
            server_msg: "ok".into(),
        };
        assert_eq!(AcctReply::decode(&ar.encode().unwrap()).unwrap(), ar);
    }

    #[test]
    fn the_body_is_obfuscated_with_the_key_and_read_back_only_with_it() {
        let start = AuthenStart::pap("alice", "a password longer than sixteen bytes", "vty0", "x");
        let packet = Packet::new(
            Header::new(PacketType::Authentication, 1, 42, true),
            start.encode(),
        );
        let bytes = packet.encode(b"k").unwrap();
        assert_eq!(bytes.len(), 12 + start.encode().len());
        assert!(!bytes.windows(5).any(|w| w == b"alice"), "in clear");
        assert_eq!(Packet::decode(&bytes, b"k").unwrap().body, start.encode());
        let wrong = Packet::decode(&bytes, b"other").unwrap();
        assert!(AuthenStart::decode(&wrong.body) != Ok(start));
        // A header that is not TACACS+, a body sent in clear, a short one.
        let mut v = bytes.clone();
        v[0] = 0x10;
        assert_eq!(Packet::decode(&v, b"k"), Err(Error::Version(0x10)));
        let mut c = bytes.clone();
        c[3] |= 1;
        assert_eq!(Packet::decode(&c, b"k"), Err(Error::Unobfuscated));
        assert!(matches!(
            Packet::decode(&bytes[..20], b"k"),
            Err(Error::Truncated { .. })
        ));
        let mut huge = bytes.clone();
        huge[8..12].copy_from_slice(&(1u32 << 20).to_be_bytes());
        assert_eq!(Packet::decode(&huge, b"k"), Err(Error::TooLong(1 << 20)));
    }
}
