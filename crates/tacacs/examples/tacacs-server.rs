//! A small TACACS+ server for tests: users from a file, PAP and ASCII
//! logins, exec and command authorization, accounting written to a file,
//! single-connection when the client asks for it.
//!
//! ```text
//! tacacs-server --listen 127.0.0.1:0 --key KEY --users FILE --log FILE
//! ```
//!
//! The users file has one user a line: `NAME PASSWORD LEVEL [deny:PREFIX]…`
//! (commands starting with a `deny:` prefix are refused). It prints
//! `listening on ADDRESS` once ready.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use ironconf_tacacs::{
    AcctFlags, AcctReply, AcctRequest, AcctStatus, AuthenContinue, AuthenReply, AuthenStart,
    AuthenStatus, AuthenType, AuthorRequest, AuthorResponse, AuthorStatus, HEADER_LEN, Header,
    Packet, PacketType,
};

struct User {
    password: String,
    level: u8,
    deny: Vec<String>,
}

struct Server {
    key: Vec<u8>,
    users: HashMap<String, User>,
    log: Mutex<std::fs::File>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut listen, mut key, mut users, mut log) = (
        "127.0.0.1:0".to_owned(),
        String::new(),
        String::new(),
        String::new(),
    );
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--listen" => listen = v,
            "--key" => key = v,
            "--users" => users = v,
            "--log" => log = v,
            _ => {
                eprintln!("unknown option {a}");
                std::process::exit(2);
            }
        }
    }
    let users = std::fs::read_to_string(&users)
        .unwrap_or_default()
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
    let Ok(log) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
    else {
        eprintln!("cannot open the log {log}");
        std::process::exit(1);
    };
    let server = Arc::new(Server {
        key: key.into_bytes(),
        users,
        log: Mutex::new(log),
    });
    let Ok(listener) = TcpListener::bind(&listen) else {
        eprintln!("cannot listen on {listen}");
        std::process::exit(1);
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    println!("listening on {addr}");
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let server = server.clone();
        std::thread::spawn(move || serve(&server, stream));
    }
}

fn read_packet(stream: &mut TcpStream, key: &[u8]) -> Option<Packet> {
    let mut head = [0u8; HEADER_LEN];
    stream.read_exact(&mut head).ok()?;
    let header = Header::decode(&head).ok()?;
    let mut bytes = head.to_vec();
    bytes.resize(HEADER_LEN + header.body_len(), 0);
    stream.read_exact(&mut bytes[HEADER_LEN..]).ok()?;
    Packet::decode(&bytes, key).ok()
}

fn send(stream: &mut TcpStream, key: &[u8], request: &Header, seq_no: u8, body: Vec<u8>) -> bool {
    let mut header = *request;
    header.seq_no = seq_no;
    Packet::new(header, body)
        .encode(key)
        .is_ok_and(|b| stream.write_all(&b).is_ok())
}

fn serve(server: &Server, mut stream: TcpStream) {
    let key = server.key.clone();
    loop {
        let Some(first) = read_packet(&mut stream, &key) else {
            return;
        };
        let single = first.header.flags & ironconf_tacacs::SINGLE_CONNECT != 0;
        let ok = match first.header.kind {
            PacketType::Authentication => authenticate(server, &mut stream, &first),
            PacketType::Authorization => authorize(server, &mut stream, &first),
            PacketType::Accounting => account(server, &mut stream, &first),
        };
        if !ok || !single {
            return;
        }
    }
}

fn authenticate(server: &Server, stream: &mut TcpStream, first: &Packet) -> bool {
    let key = &server.key;
    let Ok(start) = AuthenStart::decode(&first.body) else {
        let reply = AuthenReply::new(AuthenStatus::Error, "malformed start");
        return send(
            stream,
            key,
            &first.header,
            2,
            reply.encode().unwrap_or_default(),
        );
    };
    let check = |user: &str, password: &[u8]| {
        server
            .users
            .get(user)
            .is_some_and(|u| u.password.as_bytes() == password)
    };
    match start.authen_type {
        AuthenType::Pap => {
            let status = if check(&start.user, &start.data) {
                AuthenStatus::Pass
            } else {
                AuthenStatus::Fail
            };
            let body = AuthenReply::new(status, "").encode().unwrap_or_default();
            send(stream, key, &first.header, 2, body)
        }
        AuthenType::Ascii => {
            let mut seq = 2;
            let mut user = start.user.clone();
            if user.is_empty() {
                let ask = AuthenReply::new(AuthenStatus::GetUser, "Username: ");
                if !send(
                    stream,
                    key,
                    &first.header,
                    seq,
                    ask.encode().unwrap_or_default(),
                ) {
                    return false;
                }
                let Some(p) = read_packet(stream, key) else {
                    return false;
                };
                let Ok(c) = AuthenContinue::decode(&p.body) else {
                    return false;
                };
                user = String::from_utf8_lossy(&c.user_msg).into_owned();
                seq += 2;
            }
            let ask = AuthenReply::new(AuthenStatus::GetPass, "Password: ");
            if !send(
                stream,
                key,
                &first.header,
                seq,
                ask.encode().unwrap_or_default(),
            ) {
                return false;
            }
            let Some(p) = read_packet(stream, key) else {
                return false;
            };
            let Ok(c) = AuthenContinue::decode(&p.body) else {
                return false;
            };
            let status = if !c.abort && check(&user, &c.user_msg) {
                AuthenStatus::Pass
            } else {
                AuthenStatus::Fail
            };
            let body = AuthenReply::new(status, "").encode().unwrap_or_default();
            send(stream, key, &first.header, seq + 2, body)
        }
    }
}

fn authorize(server: &Server, stream: &mut TcpStream, first: &Packet) -> bool {
    let key = &server.key;
    let response = match AuthorRequest::decode(&first.body) {
        Err(_) => AuthorResponse {
            status: AuthorStatus::Error,
            args: Vec::new(),
            server_msg: "malformed request".into(),
        },
        Ok(req) => {
            let arg = |name: &str| {
                req.args
                    .iter()
                    .find_map(|a| a.strip_prefix(&format!("{name}=")))
                    .map(str::to_owned)
            };
            let cmd = arg("cmd").unwrap_or_default();
            match server.users.get(&req.user) {
                None => AuthorResponse {
                    status: AuthorStatus::Fail,
                    args: Vec::new(),
                    server_msg: String::new(),
                },
                Some(u) if cmd.is_empty() => AuthorResponse {
                    status: AuthorStatus::PassAdd,
                    args: vec![format!("priv-lvl={}", u.level)],
                    server_msg: String::new(),
                },
                Some(u) => {
                    let words: Vec<&str> = std::iter::once(cmd.as_str())
                        .chain(
                            req.args
                                .iter()
                                .filter_map(|a| a.strip_prefix("cmd-arg="))
                                .filter(|a| *a != "<cr>"),
                        )
                        .collect();
                    let line = words.join(" ");
                    let denied = u.deny.iter().any(|d| line.starts_with(d.as_str()));
                    let _ = writeln!(
                        server.log.lock().unwrap_or_else(|p| p.into_inner()),
                        "author {} {} {}",
                        req.user,
                        if denied { "deny" } else { "permit" },
                        line
                    );
                    AuthorResponse {
                        status: if denied {
                            AuthorStatus::Fail
                        } else {
                            AuthorStatus::PassAdd
                        },
                        args: Vec::new(),
                        server_msg: String::new(),
                    }
                }
            }
        }
    };
    send(
        stream,
        key,
        &first.header,
        2,
        response.encode().unwrap_or_default(),
    )
}

fn account(server: &Server, stream: &mut TcpStream, first: &Packet) -> bool {
    let key = &server.key;
    let status = match AcctRequest::decode(&first.body) {
        Ok(req) => {
            let kind = match req.flags {
                AcctFlags::Start => "start",
                AcctFlags::Stop => "stop",
                AcctFlags::Watchdog => "watchdog",
            };
            let _ = writeln!(
                server.log.lock().unwrap_or_else(|p| p.into_inner()),
                "acct {kind} {} {} {} {}",
                req.user,
                req.port,
                req.rem_addr,
                req.args.join(" ")
            );
            AcctStatus::Success
        }
        Err(_) => AcctStatus::Error,
    };
    let reply = AcctReply {
        status,
        server_msg: String::new(),
    };
    send(
        stream,
        key,
        &first.header,
        2,
        reply.encode().unwrap_or_default(),
    )
}
