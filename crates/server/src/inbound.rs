//! The reader task every channel gets: it drains russh's inbound queue
//! whatever the consumer is doing (a consumer blocked on a full outbound
//! window must never stall the connection's reader), with a bound on the
//! bytes waiting to be consumed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use russh::{ChannelMsg, ChannelReadHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What the peer sent.
pub(crate) enum Input {
    Data(Bytes),
    Eof,
}

pub(crate) struct Inbound {
    rx: mpsc::UnboundedReceiver<Input>,
    queued: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Inbound {
    /// Starts draining `read`; more than `max` bytes waiting cancels `kill`.
    pub(crate) fn spawn(mut read: ChannelReadHalf, max: usize, kill: CancellationToken) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let counter = queued.clone();
        let task = tokio::spawn(async move {
            while let Some(msg) = read.wait().await {
                match msg {
                    ChannelMsg::Data { data } => {
                        if counter.fetch_add(data.len(), Ordering::SeqCst) + data.len() > max {
                            kill.cancel();
                        }
                        if tx.send(Input::Data(data)).is_err() {
                            break;
                        }
                    }
                    ChannelMsg::Eof => {
                        let _ = tx.send(Input::Eof);
                    }
                    ChannelMsg::Close => break,
                    _ => {}
                }
            }
            let _ = tx.send(Input::Eof);
        });
        Inbound { rx, queued, task }
    }

    /// The next input; `None` once the reader is gone.
    pub(crate) async fn recv(&mut self) -> Option<Input> {
        let input = self.rx.recv().await;
        self.taken(input)
    }

    /// Input that has already arrived, without waiting.
    pub(crate) fn try_recv(&mut self) -> Option<Input> {
        let input = self.rx.try_recv().ok();
        self.taken(input)
    }

    fn taken(&self, input: Option<Input>) -> Option<Input> {
        if let Some(Input::Data(d)) = &input {
            self.queued.fetch_sub(d.len(), Ordering::SeqCst);
        }
        input
    }
}

impl Drop for Inbound {
    fn drop(&mut self) {
        self.task.abort();
    }
}
