//! A firewall appliance that embeds the ironconf agent: IOS-style CLI and
//! NETCONF over SSH for its own configuration.
//!
//! - a configuration section, `firewall policy NAME` with `rule` lines;
//! - `show firewall [NAME]`, an EXEC command in the shell, on the exec
//!   channel and in `oper-data-format-text-block`;
//! - `<get-rules xmlns="urn:ironconf:example:firewall"/>`, an rpc operation;
//! - a feature that refuses a rule cutting off management (SSH and
//!   NETCONF) before it is committed, and once a change is committed (and
//!   at boot) installs the rules: writes them to `STATE_DIR/firewall.rules`,
//!   the file the packet filter would load.
//!
//! ```text
//! cargo run --example firewall -- --state-dir /tmp/fw --listen 127.0.0.1:8300
//! ```
//!
//! `--profile NAME` picks the NETCONF profile (`standard` by default, whose
//! errors carry their messages; the IOS profiles answer as IOS does).
//!
//! The first start prints the `admin` password, as `ironconf serve` does.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ironconf_device::exec::{Command, ExecOutput};
use ironconf_device::feature::{Committed, Feature};
use ironconf_device::ops::{Context, Reply, Request, RpcError};
use ironconf_device::{BuildError, Commit, Device, Profile};
use ironconf_server::CancellationToken;

/// The appliance's namespace (its capability and its operation's).
const NS: &str = "urn:ironconf:example:firewall";

/// The configuration commands, in the catalogue's format.
const CATALOGUE: &str = r#"
mode firewall prompt=config-fw-policy parent=config
config: firewall policy WORD ; key=3 enter=firewall
firewall: description LINE ; key=1
firewall: rule <1-9999> (permit|deny) (ip|tcp|udp|icmp) WORD WORD [LINE] ; key=2
help config firewall "Firewall configuration"
help config firewall policy "A named firewall policy"
help firewall rule "A rule, matched in sequence order"
help firewall description "Describe the policy"
"#;

/// One rule as the packet filter sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    policy: String,
    seq: u32,
    action: String,
    protocol: String,
    source: String,
    destination: String,
    options: String,
}

impl Rule {
    /// `EDGE 10 permit tcp any any eq 22`: a line of the rules file.
    fn file_line(&self) -> String {
        let line = format!(
            "{} {} {} {} {} {} {}",
            self.policy,
            self.seq,
            self.action,
            self.protocol,
            self.source,
            self.destination,
            self.options
        );
        line.trim_end().to_owned()
    }

    /// True for a rule that drops SSH (and with it NETCONF over SSH) from
    /// everywhere to everything.
    fn cuts_management(&self) -> bool {
        let port = self.options.strip_prefix("eq ").map(str::trim);
        self.action == "deny"
            && self.source == "any"
            && self.destination == "any"
            && match self.protocol.as_str() {
                "ip" => true,
                "tcp" => self.options.is_empty() || matches!(port, Some("22" | "830")),
                _ => false,
            }
    }
}

/// The policies and their descriptions, and every rule in sequence order,
/// read from rendered running-config.
fn read_rules(running: &str) -> (BTreeMap<String, String>, Vec<Rule>) {
    let mut policies = BTreeMap::new();
    let mut rules = Vec::new();
    let mut policy: Option<String> = None;
    for line in running.lines() {
        if let Some(name) = line.strip_prefix("firewall policy ") {
            policy = Some(name.trim().to_owned());
            policies.insert(name.trim().to_owned(), String::new());
            continue;
        }
        if !line.starts_with(' ') {
            policy = None;
            continue;
        }
        let Some(p) = &policy else { continue };
        if let Some(text) = line.trim().strip_prefix("description ") {
            policies.insert(p.clone(), text.to_owned());
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [
            "rule",
            seq,
            action,
            protocol,
            source,
            destination,
            rest @ ..,
        ] = words.as_slice()
            && let Ok(seq) = seq.parse()
        {
            rules.push(Rule {
                policy: p.clone(),
                seq,
                action: (*action).to_owned(),
                protocol: (*protocol).to_owned(),
                source: (*source).to_owned(),
                destination: (*destination).to_owned(),
                options: rest.join(" "),
            });
        }
    }
    rules.sort_by(|a, b| (&a.policy, a.seq).cmp(&(&b.policy, b.seq)));
    (policies, rules)
}

/// `show firewall [NAME]`.
fn show_firewall(running: &str, only: Option<&str>) -> ExecOutput {
    let (policies, rules) = read_rules(running);
    if let Some(name) = only
        && !policies.contains_key(name)
    {
        return ExecOutput::error(format!("% Firewall policy {name} does not exist\n"));
    }
    let mut out = String::new();
    for (name, description) in &policies {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        out.push_str(&format!("Firewall policy {name}"));
        if !description.is_empty() {
            out.push_str(&format!(": {description}"));
        }
        out.push('\n');
        out.push_str("    Seq Action Proto Source             Destination        Options\n");
        for r in rules.iter().filter(|r| &r.policy == name) {
            out.push_str(&format!(
                "  {:>5} {:<6} {:<5} {:<18} {:<18} {}\n",
                r.seq, r.action, r.protocol, r.source, r.destination, r.options
            ));
        }
    }
    if policies.is_empty() {
        out.push_str("No firewall policies configured\n");
    }
    ExecOutput::ok(out)
}

/// `<get-rules/>`: every rule, as XML.
fn get_rules(ctx: &Context<'_>, req: &Request) -> Result<Reply, RpcError> {
    let (_, rules) = read_rules(&ctx.device.running_config());
    let mut reply = req.data();
    let w = &mut reply.writer;
    w.raw(&format!("<rules xmlns=\"{NS}\">"));
    for r in &rules {
        w.start("rule");
        w.text_element("policy", &r.policy);
        w.text_element("seq", &r.seq.to_string());
        w.text_element("action", &r.action);
        w.text_element("protocol", &r.protocol);
        w.text_element("source", &r.source);
        w.text_element("destination", &r.destination);
        if !r.options.is_empty() {
            w.text_element("options", &r.options);
        }
        w.end("rule");
    }
    w.end("rules");
    Ok(reply.finish())
}

/// The firewall as a feature of the device: its check refuses a rule
/// that would cut off management (under the device lock, so it only
/// reads the change); its reaction installs the rules (writes the file
/// the packet filter loads) when they changed, once the lock is released.
struct Firewall {
    file: PathBuf,
    installed: Mutex<Option<String>>,
}

impl Feature for Firewall {
    fn name(&self) -> &'static str {
        "firewall"
    }

    fn check(&self, commit: &Commit<'_>) -> Result<(), String> {
        // Only the firewall's lines matter: rendered running-config is
        // read only when a change touches them.
        let touches = |l: &String| l.starts_with("firewall ");
        if !commit
            .changes
            .iter()
            .any(|c| c.before.iter().chain(&c.after).any(touches))
        {
            return Ok(());
        }
        let (_, rules) = read_rules(&commit.running_text());
        match rules.iter().find(|r| r.cuts_management()) {
            Some(r) => Err(format!(
                "firewall policy {} rule {} would block SSH and NETCONF to this appliance; not applied",
                r.policy, r.seq
            )),
            None => Ok(()),
        }
    }

    fn react(&self, device: &Device, _change: &Committed) {
        let (_, rules) = read_rules(&device.running_config());
        let text: String = rules.iter().map(|r| r.file_line() + "\n").collect();
        let mut installed = self.installed.lock().unwrap_or_else(|p| p.into_inner());
        if installed.as_deref() == Some(text.as_str()) {
            return;
        }
        match ironconf_device::write_atomically(&self.file, text.as_bytes()) {
            Ok(()) => {
                tracing::info!(rules = rules.len(), file = %self.file.display(), "firewall rules installed");
                *installed = Some(text);
            }
            // Installed at the next change.
            Err(e) => {
                tracing::error!(file = %self.file.display(), %e, "cannot install the firewall rules")
            }
        }
    }
}

/// The appliance: the device with the firewall's commands, operation and
/// feature.
fn appliance(
    state_dir: &Path,
    profile: Profile,
) -> Result<(Device, ironconf_device::BootReport), BuildError> {
    let firewall = Firewall {
        file: state_dir.join("firewall.rules"),
        installed: Mutex::new(None),
    };
    Device::builder(profile)
        .state_dir(state_dir)
        .catalogue(CATALOGUE)
        .exec_command(
            Command::new("show firewall [WORD] ; priv=1", |inv| {
                show_firewall(&inv.device.running_config(), inv.arg())
            })
            .help("show firewall", "Firewall policies and rules"),
        )
        .operation(Some(NS), "get-rules", get_rules)
        .capability(&format!("{NS}?module=firewall"))
        .feature(firewall)
        .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut state_dir = PathBuf::from("firewall-state");
    let mut listen: Vec<SocketAddr> = Vec::new();
    // RFC 6241 replies, error messages included (an IOS profile answers
    // errors as IOS does, without them).
    let mut profile = Profile::by_name("standard").ok_or("no standard profile")?;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--state-dir" => state_dir = args.next().ok_or("--state-dir needs a value")?.into(),
            "--listen" => listen.push(args.next().ok_or("--listen needs a value")?.parse()?),
            "--profile" => {
                let name = args.next().ok_or("--profile needs a value")?;
                profile = Profile::by_name(&name).ok_or(format!("unknown profile '{name}'"))?;
            }
            other => return Err(format!("unknown argument '{other}'").into()),
        }
    }
    if listen.is_empty() {
        listen.push("127.0.0.1:8300".parse()?);
    }
    let (device, boot) = appliance(&state_dir, profile)?;
    if let Some(password) = &boot.generated_password {
        println!("new appliance: user admin, password {password}");
    }
    for refusal in &boot.hook_refusals {
        println!("startup-config: {refusal}");
    }
    let keys = ironconf_server::host_keys(&device)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let mut listeners = Vec::new();
        for addr in &listen {
            let l = tokio::net::TcpListener::bind(addr).await?;
            println!("listening on {}", l.local_addr()?);
            listeners.push(l);
        }
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            if let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
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
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_read_in_sequence_order() {
        let running = "hostname fw\nfirewall policy EDGE\n description edge\n rule 20 deny udp any any\n rule 10 permit tcp any any eq 22\nline vty 0 4\n";
        let (policies, rules) = read_rules(running);
        assert_eq!(policies.get("EDGE").map(String::as_str), Some("edge"));
        let lines: Vec<String> = rules.iter().map(Rule::file_line).collect();
        assert_eq!(
            lines,
            [
                "EDGE 10 permit tcp any any eq 22",
                "EDGE 20 deny udp any any"
            ]
        );
        assert!(!rules.iter().any(Rule::cuts_management));
    }
}
