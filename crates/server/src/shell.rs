//! The interactive CLI on an SSH `shell` channel: keys in, screen out,
//! through the device's sans-I/O shell.

use std::sync::Arc;

use ironconf_device::Device;
use ironconf_device::shell::Shell;
use russh::ChannelWriteHalf;
use russh::server::Msg;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::conn::Opened;
use crate::inbound::Input;

/// Keystrokes buffered while output is being written; a peer pasting
/// more than this without reading its screen is disconnected.
pub(crate) const MAX_QUEUED: usize = 1024 * 1024;
/// Output of pasted commands gathered before it is sent and the next
/// commands run.
const OUTPUT_PART: usize = 64 * 1024;
/// Debug lines waiting for a monitoring terminal.
const MONITOR_QUEUE: usize = 1024;

/// Who the shell is for.
pub(crate) struct Caller {
    pub(crate) user: String,
    pub(crate) privilege: u8,
    /// Screen rows from the pty request.
    pub(crate) rows: Option<u32>,
    /// Screen columns from the pty request.
    pub(crate) cols: u32,
    /// The vty line the SSH connection holds, which the shell runs on.
    pub(crate) vty: u32,
}

pub(crate) async fn run(device: Device, channel: Opened, caller: Caller, kill: CancellationToken) {
    let Caller {
        user,
        privilege,
        rows,
        cols,
        vty,
    } = caller;
    let Opened {
        mut inbound,
        write,
        slot: _slot,
    } = channel;
    let mut shell = Shell::new(device.clone(), &user, privilege);
    shell.set_vty(vty);
    // Debug lines for `terminal monitor`: queued, bounded; a terminal that
    // does not keep up loses lines rather than slowing the device.
    let (monitor_tx, mut monitor_rx) = mpsc::channel::<String>(MONITOR_QUEUE);
    device.set_monitor_sink(
        vty,
        Some(Arc::new(move |line: &str| {
            let _ = monitor_tx.try_send(line.to_owned());
        })),
    );
    if let Some(rows) = rows {
        shell.set_length(rows as usize);
    }
    shell.set_window(cols, rows.unwrap_or(24));
    // The terminal's own outgoing connections (`ssh` from the shell).
    let mut connections = crate::ssh_client::Connections::new(device.clone());
    let mut timed_out = false;
    'session: loop {
        for request in shell.take_requests() {
            connections.handle(request).await;
        }
        let out = shell.take_output();
        if !send_or_time_out(&device, &mut shell, &write, out, &kill).await {
            timed_out = shell.timed_out();
            break;
        }
        if shell.is_closed() {
            break;
        }
        if shell.writing() {
            // A long output, a part at a time: each is sent (at the pace
            // the client reads) before the next is written.
            shell = match tokio::task::spawn_blocking(move || {
                shell.write_more(OUTPUT_PART);
                shell
            })
            .await
            {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(%e, "shell output failed");
                    break;
                }
            };
            continue;
        }
        // `exec-timeout` on the vty lines, from the device's clock.
        let deadline = shell.poll_timeout();
        let input = tokio::select! {
            input = inbound.recv() => input,
            Some(event) = connections.events.recv() => {
                shell.session_event(event);
                continue;
            }
            Some(line) = monitor_rx.recv() => {
                let text = format!("{}\r\n", line.replace('\n', "\r\n"));
                if !send(&write, text.into_bytes(), &kill).await {
                    break;
                }
                continue;
            }
            _ = kill.cancelled() => break,
            _ = crate::sleep_until(&device, deadline) => {
                if shell.handle_timeout(device.now()) {
                    timed_out = true;
                    break;
                }
                continue;
            }
        };
        match input {
            Some(Input::Data(data)) => {
                device.touch_line(vty);
                let mut at = 0;
                while at < data.len() && !shell.is_closed() {
                    // A command may take a while (RSA key generation, a
                    // large show): off the async workers. Output is sent
                    // between commands once it reaches OUTPUT_PART.
                    let rest = data.slice(at..);
                    let (s, read) = match tokio::task::spawn_blocking(move || {
                        let read = shell.input_some(&rest, OUTPUT_PART);
                        (shell, read)
                    })
                    .await
                    {
                        Ok(r) => r,
                        Err(e) => {
                            tracing::error!(%e, "shell command failed");
                            break 'session;
                        }
                    };
                    shell = s;
                    at += read;
                    let out = shell.take_output();
                    if read == 0 && out.is_empty() {
                        // Cannot happen (output is taken before each call);
                        // never spin on it.
                        break;
                    }
                    if !send_or_time_out(&device, &mut shell, &write, out, &kill).await {
                        timed_out = shell.timed_out();
                        break 'session;
                    }
                    for request in shell.take_requests() {
                        connections.handle(request).await;
                    }
                }
            }
            Some(Input::Window { cols, rows }) => {
                shell.set_window(cols, rows);
            }
            _ => break,
        }
    }
    drop(inbound);
    if timed_out {
        // IOS disconnects the line: the whole connection ends.
        kill.cancel();
    }
    device.set_monitor_sink(vty, None);
    let _ = write.exit_status(0).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    tracing::info!(%user, "shell ended");
}

/// Writes to the terminal like [`send`], and ends the session when its
/// `exec-timeout` passes while the write waits: a client that reads nothing
/// and types nothing is idle, and its line is reclaimed.
async fn send_or_time_out(
    device: &Device,
    shell: &mut Shell,
    write: &ChannelWriteHalf<Msg>,
    out: Vec<u8>,
    kill: &CancellationToken,
) -> bool {
    let deadline = shell.poll_timeout();
    tokio::select! {
        sent = send(write, out, kill) => sent,
        _ = crate::sleep_until(device, deadline) => {
            shell.handle_timeout(device.now());
            false
        }
    }
}

/// Writes to the terminal; false when the channel is gone or the session
/// was ended meanwhile (a write waiting for a client that reads nothing
/// must not hold the session).
async fn send(write: &ChannelWriteHalf<Msg>, out: Vec<u8>, kill: &CancellationToken) -> bool {
    if out.is_empty() {
        return true;
    }
    tokio::select! {
        r = write.data_bytes(bytes::Bytes::from(out)) => r.is_ok(),
        _ = kill.cancelled() => false,
    }
}
