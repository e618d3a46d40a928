//! The server's side, sans I/O, for tests and appliances: users from a
//! small text format, ASCII and PAP logins, exec authorization
//! (`priv-lvl`), command authorization by denied prefixes, accounting
//! records handed back as text.

use std::collections::HashMap;

use crate::body::{
    AcctFlags, AcctReply, AcctRequest, AcctStatus, AuthenContinue, AuthenReply, AuthenStart,
    AuthenStatus, AuthenType, AuthorRequest, AuthorResponse, AuthorStatus,
};
use crate::packet::{Header, Packet, PacketType, SINGLE_CONNECT};

/// A user the server knows.
#[derive(Debug, Clone)]
struct User {
    password: String,
    level: u8,
    deny: Vec<String>,
}

/// The users: one a line, `NAME PASSWORD LEVEL [deny:PREFIX]…` (commands
/// starting with a denied prefix, `_` for a space, are refused).
#[derive(Debug, Clone, Default)]
pub struct Users {
    users: HashMap<String, User>,
}

impl Users {
    /// Reads the text format.
    pub fn parse(text: &str) -> Users {
        let users = text
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let name = w.next()?.to_owned();
                let password = w.next()?.to_owned();
                let level = w.next()?.parse().ok()?;
                let deny = w
                    .filter_map(|d| d.strip_prefix("deny:").map(|d| d.replace('_', " ")))
                    .collect();
                Some((
                    name,
                    User {
                        password,
                        level,
                        deny,
                    },
                ))
            })
            .collect();
        Users { users }
    }

    fn check(&self, user: &str, password: &[u8]) -> bool {
        self.users
            .get(user)
            .is_some_and(|u| u.password.as_bytes() == password)
    }
}

/// What to do after a packet.
#[derive(Debug, Default)]
pub struct Response {
    /// Bytes to send back.
    pub bytes: Vec<u8>,
    /// The session has ended; the connection too unless it is shared
    /// (single-connection).
    pub session_done: bool,
    /// Keep the connection for more sessions.
    pub keep_connection: bool,
    /// A line for the server's record (authorization decisions,
    /// accounting), never a password.
    pub record: Option<String>,
}

#[derive(Debug)]
enum Pending {
    User { header: Header },
    Pass { header: Header, user: String },
}

/// One connection's sessions.
#[derive(Debug)]
pub struct ServerConnection {
    key: Vec<u8>,
    users: Users,
    pending: Option<Pending>,
}

impl ServerConnection {
    /// A connection for a server with this key and these users.
    pub fn new(key: &[u8], users: Users) -> Self {
        ServerConnection {
            key: key.to_vec(),
            users,
            pending: None,
        }
    }

    fn reply(&self, request: &Header, body: Vec<u8>) -> Vec<u8> {
        let mut header = *request;
        header.seq_no = request.seq_no.wrapping_add(1);
        Packet::new(header, body)
            .encode(&self.key)
            .unwrap_or_default()
    }

    /// A whole packet from the client; `None` when it cannot be read (the
    /// connection should close: most often another key).
    pub fn handle(&mut self, bytes: &[u8]) -> Option<Response> {
        let packet = Packet::decode(bytes, &self.key).ok()?;
        let keep = packet.header.flags & SINGLE_CONNECT != 0;
        let mut r = match packet.header.kind {
            PacketType::Authentication => self.authenticate(&packet)?,
            PacketType::Authorization => self.authorize(&packet)?,
            PacketType::Accounting => self.account(&packet)?,
        };
        r.keep_connection = keep;
        Some(r)
    }

    fn authen_reply(&self, header: &Header, status: AuthenStatus, msg: &str) -> Vec<u8> {
        self.reply(
            header,
            AuthenReply::new(status, msg).encode().unwrap_or_default(),
        )
    }

    fn authenticate(&mut self, packet: &Packet) -> Option<Response> {
        let h = &packet.header;
        let finish = |ok: bool, this: &Self| Response {
            bytes: this.authen_reply(
                h,
                if ok {
                    AuthenStatus::Pass
                } else {
                    AuthenStatus::Fail
                },
                "",
            ),
            session_done: true,
            ..Response::default()
        };
        match self.pending.take() {
            None => {
                let start = AuthenStart::decode(&packet.body).ok()?;
                match start.authen_type {
                    AuthenType::Pap => {
                        Some(finish(self.users.check(&start.user, &start.data), self))
                    }
                    AuthenType::Ascii if start.user.is_empty() => {
                        self.pending = Some(Pending::User { header: *h });
                        Some(Response {
                            bytes: self.authen_reply(h, AuthenStatus::GetUser, "Username: "),
                            ..Response::default()
                        })
                    }
                    AuthenType::Ascii => {
                        self.pending = Some(Pending::Pass {
                            header: *h,
                            user: start.user,
                        });
                        Some(Response {
                            bytes: self.authen_reply(h, AuthenStatus::GetPass, "Password: "),
                            ..Response::default()
                        })
                    }
                }
            }
            Some(Pending::User { header }) if header.session_id == h.session_id => {
                let c = AuthenContinue::decode(&packet.body).ok()?;
                self.pending = Some(Pending::Pass {
                    header: *h,
                    user: String::from_utf8_lossy(&c.user_msg).into_owned(),
                });
                Some(Response {
                    bytes: self.authen_reply(h, AuthenStatus::GetPass, "Password: "),
                    ..Response::default()
                })
            }
            Some(Pending::Pass { header, user }) if header.session_id == h.session_id => {
                let c = AuthenContinue::decode(&packet.body).ok()?;
                Some(finish(
                    !c.abort && self.users.check(&user, &c.user_msg),
                    self,
                ))
            }
            Some(_) => None,
        }
    }

    fn authorize(&mut self, packet: &Packet) -> Option<Response> {
        let req = AuthorRequest::decode(&packet.body).ok()?;
        let cmd = req
            .args
            .iter()
            .find_map(|a| a.strip_prefix("cmd="))
            .unwrap_or_default()
            .to_owned();
        let (status, args, record) = match self.users.users.get(&req.user) {
            None => (AuthorStatus::Fail, Vec::new(), None),
            Some(u) if cmd.is_empty() => (
                AuthorStatus::PassAdd,
                vec![format!("priv-lvl={}", u.level)],
                None,
            ),
            Some(u) => {
                let line: Vec<&str> = std::iter::once(cmd.as_str())
                    .chain(
                        req.args
                            .iter()
                            .filter_map(|a| a.strip_prefix("cmd-arg="))
                            .filter(|a| *a != "<cr>"),
                    )
                    .collect();
                let line = line.join(" ");
                let denied = u.deny.iter().any(|d| line.starts_with(d.as_str()));
                let verdict = if denied { "deny" } else { "permit" };
                (
                    if denied {
                        AuthorStatus::Fail
                    } else {
                        AuthorStatus::PassAdd
                    },
                    Vec::new(),
                    Some(format!("author {} {verdict} {line}", req.user)),
                )
            }
        };
        let body = AuthorResponse {
            status,
            args,
            server_msg: String::new(),
        }
        .encode()
        .unwrap_or_default();
        Some(Response {
            bytes: self.reply(&packet.header, body),
            session_done: true,
            record,
            ..Response::default()
        })
    }

    fn account(&mut self, packet: &Packet) -> Option<Response> {
        let req = AcctRequest::decode(&packet.body).ok()?;
        let kind = match req.flags {
            AcctFlags::Start => "start",
            AcctFlags::Stop => "stop",
            AcctFlags::Watchdog => "watchdog",
        };
        let record = format!(
            "acct {kind} {} {} {} {}",
            req.user,
            req.port,
            req.rem_addr,
            req.args.join(" ")
        );
        let body = AcctReply {
            status: AcctStatus::Success,
            server_msg: String::new(),
        }
        .encode()
        .unwrap_or_default();
        Some(Response {
            bytes: self.reply(&packet.header, body),
            session_done: true,
            record: Some(record),
            ..Response::default()
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::client::{ClientSession, Outcome};
    use crate::packet::{HEADER_LEN, Header};

    /// Runs a client session against a server connection in memory.
    fn converse(
        server: &mut ServerConnection,
        mut client: ClientSession,
    ) -> (Outcome, Vec<String>) {
        let mut records = Vec::new();
        while let Some(bytes) = client.poll_transmit() {
            let Some(r) = server.handle(&bytes) else {
                client.abandon("closed");
                break;
            };
            records.extend(r.record);
            assert_eq!(
                Header::decode(&r.bytes).unwrap().body_len(),
                r.bytes.len() - HEADER_LEN
            );
            client.handle_packet(&r.bytes);
        }
        (client.outcome().cloned().unwrap(), records)
    }

    #[test]
    fn the_client_and_server_sides_agree() {
        let users = Users::parse("netops pw 15\nhelpdesk hpw 7 deny:configure\n");
        let mut s = ServerConnection::new(b"k", users);
        let login = |u: &str, p: &str| ClientSession::login(b"k", 7, u, p, "vty0", "192.0.2.1");
        assert_eq!(
            converse(&mut s, login("netops", "pw")).0,
            Outcome::Pass(vec![])
        );
        assert_eq!(converse(&mut s, login("netops", "no")).0, Outcome::Fail);
        assert_eq!(converse(&mut s, login("", "pw")).0, Outcome::Fail);
        let author = |u: &str, args: &[&str]| {
            ClientSession::authorize(
                b"k",
                9,
                &AuthorRequest {
                    authen_method: 6,
                    priv_lvl: 1,
                    user: u.into(),
                    port: "vty0".into(),
                    rem_addr: "x".into(),
                    args: args.iter().map(|a| (*a).to_owned()).collect(),
                },
            )
        };
        assert_eq!(
            converse(&mut s, author("helpdesk", &["service=shell", "cmd="])).0,
            Outcome::Pass(vec!["priv-lvl=7".into()])
        );
        let (o, rec) = converse(
            &mut s,
            author(
                "helpdesk",
                &[
                    "service=shell",
                    "cmd=configure",
                    "cmd-arg=terminal",
                    "cmd-arg=<cr>",
                ],
            ),
        );
        assert_eq!(o, Outcome::Fail);
        assert_eq!(
            rec,
            vec!["author helpdesk deny configure terminal".to_owned()]
        );
        // Another key: the server cannot read the client.
        let mut other = ServerConnection::new(b"other", Users::parse("netops pw 15\n"));
        assert!(matches!(
            converse(&mut other, login("netops", "pw")).0,
            Outcome::Error(_)
        ));
    }
}
