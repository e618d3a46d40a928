//! TACACS+ sessions over TCP: the I/O for the device's sans-I/O
//! [`ClientSession`]. Each waits at most its server's `timeout` for the
//! connection and for each reply, on its own task. Under
//! `single-connection` a connection both sides agreed to keep is kept
//! idle for the next session with that server (a few per server).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use ironconf_tacacs::{ClientSession, HEADER_LEN, Header, Outcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Idle connections kept per server.
pub(crate) const MAX_IDLE_PER_SERVER: usize = 4;

/// Connections kept for more sessions, by server address.
fn idle() -> &'static Mutex<HashMap<SocketAddr, Vec<TcpStream>>> {
    static IDLE: OnceLock<Mutex<HashMap<SocketAddr, Vec<TcpStream>>>> = OnceLock::new();
    IDLE.get_or_init(Default::default)
}

/// Runs `session` with the server at `address` to its end.
pub(crate) async fn run(address: SocketAddr, wait: Duration, session: ClientSession) -> Outcome {
    if session.wants_single_connection() {
        let kept = idle()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&address)
            .and_then(Vec::pop);
        if let Some(stream) = kept {
            // The server may have closed it meanwhile: then once more on a
            // new connection.
            let (outcome, answered) = converse(stream, address, wait, session.clone()).await;
            if answered {
                return outcome;
            }
        }
    }
    let stream = match timeout(wait, TcpStream::connect(address)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Outcome::Error(format!("connect: {e}")),
        Err(_) => return Outcome::Error("connect: timed out".into()),
    };
    let _ = stream.set_nodelay(true);
    converse(stream, address, wait, session).await.0
}

/// Runs the session on `stream`: how it ended, and whether the server
/// answered at all.
async fn converse(
    mut stream: TcpStream,
    address: SocketAddr,
    wait: Duration,
    mut session: ClientSession,
) -> (Outcome, bool) {
    let mut answered = false;
    let outcome = loop {
        while let Some(bytes) = session.poll_transmit() {
            match timeout(wait, stream.write_all(&bytes)).await {
                Ok(Ok(())) => {}
                _ => session.abandon("the connection closed while sending"),
            }
        }
        if let Some(done) = session.outcome() {
            break done.clone();
        }
        match timeout(wait, read_packet(&mut stream)).await {
            Ok(Ok(bytes)) => {
                answered = true;
                session.handle_packet(&bytes);
            }
            Ok(Err(e)) => session.abandon(&format!("no reply: {e}")),
            Err(_) => session.abandon("no reply in time"),
        }
    };
    if session.connection_kept() && !matches!(outcome, Outcome::Error(_)) {
        let mut idle = idle().lock().unwrap_or_else(|p| p.into_inner());
        let kept = idle.entry(address).or_default();
        if kept.len() < MAX_IDLE_PER_SERVER {
            kept.push(stream);
        }
    }
    (outcome, answered)
}

/// One whole packet: the header, then the body it announces (bounded by
/// the header's check).
async fn read_packet(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0u8; HEADER_LEN];
    stream.read_exact(&mut bytes).await?;
    let header = Header::decode(&bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    bytes.resize(HEADER_LEN + header.body_len(), 0);
    stream.read_exact(&mut bytes[HEADER_LEN..]).await?;
    Ok(bytes)
}
