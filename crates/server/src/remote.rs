//! Files to and from remote servers for `copy` and NETCONF `<url>`: TFTP
//! (RFC 1350, octet mode) and HTTP/1.1 (GET, PUT). Blocking sockets, each
//! wait bounded ([`WAIT`]), each transfer bounded in time ([`TOTAL`]) and
//! in size (what the caller allows). A call from an async worker hands the
//! worker's other tasks to the runtime while it waits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use ironconf_device::fs::remote::{Remote, RemoteUrl};

/// Longest wait for one packet or one read.
const WAIT: Duration = Duration::from_secs(2);
/// Tries of one TFTP packet before giving up.
const TRIES: u32 = 3;
/// Longest transfer.
const TOTAL: Duration = Duration::from_secs(60);
/// Longest HTTP header section.
const MAX_HEADERS: usize = 16 * 1024;

/// The transfers the server installs in the device.
#[derive(Debug, Default)]
pub(crate) struct Transfers;

impl Remote for Transfers {
    fn fetch(&self, url: &RemoteUrl, max: u64) -> Result<Vec<u8>, String> {
        blocking(|| match url.scheme.as_str() {
            "tftp" => tftp_get(url, max),
            "http" => http(url, "GET", None, max, TOTAL),
            "scp" => run_async(scp_transfer(url.clone(), None, max)),
            _ => Err("Operation not supported".into()),
        })
    }

    fn radius(
        &self,
        address: SocketAddr,
        exchange: ironconf_radius::Exchange,
    ) -> ironconf_radius::Finished {
        blocking(|| {
            run_async(async { Ok::<_, String>(crate::radius::run(address, exchange).await.0) })
                .unwrap_or(ironconf_radius::Finished::TimedOut {
                    sent: 0,
                    discarded: 0,
                })
        })
    }

    fn tacacs(
        &self,
        address: SocketAddr,
        timeout: std::time::Duration,
        session: ironconf_tacacs::ClientSession,
    ) -> ironconf_tacacs::Outcome {
        blocking(|| {
            run_async(async {
                Ok::<_, String>(crate::tacacs::run(address, timeout, session).await)
            })
            .unwrap_or_else(ironconf_tacacs::Outcome::Error)
        })
    }

    fn put(&self, url: &RemoteUrl, bytes: &[u8]) -> Result<(), String> {
        blocking(|| match url.scheme.as_str() {
            "tftp" => tftp_put(url, bytes),
            "http" => http(url, "PUT", Some(bytes), 0, TOTAL).map(|_| ()),
            "scp" => run_async(scp_transfer(url.clone(), Some(bytes.to_vec()), 0)).map(|_| ()),
            _ => Err("Operation not supported".into()),
        })
    }
}

/// Runs `f`, telling a multi-threaded runtime (if the caller is one of its
/// workers) that this thread blocks.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

fn address(url: &RemoteUrl, default_port: u16) -> Result<SocketAddr, String> {
    (url.host.as_str(), url.port.unwrap_or(default_port))
        .to_socket_addrs()
        .map_err(|_| "Unknown host".to_owned())?
        .next()
        .ok_or_else(|| "Unknown host".to_owned())
}

fn tftp_error(packet: &[u8]) -> String {
    let code = packet
        .get(2..4)
        .map_or(0, |c| u16::from_be_bytes([c[0], c[1]]));
    match code {
        1 => "No such file or directory".into(),
        2 => "Permission denied".into(),
        3 => "No space left on device".into(),
        _ => {
            let text = packet.get(4..).unwrap_or_default();
            let text = text.split(|&b| b == 0).next().unwrap_or_default();
            format!("TFTP error: {}", String::from_utf8_lossy(text))
        }
    }
}

fn tftp_request(opcode: u8, path: &str) -> Vec<u8> {
    let mut p = vec![0, opcode];
    p.extend_from_slice(path.as_bytes());
    p.push(0);
    p.extend_from_slice(b"octet");
    p.push(0);
    p
}

/// Sends `packet` and waits for a reply from `from` (any port when the
/// transfer's port is not known yet), resending on silence.
fn exchange(
    sock: &UdpSocket,
    packet: &[u8],
    to: SocketAddr,
    peer: &mut Option<SocketAddr>,
    started: Instant,
    accept: impl Fn(&[u8]) -> bool,
) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; 4 + 512 + 4];
    for _ in 0..TRIES {
        if started.elapsed() > TOTAL {
            return Err("Timed out".into());
        }
        sock.send_to(packet, peer.unwrap_or(to))
            .map_err(|_| "Network is unreachable".to_owned())?;
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            // Silence is waited out to the deadline; a refusal (nothing
            // listens there) ends this try at once.
            let (n, from) = match sock.recv_from(&mut buf) {
                Ok(x) => x,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(_) => break,
            };
            if from.ip() != to.ip() || peer.is_some_and(|p| p != from) {
                continue;
            }
            let reply = &buf[..n];
            if reply.get(..2) == Some(&[0, 5]) {
                return Err(tftp_error(reply));
            }
            if accept(reply) {
                *peer = Some(from);
                return Ok(reply.to_vec());
            }
        }
    }
    Err("Timed out".into())
}

fn udp_for(to: SocketAddr) -> Result<UdpSocket, String> {
    let local: SocketAddr = if to.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let sock = UdpSocket::bind(local).map_err(|_| "Network is unreachable".to_owned())?;
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .map_err(|_| "I/O error".to_owned())?;
    Ok(sock)
}

fn tftp_get(url: &RemoteUrl, max: u64) -> Result<Vec<u8>, String> {
    let to = address(url, 69)?;
    let sock = udp_for(to)?;
    let started = Instant::now();
    let mut peer = None;
    let mut out = Vec::new();
    let mut packet = tftp_request(1, &url.path);
    let mut block: u16 = 1;
    loop {
        let want = block;
        let data = exchange(&sock, &packet, to, &mut peer, started, |r| {
            r.get(..2) == Some(&[0, 3]) && r.get(2..4) == Some(&want.to_be_bytes())
        })?;
        let payload = &data[4..];
        out.extend_from_slice(payload);
        if out.len() as u64 > max {
            return Err("File too large".into());
        }
        packet = vec![0, 4];
        packet.extend_from_slice(&block.to_be_bytes());
        if payload.len() < 512 {
            // The last block: acknowledged once, not waited on.
            let _ = sock.send_to(&packet, peer.unwrap_or(to));
            return Ok(out);
        }
        block = block.wrapping_add(1);
    }
}

fn tftp_put(url: &RemoteUrl, bytes: &[u8]) -> Result<(), String> {
    let to = address(url, 69)?;
    let sock = udp_for(to)?;
    let started = Instant::now();
    let mut peer = None;
    // A length that is a multiple of 512 (none included) ends with an
    // empty block.
    let mut blocks: Vec<&[u8]> = bytes.chunks(512).collect();
    if bytes.len().is_multiple_of(512) {
        blocks.push(&[]);
    }
    let ack = |n: u16| {
        move |r: &[u8]| r.get(..2) == Some(&[0, 4]) && r.get(2..4) == Some(&n.to_be_bytes())
    };
    exchange(
        &sock,
        &tftp_request(2, &url.path),
        to,
        &mut peer,
        started,
        ack(0),
    )?;
    let mut n: u16 = 0;
    for chunk in blocks {
        n = n.wrapping_add(1);
        let mut packet = vec![0, 3];
        packet.extend_from_slice(&n.to_be_bytes());
        packet.extend_from_slice(chunk);
        exchange(&sock, &packet, to, &mut peer, started, ack(n))?;
    }
    Ok(())
}

/// A connection read against the transfer's deadline: each read waits at
/// most [`WAIT`] and none starts once the deadline has passed, so a server
/// that sends a byte now and then (its status line included) cannot hold a
/// transfer past its bound.
struct Timed {
    tcp: TcpStream,
    deadline: Instant,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.tcp.set_read_timeout(Some(left.min(WAIT)))?;
        self.tcp.read(buf)
    }
}

fn http(
    url: &RemoteUrl,
    method: &str,
    body: Option<&[u8]>,
    max: u64,
    total: Duration,
) -> Result<Vec<u8>, String> {
    let to = address(url, 80)?;
    let started = Instant::now();
    let mut tcp = TcpStream::connect_timeout(&to, WAIT).map_err(|e| match e.kind() {
        std::io::ErrorKind::TimedOut => "Timed out".to_owned(),
        _ => "Connection refused".to_owned(),
    })?;
    tcp.set_read_timeout(Some(WAIT))
        .map_err(|_| "I/O error".to_owned())?;
    tcp.set_write_timeout(Some(WAIT))
        .map_err(|_| "I/O error".to_owned())?;
    let host = match url.port {
        Some(p) => format!("{}:{p}", url.host),
        None => url.host.clone(),
    };
    let mut request = format!(
        "{method} /{} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: ironconf\r\nConnection: close\r\n",
        url.path
    );
    if let Some(b) = body {
        request.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    request.push_str("\r\n");
    let io = |_| "I/O error".to_owned();
    tcp.write_all(request.as_bytes()).map_err(io)?;
    if let Some(b) = body {
        tcp.write_all(b).map_err(io)?;
    }
    let mut reader = BufReader::new(Timed {
        tcp,
        deadline: started + total,
    });
    let mut status = String::new();
    reader
        .by_ref()
        .take(MAX_HEADERS as u64)
        .read_line(&mut status)
        .map_err(|_| "Timed out".to_owned())?;
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "Protocol error".to_owned())?;
    let mut length = None;
    let mut chunked = false;
    let mut seen = status.len();
    loop {
        let mut line = String::new();
        let n = reader
            .by_ref()
            .take(MAX_HEADERS as u64)
            .read_line(&mut line)
            .map_err(|_| "Timed out".to_owned())?;
        seen += n;
        if n == 0 || seen > MAX_HEADERS {
            return Err("Protocol error".into());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            if k == "content-length" {
                length = v.trim().parse::<u64>().ok();
            } else if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            }
        }
    }
    match code {
        200..=299 => {}
        404 => return Err("No such file or directory".into()),
        401 | 403 => return Err("Permission denied".into()),
        other => return Err(format!("HTTP status {other}")),
    }
    if method != "GET" {
        return Ok(Vec::new());
    }
    if chunked {
        return Err("Operation not supported".into());
    }
    if length.is_some_and(|l| l > max) {
        return Err("File too large".into());
    }
    let mut out = Vec::new();
    let limit = length.unwrap_or(max.saturating_add(1));
    let mut buf = vec![0u8; 64 * 1024];
    let mut taken = reader.take(limit);
    loop {
        if started.elapsed() > total {
            return Err("Timed out".into());
        }
        match taken.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => return Err("Timed out".into()),
        }
        if out.len() as u64 > max {
            return Err("File too large".into());
        }
    }
    if length.is_some_and(|l| out.len() as u64 != l) {
        return Err("Connection closed".into());
    }
    Ok(out)
}

/// Runs an async transfer to completion from a blocking caller: on the
/// caller's runtime when there is one, else on a small one of its own.
fn run_async<T>(fut: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    match tokio::runtime::Handle::try_current() {
        Ok(h) => h.block_on(fut),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|_| "I/O error".to_owned())?
            .block_on(fut),
    }
}

/// The device as an SSH client for `scp://`: any host key is accepted
/// (IOS's default without `ip ssh stricthostkeycheck`).
struct ScpClient;

impl russh::client::Handler for ScpClient {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// `scp://user:password@host[:port]/path`: the classic SCP protocol on an
/// exec channel (`scp -f` to fetch, `scp -t` to put `upload`), password or
/// keyboard-interactive login, the whole transfer within [`TOTAL`].
async fn scp_transfer(
    url: RemoteUrl,
    upload: Option<Vec<u8>>,
    max: u64,
) -> Result<Vec<u8>, String> {
    match tokio::time::timeout(TOTAL, scp_session(&url, upload, max)).await {
        Ok(r) => r,
        Err(_) => Err("Timed out".into()),
    }
}

async fn scp_session(
    url: &RemoteUrl,
    upload: Option<Vec<u8>>,
    max: u64,
) -> Result<Vec<u8>, String> {
    use russh::client::AuthResult;
    let addr = address(url, 22)?;
    let user = url.user.clone().unwrap_or_else(|| "admin".into());
    let password = url.password.clone().unwrap_or_default();
    let config = std::sync::Arc::new(russh::client::Config {
        inactivity_timeout: Some(WAIT * 5),
        ..Default::default()
    });
    let connect = russh::client::connect(config, addr, ScpClient);
    let mut handle = match tokio::time::timeout(WAIT * 2, connect).await {
        Err(_) => return Err("Timed out".into()),
        Ok(Err(russh::Error::IO(e))) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err("Connection refused".into());
        }
        Ok(Err(e)) => return Err(format!("SSH: {e}")),
        Ok(Ok(h)) => h,
    };
    let ssh = |e: russh::Error| format!("SSH: {e}");
    let mut ok = matches!(
        handle
            .authenticate_password(&user, &password)
            .await
            .map_err(ssh)?,
        AuthResult::Success
    );
    if !ok {
        ok = crate::ssh_client::keyboard_interactive(&mut handle, &user, &password)
            .await
            .map_err(ssh)?;
    }
    if !ok {
        return Err("Permission denied".into());
    }
    let mut ch = handle.channel_open_session().await.map_err(ssh)?;
    let path = if url.path.is_empty() {
        "."
    } else {
        url.path.as_str()
    };
    let command = match upload {
        Some(_) => format!("scp -t {path}"),
        None => format!("scp -f {path}"),
    };
    ch.exec(true, command).await.map_err(ssh)?;
    let mut incoming: Vec<u8> = Vec::new();
    // Bytes from the server, a wait at a time.
    async fn more(
        ch: &mut russh::Channel<russh::client::Msg>,
        into: &mut Vec<u8>,
    ) -> Result<(), String> {
        loop {
            match ch.wait().await {
                Some(russh::ChannelMsg::Data { data }) => {
                    into.extend_from_slice(&data);
                    return Ok(());
                }
                Some(russh::ChannelMsg::ExtendedData { data, .. }) => {
                    let text = String::from_utf8_lossy(&data).trim().to_owned();
                    tracing::debug!(%text, "scp server says");
                }
                Some(russh::ChannelMsg::Eof | russh::ChannelMsg::Close) | None => {
                    return Err("Connection closed".into());
                }
                Some(_) => {}
            }
        }
    }
    /// A status byte: 0, or a message after 1 / 2.
    async fn status(
        ch: &mut russh::Channel<russh::client::Msg>,
        buf: &mut Vec<u8>,
    ) -> Result<(), String> {
        while buf.is_empty() {
            more(ch, buf).await?;
        }
        if buf[0] == 0 {
            buf.remove(0);
            return Ok(());
        }
        while !buf.contains(&b'\n') && buf.len() < 1024 {
            more(ch, buf).await?;
        }
        let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
        let text = String::from_utf8_lossy(&buf[1..end]).into_owned();
        Err(scp_reason(&text))
    }
    let io = |e: russh::Error| format!("SSH: {e}");
    match upload {
        Some(bytes) => {
            status(&mut ch, &mut incoming).await?;
            let name = path.rsplit('/').next().unwrap_or("file");
            ch.data(format!("C0644 {} {name}\n", bytes.len()).as_bytes())
                .await
                .map_err(io)?;
            status(&mut ch, &mut incoming).await?;
            for part in bytes.chunks(32 * 1024) {
                ch.data(part).await.map_err(io)?;
            }
            ch.data(&[0u8][..]).await.map_err(io)?;
            status(&mut ch, &mut incoming).await?;
            let _ = ch.eof().await;
            Ok(Vec::new())
        }
        None => {
            ch.data(&[0u8][..]).await.map_err(io)?;
            // `C0644 SIZE NAME`, perhaps after `T…` times.
            let header = loop {
                while !incoming.contains(&b'\n') {
                    if incoming.first().is_some_and(|&b| b == 1 || b == 2) && incoming.len() > 1024
                    {
                        break;
                    }
                    more(&mut ch, &mut incoming).await?;
                    if incoming.len() > 1024 && !incoming.contains(&b'\n') {
                        return Err("Protocol error".into());
                    }
                }
                if incoming.first().is_some_and(|&b| b == 1 || b == 2) {
                    let end = incoming
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(incoming.len());
                    return Err(scp_reason(&String::from_utf8_lossy(&incoming[1..end])));
                }
                let end = incoming.iter().position(|&b| b == b'\n').unwrap_or(0);
                let line = String::from_utf8_lossy(&incoming[..end]).into_owned();
                incoming.drain(..=end);
                if line.starts_with('T') {
                    ch.data(&[0u8][..]).await.map_err(io)?;
                    continue;
                }
                break line;
            };
            let size: u64 = header
                .strip_prefix('C')
                .and_then(|l| l.split(' ').nth(1))
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| "Protocol error".to_owned())?;
            if size > max {
                return Err("File too large".into());
            }
            ch.data(&[0u8][..]).await.map_err(io)?;
            while (incoming.len() as u64) < size + 1 {
                more(&mut ch, &mut incoming).await?;
            }
            incoming.truncate(size as usize);
            ch.data(&[0u8][..]).await.map_err(io)?;
            let _ = ch.eof().await;
            Ok(incoming)
        }
    }
}

/// IOS's words for what an SCP server reported.
fn scp_reason(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if lower.contains("no such file") {
        "No such file or directory".into()
    } else if lower.contains("permission denied") {
        "Permission denied".into()
    } else if lower.contains("no space") {
        "No space left on device".into()
    } else {
        text.trim_start_matches("scp: ").to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(scheme: &str, port: u16, path: &str) -> RemoteUrl {
        RemoteUrl {
            scheme: scheme.into(),
            user: None,
            password: None,
            host: "127.0.0.1".into(),
            port: Some(port),
            path: path.into(),
        }
    }

    /// A server that takes the packets and never answers: each packet is
    /// sent `TRIES` times, `WAIT` apart, then the transfer gives up.
    #[test]
    fn a_silent_tftp_server_times_out_after_its_tries() {
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = silent.local_addr().map(|a| a.port()).unwrap_or_default();
        let started = Instant::now();
        let got = tftp_get(&url("tftp", port, "x"), 1000);
        let took = started.elapsed();
        assert_eq!(got, Err("Timed out".to_owned()));
        assert!(
            took >= WAIT * TRIES && took < WAIT * (TRIES + 2),
            "{took:?}"
        );
        let mut buf = [0u8; 64];
        let mut requests = 0;
        silent
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("{e}"));
        while silent.recv(&mut buf).is_ok() {
            requests += 1;
        }
        assert_eq!(requests, TRIES);
    }

    /// A server that accepts and says nothing: the read gives up after
    /// `WAIT`.
    #[test]
    fn a_silent_http_server_times_out() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let hold = std::thread::spawn(move || listener.accept().map(|(s, _)| s));
        let started = Instant::now();
        let got = http(&url("http", port, "x"), "GET", None, 1000, TOTAL);
        assert_eq!(got, Err("Timed out".to_owned()));
        assert!(started.elapsed() < WAIT * 2, "{:?}", started.elapsed());
        drop(hold.join());
    }

    /// A server that trickles its status line, a byte a second (each read
    /// within `WAIT`), is cut at the transfer's bound (3 s here, `TOTAL`
    /// on the device).
    #[test]
    fn a_trickling_http_server_is_cut_at_the_bound() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let serve = std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                for b in b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx" {
                    if s.write_all(&[*b]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
        });
        let bound = Duration::from_secs(3);
        let started = Instant::now();
        let got = http(&url("http", port, "slow"), "GET", None, 1000, bound);
        assert_eq!(got, Err("Timed out".to_owned()));
        let took = started.elapsed();
        assert!(took >= bound && took < bound + WAIT, "{took:?}");
        drop(serve.join());
    }

    /// A response larger than allowed is refused, announced or not.
    #[test]
    fn an_oversized_http_response_is_refused() {
        for length in [true, false] {
            let listener =
                std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
            let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
            let serve = std::thread::spawn(move || {
                if let Ok((mut s, _)) = listener.accept() {
                    let mut buf = [0u8; 1024];
                    let _ = s.read(&mut buf);
                    let head = if length {
                        "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"
                    } else {
                        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                    };
                    let _ = s.write_all(head.as_bytes());
                    let _ = s.write_all(&[b'x'; 5000]);
                }
            });
            let got = http(&url("http", port, "big"), "GET", None, 1000, TOTAL);
            assert_eq!(got, Err("File too large".to_owned()), "length {length}");
            drop(serve.join());
        }
    }
}
