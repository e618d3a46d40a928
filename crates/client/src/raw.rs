//! A `netconf` subsystem channel with no NETCONF on top: bytes in, bytes
//! out, exactly as written. For conformance and robustness tests that
//! must send what a well-behaved client never would (broken framing,
//! invalid XML, no hello) over real SSH, and read what comes back.

use std::time::{Duration, Instant};

use russh::client;
use russh::{ChannelMsg, ChannelWriteHalf};
use tokio::sync::mpsc;

use crate::client::{ConnectOptions, open_netconf_channel, within};
use crate::error::ClientError;
use crate::ssh::Handler;

/// A raw subsystem channel.
pub struct RawSession {
    /// Data from the reader task; `None` once the server ended the channel.
    read: mpsc::UnboundedReceiver<Option<Vec<u8>>>,
    write: ChannelWriteHalf<client::Msg>,
    handle: client::Handle<Handler>,
    /// Bytes received and not yet taken.
    pending: Vec<u8>,
    /// Data messages received: how the server cut its output into SSH
    /// packets.
    messages: u64,
    /// The server ended the channel.
    ended: bool,
}

impl std::fmt::Debug for RawSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawSession")
            .field("pending", &self.pending.len())
            .field("ended", &self.ended)
            .finish()
    }
}

impl RawSession {
    /// Connects and opens the subsystem; nothing is sent on it.
    pub async fn connect(options: &ConnectOptions) -> Result<RawSession, ClientError> {
        let (handle, channel) = open_netconf_channel(options).await?;
        let (mut reader, write) = channel.split();
        // The channel is drained all the time, even while a test writes a
        // large input: an unread channel stalls the whole SSH connection.
        let (tx, read) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                match reader.wait().await {
                    Some(ChannelMsg::Data { data }) => {
                        if tx.send(Some(data.to_vec())).is_err() {
                            return;
                        }
                    }
                    Some(ChannelMsg::Eof | ChannelMsg::Close) | None => {
                        let _ = tx.send(None);
                        return;
                    }
                    Some(_) => {}
                }
            }
        });
        Ok(RawSession {
            read,
            write,
            handle,
            pending: Vec::new(),
            messages: 0,
            ended: false,
        })
    }

    /// Sends bytes as they are.
    pub async fn send(&self, bytes: &[u8]) -> Result<(), ClientError> {
        self.write.data(bytes).await?;
        Ok(())
    }

    /// Sends end-of-file (the client will write no more).
    pub async fn send_eof(&self) -> Result<(), ClientError> {
        self.write.eof().await?;
        Ok(())
    }

    /// Waits up to `limit` for one channel event; false when none came.
    async fn pull(&mut self, limit: Duration) -> bool {
        if self.ended {
            return false;
        }
        match tokio::time::timeout(limit, self.read.recv()).await {
            Ok(Some(Some(data))) => {
                self.messages += 1;
                self.pending.extend_from_slice(&data);
            }
            Ok(Some(None)) | Ok(None) => self.ended = true,
            Err(_) => return false,
        }
        true
    }

    /// Reads until `marker` has arrived; returns everything up to and
    /// including it (the rest stays for the next read).
    pub async fn read_until(
        &mut self,
        marker: &[u8],
        limit: Duration,
    ) -> Result<Vec<u8>, ClientError> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(at) = find(&self.pending, marker) {
                let rest = self.pending.split_off(at + marker.len());
                return Ok(std::mem::replace(&mut self.pending, rest));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if self.ended || left.is_zero() {
                return Err(if self.ended {
                    ClientError::Closed(Some(format!(
                        "ended before {:?}; received {:?}",
                        String::from_utf8_lossy(marker),
                        String::from_utf8_lossy(&self.pending)
                    )))
                } else {
                    ClientError::Timeout {
                        waiting_for: "a marker on the raw channel",
                        after: limit,
                    }
                });
            }
            self.pull(left).await;
        }
    }

    /// Everything that arrives within `quiet` of silence (or until the
    /// server ends the channel), at most `limit` in all.
    pub async fn read_quiet(&mut self, quiet: Duration, limit: Duration) -> Vec<u8> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline && self.pull(quiet).await {}
        std::mem::take(&mut self.pending)
    }

    /// Waits up to `limit` for the server to end the channel, discarding
    /// what arrives meanwhile; true if it did.
    pub async fn wait_closed(&mut self, limit: Duration) -> bool {
        let r = within(limit, "the channel to close", async {
            while !self.ended {
                self.pull(limit).await;
            }
            Ok(())
        })
        .await;
        r.is_ok()
    }

    /// SSH data messages received so far (each is one packet).
    pub fn data_messages(&self) -> u64 {
        self.messages
    }

    /// True once the server has ended the channel.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Ends the SSH connection.
    pub async fn disconnect(self) {
        let _ = self
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
