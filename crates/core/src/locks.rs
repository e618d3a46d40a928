//! Configuration locks (RFC 6241 section 7.5) with the IOS `netconf
//! lock-time`: a lock whose holder sends no rpc for that long is released.
//!
//! Locks are shared by every session of a device, so this table belongs to
//! the device; it is sans-I/O like the session (time is passed in).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ironconf_proto::{ErrorTag, RpcError};

/// A configuration datastore (RFC 6241 section 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Datastore {
    /// `<running/>`
    Running,
    /// `<startup/>`
    Startup,
    /// `<candidate/>`
    Candidate,
}

impl Datastore {
    /// The element name.
    pub fn as_str(self) -> &'static str {
        match self {
            Datastore::Running => "running",
            Datastore::Startup => "startup",
            Datastore::Candidate => "candidate",
        }
    }

    /// Parses an element name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "running" => Datastore::Running,
            "startup" => Datastore::Startup,
            "candidate" => Datastore::Candidate,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    session: u32,
    last_activity: Instant,
}

/// A lock released by [`LockTable::handle_timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired {
    /// The datastore.
    pub datastore: Datastore,
    /// The session that held it.
    pub session: u32,
}

/// The locks of one device.
#[derive(Debug, Clone, Default)]
pub struct LockTable {
    held: BTreeMap<Datastore, Held>,
    lock_time: Option<Duration>,
}

impl LockTable {
    /// A table whose locks expire after `lock_time` without an rpc from the
    /// holder (`None`: never).
    pub fn new(lock_time: Option<Duration>) -> Self {
        LockTable {
            held: BTreeMap::new(),
            lock_time,
        }
    }

    /// Changes the lock time; held locks keep their last activity.
    pub fn set_lock_time(&mut self, lock_time: Option<Duration>) {
        self.lock_time = lock_time;
    }

    /// The holder of a datastore's lock.
    pub fn holder(&self, ds: Datastore) -> Option<u32> {
        self.held.get(&ds).map(|h| h.session)
    }

    /// `<lock>`: `lock-denied` naming the holder if another session (or the
    /// same one) holds it.
    pub fn lock(&mut self, ds: Datastore, session: u32, now: Instant) -> Result<(), RpcError> {
        self.handle_timeout(now);
        if let Some(h) = self.held.get(&ds) {
            return Err(RpcError::lock_denied(h.session));
        }
        self.held.insert(
            ds,
            Held {
                session,
                last_activity: now,
            },
        );
        Ok(())
    }

    /// `<unlock>`: `operation-failed` unless this session holds the lock.
    pub fn unlock(&mut self, ds: Datastore, session: u32, now: Instant) -> Result<(), RpcError> {
        self.handle_timeout(now);
        match self.held.get(&ds) {
            Some(h) if h.session == session => {
                self.held.remove(&ds);
                Ok(())
            }
            Some(h) => Err(RpcError::new(ErrorTag::OperationFailed)
                .session_id(h.session)
                .message("the lock is held by another session")),
            None => {
                Err(RpcError::new(ErrorTag::OperationFailed).message("the datastore is not locked"))
            }
        }
    }

    /// Whether `session` may change `ds`: `in-use` naming the holder if
    /// another session holds its lock.
    pub fn check_write(
        &mut self,
        ds: Datastore,
        session: u32,
        now: Instant,
    ) -> Result<(), RpcError> {
        self.handle_timeout(now);
        match self.held.get(&ds) {
            Some(h) if h.session != session => Err(RpcError::in_use(h.session)),
            _ => Ok(()),
        }
    }

    /// An rpc from `session`: restarts the lock time of the locks it holds.
    pub fn touch(&mut self, session: u32, now: Instant) {
        for h in self.held.values_mut().filter(|h| h.session == session) {
            h.last_activity = now;
        }
    }

    /// Releases every lock of a session that ended.
    pub fn release_session(&mut self, session: u32) -> Vec<Datastore> {
        let gone: Vec<Datastore> = self
            .held
            .iter()
            .filter(|(_, h)| h.session == session)
            .map(|(d, _)| *d)
            .collect();
        for d in &gone {
            self.held.remove(d);
        }
        gone
    }

    /// When the next lock expires.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let t = self.lock_time?;
        self.held.values().map(|h| h.last_activity + t).min()
    }

    /// Releases the locks whose lock time has passed.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Expired> {
        let Some(t) = self.lock_time else {
            return Vec::new();
        };
        let expired: Vec<Expired> = self
            .held
            .iter()
            .filter(|(_, h)| now >= h.last_activity + t)
            .map(|(d, h)| Expired {
                datastore: *d,
                session: h.session,
            })
            .collect();
        for e in &expired {
            self.held.remove(&e.datastore);
        }
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_unlock_and_conflicts() {
        let t0 = Instant::now();
        let mut l = LockTable::new(None);
        assert_eq!(l.lock(Datastore::Running, 1, t0), Ok(()));
        let denied = l.lock(Datastore::Running, 2, t0).err();
        assert_eq!(
            denied
                .as_ref()
                .map(|e| (e.error_tag, e.error_info.session_id)),
            Some((ErrorTag::LockDenied, Some(1)))
        );
        assert_eq!(
            l.lock(Datastore::Running, 1, t0).err().map(|e| e.error_tag),
            Some(ErrorTag::LockDenied)
        );
        assert_eq!(
            l.check_write(Datastore::Running, 2, t0)
                .err()
                .map(|e| e.error_tag),
            Some(ErrorTag::InUse)
        );
        assert_eq!(l.check_write(Datastore::Running, 1, t0), Ok(()));
        assert_eq!(l.check_write(Datastore::Startup, 2, t0), Ok(()));
        assert_eq!(
            l.unlock(Datastore::Running, 2, t0)
                .err()
                .map(|e| e.error_tag),
            Some(ErrorTag::OperationFailed)
        );
        assert_eq!(l.unlock(Datastore::Running, 1, t0), Ok(()));
        assert_eq!(
            l.unlock(Datastore::Running, 1, t0)
                .err()
                .map(|e| e.error_tag),
            Some(ErrorTag::OperationFailed)
        );
        assert_eq!(l.lock(Datastore::Running, 2, t0), Ok(()));
        assert_eq!(l.release_session(2), vec![Datastore::Running]);
        assert_eq!(l.holder(Datastore::Running), None);
    }

    #[test]
    fn lock_time_restarts_on_activity_and_expires_silently() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut l = LockTable::new(Some(10 * s));
        assert_eq!(l.lock(Datastore::Running, 7, t0), Ok(()));
        assert_eq!(l.poll_timeout(), Some(t0 + 10 * s));
        l.touch(7, t0 + 6 * s);
        assert_eq!(l.handle_timeout(t0 + 10 * s), vec![]);
        assert_eq!(l.poll_timeout(), Some(t0 + 16 * s));
        assert_eq!(
            l.handle_timeout(t0 + 16 * s),
            vec![Expired {
                datastore: Datastore::Running,
                session: 7
            }]
        );
        assert_eq!(l.poll_timeout(), None);
        // The holder's later unlock fails, as on IOS.
        assert!(l.unlock(Datastore::Running, 7, t0 + 17 * s).is_err());
    }
}
