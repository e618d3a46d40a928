//! `ironconf serve`: the device on its state directory.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use ironconf_device::{Device, Profile};
use ironconf_server::CancellationToken;

pub(crate) fn serve(
    state_dir: PathBuf,
    listen: Vec<SocketAddr>,
    profile: &str,
    notification_gather: std::time::Duration,
) -> anyhow::Result<()> {
    let profile = Profile::by_name(profile).with_context(|| {
        format!(
            "unknown profile '{profile}' (known: {})",
            Profile::NAMES.join(", ")
        )
    })?;
    let (device, boot) = Device::open(profile, &state_dir)
        .with_context(|| format!("state directory {}", state_dir.display()))?;
    if let Some(password) = &boot.generated_password {
        println!(
            "new device: user admin, password {password} (stored only as a hash in {})",
            state_dir.join(ironconf_device::STARTUP_CONFIG).display()
        );
    }
    for u in &boot.unknown_lines {
        println!(
            "startup-config line {}: {} ({})",
            u.index + 1,
            u.line.trim(),
            u.message()
        );
    }
    // Host keys are ready (an RSA key generated on first start) before the
    // device says it listens.
    let keys = ironconf_server::host_keys(&device)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let mut listeners = Vec::new();
        for addr in &listen {
            let l = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("listen on {addr}"))?;
            println!("listening on {}", l.local_addr()?);
            listeners.push(l);
        }
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        });
        ironconf_server::serve(
            device,
            keys,
            listeners,
            ironconf_server::Limits {
                notification_gather,
                ..ironconf_server::Limits::default()
            },
            shutdown,
        )
        .await?;
        Ok(())
    });
    // A command still running on a blocking thread (a large show, key
    // generation) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

pub(crate) async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
