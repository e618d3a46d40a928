//! When notifications leave. An event's notifications wait a short,
//! fixed while (the gather window) before their sessions write them: the
//! change's own reply, and its client's reading of it, go first rather
//! than sharing the CPU with the fan-out to every subscriber, and the
//! events of a burst inside the window go out in one write per session.
//! The device hands a session's documents to its sink; a sink that pushes
//! them onto an [`Outbound`] has them back, all at once, when its wake-up
//! is called after the window.
//!
//! Async runtimes' timers tick in milliseconds; the window is a few
//! hundred microseconds, so one thread per [`Clock`] (started when a
//! notification is first queued) keeps the deadlines and wakes the
//! sessions when they are due. A process needs one clock (a fleet's
//! devices share it).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Notifications waiting for a session that is busy writing: at most this
/// many …
pub const NOTIFY_QUEUE: usize = 1024;
/// … and this many bytes of them; past either, the device ends the
/// session (it does not read what it subscribed to).
pub const NOTIFY_BYTES: usize = 16 * 1024 * 1024;

/// The gather window a server uses unless told otherwise.
pub const DEFAULT_WINDOW: Duration = Duration::from_micros(200);

/// One session's notifications on their way out.
pub struct Outbound {
    queue: Mutex<Queue>,
    /// Called when the queued notifications are due.
    wake: Box<dyn Fn() + Send + Sync>,
}

#[derive(Default)]
struct Queue {
    docs: VecDeque<Arc<str>>,
    bytes: usize,
    /// When the oldest queued was pushed (a wake-up is then on the clock
    /// for what is queued).
    armed: Option<Instant>,
}

impl Outbound {
    /// A queue whose due documents are announced by calling `wake` (which
    /// must not block: it is called on the clock's thread).
    pub fn new(wake: impl Fn() + Send + Sync + 'static) -> Arc<Outbound> {
        Arc::new(Outbound {
            queue: Mutex::default(),
            wake: Box::new(wake),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `doc` without waiting; false when the queue is full.
    pub fn push(self: &Arc<Self>, doc: Arc<str>, clock: &Clock) -> bool {
        let armed = {
            let mut q = self.lock();
            if q.docs.len() >= NOTIFY_QUEUE || q.bytes + doc.len() > NOTIFY_BYTES {
                return false;
            }
            q.bytes += doc.len();
            q.docs.push_back(doc);
            match q.armed {
                Some(_) => None,
                None => {
                    let now = Instant::now();
                    q.armed = Some(now);
                    Some(now)
                }
            }
        };
        if let Some(at) = armed {
            clock.wake_later(self.clone(), at);
        }
        true
    }

    /// Everything queued, oldest first, and when the oldest was queued.
    pub fn take(&self) -> (VecDeque<Arc<str>>, Option<Instant>) {
        let mut q = self.lock();
        q.bytes = 0;
        (std::mem::take(&mut q.docs), q.armed.take())
    }
}

/// The gather window's clock, shared by a server's sessions.
pub struct Clock {
    window: Duration,
    inner: Arc<Inner>,
    /// Whether the thread runs (set on first use).
    started: OnceLock<bool>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<Due>,
    changed: Condvar,
}

#[derive(Default)]
struct Due {
    /// Sessions to wake, by deadline (pushed in time order: each is the
    /// moment of pushing plus the same window). One entry per session at
    /// most: an [`Outbound`] is armed once until taken, and a session
    /// takes its queue only when woken, after its entry has left.
    due: VecDeque<(Instant, Arc<Outbound>)>,
    stop: bool,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Due> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock {
    /// A clock for `window` (zero: documents are due at once, and no
    /// thread is started).
    pub fn new(window: Duration) -> Clock {
        Clock {
            window,
            inner: Arc::default(),
            started: OnceLock::new(),
        }
    }

    /// Wakes `outbound` once the window has passed since `armed` (at once
    /// when the window is zero, or when the clock's thread could not be
    /// started).
    fn wake_later(&self, outbound: Arc<Outbound>, armed: Instant) {
        if self.window.is_zero() || !self.start() {
            (outbound.wake)();
            return;
        }
        let first = {
            let mut st = self.inner.lock();
            st.due.push_back((armed + self.window, outbound));
            st.due.len() == 1
        };
        if first {
            self.inner.changed.notify_one();
        }
    }

    /// Starts the thread on first use; false if it could not be.
    fn start(&self) -> bool {
        *self.started.get_or_init(|| {
            let inner = self.inner.clone();
            match std::thread::Builder::new()
                .name("notify-clock".into())
                .spawn(move || run(&inner))
            {
                Ok(_) => true,
                Err(e) => {
                    tracing::warn!(%e, "no thread for the notification clock: notifications leave at once");
                    false
                }
            }
        })
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        self.inner.lock().stop = true;
        self.inner.changed.notify_one();
    }
}

/// The clock's thread: sleeps until the earliest deadline, wakes every
/// session then due, and waits for more.
fn run(inner: &Inner) {
    let mut st = inner.lock();
    loop {
        if st.stop {
            // Whatever is still queued goes now.
            for (_, o) in st.due.drain(..) {
                (o.wake)();
            }
            return;
        }
        let Some(when) = st.due.front().map(|(w, _)| *w) else {
            st = inner.changed.wait(st).unwrap_or_else(|p| p.into_inner());
            continue;
        };
        let now = Instant::now();
        if when > now {
            // Deadlines only grow: nothing queued meanwhile is due sooner.
            drop(st);
            std::thread::sleep(when - now);
            st = inner.lock();
            continue;
        }
        let mut ready = Vec::new();
        while st.due.front().is_some_and(|(w, _)| *w <= now) {
            if let Some((_, o)) = st.due.pop_front() {
                ready.push(o);
            }
        }
        drop(st);
        for o in ready {
            (o.wake)();
        }
        st = inner.lock();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, sync_channel};

    fn outbound() -> (Arc<Outbound>, Receiver<()>) {
        let (tx, rx) = sync_channel(16);
        (
            Outbound::new(move || {
                let _ = tx.try_send(());
            }),
            rx,
        )
    }

    #[test]
    fn notifications_wait_for_the_window_and_leave_together() {
        let clock = Clock::new(Duration::from_millis(20));
        let (out, woken) = outbound();
        let start = Instant::now();
        assert!(out.push(Arc::from("a"), &clock));
        assert!(out.push(Arc::from("b"), &clock));
        woken.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert!(woken.try_recv().is_err(), "woken once for both");
        let (docs, armed) = out.take();
        assert!(armed.is_some_and(|at| at >= start));
        let docs: Vec<_> = docs.into_iter().map(|d| d.to_string()).collect();
        assert_eq!(docs, ["a", "b"]);
        // Armed again by the next push.
        assert!(out.push(Arc::from("c"), &clock));
        woken.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(out.take().0.len(), 1);
    }

    #[test]
    fn a_zero_window_wakes_at_once() {
        let clock = Clock::new(Duration::ZERO);
        let (out, woken) = outbound();
        assert!(out.push(Arc::from("a"), &clock));
        assert!(woken.try_recv().is_ok());
        assert!(clock.started.get().is_none(), "no thread for a zero window");
    }

    #[test]
    fn the_queue_is_bounded_in_count_and_bytes() {
        let clock = Clock::new(Duration::from_secs(3600));
        let (out, _woken) = outbound();
        for _ in 0..NOTIFY_QUEUE {
            assert!(out.push(Arc::from("x"), &clock));
        }
        assert!(!out.push(Arc::from("x"), &clock));
        // One entry on the clock for the session, however many it queued.
        assert_eq!(clock.inner.lock().due.len(), 1);
        assert_eq!(out.take().0.len(), NOTIFY_QUEUE);
        let big: Arc<str> = Arc::from("y".repeat(NOTIFY_BYTES / 2).as_str());
        assert!(out.push(big.clone(), &clock));
        assert!(out.push(big.clone(), &clock));
        assert!(!out.push(Arc::from("z"), &clock));
    }
}
