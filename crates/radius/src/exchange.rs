//! One request and its reply, with retransmission, sans I/O: the caller
//! sends what [`Exchange::poll_transmit`] gives, hands every datagram from
//! the server to [`Exchange::handle_datagram`], and calls
//! [`Exchange::handle_timeout`] at [`Exchange::poll_timeout`].

use std::time::{Duration, Instant};

use crate::packet::{Encoded, Error, Reply};

/// How an exchange ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// A verified reply.
    Reply(Reply),
    /// No valid reply after the first send and every retransmission.
    TimedOut {
        /// Datagrams sent.
        sent: u32,
        /// Replies that arrived and were discarded (a wrong shared
        /// secret, a stray identifier …).
        discarded: u32,
    },
}

/// A request in flight to one server.
#[derive(Debug)]
pub struct Exchange {
    request: Encoded,
    secret: Vec<u8>,
    timeout: Duration,
    /// Sends allowed: the first and the retransmissions.
    sends: u32,
    sent: u32,
    discarded: u32,
    send_now: bool,
    deadline: Option<Instant>,
    finished: Option<Finished>,
}

impl Exchange {
    /// `request` to a server sharing `secret`: sent now, again after each
    /// `timeout` without a valid reply, `retransmit` times at most.
    pub fn new(request: Encoded, secret: &[u8], timeout: Duration, retransmit: u32) -> Self {
        Exchange {
            request,
            secret: secret.to_vec(),
            timeout,
            sends: retransmit.saturating_add(1),
            sent: 0,
            discarded: 0,
            send_now: true,
            deadline: None,
            finished: None,
        }
    }

    /// The datagram to send now, if one is due.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<&[u8]> {
        if !self.send_now || self.finished.is_some() {
            return None;
        }
        self.send_now = false;
        self.sent += 1;
        self.deadline = Some(now + self.timeout);
        Some(self.request.bytes())
    }

    /// When to call [`Exchange::handle_timeout`].
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.finished.is_some() {
            None
        } else {
            self.deadline
        }
    }

    /// Time has passed: a retransmission is due, or the exchange has
    /// timed out.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.finished.is_some() || self.deadline.is_none_or(|d| now < d) {
            return;
        }
        if self.sent < self.sends {
            self.send_now = true;
        } else {
            self.finished = Some(Finished::TimedOut {
                sent: self.sent,
                discarded: self.discarded,
            });
        }
    }

    /// A datagram from the server. One that is not a valid reply to this
    /// request is discarded (RFC 2865 §3: silently, here with the reason)
    /// and the exchange goes on waiting.
    pub fn handle_datagram(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.finished.is_some() {
            return Ok(());
        }
        match Reply::verify(bytes, &self.request, &self.secret) {
            Ok(reply) => {
                self.finished = Some(Finished::Reply(reply));
                Ok(())
            }
            Err(e) => {
                self.discarded += 1;
                Err(e)
            }
        }
    }

    /// How it ended, once it has.
    pub fn finished(&self) -> Option<&Finished> {
        self.finished.as_ref()
    }

    /// Datagrams discarded so far (not valid replies to this request).
    pub fn discarded(&self) -> u32 {
        self.discarded
    }

    /// Datagrams sent so far.
    pub fn sent(&self) -> u32 {
        self.sent
    }

    /// The request's identifier.
    pub fn identifier(&self) -> u8 {
        self.request.identifier()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::packet::AccessRequest;

    #[test]
    fn retransmits_then_times_out_and_discards_bad_replies() {
        let req = AccessRequest::new("u", b"p")
            .encode(1, [0; 16], b"s")
            .unwrap();
        let t0 = Instant::now();
        let mut ex = Exchange::new(req, b"s", Duration::from_secs(5), 2);
        assert!(ex.poll_transmit(t0).is_some());
        assert!(ex.poll_transmit(t0).is_none());
        assert_eq!(ex.poll_timeout(), Some(t0 + Duration::from_secs(5)));
        ex.handle_timeout(t0 + Duration::from_secs(4));
        assert!(ex.poll_transmit(t0).is_none());
        // A reply signed with another secret is not an answer.
        assert!(
            ex.handle_datagram(&[2, 1, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
                .is_err()
        );
        assert!(ex.finished().is_none());
        for k in 1..=2u64 {
            let t = t0 + Duration::from_secs(5 * k);
            ex.handle_timeout(t);
            assert!(ex.poll_transmit(t).is_some(), "retransmission {k}");
        }
        ex.handle_timeout(t0 + Duration::from_secs(15));
        assert_eq!(
            ex.finished(),
            Some(&Finished::TimedOut {
                sent: 3,
                discarded: 1
            })
        );
        assert_eq!(ex.poll_timeout(), None);
    }
}
