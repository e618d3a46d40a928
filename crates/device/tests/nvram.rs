//! NVRAM under pressure: a full file system during `write memory`, and
//! saves racing each other while the file is read.

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ironconf_device::exec::{ExecCaller, ExecOutput, run};
use ironconf_device::{Device, Profile};

const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\ninterface Loopback1\n ip address 10.0.0.1 255.255.255.255\n";

fn configure(d: &Device, text: &str) {
    let who = ironconf_device::Changer {
        user: "admin",
        session: None,
        line: None,
    };
    let lines: Vec<&str> = text.lines().collect();
    d.configure(who, &lines).unwrap_or_else(|e| panic!("{e:?}"));
}

fn sh(d: &Device, line: &str) -> ExecOutput {
    let caller = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    run(d, &caller, line)
}

/// A 256 kB tmpfs mounted on a temporary directory, unmounted on drop.
struct SmallFs {
    dir: tempfile::TempDir,
}

impl SmallFs {
    /// `None` where mounting is not allowed (not root); the suite runs as
    /// root and sets IRONCONF_REQUIRE_BASELINES, where that is a failure.
    fn mount() -> Option<SmallFs> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("IRONCONF_REQUIRE_BASELINES").is_none(),
                "cannot mount a small tmpfs (the suite needs root)"
            );
            eprintln!("skipped: cannot mount a tmpfs here (not root)");
            return None;
        }
        Some(SmallFs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the file system with one file until it refuses more.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write as _;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let block = [0u8; 4096];
    while f.write_all(&block).is_ok() {}
    while f.write_all(&block[..1]).is_ok() {}
    path
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn write_memory_on_a_full_file_system_keeps_the_old_startup_config() {
    let Some(fs) = SmallFs::mount() else { return };
    let state = fs.path().join("state");
    std::fs::create_dir(&state).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(state.join("startup-config"), STARTUP).unwrap_or_else(|e| panic!("{e}"));
    let (d, _) = Device::open(Profile::default(), &state).unwrap_or_else(|e| panic!("{e}"));
    let before_names = names(&state);
    // A change large enough not to fit in what is left.
    let mut lines = String::new();
    for i in 0..200 {
        lines.push_str(&format!(
            "interface Loopback{}\n description {}\n",
            i + 100,
            "x".repeat(60)
        ));
    }
    configure(&d, &lines);
    let filler = fill(fs.path());
    for command in ["write memory", "copy running-config startup-config"] {
        let out = sh(&d, command);
        assert!(!out.ok, "{command}: {}", out.text);
        assert!(
            out.text
                .ends_with("%Error copying nvram:startup-config (No space left on device)\n"),
            "{command}: {}",
            out.text
        );
        assert!(
            !out.text.contains(fs.path().to_string_lossy().as_ref()),
            "{}",
            out.text
        );
        // The old startup-config whole, nothing else left beside it.
        assert_eq!(
            std::fs::read_to_string(state.join("startup-config")).unwrap_or_default(),
            STARTUP
        );
        assert_eq!(names(&state), before_names);
    }
    // Room again: the same save works.
    std::fs::remove_file(filler).unwrap_or_else(|e| panic!("{e}"));
    let out = sh(&d, "write memory");
    assert!(out.ok, "{}", out.text);
    let saved = std::fs::read_to_string(state.join("startup-config")).unwrap_or_default();
    assert!(saved.contains("interface Loopback299\n"), "{saved}");
}

#[test]
fn concurrent_saves_land_whole() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("startup-config"), STARTUP).unwrap_or_else(|e| panic!("{e}"));
    let (d, _) = Device::open(Profile::default(), dir.path()).unwrap_or_else(|e| panic!("{e}"));
    // The running-config is a few kB; the file copied in is a short one.
    let mut lines = String::new();
    for i in 0..100 {
        lines.push_str(&format!(
            "interface Loopback{}\n description {}\n",
            i + 100,
            "y".repeat(40)
        ));
    }
    configure(&d, &lines);
    let short = "hostname SHORT\n";
    let out = sh(&d, "copy running-config bootflash:short.cfg");
    assert!(out.ok, "{}", out.text);
    std::fs::write(dir.path().join("bootflash/short.cfg"), short).unwrap_or_else(|e| panic!("{e}"));
    assert!(sh(&d, "write memory").ok);
    let running = std::fs::read_to_string(dir.path().join("startup-config")).unwrap_or_default();
    assert!(running.len() > 4000, "{}", running.len());

    let seconds = std::env::var("NVRAM_RACE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let until = Instant::now() + Duration::from_secs(seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let saves = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for command in [
        "write memory",
        "write memory",
        "copy bootflash:short.cfg startup-config",
    ] {
        let d = d.clone();
        let stop = stop.clone();
        let saves = saves.clone();
        writers.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let out = sh(&d, command);
                assert!(out.ok, "{command}: {}", out.text);
                saves.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let (mut samples, mut torn) = (0usize, Vec::new());
    while Instant::now() < until {
        if let Ok(text) = std::fs::read_to_string(dir.path().join("startup-config")) {
            samples += 1;
            if text != running && text != short {
                torn.push(text.len());
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        if w.join().is_err() {
            panic!("a save failed");
        }
    }
    assert!(
        torn.is_empty(),
        "{} of {samples} samples neither whole text: {torn:?}",
        torn.len()
    );
    assert!(
        samples > 1000 && saves.load(Ordering::Relaxed) > 100,
        "{samples} samples"
    );
    let last = std::fs::read_to_string(dir.path().join("startup-config")).unwrap_or_default();
    assert!(last == running || last == short);
    assert_eq!(names(dir.path()), vec!["bootflash", "startup-config"]);
}
