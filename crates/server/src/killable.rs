//! A stream that fails once a token is cancelled. russh has no
//! authentication deadline and its event queue is not read during key
//! exchange, so the pre-authentication timeout (and "clear line") works on
//! the byte stream itself.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use crate::kexinit::Sniffer;

pub(crate) struct Killable<S> {
    inner: S,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
    /// Sees inbound bytes until the client's KEXINIT has been read.
    sniffer: Option<Arc<Mutex<Sniffer>>>,
}

impl<S> Killable<S> {
    pub(crate) fn new(inner: S, token: CancellationToken) -> Self {
        Killable {
            inner,
            cancelled: Box::pin(token.cancelled_owned()),
            sniffer: None,
        }
    }

    /// Shows inbound bytes to `sniffer` until it is done.
    pub(crate) fn with_sniffer(mut self, sniffer: Arc<Mutex<Sniffer>>) -> Self {
        self.sniffer = Some(sniffer);
        self
    }

    fn dead(&mut self, cx: &mut Context<'_>) -> bool {
        self.cancelled.as_mut().poll(cx).is_ready()
    }
}

fn ended() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection ended by the device")
}

impl<S: AsyncRead + Unpin> AsyncRead for Killable<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.dead(cx) {
            return Poll::Ready(Err(ended()));
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Some(sniffer) = &self.sniffer {
            let mut s = sniffer.lock().unwrap_or_else(|p| p.into_inner());
            s.feed(&buf.filled()[before..]);
            if s.is_done() {
                drop(s);
                self.sniffer = None;
            }
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Killable<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.dead(cx) {
            return Poll::Ready(Err(ended()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
