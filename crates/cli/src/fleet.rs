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
    raise_file_limit(devices.len())?;
    let inventory = Arc::new(inventory);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let state = args.state_dir.clone();
    let served = runtime.block_on(async move {
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            crate::serve::wait_for_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        });
        ironconf_fleet::serve(inventory, devices, state, shutdown, |fleet| {
            let first = fleet
                .slots
                .first()
                .map(|(i, _)| &fleet.inventory.devices[*i]);
            match first {
                Some(d) => println!(
                    "fleet: {} devices listening (first {} on {})",
                    fleet.slots.len(),
                    d.name,
                    d.address
                ),
                None => println!("fleet: no devices"),
            }
        })
        .await?;
        anyhow::Ok(())
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

/// One listening socket per device, and its connections: the soft limit
/// on open files is raised as far as the hard limit allows (as root,
/// the hard limit too); a clear error when that is not enough.
fn raise_file_limit(devices: usize) -> anyhow::Result<()> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let need = (devices as u64) * 2 + 1024;
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    if soft >= need {
        return Ok(());
    }
    // Root may raise the hard limit (to the kernel's nr_open).
    let target_hard = hard.max(need);
    if setrlimit(Resource::RLIMIT_NOFILE, need.min(target_hard), target_hard).is_ok() {
        return Ok(());
    }
    setrlimit(Resource::RLIMIT_NOFILE, hard, hard)?;
    anyhow::ensure!(
        hard >= (devices as u64) + 64,
        "{devices} devices need about {need} open files; the hard limit is {hard} (raise it: ulimit -Hn, or run as root)"
    );
    tracing::warn!(
        soft = hard,
        need,
        "open-file limit below what all devices' connections need"
    );
    Ok(())
}
