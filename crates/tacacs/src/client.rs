//! The client's side of a session, sans I/O: what to send next and what a
//! reply means. A login (ASCII, as IOS logs a vty user in: the server asks
//! for the password) is a short conversation; authorization and
//! accounting are one request and one reply.

use crate::body::{
    AcctReply, AcctRequest, AcctStatus, AuthenContinue, AuthenReply, AuthenStart, AuthenStatus,
    AuthorRequest, AuthorResponse, AuthorStatus,
};
use crate::packet::{Error, Header, Packet, PacketType};

/// How a client session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Authenticated, or authorized with these arguments, or recorded.
    Pass(Vec<String>),
    /// Refused.
    Fail,
    /// The server erred, or said something that does not fit: the next
    /// server or method decides.
    Error(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Login,
    Authorize,
    Account,
}

/// One session with one server.
#[derive(Debug, Clone)]
pub struct ClientSession {
    key: Vec<u8>,
    header: Header,
    kind: Kind,
    user: String,
    password: String,
    /// The next packet to send.
    outgoing: Option<Vec<u8>>,
    outcome: Option<Outcome>,
    /// The server agreed to keep the connection for more sessions.
    kept: bool,
}

impl ClientSession {
    fn new(key: &[u8], header: Header, kind: Kind, body: Vec<u8>) -> Self {
        let mut s = ClientSession {
            key: key.to_vec(),
            header,
            kind,
            user: String::new(),
            password: String::new(),
            outgoing: None,
            outcome: None,
            kept: false,
        };
        s.queue(body);
        s
    }

    /// Asks the server to keep the connection for more sessions
    /// (single-connection): the first packet carries the flag. Call before
    /// the first [`ClientSession::poll_transmit`].
    pub fn single_connection(mut self) -> Self {
        self.header = self.header.single_connection(true);
        if let Some(bytes) = &mut self.outgoing
            && let Some(flags) = bytes.get_mut(3)
        {
            // The flags are not obfuscated: the header is in clear.
            *flags |= crate::packet::SINGLE_CONNECT;
        }
        self
    }

    /// Whether this session asks to share its connection.
    pub fn wants_single_connection(&self) -> bool {
        self.header.flags & crate::packet::SINGLE_CONNECT != 0
    }

    /// Whether the connection may carry another session once this one has
    /// ended (both sides asked for single-connection).
    pub fn connection_kept(&self) -> bool {
        self.kept
    }

    fn queue(&mut self, body: Vec<u8>) {
        match Packet::new(self.header, body).encode(&self.key) {
            Ok(bytes) => self.outgoing = Some(bytes),
            Err(e) => self.outcome = Some(Outcome::Error(e.to_string())),
        }
    }

    /// An ASCII login of `user` with `password` on `port` from `rem_addr`.
    pub fn login(
        key: &[u8],
        session_id: u32,
        user: &str,
        password: &str,
        port: &str,
        rem_addr: &str,
    ) -> Self {
        let header = Header::new(PacketType::Authentication, 1, session_id, false);
        let mut s = Self::new(
            key,
            header,
            Kind::Login,
            AuthenStart::ascii(user, port, rem_addr).encode(),
        );
        s.user = user.to_owned();
        s.password = password.to_owned();
        s
    }

    /// An authorization request.
    pub fn authorize(key: &[u8], session_id: u32, request: &AuthorRequest) -> Self {
        let header = Header::new(PacketType::Authorization, 1, session_id, false);
        let body = request.encode();
        let mut s = Self::new(key, header, Kind::Authorize, Vec::new());
        match body {
            Ok(b) => s.queue(b),
            Err(e) => s.outcome = Some(Outcome::Error(e.to_string())),
        }
        s
    }

    /// An accounting record.
    pub fn account(key: &[u8], session_id: u32, request: &AcctRequest) -> Self {
        let header = Header::new(PacketType::Accounting, 1, session_id, false);
        let mut s = Self::new(key, header, Kind::Account, Vec::new());
        match request.encode() {
            Ok(b) => s.queue(b),
            Err(e) => s.outcome = Some(Outcome::Error(e.to_string())),
        }
        s
    }

    /// The packet to send now, if one is due.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.outgoing.take()
    }

    /// How it ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// A whole packet from the server (header and body, as read off the
    /// connection).
    pub fn handle_packet(&mut self, bytes: &[u8]) {
        if self.outcome.is_some() {
            return;
        }
        let packet = match Packet::decode(bytes, &self.key) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        if packet.header.session_id != self.header.session_id
            || packet.header.seq_no != self.header.seq_no.wrapping_add(1)
            || packet.header.kind != self.header.kind
        {
            return self.fail(Error::Body("reply out of sequence"));
        }
        self.header.seq_no = packet.header.seq_no;
        self.kept = self.header.flags & crate::packet::SINGLE_CONNECT != 0
            && packet.header.flags & crate::packet::SINGLE_CONNECT != 0;
        match self.kind {
            Kind::Login => self.login_reply(&packet.body),
            Kind::Authorize => match AuthorResponse::decode(&packet.body) {
                Ok(r) => {
                    self.outcome = Some(match r.status {
                        AuthorStatus::PassAdd | AuthorStatus::PassRepl => Outcome::Pass(r.args),
                        AuthorStatus::Fail => Outcome::Fail,
                        AuthorStatus::Error | AuthorStatus::Follow => {
                            Outcome::Error(format!("server error: {}", r.server_msg))
                        }
                    });
                }
                Err(e) => self.fail(e),
            },
            Kind::Account => match AcctReply::decode(&packet.body) {
                Ok(r) if r.status == AcctStatus::Success => {
                    self.outcome = Some(Outcome::Pass(Vec::new()));
                }
                Ok(r) => {
                    self.outcome = Some(Outcome::Error(format!("not recorded: {}", r.server_msg)))
                }
                Err(e) => self.fail(e),
            },
        }
    }

    fn login_reply(&mut self, body: &[u8]) {
        let reply = match AuthenReply::decode(body) {
            Ok(r) => r,
            Err(e) => return self.fail(e),
        };
        let answer = match reply.status {
            AuthenStatus::Pass => {
                self.outcome = Some(Outcome::Pass(Vec::new()));
                return;
            }
            AuthenStatus::Fail => {
                self.outcome = Some(Outcome::Fail);
                return;
            }
            AuthenStatus::GetPass | AuthenStatus::GetData => self.password.clone(),
            AuthenStatus::GetUser => self.user.clone(),
            AuthenStatus::Restart | AuthenStatus::Error | AuthenStatus::Follow => {
                self.outcome = Some(Outcome::Error(format!(
                    "server error: {}",
                    reply.server_msg
                )));
                return;
            }
        };
        // The answer goes out as the next packet of the session.
        self.header.seq_no = self.header.seq_no.wrapping_add(1);
        if self.header.seq_no == 0 {
            return self.fail(Error::Body("sequence exhausted"));
        }
        let cont = AuthenContinue {
            user_msg: answer.into_bytes(),
            abort: false,
        };
        match cont.encode() {
            Ok(b) => self.queue(b),
            Err(e) => self.fail(e),
        }
    }

    fn fail(&mut self, e: Error) {
        self.outcome = Some(Outcome::Error(e.to_string()));
    }

    /// The connection closed or timed out before the session ended.
    pub fn abandon(&mut self, why: &str) {
        if self.outcome.is_none() {
            self.outcome = Some(Outcome::Error(why.to_owned()));
        }
    }
}
