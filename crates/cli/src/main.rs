//! `ironconf`: the device (`serve`) and the client verbs that talk to it
//! (or to any NETCONF server).

mod bench;
mod conn;
mod console;
mod fleet;
mod output;
mod plot;
mod request;
mod serve;
mod stdio_server;
mod verbs;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::{Format, error_line, failure_json};

#[derive(Debug, Parser)]
#[command(
    name = "ironconf",
    version,
    about = "A NETCONF-over-SSH agent that behaves like a Cisco IOS device, and its client",
    after_help = "Exit codes of the client verbs: 0 ok, 1 other, 2 usage, 3 connection, \
                  4 authentication, 5 rpc-error, 6 timeout.\n\
                  The password is read from IRONCONF_PASSWORD, or asked for."
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
        /// Microseconds an event's notifications wait before they are
        /// written: the change's reply leaves first, and a burst of events
        /// goes out in one write per session (0: at once).
        #[arg(long, value_name = "MICROSECONDS", default_value_t = ironconf_server::DEFAULT_NOTIFICATION_GATHER.as_micros() as u64)]
        notification_gather: u64,
    },
    /// Run many devices from one inventory (and export how to reach them).
    Fleet(fleet::FleetArgs),
    /// A zero-work NETCONF server on stdin/stdout, to run as an OpenSSH
    /// `netconf` subsystem: the transport ceiling for benchmarks.
    #[command(hide = true)]
    StdioServer {
        /// What `get` and `get-config` return inside `<data>`.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Load generator: measure any NETCONF server (table, JSON, SVG plot).
    Bench(bench::BenchArgs),
    #[command(flatten)]
    Verb(verbs::Verb),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Command::Serve { .. } | Command::Fleet(_) => "info",
        Command::StdioServer { .. } => "error",
        Command::Bench(_) => "warn",
        // Client output is the reply; logs only when asked for.
        Command::Verb(_) => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli.command {
        Command::Serve {
            state_dir,
            listen,
            profile,
            notification_gather,
        } => match serve::serve(
            state_dir,
            listen,
            &profile,
            std::time::Duration::from_micros(notification_gather),
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ironconf: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Fleet(args) => match fleet::run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ironconf: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::StdioServer { data } => match stdio_server::run(data.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ironconf: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Bench(args) => {
            let runtime = match runtime() {
                Ok(r) => r,
                Err(code) => return code,
            };
            match runtime.block_on(bench::run(&args)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ironconf: {e}");
                    ExitCode::from(conn::exit_code(&e))
                }
            }
        }
        Command::Verb(verb) => {
            let runtime = match runtime() {
                Ok(r) => r,
                Err(code) => return code,
            };
            let ran = match &verb {
                verbs::Verb::Console { client } => runtime.block_on(console::run(client)),
                _ => runtime.block_on(verbs::run(&verb)),
            };
            match ran {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    let format = verb.client_args().format;
                    match (&e, format) {
                        // The reply itself was printed; say why we fail.
                        (ironconf_client::ClientError::Rpc(errors), Format::Text) => {
                            for r in errors {
                                eprintln!("{}", error_line(r));
                            }
                        }
                        (ironconf_client::ClientError::Rpc(_), _) => {}
                        (_, Format::Json) => println!("{}", failure_json(&e)),
                        _ => {}
                    }
                    if !matches!(e, ironconf_client::ClientError::Rpc(_)) {
                        eprintln!("ironconf: {e}");
                    }
                    ExitCode::from(conn::exit_code(&e))
                }
            }
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("ironconf: {e}");
            ExitCode::FAILURE
        })
}
