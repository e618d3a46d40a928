//! A small TACACS+ server for tests, over [`ironconf_tacacs::server`]:
//! users from a file, ASCII and PAP logins, exec and command
//! authorization, accounting and authorization decisions written to a
//! file, connections kept for more sessions when the client asks
//! (single-connection).
//!
//! ```text
//! tacacs-server --listen 127.0.0.1:0 --key KEY --users FILE --log FILE
//! ```
//!
//! The users file has one user a line: `NAME PASSWORD LEVEL [deny:PREFIX]…`.
//! It prints `listening on ADDRESS` once ready.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use ironconf_tacacs::server::{ServerConnection, Users};
use ironconf_tacacs::{HEADER_LEN, Header};

struct Server {
    key: Vec<u8>,
    users: Users,
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
    let users = Users::parse(&std::fs::read_to_string(&users).unwrap_or_default());
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

/// One whole packet off the connection.
fn read_packet(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; HEADER_LEN];
    stream.read_exact(&mut bytes).ok()?;
    let header = Header::decode(&bytes).ok()?;
    bytes.resize(HEADER_LEN + header.body_len(), 0);
    stream.read_exact(&mut bytes[HEADER_LEN..]).ok()?;
    Some(bytes)
}

fn serve(server: &Server, mut stream: TcpStream) {
    let mut conn = ServerConnection::new(&server.key, server.users.clone());
    while let Some(bytes) = read_packet(&mut stream) {
        let Some(r) = conn.handle(&bytes) else {
            return;
        };
        if let Some(line) = &r.record {
            let _ = writeln!(
                server.log.lock().unwrap_or_else(|p| p.into_inner()),
                "{line}"
            );
        }
        if stream.write_all(&r.bytes).is_err() || (r.session_done && !r.keep_connection) {
            return;
        }
    }
}
