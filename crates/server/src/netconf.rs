//! The `netconf` subsystem on one channel: a reader task that always drains
//! the channel (so russh's connection loop never blocks on us), the
//! sans-I/O session, and the device's handler.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::gather::{Clock, Outbound};
use bytes::{Bytes, BytesMut};
use ironconf_device::{DebugLevel, Device, NetconfHandler};
use ironconf_session::{Session, dispatch, dispatch_some};
use russh::ChannelWriteHalf;
use russh::server::Msg;
use tokio_util::sync::CancellationToken;

use crate::conn::Opened;
use crate::inbound::Input;

/// Bytes a client may have sent and the session not yet taken; past this
/// the session is ended (the session's own buffer bound applies after).
pub(crate) const MAX_QUEUED: usize = 16 * 1024 * 1024;

/// Drives a registered session (`id`) on its channel. `kill` ends it
/// (kill-session, clear); `conn_kill` ends the whole connection.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(name = "netconf", skip_all, fields(session = id, %peer, user = %user))]
pub(crate) async fn run(
    device: Device,
    channel: Opened,
    user: String,
    privilege: u8,
    id: u32,
    peer: SocketAddr,
    kill: CancellationToken,
    conn_kill: CancellationToken,
    clock: Arc<Clock>,
) {
    tracing::info!("session started");
    if device.debugging(DebugLevel::Info) {
        device.debug(
            DebugLevel::Info,
            &format!(
                "GSI: netconf app _s_ssh.[0x{id:X}]: new ssh connection from {}",
                peer.ip()
            ),
        );
    }
    let mut session = Session::new(device.session_config(id), device.now());
    let mut handler = NetconfHandler::new(device.clone(), id, &user, privilege);
    // Notifications for this session: queued without blocking whoever
    // made the event, bounded in count and bytes, written once the gather
    // window has passed.
    let ready = Arc::new(tokio::sync::Notify::new());
    let outbound = Outbound::new({
        let ready = ready.clone();
        move || ready.notify_one()
    });
    {
        let outbound = outbound.clone();
        device.set_notification_sink(
            id,
            Some(Arc::new(move |doc: Arc<str>| outbound.push(doc, &clock))),
        );
    }
    let Opened {
        mut inbound,
        write,
        slot: _slot,
    } = channel;
    let mut out = Outbox {
        gathered: BytesMut::new(),
        kill: kill.clone(),
        conn_kill: conn_kill.clone(),
    };
    // Notifications taken and not yet written: when the first was queued,
    // and how many.
    let mut notified: Option<(std::time::Instant, usize)> = None;
    loop {
        // One rpc at a time, its reply queued before the next is answered:
        // what waits for a client that does not read is one reply and the
        // small replies gathered into one write.
        let mut write_failed = false;
        loop {
            let (_, more) = dispatch_some(&mut session, &mut handler, 1);
            while let Some(bytes) = session.poll_transmit() {
                if device.debugging(DebugLevel::Info) {
                    device.debug(
                        DebugLevel::Info,
                        &format!("NETCONF: ns_send.sess=0x{id:X}\n{}", debug_text(&bytes)),
                    );
                }
                if out.push(&write, bytes).await.is_err() {
                    write_failed = true;
                    break;
                }
            }
            if write_failed {
                break;
            }
            if !more {
                // Input that has already arrived is answered before the
                // gathered replies go out, so that a burst of requests is
                // answered in full SSH packets rather than one per reply.
                if out.wants_more()
                    && !kill.is_cancelled()
                    && !conn_kill.is_cancelled()
                    && let Some(input) = inbound.try_recv()
                {
                    take_input(&device, id, &mut session, input);
                    continue;
                }
                break;
            }
        }
        if !write_failed && out.flush(&write).await.is_err() {
            write_failed = true;
        }
        if let Some((since, count)) = notified.take()
            && !write_failed
        {
            // From the event to its notifications handed to the SSH
            // channel (`scripts/bench-notify` reads these).
            tracing::debug!(
                count,
                waited_us = since.elapsed().as_micros() as u64,
                "notifications written"
            );
        }
        if write_failed {
            session.kill();
        }
        if session.is_closed() {
            break;
        }
        let deadline = session.poll_timeout();
        tokio::select! {
            _ = kill.cancelled() => session.kill(),
            _ = conn_kill.cancelled() => session.kill(),
            () = ready.notified() => {
                // Everything that arrived within the window goes out in
                // the same writes.
                let (docs, since) = outbound.take();
                notified = since.map(|t| (t, docs.len()));
                for doc in docs {
                    session.send_notification(doc.as_bytes());
                }
            }
            input = inbound.recv() => match input {
                Some(input) => take_input(&device, id, &mut session, input),
                None => session.handle_eof(device.now()),
            },
            _ = crate::sleep_until(&device, deadline) => session.handle_timeout(device.now()),
        }
    }
    // Deliver the close to the device (locks, registry) and flush.
    dispatch(&mut session, &mut handler);
    let mut flushed = Ok(());
    while let Some(bytes) = session.poll_transmit() {
        flushed = out.push(&write, bytes).await;
        if flushed.is_err() {
            break;
        }
    }
    if flushed.is_ok() {
        let _ = out.flush(&write).await;
    }
    // An exit status lets `ssh -s` end with 0 after close-session.
    let _ = write.exit_status(0).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    drop(inbound);
    tracing::info!("session ended");
}

/// Hands what the peer sent to the session.
fn take_input(device: &Device, id: u32, session: &mut Session, input: Input) {
    match input {
        Input::Data(data) => {
            if device.debugging(DebugLevel::Info) {
                device.debug(
                    DebugLevel::Info,
                    &format!("GSI: netconf app _s_ssh.[0x{id:X}]: {}", debug_text(&data)),
                );
            }
            session.handle_input(&data, device.now());
        }
        Input::Eof => session.handle_eof(device.now()),
        Input::Window { .. } => {}
    }
}

/// Replies on their way out. Small ones are gathered and written together
/// (up to [`GATHER`] bytes); a large one goes out as it is, without a copy.
/// Each write becomes full-size SSH packets: a client that appends every
/// packet to its output buffer (OpenSSH grows that buffer in 256-byte
/// steps, copying it each time) then does a few large appends rather than
/// thousands of small ones. A write waiting for the client's window ends
/// when the session is killed.
struct Outbox {
    gathered: BytesMut,
    kill: CancellationToken,
    conn_kill: CancellationToken,
}

/// Bytes gathered before a write; OpenSSH's largest channel packet.
const GATHER: usize = 32 * 1024;

/// The write did not happen: the channel is gone or the session was killed.
struct NotSent;

impl Outbox {
    /// Whether answering more requests first would fill the next write.
    fn wants_more(&self) -> bool {
        self.gathered.len() < GATHER
    }

    async fn push(&mut self, write: &ChannelWriteHalf<Msg>, bytes: Bytes) -> Result<(), NotSent> {
        if bytes.len() >= GATHER {
            self.flush(write).await?;
            return self.write(write, bytes).await;
        }
        self.gathered.extend_from_slice(&bytes);
        if self.gathered.len() >= GATHER {
            self.flush(write).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, write: &ChannelWriteHalf<Msg>) -> Result<(), NotSent> {
        if self.gathered.is_empty() {
            return Ok(());
        }
        let bytes = self.gathered.split().freeze();
        self.write(write, bytes).await
    }

    async fn write(&self, write: &ChannelWriteHalf<Msg>, bytes: Bytes) -> Result<(), NotSent> {
        tokio::select! {
            r = write.data_bytes(bytes) => r.map_err(|_| NotSent),
            _ = self.kill.cancelled() => Err(NotSent),
            _ = self.conn_kill.cancelled() => Err(NotSent),
        }
    }
}

/// Wire bytes as a debug line shows them: text, without the end-of-message
/// marker.
fn debug_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace("]]>]]>", "")
        .trim_end()
        .to_owned()
}
