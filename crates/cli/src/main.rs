//! `ironconf`: the device (`serve`) and, later, its client tools.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use ironconf_device::{Device, Profile};
use ironconf_server::CancellationToken;

#[derive(Debug, Parser)]
#[command(
    name = "ironconf",
    version,
    about = "A NETCONF-over-SSH agent that behaves like a Cisco IOS device"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the device.
    Serve {
        /// The device's NVRAM and flash: startup-config, host keys.
        #[arg(long, default_value = "./ironconf-state")]
        state_dir: PathBuf,
        /// Address to listen on (repeatable).
        #[arg(long = "listen", default_value = "127.0.0.1:8830")]
        listen: Vec<SocketAddr>,
        /// Device profile: ios-xe-16, ios-15, ios-12-switch or standard.
        #[arg(long, default_value = "ios-xe-16")]
        profile: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli.command {
        Command::Serve {
            state_dir,
            listen,
            profile,
        } => serve(state_dir, listen, &profile),
    }
}

fn serve(state_dir: PathBuf, listen: Vec<SocketAddr>, profile: &str) -> anyhow::Result<()> {
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
    runtime.block_on(async move {
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
            ironconf_server::Limits::default(),
            shutdown,
        )
        .await?;
        Ok(())
    })
}

async fn wait_for_signal() {
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
