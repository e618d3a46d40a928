//! TACACS+ sessions over TCP: the I/O for the device's sans-I/O
//! [`ClientSession`]. Each waits at most its server's `timeout` for the
//! connection and for each reply, on its own task.

use std::net::SocketAddr;
use std::time::Duration;

use ironconf_tacacs::{ClientSession, HEADER_LEN, Header, Outcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Runs `session` with the server at `address` to its end.
pub(crate) async fn run(
    address: SocketAddr,
    wait: Duration,
    mut session: ClientSession,
) -> Outcome {
    let mut stream = match timeout(wait, TcpStream::connect(address)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Outcome::Error(format!("connect: {e}")),
        Err(_) => return Outcome::Error("connect: timed out".into()),
    };
    let _ = stream.set_nodelay(true);
    loop {
        while let Some(bytes) = session.poll_transmit() {
            match timeout(wait, stream.write_all(&bytes)).await {
                Ok(Ok(())) => {}
                _ => session.abandon("the connection closed while sending"),
            }
        }
        if let Some(done) = session.outcome() {
            return done.clone();
        }
        match timeout(wait, read_packet(&mut stream)).await {
            Ok(Ok(bytes)) => session.handle_packet(&bytes),
            Ok(Err(e)) => session.abandon(&format!("no reply: {e}")),
            Err(_) => session.abandon("no reply in time"),
        }
    }
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
