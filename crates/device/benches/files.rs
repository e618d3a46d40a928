//! The file systems and the archive on large inputs: `configure replace`
//! of a 250,000-line configuration that differs in one line, `show archive
//! config differences` of two such files, and `dir` of a folder of 10,000
//! files; baseline in the same run: `show running-config` of the same
//! configuration. Medians of 5.
//!
//! `cargo bench -p ironconf-device --bench files`

use std::fmt::Write as _;
use std::time::Instant;

use ironconf_device::exec::{ExecCaller, run};
use ironconf_device::{Device, Profile};

/// 62,500 interfaces of 4 lines: 250,000 lines.
fn big_config(description: &str) -> String {
    let mut s = String::from("hostname big\nfile prompt quiet\n");
    for i in 0..62_500u32 {
        let d = if i == 31_000 { description } else { "c" };
        let _ = writeln!(
            s,
            "interface GigabitEthernet{}/{}/{}\n description {d}{i}\n ip address 10.{}.{}.1 255.255.255.252\n load-interval 30",
            i / 4096,
            (i / 64) % 64,
            i % 64,
            (i / 256) % 256,
            i % 256
        );
    }
    s
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn timed(runs: usize, mut f: impl FnMut(usize) -> bool) -> f64 {
    median(
        (0..runs)
            .map(|i| {
                let t = Instant::now();
                assert!(f(i));
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn main() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return eprintln!("{e}"),
    };
    let a = big_config("a");
    let b = big_config("b");
    let _ = std::fs::write(dir.path().join("startup-config"), &a);
    let Ok((device, _)) = Device::open(Profile::default(), dir.path()) else {
        return eprintln!("no device");
    };
    let _ = std::fs::create_dir_all(dir.path().join("bootflash"));
    let _ = std::fs::write(dir.path().join("bootflash/a.cfg"), &a);
    let _ = std::fs::write(dir.path().join("bootflash/b.cfg"), &b);
    let admin = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    let sh = |line: &str| run(&device, &admin, line);
    let first = sh("show running-config");
    eprintln!(
        "show running-config: {} bytes, ok {}",
        first.text.len(),
        first.ok
    );
    let baseline = timed(5, |_| sh("show running-config").text.len() > 1_000_000);
    let replace = timed(6, |i| {
        let f = if i % 2 == 0 { "b" } else { "a" };
        let out = sh(&format!("configure replace bootflash:{f}.cfg force"));
        if !out.ok {
            eprintln!("{}", &out.text[..out.text.len().min(2000)]);
        }
        out.ok
    });
    let differences = timed(5, |_| {
        sh("show archive config differences bootflash:a.cfg bootflash:b.cfg")
            .text
            .contains(" +description b31000")
    });
    for i in 0..10_000 {
        let _ = std::fs::write(dir.path().join(format!("bootflash/f{i:05}.bin")), b"x");
    }
    let dir_ms = timed(5, |_| sh("dir").text.lines().count() > 10_000);
    println!("250,000-line configuration; baseline show running-config {baseline:.1} ms");
    println!(
        "configure replace (one line differs): {replace:.1} ms = {:.2}x the baseline",
        replace / baseline
    );
    println!(
        "show archive config differences of two such files: {differences:.1} ms = {:.2}x the baseline",
        differences / baseline
    );
    println!(
        "dir of 10,000 files: {dir_ms:.1} ms = {:.2}x the baseline",
        dir_ms / baseline
    );
}
