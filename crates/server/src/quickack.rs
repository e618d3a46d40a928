//! A TCP stream that acknowledges what it reads at once.
//!
//! A client without TCP_NODELAY (OpenSSH on a non-interactive session,
//! paramiko) sends its KEXINIT and then its small KEX_ECDH_INIT; Nagle holds
//! the second until the first is acknowledged, and Linux delays that ACK by
//! up to 40 ms when the server, its own KEXINIT already sent, has nothing to
//! send. Asking for a quick ACK after every read takes the wait away there,
//! and wherever else a client's second small packet would wait. Linux
//! leaves quick-ACK mode on its own, so it is asked for again each time.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

pub(crate) struct QuickAck {
    inner: TcpStream,
}

impl QuickAck {
    pub(crate) fn new(inner: TcpStream) -> Self {
        QuickAck { inner }
    }
}

impl AsyncRead for QuickAck {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            // Best effort: a socket that refuses only keeps delayed ACKs.
            let _ = socket2::SockRef::from(&self.inner).set_tcp_quickack(true);
        }
        result
    }
}

impl AsyncWrite for QuickAck {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
