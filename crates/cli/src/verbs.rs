//! The client verbs: one NETCONF operation each, from the command line.

use std::future::IntoFuture as _;
use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use ironconf_client::{Client, ClientError, Config, Datastore, EditOptions, ErrorOption, Filter};

use crate::conn::ClientArgs;
use crate::output::{Format, Shape, print_reply};
use crate::request::{is_whole_rpc, with_progress};

#[derive(Debug, Clone, Args)]
pub(crate) struct FilterArgs {
    /// Cisco text filter (`text-filter-spec`): `interface Loopback1`, `| include hostname`.
    #[arg(long, short = 'f')]
    filter: Option<String>,
    /// Ask for one text block (`config-format-text-block`) instead of a `<cmd>` per line.
    #[arg(long)]
    block: bool,
    /// RFC 6241 subtree filter (the XML inside `<filter>`).
    #[arg(long, conflicts_with_all = ["filter", "block", "xpath"])]
    subtree: Option<String>,
    /// XPath filter.
    #[arg(long, conflicts_with_all = ["filter", "block"])]
    xpath: Option<String>,
}

impl FilterArgs {
    fn filter(&self, text_by_default: bool) -> Filter {
        if let Some(s) = &self.subtree {
            Filter::Subtree(s.clone())
        } else if let Some(x) = &self.xpath {
            Filter::XPath(x.clone())
        } else if self.block {
            Filter::TextBlock(self.filter.clone())
        } else if self.filter.is_some() || text_by_default {
            Filter::TextCmd(self.filter.clone())
        } else {
            Filter::None
        }
    }
}

#[derive(Debug, Clone, Subcommand)]
pub(crate) enum Verb {
    /// Read a configuration datastore (`<get-config>`).
    GetConfig {
        #[command(flatten)]
        client: ClientArgs,
        /// running, startup, candidate or a URL.
        #[arg(long, short = 's', default_value = "running")]
        source: String,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Read configuration and state (`<get>`).
    Get {
        #[command(flatten)]
        client: ClientArgs,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Change a datastore (`<edit-config>`) with IOS commands (or XML with --xml).
    EditConfig {
        #[command(flatten)]
        client: ClientArgs,
        /// running, startup, candidate or a URL.
        #[arg(long, short = 't', default_value = "running")]
        target: String,
        /// Read the commands from a file (`-` for standard input).
        #[arg(long, short = 'F')]
        file: Option<PathBuf>,
        /// The input is the XML inside `<config>`.
        #[arg(long)]
        xml: bool,
        /// Send the commands as one `cli-config-data-block`.
        #[arg(long, conflicts_with = "xml")]
        block: bool,
        /// stop-on-error, continue-on-error or rollback-on-error.
        #[arg(long)]
        error_option: Option<String>,
        /// merge, replace or none.
        #[arg(long)]
        default_operation: Option<String>,
        /// test-then-set, set or test-only.
        #[arg(long)]
        test_option: Option<String>,
        /// Commands, one line each (`interface Loopback1` ` description x`).
        commands: Vec<String>,
    },
    /// Copy a datastore (`<copy-config>`), e.g. running to startup.
    CopyConfig {
        #[command(flatten)]
        client: ClientArgs,
        #[arg(long, short = 's', default_value = "running")]
        source: String,
        #[arg(long, short = 't', default_value = "startup")]
        target: String,
    },
    /// Delete a datastore (`<delete-config>`).
    DeleteConfig {
        #[command(flatten)]
        client: ClientArgs,
        #[arg(long, short = 't', default_value = "startup")]
        target: String,
    },
    /// Lock a datastore (`<lock>`); the lock ends with the session.
    Lock {
        #[command(flatten)]
        client: ClientArgs,
        #[arg(long, short = 't', default_value = "running")]
        target: String,
        /// Keep the session (and the lock) this many seconds before closing.
        #[arg(long, default_value_t = 0)]
        hold: u64,
    },
    /// Unlock a datastore (`<unlock>`).
    Unlock {
        #[command(flatten)]
        client: ClientArgs,
        #[arg(long, short = 't', default_value = "running")]
        target: String,
    },
    /// End another session (`<kill-session>`).
    KillSession {
        #[command(flatten)]
        client: ClientArgs,
        /// Its session-id.
        session_id: u32,
    },
    /// Run EXEC commands (`oper-data-format-text-block`): `exec 'show ip ssh'`.
    Exec {
        #[command(flatten)]
        client: ClientArgs,
        /// Commands, each run in turn.
        #[arg(required = true)]
        commands: Vec<String>,
    },
    /// Send the XML in FILE (`-`: standard input): a whole `<rpc>`, or the
    /// operation to put in one.
    Rpc {
        #[command(flatten)]
        client: ClientArgs,
        file: PathBuf,
    },
    /// An interactive NETCONF console.
    Console {
        #[command(flatten)]
        client: ClientArgs,
    },
}

impl Verb {
    pub(crate) fn client_args(&self) -> &ClientArgs {
        match self {
            Verb::GetConfig { client, .. }
            | Verb::Get { client, .. }
            | Verb::EditConfig { client, .. }
            | Verb::CopyConfig { client, .. }
            | Verb::DeleteConfig { client, .. }
            | Verb::Lock { client, .. }
            | Verb::Unlock { client, .. }
            | Verb::KillSession { client, .. }
            | Verb::Exec { client, .. }
            | Verb::Rpc { client, .. }
            | Verb::Console { client } => client,
        }
    }
}

/// Reads a file, or standard input for `-`.
fn read_input(path: &PathBuf) -> Result<String, ClientError> {
    let mut s = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut s)?;
    } else {
        s = std::fs::read_to_string(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    }
    Ok(s)
}

pub(crate) async fn run(verb: &Verb) -> Result<(), ClientError> {
    let args = verb.client_args();
    // Reading the input first: a bad file fails before any connection.
    let prepared = prepare(verb)?;
    let client = args.conn.connect().await?;
    let result = execute(&client, verb, prepared, args.format).await;
    // The session ends cleanly whatever happened.
    let _ = client.close().await;
    result
}

enum Prepared {
    None,
    Operation(String),
    Raw(String),
}

fn prepare(verb: &Verb) -> Result<Prepared, ClientError> {
    Ok(match verb {
        Verb::EditConfig {
            file,
            xml,
            block,
            error_option,
            default_operation,
            test_option,
            commands,
            target,
            ..
        } => {
            let mut text = commands.join("\n");
            if let Some(f) = file {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&read_input(f)?);
            }
            if text.trim().is_empty() {
                return Err(ClientError::Request(
                    "no configuration: give commands, or --file".into(),
                ));
            }
            let config = if *xml {
                Config::Xml(text)
            } else if *block {
                Config::CliBlock(text)
            } else {
                Config::cli_lines(&text)
            };
            let options = EditOptions {
                default_operation: default_operation.clone(),
                test_option: test_option.clone(),
                error_option: error_option
                    .as_deref()
                    .map(str::parse::<ErrorOption>)
                    .transpose()?,
            };
            Prepared::Operation(ironconf_client::ops::edit_config(
                &target.parse()?,
                &config,
                &options,
            ))
        }
        Verb::Rpc { file, .. } => {
            let text = read_input(file)?;
            let t = text.trim();
            if t.is_empty() {
                return Err(ClientError::Request(format!("{} is empty", file.display())));
            }
            if is_whole_rpc(t) {
                Prepared::Raw(t.to_owned())
            } else {
                Prepared::Operation(t.to_owned())
            }
        }
        _ => Prepared::None,
    })
}

async fn execute(
    client: &Client,
    verb: &Verb,
    prepared: Prepared,
    format: Format,
) -> Result<(), ClientError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (reply, shape) = match verb {
        Verb::GetConfig { source, filter, .. } => {
            let op = ironconf_client::ops::get_config(&source.parse()?, &filter.filter(true));
            (with_progress(client, client.rpc(&op)).await?, Shape::Config)
        }
        Verb::Get { filter, .. } => {
            let op = ironconf_client::ops::get(&filter.filter(false));
            (with_progress(client, client.rpc(&op)).await?, Shape::Any)
        }
        Verb::CopyConfig { source, target, .. } => {
            let op = ironconf_client::ops::copy_config(&target.parse()?, &source.parse()?);
            (client.rpc(&op).await?, Shape::Ok)
        }
        Verb::DeleteConfig { target, .. } => (
            client
                .rpc(&ironconf_client::ops::delete_config(&target.parse()?))
                .await?,
            Shape::Ok,
        ),
        Verb::Lock { target, hold, .. } => {
            let target: Datastore = target.parse()?;
            let reply = client.rpc(&ironconf_client::ops::lock(&target)).await?;
            if reply.is_ok() && *hold > 0 {
                print_reply(&mut out, &reply, format, Shape::Ok)?;
                tokio::time::sleep(Duration::from_secs(*hold)).await;
                return Ok(());
            }
            (reply, Shape::Ok)
        }
        Verb::Unlock { target, .. } => (
            client
                .rpc(&ironconf_client::ops::unlock(&target.parse()?))
                .await?,
            Shape::Ok,
        ),
        Verb::KillSession { session_id, .. } => (
            client
                .rpc(&ironconf_client::ops::kill_session(*session_id))
                .await?,
            Shape::Ok,
        ),
        Verb::Exec { commands, .. } => (
            with_progress(client, client.rpc(&ironconf_client::ops::exec(commands))).await?,
            Shape::Exec,
        ),
        Verb::EditConfig { .. } | Verb::Rpc { .. } => {
            let pending = match prepared {
                Prepared::Raw(m) => client.send_raw(&m).await?,
                Prepared::Operation(op) => client.send(&op).await?,
                Prepared::None => return Err(ClientError::Request("nothing to send".into())),
            };
            let shape = if matches!(verb, Verb::Rpc { .. }) {
                Shape::Any
            } else {
                Shape::Ok
            };
            (with_progress(client, pending.into_future()).await?, shape)
        }
        Verb::Console { .. } => return Ok(()),
    };
    if reply.is_ok() || format != Format::Text {
        print_reply(&mut out, &reply, format, shape)?;
    }
    if reply.is_ok() {
        Ok(())
    } else {
        Err(ClientError::Rpc(reply.errors().to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_rpcs_are_told_from_operations() {
        assert!(is_whole_rpc(
            "<?xml version=\"1.0\"?>\n<rpc message-id=\"1\"><get/></rpc>"
        ));
        assert!(is_whole_rpc("<nc:rpc xmlns:nc=\"x\"/>"));
        assert!(!is_whole_rpc(
            "<get-config><source><running/></source></get-config>"
        ));
    }
}
