//! The client against another server: yuma123 netconfd behind OpenSSH
//! sshd on loopback (set up by `scripts/baseline`), for the RFC 6241
//! operations both support, and the zero-work `ironconf stdio-server`
//! behind the same sshd.
//!
//! Needs root and the Debian packages `netconfd` and `openssh-server`
//! (`scripts/test` installs them and sets IRONCONF_REQUIRE_BASELINES=1,
//! which turns a missing prerequisite into a failure instead of a skip).

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ironconf_client::{
    Client, ClientError, Config, ConnectOptions, Datastore, EditOptions, ErrorTag, Filter, Framing,
    HostKeyCheck,
};

struct Baseline {
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/baseline")
}

/// Starts the baselines, or says why not (a failure where required).
fn baseline() -> Option<Baseline> {
    let required = std::env::var_os("IRONCONF_REQUIRE_BASELINES").is_some();
    let have = Path::new("/usr/sbin/netconfd").exists() && Path::new("/usr/sbin/sshd").exists();
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !(have && root) {
        assert!(
            !required,
            "netconfd/sshd missing or not root: run scripts/baseline install as root"
        );
        eprintln!(
            "skipped: netconfd and openssh-server (and root) are needed; scripts/test sets them up"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let st = Command::new(script())
        .arg("start")
        .arg(dir.path())
        .env("IRONCONF_BIN", env!("CARGO_BIN_EXE_ironconf"))
        .status()
        .unwrap();
    assert!(st.success(), "scripts/baseline start failed");
    let env = std::fs::read_to_string(dir.path().join("env"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some(Baseline { dir, env })
}

impl Baseline {
    fn port(&self, name: &str) -> u16 {
        self.env[name].parse().unwrap()
    }

    fn options(&self, port_name: &str) -> ConnectOptions {
        let mut o =
            ConnectOptions::new("127.0.0.1", self.port(port_name), self.env["USER"].clone())
                .key_file(&self.env["KEY"], None)
                .host_key_check(HostKeyCheck::AcceptNew(self.dir.path().join("known_hosts")));
        o.connect_timeout = Duration::from_secs(20);
        o.rpc_timeout = Duration::from_secs(30);
        o
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

const SYSTEM_NS: &str = "urn:ietf:params:xml:ns:yang:ietf-system";

#[test]
fn rfc_operations_against_netconfd_behind_openssh() {
    let Some(b) = baseline() else { return };
    runtime().block_on(async {
        let c = Client::connect(b.options("NETCONFD_PORT")).await.unwrap();
        assert_eq!(c.framing(), Framing::Chunked);
        assert!(c.session_id().is_some());
        // edit-config with XML, read back through a subtree filter.
        c.edit_config(
            &Datastore::Running,
            &Config::Xml(format!(
                "<system xmlns=\"{SYSTEM_NS}\"><hostname>from-ironconf</hostname></system>"
            )),
            &EditOptions::default(),
        )
        .await
        .unwrap();
        let r = c
            .get_config(
                &Datastore::Running,
                &Filter::Subtree(format!("<system xmlns=\"{SYSTEM_NS}\"><hostname/></system>")),
            )
            .await
            .unwrap();
        let data = r.data_elements().unwrap();
        let system = data.iter().find(|e| &*e.name == "system").unwrap();
        assert_eq!(system.child("hostname").unwrap().text(), "from-ironconf");
        // get with an XPath filter (netconfd offers :xpath).
        let r = c
            .get(&Filter::XPath("/*[local-name()='system']/*[local-name()='hostname']".into()))
            .await
            .unwrap();
        assert!(r.data_xml().unwrap().contains("from-ironconf"), "{}", r.xml());
        // Locks across two sessions, with the holder's session-id.
        let other = Client::connect(b.options("NETCONFD_PORT")).await.unwrap();
        c.lock(&Datastore::Running).await.unwrap();
        match other.lock(&Datastore::Running).await {
            Err(ClientError::Rpc(e)) => {
                assert_eq!(e[0].error_tag, ErrorTag::LockDenied);
                assert_eq!(e[0].error_info.session_id, c.session_id());
            }
            x => panic!("{x:?}"),
        }
        c.unlock(&Datastore::Running).await.unwrap();
        // Pipelined requests, matched by message-id.
        let mut pending = Vec::new();
        for _ in 0..50 {
            pending.push(c.send("<get-config><source><running/></source></get-config>").await.unwrap());
        }
        for p in pending {
            let id = p.message_id().to_owned();
            let r = p.await.unwrap();
            assert_eq!(r.message_id(), Some(id.as_str()));
            assert!(r.is_ok());
        }
        // An unknown operation is an rpc-error, and the session goes on.
        let r = c.rpc("<no-such-operation/>").await.unwrap();
        assert!(!r.is_ok() && !r.errors().is_empty(), "{}", r.xml());
        // kill-session ends the other session.
        c.kill_session(other.session_id().unwrap()).await.unwrap();
        let e = other.get(&Filter::None).await.unwrap_err();
        assert!(matches!(e, ClientError::Closed(_)), "{e:?}");
        c.close().await.unwrap();
        // keyboard-interactive: sshd offers no plain password method here.
        let mut o = ConnectOptions::new("127.0.0.1", b.port("NETCONFD_PORT"), b.env["KBD_USER"].clone())
            .password(b.env["KBD_PASSWORD"].clone())
            .host_key_check(HostKeyCheck::AcceptNew(b.dir.path().join("known_hosts")));
        o.connect_timeout = Duration::from_secs(20);
        let k = Client::connect(o.clone()).await.unwrap();
        k.close().await.unwrap();
        o.auth = vec![ironconf_client::Auth::Password("wrong".into())];
        let e = Client::connect(o).await.unwrap_err();
        assert!(
            matches!(&e, ClientError::Auth { tried, .. } if tried == "password,keyboard-interactive"),
            "{e:?}"
        );
    });
}

#[test]
fn zero_work_subsystem_answers_in_both_framings() {
    let Some(b) = baseline() else { return };
    std::fs::write(
        b.dir.path().join("zero-data.txt"),
        "<cli-config-data><cmd>hostname zero</cmd></cli-config-data>",
    )
    .unwrap();
    runtime().block_on(async {
        for caps in [
            vec![ironconf_proto_base(false)],
            vec![ironconf_proto_base(false), ironconf_proto_base(true)],
        ] {
            let mut o = b.options("ZERO_PORT");
            let chunked = caps.len() == 2;
            o.capabilities = caps;
            let c = Client::connect(o).await.unwrap();
            assert_eq!(c.framing() == Framing::Chunked, chunked);
            let r = c
                .get_config(&Datastore::Running, &Filter::None)
                .await
                .unwrap();
            assert_eq!(r.config_text().unwrap(), "hostname zero\n");
            c.lock(&Datastore::Running).await.unwrap();
            c.close().await.unwrap();
        }
    });
}

fn ironconf_proto_base(v11: bool) -> String {
    if v11 {
        "urn:ietf:params:netconf:base:1.1".into()
    } else {
        "urn:ietf:params:netconf:base:1.0".into()
    }
}

#[test]
fn bench_measures_other_servers_too() {
    let Some(b) = baseline() else { return };
    for port in ["NETCONFD_PORT", "ZERO_PORT"] {
        let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
            .args([
                "bench",
                "--port",
                &b.env[port],
                "--user",
                &b.env["USER"],
                "-i",
                &b.env["KEY"],
            ])
            .arg("--known-hosts")
            .arg(b.dir.path().join("known_hosts"))
            .args([
                "-m",
                "setup,seq,pipe",
                "-d",
                "0.5",
                "--depth",
                "8",
                "-o",
                "json",
            ])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{port}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        for r in rows.as_array().unwrap() {
            assert!(r["requests"].as_u64().unwrap() > 0, "{port}: {r}");
            assert_eq!(r["errors"].as_u64(), Some(0), "{port}: {r}");
        }
    }
}
