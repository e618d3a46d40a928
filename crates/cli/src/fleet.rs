//! `ironconf fleet`: many devices from one inventory, in one process; and
//! `ironconf fleet inventory`, what Ansible, Nornir, scripts and OpenSSH
//! need to reach them.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use ironconf_fleet::{Export, Inventory, Options};
use ironconf_server::CancellationToken;

/// `ironconf fleet …`.
#[derive(Debug, clap::Args)]
pub(crate) struct FleetArgs {
    /// The inventory (TOML; see the README).
    #[arg(long, global = true)]
    inventory: Option<PathBuf>,
    /// Where each device keeps its state, under NAME/.
    #[arg(long, default_value = "./ironconf-fleet", global = true)]
    state_dir: PathBuf,
    /// Serve (or export) the I-th of N slices of the inventory.
    #[arg(long, global = true)]
    shard: Option<String>,
    /// Serve addresses outside 127.0.0.0/8.
    #[arg(long, global = true)]
    allow_non_loopback: bool,
    /// `shared`: devices on loopback addresses share one socket per port
    /// (the default without --shard); `per-device`: one socket each (the
    /// default with --shard, so that shards can share a machine).
    #[arg(long, global = true)]
    listeners: Option<String>,
    #[command(subcommand)]
    action: Option<FleetAction>,
}

#[derive(Debug, clap::Subcommand)]
enum FleetAction {
    /// Write what reaches every device: ansible, nornir, csv or ssh-config.
    Inventory {
        /// The format.
        #[arg(long, default_value = "csv")]
        format: String,
    },
    /// A running fleet's devices: made or not, sessions, changes.
    Status,
    /// Serve a device taken away, or one new in the inventory file.
    Add {
        /// The device.
        name: String,
    },
    /// Take a device away: its sessions end, its connections are refused.
    Remove {
        /// The device.
        name: String,
    },
    /// Reload a device: running-config from its startup-config.
    Restart {
        /// The device.
        name: String,
    },
}

fn load(args: &FleetArgs) -> anyhow::Result<(Inventory, Vec<usize>)> {
    let path = args
        .inventory
        .as_ref()
        .context("--inventory FILE is needed")?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("inventory {}", path.display()))?;
    let inventory = Inventory::parse(
        &text,
        Options {
            allow_non_loopback: args.allow_non_loopback,
            check_every_config: false,
        },
    )?;
    let all: Vec<usize> = (0..inventory.devices.len()).collect();
    let devices = match &args.shard {
        Some(s) => {
            let (i, n) = ironconf_fleet::inventory::parse_shard(s)?;
            let len = all.len();
            all[len * i / n..len * (i + 1) / n].to_vec()
        }
        None => all,
    };
    Ok((inventory, devices))
}

pub(crate) fn run(args: &FleetArgs) -> anyhow::Result<()> {
    // The running fleet's control socket.
    let control = match &args.action {
        Some(FleetAction::Status) => Some("status".to_owned()),
        Some(FleetAction::Add { name }) => Some(format!("add {name}")),
        Some(FleetAction::Remove { name }) => Some(format!("remove {name}")),
        Some(FleetAction::Restart { name }) => Some(format!("restart {name}")),
        _ => None,
    };
    if let Some(command) = control {
        let answer = ironconf_fleet::control::send(&args.state_dir, &command)?;
        print!("{answer}");
        anyhow::ensure!(
            !answer.starts_with("error:"),
            "the fleet refused '{command}'"
        );
        return Ok(());
    }
    // Devices are made on blocking threads, each of which glibc would give
    // its own malloc arena: with many, memory freed in one arena is not
    // reused by the others (a device with its session cost 850 kB instead
    // of 180 kB). Two arenas, set before the allocator starts: the process
    // runs itself again with it, unless the variable is set already.
    if args.action.is_none() && std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        use std::os::unix::process::CommandExt as _;
        let exe = std::env::current_exe()?;
        let err = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("MALLOC_ARENA_MAX", "2")
            .exec();
        return Err(err.into());
    }
    let (inventory, devices) = load(args)?;
    if let Some(FleetAction::Inventory { format }) = &args.action {
        let export = Export::by_name(format).with_context(|| {
            format!("unknown format '{format}' (ansible, nornir, csv, ssh-config)")
        })?;
        let specs: Vec<_> = devices
            .iter()
            .map(|&i| inventory.devices[i].clone())
            .collect();
        print!("{}", inventory.export(&specs, export));
        return Ok(());
    }
    for name in ironconf_fleet::orphans(&inventory, &args.state_dir)? {
        println!("state kept for {name}: not in the inventory");
    }
    let per_device = args.listeners.as_deref() == Some("per-device")
        || (args.listeners.is_none() && args.shard.is_some());
    raise_file_limit(&inventory, &devices, per_device)?;
    let inventory = Arc::new(inventory);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let state = args.state_dir.clone();
    let inventory_path = args.inventory.clone().unwrap_or_default();
    let listeners = match args.listeners.as_deref() {
        Some("shared") => ironconf_fleet::Listeners::Shared,
        Some("per-device") => ironconf_fleet::Listeners::PerDevice,
        None if args.shard.is_some() => ironconf_fleet::Listeners::PerDevice,
        None => ironconf_fleet::Listeners::Shared,
        Some(other) => anyhow::bail!("--listeners {other}: shared or per-device"),
    };
    let served = runtime.block_on(async move {
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            crate::serve::wait_for_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        });
        ironconf_fleet::serve(
            inventory,
            inventory_path,
            devices,
            state,
            listeners,
            shutdown,
            |fleet| match fleet.summary() {
                (n, Some((name, address))) => {
                    println!("fleet: {n} devices listening (first {name} on {address})");
                }
                _ => println!("fleet: no devices"),
            },
        )
        .await?;
        anyhow::Ok(())
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

/// Sockets: one per device that does not share its port's listener
/// (devices on loopback addresses do), and the connections. The soft limit
/// on open files is raised as far as the hard limit allows (as root, the
/// hard limit too); a clear error when the listeners alone do not fit.
fn raise_file_limit(
    inventory: &Inventory,
    devices: &[usize],
    per_device: bool,
) -> anyhow::Result<()> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let mut per_port: std::collections::HashMap<u16, (usize, bool)> = Default::default();
    for &i in devices {
        let a = inventory.devices[i].address;
        let e = per_port.entry(a.port()).or_insert((0, true));
        e.0 += 1;
        e.1 &= a.ip().is_loopback();
    }
    let listeners: u64 = per_port
        .values()
        .map(|&(n, lo)| {
            if n > 1 && lo && !per_device {
                1
            } else {
                n as u64
            }
        })
        .sum();
    // Room for connections: two descriptors each (the socket, and its
    // place in the device's files), 16,384 of them.
    let want = listeners + 32_768 + 256;
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    if soft >= want {
        return Ok(());
    }
    let raised = hard.max(want);
    if setrlimit(Resource::RLIMIT_NOFILE, want, raised).is_err() {
        setrlimit(Resource::RLIMIT_NOFILE, hard, hard)?;
    }
    let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE)?;
    anyhow::ensure!(
        soft >= listeners + 64,
        "{listeners} listening sockets do not fit the open-file limit of {soft} (raise it: ulimit -Hn, or run as root)"
    );
    if soft < want {
        tracing::warn!(
            limit = soft,
            listeners,
            "open-file limit leaves room for about {} connections",
            (soft - listeners) / 2
        );
    }
    Ok(())
}
