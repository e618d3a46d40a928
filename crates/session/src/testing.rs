//! A scripted peer for tests (in the manner of h2's mock): feed exact bytes
//! to a [`Session`], advance a simulated clock, and read exactly what the
//! session sent back.

use std::time::{Duration, Instant};

use crate::handler::{RpcHandler, dispatch};
use crate::session::{CloseReason, Session, SessionConfig};

/// A session, its handler, a simulated clock and the bytes sent so far.
#[derive(Debug)]
pub struct ScriptedPeer<H> {
    /// The session under test.
    pub session: Session,
    /// The device side.
    pub handler: H,
    now: Instant,
    out: Vec<u8>,
    closed: Option<CloseReason>,
}

impl<H: RpcHandler> ScriptedPeer<H> {
    /// Starts a session; its hello is waiting in the output.
    pub fn new(config: SessionConfig, handler: H) -> Self {
        let now = Instant::now();
        let mut peer = ScriptedPeer {
            session: Session::new(config, now),
            handler,
            now,
            out: Vec::new(),
            closed: None,
        };
        peer.pump();
        peer
    }

    /// The simulated time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Sends bytes to the session.
    pub fn send(&mut self, bytes: impl AsRef<[u8]>) -> &mut Self {
        self.session.handle_input(bytes.as_ref(), self.now);
        self.pump();
        self
    }

    /// Sends bytes one at a time (every split point at once).
    pub fn send_bytewise(&mut self, bytes: impl AsRef<[u8]>) -> &mut Self {
        for b in bytes.as_ref() {
            self.send([*b]);
        }
        self
    }

    /// Closes the client's side.
    pub fn send_eof(&mut self) -> &mut Self {
        self.session.handle_eof(self.now);
        self.pump();
        self
    }

    /// Lets simulated time pass, firing the session's deadline if reached.
    pub fn advance(&mut self, by: Duration) -> &mut Self {
        self.now += by;
        self.session.handle_timeout(self.now);
        self.pump();
        self
    }

    /// Runs the handler and collects output.
    pub fn pump(&mut self) {
        if let Some(reason) = dispatch(&mut self.session, &mut self.handler) {
            self.closed = Some(reason);
        }
        while let Some(b) = self.session.poll_transmit() {
            self.out.extend_from_slice(&b);
        }
    }

    /// Takes everything the session sent since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Takes the output as text.
    pub fn take_text(&mut self) -> String {
        String::from_utf8_lossy(&self.take_output()).into_owned()
    }

    /// Asserts the session sent exactly `expected` since the last call.
    pub fn expect(&mut self, expected: impl AsRef<[u8]>) -> &mut Self {
        let got = self.take_output();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected.as_ref()),
            "session output differs"
        );
        self
    }

    /// Why the session closed, once it has.
    pub fn closed(&self) -> Option<&CloseReason> {
        self.closed.as_ref()
    }
}
