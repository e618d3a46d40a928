//! The interactive CLI on an SSH `shell` channel: keys in, screen out,
//! through the device's sans-I/O shell.

use std::sync::Arc;

use ironconf_device::Device;
use ironconf_device::shell::Shell;
use russh::Channel;
use russh::server::Msg;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::inbound::{Inbound, Input};

/// Keystrokes buffered while output is being written; a peer pasting
/// more than this without reading its screen is disconnected.
const MAX_QUEUED: usize = 1024 * 1024;
/// Debug lines waiting for a monitoring terminal.
const MONITOR_QUEUE: usize = 1024;

pub(crate) async fn run(
    device: Device,
    channel: Channel<Msg>,
    user: String,
    privilege: u8,
    rows: Option<u32>,
    source: Option<std::net::IpAddr>,
    kill: CancellationToken,
) {
    let switch: ironconf_device::KillSwitch = {
        let kill = kill.clone();
        Arc::new(move || kill.cancel())
    };
    let Some(vty) = device.occupy_line(&user, source, switch) else {
        tracing::info!(%user, "no free vty line");
        let _ = channel.data(&b"% All vty lines are in use\r\n"[..]).await;
        let _ = channel.exit_status(1).await;
        let _ = channel.eof().await;
        let _ = channel.close().await;
        return;
    };
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
    let (read, write) = channel.split();
    let mut inbound = Inbound::spawn(read, MAX_QUEUED, kill.clone());
    loop {
        let out = shell.take_output();
        if !out.is_empty() && write.data_bytes(bytes::Bytes::from(out)).await.is_err() {
            break;
        }
        if shell.is_closed() {
            break;
        }
        // `exec-timeout` on the vty lines, read each time so a change
        // applies to open sessions.
        let idle = device.state().settings.current().vty_exec_timeout();
        let input = tokio::select! {
            input = inbound.recv() => input,
            Some(line) = monitor_rx.recv() => {
                let text = format!("{}\r\n", line.replace('\n', "\r\n"));
                if write.data_bytes(bytes::Bytes::from(text)).await.is_err() {
                    break;
                }
                continue;
            }
            _ = kill.cancelled() => break,
            _ = sleep_or_never(idle) => {
                tracing::info!(%user, "exec-timeout expired");
                break;
            }
        };
        match input {
            Some(Input::Data(data)) => {
                device.touch_line(vty);
                // A command may take a while (RSA key generation, a large
                // show): off the async workers.
                shell = match tokio::task::spawn_blocking(move || {
                    shell.input(&data);
                    shell
                })
                .await
                {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::error!(%e, "shell command failed");
                        break;
                    }
                };
            }
            _ => break,
        }
    }
    drop(inbound);
    device.set_monitor_sink(vty, None);
    device.release_line(vty);
    let _ = write.exit_status(0).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    tracing::info!(%user, "shell ended");
}

async fn sleep_or_never(limit: Option<std::time::Duration>) {
    match limit {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}
