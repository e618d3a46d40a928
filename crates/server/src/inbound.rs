//! The reader task every session channel gets from the moment it opens:
//! it drains russh's inbound queue whatever the consumer is doing, so the
//! connection's reader never waits on a channel. (russh hands every
//! channel message, data and requests alike, to a bounded queue and waits
//! while it is full, inside the loop that reads the connection: one
//! channel left unread would stop the whole connection, its window
//! adjustments and its end included.)
//!
//! Bytes waiting for the consumer are bounded. Before a service (shell,
//! exec, subsystem) takes the channel, the bound is [`PENDING_MAX`] and
//! what goes past it is dropped and remembered, so the service is then
//! refused; once a service has started, going past its bound ends it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use russh::{ChannelMsg, ChannelReadHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Bytes a client may send on a channel before asking for a service.
pub(crate) const PENDING_MAX: usize = 64 * 1024;

/// What the peer sent.
pub(crate) enum Input {
    Data(Bytes),
    Eof,
    /// The terminal's new size (`window-change`); a flood of them is one
    /// notice with the latest size.
    Window {
        cols: u32,
        rows: u32,
    },
}

/// The terminal's size as the peer last gave it, and whether a notice of
/// it waits to be taken: however many `window-change`s arrive while one
/// waits, one notice is queued, and taking it reads the latest size.
#[derive(Default)]
struct WindowLatch {
    size: std::sync::atomic::AtomicU64,
    waiting: AtomicBool,
}

impl WindowLatch {
    /// Records a new size; true when a notice must be queued (none waits).
    fn offer(&self, cols: u32, rows: u32) -> bool {
        let size = (u64::from(cols.min(1000)) << 32) | u64::from(rows.min(512));
        self.size.store(size, Ordering::SeqCst);
        !self.waiting.swap(true, Ordering::SeqCst)
    }

    /// Takes the notice: the latest size.
    fn take(&self) -> (u32, u32) {
        self.waiting.store(false, Ordering::SeqCst);
        let size = self.size.load(Ordering::SeqCst);
        ((size >> 32) as u32, (size & 0xffff_ffff) as u32)
    }
}

#[derive(Default)]
struct Shared {
    window: WindowLatch,
    queued: AtomicUsize,
    max: AtomicUsize,
    /// Input went past the bound before a service started.
    overflowed: AtomicBool,
    /// Input is read and dropped (a service that takes none).
    discard: AtomicBool,
    /// Cancelled when input goes past the bound of a started service.
    kill: Mutex<Option<CancellationToken>>,
    /// Past the bound, the reader waits for the consumer instead (a bulk
    /// transfer: only its own connection waits, as TCP flow control).
    paced: AtomicBool,
    /// Signalled when the consumer takes input.
    space: tokio::sync::Notify,
}

pub(crate) struct Inbound {
    rx: mpsc::UnboundedReceiver<Input>,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Inbound {
    /// Starts draining `read`, with the bound of a channel no service has
    /// taken yet.
    pub(crate) fn spawn(mut read: ChannelReadHalf) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            max: AtomicUsize::new(PENDING_MAX),
            ..Shared::default()
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Some(msg) = read.wait().await {
                match msg {
                    ChannelMsg::Data { data } => {
                        if s.discard.load(Ordering::SeqCst) {
                            continue;
                        }
                        if s.paced.load(Ordering::SeqCst) {
                            // Wait for room; a chunk larger than the bound
                            // goes once nothing else waits.
                            loop {
                                let room = s.space.notified();
                                let queued = s.queued.load(Ordering::SeqCst);
                                if queued == 0
                                    || queued + data.len() <= s.max.load(Ordering::SeqCst)
                                {
                                    break;
                                }
                                room.await;
                            }
                        }
                        let queued = s.queued.load(Ordering::SeqCst) + data.len();
                        if queued > s.max.load(Ordering::SeqCst) && !s.paced.load(Ordering::SeqCst)
                        {
                            let kill = s.kill.lock().unwrap_or_else(|p| p.into_inner()).clone();
                            match kill {
                                Some(kill) => kill.cancel(),
                                None => {
                                    s.overflowed.store(true, Ordering::SeqCst);
                                    continue;
                                }
                            }
                        }
                        s.queued.fetch_add(data.len(), Ordering::SeqCst);
                        if tx.send(Input::Data(data)).is_err() {
                            break;
                        }
                    }
                    ChannelMsg::Eof => {
                        let _ = tx.send(Input::Eof);
                    }
                    ChannelMsg::WindowChange {
                        col_width,
                        row_height,
                        ..
                    } if s.window.offer(col_width, row_height) => {
                        let _ = tx.send(Input::Window {
                            cols: col_width,
                            rows: row_height,
                        });
                    }
                    ChannelMsg::Close => break,
                    // Requests are answered by the connection's handler;
                    // here they are only taken off the queue.
                    _ => {}
                }
            }
            let _ = tx.send(Input::Eof);
        });
        Inbound { rx, shared, task }
    }

    /// A service takes the channel: from now on more than `max` bytes
    /// waiting cancels `kill`. False if input was already dropped for
    /// going past the bound before (the service must not start).
    pub(crate) fn start(&self, max: usize, kill: CancellationToken) -> bool {
        *self.shared.kill.lock().unwrap_or_else(|p| p.into_inner()) = Some(kill);
        self.shared.max.store(max, Ordering::SeqCst);
        !self.shared.overflowed.load(Ordering::SeqCst)
    }

    /// Like [`Inbound::start`], but past `max` the reader waits for the
    /// service to take input (its connection waits with it) instead of
    /// ending it: for a bulk transfer whose consumer writes to disk.
    pub(crate) fn start_paced(&self, max: usize, kill: CancellationToken) -> bool {
        self.shared.paced.store(true, Ordering::SeqCst);
        self.start(max, kill)
    }

    /// The service reads no input: what arrives from now on is dropped.
    pub(crate) fn discard(&self) {
        self.shared.discard.store(true, Ordering::SeqCst);
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
        match input {
            Some(Input::Data(d)) => {
                self.shared.queued.fetch_sub(d.len(), Ordering::SeqCst);
                self.shared.space.notify_one();
                Some(Input::Data(d))
            }
            Some(Input::Window { .. }) => {
                let (cols, rows) = self.shared.window.take();
                Some(Input::Window { cols, rows })
            }
            other => other,
        }
    }
}

impl Drop for Inbound {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_window_changes_is_one_notice_with_the_latest_size() {
        let latch = WindowLatch::default();
        let queued = (0..10_000u32)
            .filter(|i| latch.offer(80 + i % 100, 24 + i % 50))
            .count();
        assert_eq!(queued, 1, "one notice waits, however many changes");
        assert_eq!(latch.take(), (80 + 9_999 % 100, 24 + 9_999 % 50));
        // Taken: the next change is a notice again; sizes are clamped.
        assert!(latch.offer(5000, 5000));
        assert!(!latch.offer(132, 43));
        assert_eq!(latch.take(), (132, 43));
        assert!(latch.offer(u32::MAX, u32::MAX));
        assert_eq!(latch.take(), (1000, 512));
    }
}
