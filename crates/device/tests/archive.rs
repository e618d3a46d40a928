//! The archive, configure replace and Rollback Confirmed Change, on a
//! simulated clock.

#![allow(clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use ironconf_device::clock::{Clock, ManualClock};
use ironconf_device::exec::{ExecCaller, ExecOutput, run};
use ironconf_device::{Device, Profile};

const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\ninterface Loopback1\n description one\n ip address 10.0.0.1 255.255.255.255\nfile prompt quiet\n";

fn build(startup: &str) -> (tempfile::TempDir, Device, Arc<ManualClock>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("startup-config"), startup).unwrap_or_else(|e| panic!("{e}"));
    let clock = Arc::new(ManualClock::new());
    let (d, _) = Device::builder(Profile::default())
        .state_dir(dir.path())
        .clock(clock.clone())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    (dir, d, clock)
}

fn sh(d: &Device, line: &str) -> ExecOutput {
    let admin = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    run(d, &admin, line)
}

fn ok(d: &Device, line: &str) -> String {
    let out = sh(d, line);
    assert!(out.ok, "{line}: {}", out.text);
    out.text
}

#[test]
fn differences_and_incremental_diffs() {
    let (dir, d, _) = build(STARTUP);
    // startup-config as saved (its secret hashed, as running-config has it).
    ok(&d, "write memory");
    assert_eq!(
        ok(&d, "show archive config differences"),
        "!Contextual Config Diffs:\n!No changes were found\n"
    );
    ok(&d, "copy running-config bootflash:candidate.txt");
    let cand = dir.path().join("bootflash/candidate.txt");
    let text = std::fs::read_to_string(&cand).unwrap_or_default();
    std::fs::write(
        &cand,
        text.replace("hostname R1", "hostname R2")
            .replace(" description one", " description uno"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ok(
            &d,
            "show archive config differences system:running-config bootflash:candidate.txt"
        ),
        "!Contextual Config Diffs:\n+hostname R2\ninterface Loopback1\n -description one\n +description uno\n-hostname R1\n"
    );
    std::fs::write(
        dir.path().join("bootflash/merge.txt"),
        "interface Loopback1\n description one\n shutdown\nlogging buffered 8192\nend\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ok(
            &d,
            "show archive config incremental-diffs bootflash:merge.txt ignorecase"
        ),
        "!List of Commands:\ninterface Loopback1\n shutdown\nlogging buffered 8192\nend\n"
    );
}

#[test]
fn configure_replace_lists_and_applies_through_the_path() {
    let (dir, d, _) = build(STARTUP);
    ok(&d, "copy running-config bootflash:base.txt");
    let base = std::fs::read_to_string(dir.path().join("bootflash/base.txt")).unwrap_or_default();
    std::fs::write(
        dir.path().join("bootflash/new.txt"),
        base.replace(" description one\n", " description two\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Without `force` the question is answered no.
    let out = ok(&d, "configure replace bootflash:new.txt");
    assert!(out.ends_with("? [no]: \n"), "{out}");
    assert!(d.running_config().contains("description one"));
    let out = ok(&d, "configure replace bootflash:new.txt force list");
    assert_eq!(
        out,
        "!Pass 1\n!List of Commands:\ninterface Loopback1\n no description one\ninterface Loopback1\n description two\nend\nTotal number of passes: 1\nRollback Done\n"
    );
    assert!(d.running_config().contains(" description two\n"));
    assert_eq!(d.last_change().map(|c| c.user), Some("admin".into()));
    // Back again: what the new file removed returns.
    ok(&d, "configure replace bootflash:base.txt force");
    assert!(d.running_config().contains(" description one\n"));
    // A file with errors and `revert trigger error` changes nothing.
    std::fs::write(
        dir.path().join("bootflash/bad.txt"),
        "hostname R9\nfrobnicate\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = sh(
        &d,
        "configure replace bootflash:bad.txt force revert trigger error",
    );
    assert!(
        !out.ok
            && out
                .text
                .contains("original configuration has been successfully restored"),
        "{}",
        out.text
    );
    assert_eq!(d.settings().hostname, "R1");
}

#[test]
fn an_unconfirmed_replace_is_reverted_when_its_time_runs_out() {
    let (dir, d, clock) = build(STARTUP);
    // Rollback Confirmed Change needs the archive.
    let out = sh(&d, "configure replace nvram:startup-config force time 2");
    assert!(
        !out.ok && out.text.starts_with("%Please turn config archive on"),
        "{}",
        out.text
    );
    assert_eq!(ok(&d, "show archive"), " Archive feature not enabled\n");
    let out = sh(&d, "show archive config rollback timer");
    assert!(out.text.contains("No Rollback Confirmed Change pending"));

    let who = ironconf_device::Changer {
        user: "admin",
        session: None,
        line: None,
    };
    d.configure(who, &["archive", " path bootflash:arch", " maximum 2"])
        .unwrap_or_else(|e| panic!("{e}"));
    ok(&d, "copy running-config bootflash:base.txt");
    let base = std::fs::read_to_string(dir.path().join("bootflash/base.txt")).unwrap_or_default();
    std::fs::write(
        dir.path().join("bootflash/new.txt"),
        base.replace("hostname R1", "hostname R2"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    ok(
        &d,
        "configure replace bootflash:new.txt force revert trigger error timer 2",
    );
    assert_eq!(d.settings().hostname, "R2");
    let timer = ok(&d, "show archive config rollback timer");
    assert!(
        timer.contains("Timer type: Rollback Confirmed Change\nTimer value: 2 min\nUser: admin\n"),
        "{timer}"
    );
    clock.advance(Duration::from_secs(119));
    d.handle_timeout(clock.now());
    assert_eq!(d.settings().hostname, "R2");
    clock.advance(Duration::from_secs(2));
    assert!(d.poll_timeout().is_some_and(|t| t <= clock.now()));
    d.handle_timeout(clock.now());
    assert_eq!(d.settings().hostname, "R1");
    assert!(!sh(&d, "show archive config rollback timer").ok);

    // Confirmed, it stays.
    ok(&d, "configure replace bootflash:new.txt force time 1");
    ok(&d, "configure confirm");
    clock.advance(Duration::from_secs(120));
    d.handle_timeout(clock.now());
    assert_eq!(d.settings().hostname, "R2");
    // `configure revert now` undoes at once.
    ok(&d, "configure replace bootflash:base.txt force time 5");
    assert_eq!(d.settings().hostname, "R1");
    ok(&d, "configure revert now");
    assert_eq!(d.settings().hostname, "R2");
}

#[test]
fn the_archive_keeps_its_maximum() {
    let (dir, d, _) = build(&format!(
        "{STARTUP}archive\n path bootflash:cfg-$h\n maximum 2\n write-memory\n"
    ));
    ok(&d, "archive config");
    ok(&d, "write memory");
    ok(&d, "archive config");
    let shown = ok(&d, "show archive");
    // The shape of a real capture (ntc-templates' show_archive filelist):
    // files numbered from 0, named as configured.
    assert_eq!(
        shown,
        "The maximum archive configurations allowed is 2.\nThere are currently 2 archive configurations saved.\nThe next archive file will be named bootflash:cfg-R1-3\n Archive #  Name\n   1        bootflash:cfg-R1-1\n   2        bootflash:cfg-R1-2 <- Most Recent\n"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("bootflash"))
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(names, ["cfg-R1-1", "cfg-R1-2"]);
}

#[test]
fn time_period_archives_on_the_devices_clock() {
    let (dir, d, clock) = build(&format!(
        "{STARTUP}archive\n path bootflash:periodic\n time-period 10\n"
    ));
    // Due at once after boot, then every ten minutes.
    assert!(d.poll_timeout().is_some_and(|t| t <= clock.now()));
    d.handle_timeout(clock.now());
    assert!(dir.path().join("bootflash/periodic-0").exists());
    clock.advance(Duration::from_secs(9 * 60));
    assert!(d.poll_timeout().is_some_and(|t| t > clock.now()));
    d.handle_timeout(clock.now());
    assert!(!dir.path().join("bootflash/periodic-1").exists());
    clock.advance(Duration::from_secs(60));
    d.handle_timeout(clock.now());
    assert!(dir.path().join("bootflash/periodic-1").exists());
}
