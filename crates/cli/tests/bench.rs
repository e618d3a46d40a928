//! `ironconf bench` runs every mode against the real device and reports
//! sane numbers. No timing is asserted: speed lives in BENCHMARKS.md.

// Test harness code: failing loudly is the point.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};

use common::start;

const BASE: &str = "hostname bench-test\nip domain name example.net\n\
username admin privilege 15 secret 0 cisco\n\
ip ssh pubkey-chain\n username admin\n  key-string\n   {KEY}\n  exit\n\
line vty 0 15\n login local\n transport input ssh\nnetconf ssh\nnetconf max-sessions 8\n";

#[test]
fn every_mode_completes_with_sane_numbers_and_a_plot() {
    let dev = start(BASE);
    let plot = dev.dir.path().join("bench.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_ironconf"))
        .args(["bench", "--port", &dev.port.to_string(), "--known-hosts"])
        .arg(dev.dir.path().join("known_hosts"))
        .args([
            "-m",
            "setup,seq,pipe,conc,big,edit",
            "--duration",
            "1",
            "--depth",
            "16",
            "--sessions",
            "4",
            "--config-lines",
            "2000",
            "-o",
            "json",
            "--server-pid",
            &dev.child.id().to_string(),
            "--plot",
        ])
        .arg(&plot)
        .env("IRONCONF_PASSWORD", "cisco")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let modes: Vec<&str> = rows.iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["setup", "seq", "pipe", "conc", "big", "edit"]);
    for r in rows {
        let n = |k: &str| r[k].as_u64().unwrap();
        let lat = |k: &str| r["latency_us"][k].as_u64().unwrap();
        assert!(n("requests") > 0, "{r}");
        assert_eq!(n("errors"), 0, "{r}");
        assert!(r["per_second"].as_f64().unwrap() > 0.0, "{r}");
        assert!(lat("p50") > 0 && lat("p50") <= lat("p99"), "{r}");
        assert!(
            lat("p99") <= lat("p999") && lat("p999") <= lat("max"),
            "{r}"
        );
        assert!(r["client_cpu_percent"].as_f64().unwrap() >= 0.0, "{r}");
        assert!(r["server_rss_kb"]["after"].as_u64().unwrap() > 1000, "{r}");
        assert!(
            r["server_rss_kb"]["peak"].as_u64().unwrap()
                >= r["server_rss_kb"]["after"].as_u64().unwrap() / 2,
            "{r}"
        );
    }
    assert_eq!(rows[3]["sessions"].as_u64(), Some(4));
    // A 2000-line configuration is tens of kilobytes per get-config.
    let big = &rows[4];
    assert!(
        big["reply_bytes"].as_u64().unwrap() / big["requests"].as_u64().unwrap() > 40_000,
        "{big}"
    );
    assert!(big["mb_per_s"].as_f64().unwrap() > 0.0);
    // The edits landed.
    let (text, _) = {
        let o = Command::new(env!("CARGO_BIN_EXE_ironconf"))
            .args([
                "get-config",
                "--port",
                &dev.port.to_string(),
                "--known-hosts",
            ])
            .arg(dev.dir.path().join("known_hosts"))
            .args(["-f", "interface Loopback0"])
            .env("IRONCONF_PASSWORD", "cisco")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (String::from_utf8_lossy(&o.stdout).into_owned(), o.status)
    };
    assert!(text.contains(" description edited "), "{text}");
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Latency by percentile"));
    for m in ["setup", "seq", "pipe", "conc", "big", "edit"] {
        assert!(svg.contains(&format!("\n{m}\n")), "{m}");
    }
}

/// `--depth 0` writes every request at once and needs their number; the
/// OpenSSH client carries the sessions with `--openssh`.
#[test]
fn bursts_through_the_openssh_client() {
    let dev = start(BASE);
    let bench = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ironconf"))
            .args([
                "bench",
                "--port",
                &dev.port.to_string(),
                "--host-key-check",
                "off",
            ])
            .args(extra)
            .env("IRONCONF_PASSWORD", "cisco")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = bench(&["-m", "pipe", "--depth", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--depth 0 sends every request at once: give their number with --count"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = dev.dir.path().join("id");
    let key = key.to_str().unwrap();
    let out = bench(&[
        "--openssh",
        "-i",
        key,
        "-m",
        "pipe,conc",
        "--depth",
        "0",
        "-n",
        "2000",
        "-S",
        "2",
        "-o",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (r, sessions) in rows.as_array().unwrap().iter().zip([1, 2]) {
        assert_eq!(r["requests"], 2000, "{r}");
        assert_eq!(r["errors"], 0, "{r}");
        assert_eq!(r["depth"], 0, "{r}");
        assert_eq!(r["sessions"], sessions, "{r}");
        assert!(r["per_second"].as_f64().unwrap() > 0.0, "{r}");
    }
}
