//! What one more device costs a process that hosts many: memory and time
//! to create an in-memory device, against the baseline of loading the same
//! configuration alone (the least a device must hold) in the same run.
//! Then the interface show commands on a device with 30,000 interfaces,
//! against `show running-config` on the same device.
//!
//! `cargo bench -p ironconf-device --bench devices`

use std::hint::black_box;
use std::time::Instant;

use std::fmt::Write as _;

use ironconf_device::exec::{ExecCaller, run};
use ironconf_device::{Device, Profile, STARTUP_CONFIG};
use ironconf_ios::apply::load;
use ironconf_ios::catalogue::Catalogue;

const DEVICES: usize = 2_000;

const STARTUP: &str = "hostname edge\n\
username admin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCh0XDNHVZyNpzp9o\n\
interface Loopback0\n ip address 10.0.0.1 255.255.255.255\n\
interface GigabitEthernet1\n description uplink\n ip address 192.0.2.1 255.255.255.0\n\
ip ssh version 2\nnetconf ssh\nnetconf max-sessions 8\n\
line vty 0 4\n transport input ssh\n";

include!("../../ios/benches/support/rss.rs");

/// Per-item memory (kB) and time (µs) of making `n` values kept alive.
fn per_item<T>(n: usize, mut make: impl FnMut() -> T) -> (f64, f64) {
    let before = rss_kb();
    let t = Instant::now();
    let items: Vec<T> = (0..n).map(|_| make()).collect();
    let micros = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let kb = rss_kb().saturating_sub(before) as f64 / n as f64;
    black_box(&items);
    (kb, micros)
}

fn big_startup() -> String {
    let mut s = String::from("hostname big\n");
    for i in 0..30_000u32 {
        let _ = writeln!(
            s,
            "interface GigabitEthernet{}/{}/{}\n description c{i}\n ip address 10.{}.{}.1 255.255.255.252\n load-interval 30",
            i / 4096,
            (i / 64) % 64,
            i % 64,
            i / 256,
            i % 256
        );
    }
    s
}

fn ms(f: impl FnOnce() -> usize) -> (f64, usize) {
    let t = Instant::now();
    let n = f();
    (t.elapsed().as_secs_f64() * 1e3, n)
}

fn interface_shows() {
    let Ok(dir) = tempfile::tempdir() else {
        eprintln!("no temporary directory");
        return;
    };
    if let Err(e) = std::fs::write(dir.path().join(STARTUP_CONFIG), big_startup()) {
        eprintln!("{e}");
        return;
    }
    let Ok((device, _)) = Device::open(Profile::default(), dir.path()) else {
        eprintln!("cannot open the device");
        return;
    };
    let caller = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    let show = |cmd: &str| run(&device, &caller, cmd).text.len();
    let (running, running_bytes) = ms(|| show("show running-config"));
    let (first, _) = ms(|| show("show ip interface brief"));
    let (brief, brief_bytes) = ms(|| show("show ip interface brief"));
    let (interfaces, interfaces_bytes) = ms(|| show("show interfaces"));
    println!(
        "30,000 interfaces; baseline show running-config {running:.1} ms ({running_bytes} bytes)"
    );
    println!(
        "show ip interface brief: first {first:.1} ms (reads startup-config), then {brief:.1} ms ({brief_bytes} bytes) = {:.2}x the baseline",
        brief / running
    );
    println!(
        "show interfaces: {interfaces:.1} ms ({interfaces_bytes} bytes) = {:.2}x the baseline",
        interfaces / running
    );
}

fn main() {
    let Some(profile) = Profile::by_name("ios-xe-16") else {
        eprintln!("no ios-xe-16 profile");
        return;
    };
    // Warm up: the shared catalogue and the allocator's first arenas.
    let _warm = Device::in_memory(profile.clone(), STARTUP);
    let cat = Catalogue::builtin_shared();
    let (config_kb, config_us) = per_item(DEVICES, || load(&cat, STARTUP));
    let (device_kb, device_us) = per_item(DEVICES, || Device::in_memory(profile.clone(), STARTUP));
    println!(
        "{DEVICES} in-memory devices, {} bytes of startup-config each",
        STARTUP.len()
    );
    println!(
        "per device: {device_kb:.1} kB, {device_us:.1} µs; baseline (the configuration loaded alone): {config_kb:.1} kB, {config_us:.1} µs; ratio {:.1}x memory, {:.1}x time",
        device_kb / config_kb.max(0.1),
        device_us / config_us.max(0.001)
    );
    interface_shows();
}
