//! What one more device costs a process that hosts many: memory and time
//! to create an in-memory device, against the baseline of loading the same
//! configuration alone (the least a device must hold) in the same run.
//! Then the interface show commands on a device with 30,000 interfaces,
//! against `show running-config` on the same device, each output taken as
//! a sender takes it (a long one a part at a time).
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
    let mut s = String::from(
        "hostname big\nvrf definition MGMT\n rd 65000:1\n address-family ipv4\n exit-address-family\n",
    );
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
        if i % 10 == 0 {
            let _ = writeln!(s, " ipv6 address 2001:db8:{i:x}::1/64");
        }
        if i % 100 == 0 {
            s.push_str(" vrf forwarding MGMT\n");
        }
    }
    s.push_str("router bgp 65001\n");
    for i in 0..200u32 {
        let _ = writeln!(
            s,
            " neighbor 10.{}.{}.2 remote-as {}\n neighbor 10.{}.{}.2 description peer{i}",
            i / 256,
            i % 256,
            65_100 + i,
            i / 256,
            i % 256
        );
    }
    for i in 0..500u32 {
        let _ = writeln!(
            s,
            "ip route 172.{}.{}.0 255.255.255.0 10.0.0.2",
            16 + i / 256,
            i % 256
        );
    }
    s.push_str("ntp server 192.0.2.123\nsnmp-server community public RO\nlldp run\n");
    s
}

/// Median milliseconds of 3 runs, and the output size.
fn median_ms(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..3 {
        let t = Instant::now();
        n = f();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    (times[1], n)
}

/// The show commands automation reads, on one device.
const SHOWS: &[&str] = &[
    "show ip interface brief",
    "show interfaces",
    "show interfaces description",
    "show interfaces status",
    "show ip interface",
    "show ipv6 interface",
    "show ipv6 interface brief",
    "show arp",
    "show ip route",
    "show ip route vrf MGMT",
    "show ip route 10.3.4.1",
    "show ip bgp summary",
    "show ip bgp neighbors",
    "show bgp all summary",
    "show vrf",
    "show vrf detail",
    "show running-config all",
    "show running-config view full",
    "show version",
    "show inventory",
    "show ntp associations",
    "show snmp",
    "show lldp neighbors",
    "show cdp neighbors",
    "show processes memory sorted",
];

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
    let show = |cmd: &str| {
        // As a terminal or the exec channel takes it: a part at a time,
        // each gone (sent) before the next is written.
        let mut out = run(&device, &caller, cmd);
        if !out.ok {
            eprintln!("{cmd}: {}", out.text);
        }
        let mut bytes = out.text.len();
        while let Some(part) = out.next_part() {
            bytes += part.len();
        }
        bytes
    };
    // The first `show ip interface brief` reads startup-config once.
    let t = Instant::now();
    show("show ip interface brief");
    let first = t.elapsed().as_secs_f64() * 1e3;
    let (_, baseline_bytes) = median_ms(|| show("show running-config"));
    println!(
        "30,000 interfaces; baseline show running-config ({baseline_bytes} bytes), measured alternately with each command; medians of 7"
    );
    println!("show ip interface brief, first call (reads startup-config): {first:.1} ms");
    let mut worst: (f64, &str) = (0.0, "");
    for cmd in SHOWS {
        let mut base = Vec::new();
        let mut own = Vec::new();
        let mut bytes = 0;
        for _ in 0..7 {
            base.push(median_ms(|| show("show running-config")).0);
            let (t, n) = median_ms(|| show(cmd));
            own.push(t);
            bytes = n;
        }
        base.sort_by(f64::total_cmp);
        own.sort_by(f64::total_cmp);
        let (b, t) = (base[3], own[3]);
        let ratio = t / b;
        if ratio > worst.0 {
            worst = (ratio, cmd);
        }
        println!("{cmd:<32} {t:>9.1} ms {bytes:>10} bytes  baseline {b:>6.1} ms {ratio:>7.2}x");
    }
    println!(
        "worst: {} at {:.2}x the baseline (target: every command within 10x)",
        worst.1, worst.0
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
