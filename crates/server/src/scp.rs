//! SCP on an exec channel (`scp -t` / `scp -f`): bytes between the channel
//! and the device's sans-I/O SCP server.

use ironconf_device::scp::Scp;
use russh::ChannelWriteHalf;
use russh::server::Msg;
use tokio_util::sync::CancellationToken;

use crate::conn::Opened;
use crate::inbound::Input;

/// Bytes a client may have sent and the transfer not yet taken (the SSH
/// window bounds it too).
pub(crate) const MAX_QUEUED: usize = 4 * 1024 * 1024;

pub(crate) async fn run(scp: Scp, channel: Opened, kill: CancellationToken) {
    let Opened {
        mut inbound,
        write,
        slot: _slot,
    } = channel;
    let failed = match scp {
        Scp::Sink(mut sink) => {
            loop {
                let out = sink.take_output();
                if !out.is_empty() && !send(&write, out, &kill).await {
                    return;
                }
                if sink.is_done() {
                    break;
                }
                tokio::select! {
                    input = inbound.recv() => match input {
                        Some(Input::Data(data)) => sink.handle_input(&data),
                        Some(Input::Window { .. }) => {}
                        _ => sink.handle_eof(),
                    },
                    _ = kill.cancelled() => {
                        sink.handle_eof();
                        return;
                    }
                }
            }
            sink.failed()
        }
        Scp::Source(mut source) => {
            loop {
                let out = source.poll_transmit();
                if !out.is_empty() {
                    if !send(&write, out, &kill).await {
                        return;
                    }
                    continue;
                }
                if source.is_done() {
                    break;
                }
                tokio::select! {
                    input = inbound.recv() => match input {
                        Some(Input::Data(data)) => source.handle_input(&data),
                        Some(Input::Window { .. }) => {}
                        _ => break,
                    },
                    _ = kill.cancelled() => return,
                }
            }
            source.failed()
        }
    };
    let _ = write.exit_status(u32::from(failed)).await;
    let _ = write.eof().await;
    let _ = write.close().await;
}

/// Writes to the channel; false when it is gone or the connection ends.
async fn send(write: &ChannelWriteHalf<Msg>, out: Vec<u8>, kill: &CancellationToken) -> bool {
    tokio::select! {
        r = write.data_bytes(bytes::Bytes::from(out)) => r.is_ok(),
        _ = kill.cancelled() => false,
    }
}
