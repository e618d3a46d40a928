//! The bound on connections not yet authenticated. When it is reached, the
//! oldest such connection is dropped to admit the new one: a flood of
//! half-open connections then only ever holds the bound's worth of
//! resources, and a real user connecting during the flood still gets in.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

#[derive(Debug)]
struct Inner {
    max: usize,
    next: u64,
    queue: VecDeque<(u64, CancellationToken)>,
}

/// Connections in negotiation or authentication, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    inner: Arc<Mutex<Inner>>,
}

/// A connection's place; it leaves the queue when authenticated or dropped.
#[derive(Debug)]
pub(crate) struct Ticket {
    id: u64,
    pending: Pending,
}

impl Pending {
    pub(crate) fn new(max: usize) -> Self {
        Pending {
            inner: Arc::new(Mutex::new(Inner {
                max: max.max(1),
                next: 0,
                queue: VecDeque::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Admits a connection whose `kill` ends it, evicting the oldest
    /// pending one if the bound is reached.
    pub(crate) fn admit(&self, kill: CancellationToken) -> Ticket {
        let mut inner = self.lock();
        while inner.queue.len() >= inner.max {
            if let Some((_, oldest)) = inner.queue.pop_front() {
                tracing::info!("too many connections in authentication; the oldest is dropped");
                oldest.cancel();
            }
        }
        inner.next += 1;
        let id = inner.next;
        inner.queue.push_back((id, kill));
        Ticket {
            id,
            pending: self.clone(),
        }
    }

    /// Connections currently pending.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().queue.len()
    }
}

impl Ticket {
    /// The queue this ticket holds a place in.
    pub(crate) fn pending(&self) -> Pending {
        self.pending.clone()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut inner = self.pending.lock();
        inner.queue.retain(|(id, _)| *id != self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_is_evicted_and_tickets_leave() {
        let p = Pending::new(2);
        let a = CancellationToken::new();
        let b = CancellationToken::new();
        let c = CancellationToken::new();
        let ta = p.admit(a.clone());
        let tb = p.admit(b.clone());
        assert_eq!(p.len(), 2);
        let tc = p.admit(c.clone());
        assert!(a.is_cancelled() && !b.is_cancelled() && !c.is_cancelled());
        drop(ta);
        assert_eq!(p.len(), 2);
        drop(tb);
        drop(tc);
        assert_eq!(p.len(), 0);
    }
}
