//! Engine figures on a 250,000-line configuration: rendering throughput,
//! loading time and memory, and one-line edit latency. Each figure comes
//! with a baseline measured in the same run.
//!
//! `cargo bench -p ironconf-ios --bench engine`

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use ironconf_ios::apply::{ErrorOption, apply_batch, load};
use ironconf_ios::catalogue::Catalogue;

/// About 250,000 lines: 30,000 interfaces of 8 lines, plus routes and ACLs.
fn big_config() -> String {
    let mut s = String::from("!\nhostname big-router\n");
    for i in 0..30_000u32 {
        s.push_str(&format!(
            "!\ninterface GigabitEthernet{}/{}/{}\n description customer circuit {i} to site {}\n ip address 10.{}.{}.1 255.255.255.252\n ip ospf cost {}\n load-interval 30\n negotiation auto\n no mop enabled\n",
            i / 4096, (i / 64) % 64, i % 64, i * 7 % 1000, i / 256, i % 256, 10 + i % 100
        ));
    }
    s.push_str("!\n");
    for i in 0..5_000u32 {
        s.push_str(&format!(
            "ip route 172.{}.{}.0 255.255.255.0 10.0.0.1\n",
            16 + i / 256,
            i % 256
        ));
    }
    for i in 0..5_000u32 {
        s.push_str(&format!(
            "access-list {} permit host 192.0.{}.{}\n",
            1 + i % 99,
            i / 256 % 256,
            i % 256
        ));
    }
    s.push_str("!\nend\n");
    s
}

include!("support/rss.rs");

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64() / 1e6
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let cat = Catalogue::builtin();
    let text = big_config();
    let lines = text.lines().count();
    println!("configuration: {lines} lines, {} bytes", text.len());

    // Loading, with memory.
    let rss0 = rss_kb();
    let t = Instant::now();
    let (cfg, unknown) = load(&cat, &text);
    let load_time = t.elapsed();
    let rss1 = rss_kb();
    assert!(unknown.is_empty(), "unknown lines: {:?}", unknown.first());
    let split = best_of(3, || text.lines().map(str::len).sum::<usize>());
    println!(
        "load: {:.0} ms ({:.1} MB/s); baseline line split {:.1} ms; load / split = {:.0}x",
        load_time.as_secs_f64() * 1e3,
        mbps(text.len(), load_time),
        split.as_secs_f64() * 1e3,
        load_time.as_secs_f64() / split.as_secs_f64()
    );
    println!(
        "memory: RSS grew {:.1} MB for {:.1} MB of text = {:.2}x",
        (rss1.saturating_sub(rss0)) as f64 / 1024.0,
        text.len() as f64 / 1e6,
        (rss1.saturating_sub(rss0)) as f64 * 1024.0 / text.len() as f64
    );

    // Rendering.
    let rendered = cfg.render(&cat, &[]);
    let render = best_of(5, || cfg.render(&cat, &[]));
    let copy = best_of(5, || rendered.clone());
    println!(
        "render: {:.1} ms, {:.0} MB/s; baseline String clone {:.0} MB/s; render / clone = {:.1}x",
        render.as_secs_f64() * 1e3,
        mbps(rendered.len(), render),
        mbps(rendered.len(), copy),
        render.as_secs_f64() / copy.as_secs_f64()
    );

    // XML-PI: the rendered text written as <Device-Configuration>, against
    // the text's own rendering in the same run.
    let mut xml = Vec::new();
    ironconf_ios::xmlpi::write_config(&cat, &rendered, &mut xml);
    let write_xml = best_of(5, || {
        let mut out = Vec::with_capacity(xml.len());
        ironconf_ios::xmlpi::write_config(&cat, &rendered, &mut out);
        out
    });
    println!(
        "xml-pi: {:.1} MB of XML in {:.1} ms, {:.0} MB/s; render of the text {:.0} MB/s; XML MB/s / text MB/s = {:.2}",
        xml.len() as f64 / 1e6,
        write_xml.as_secs_f64() * 1e3,
        mbps(xml.len(), write_xml),
        mbps(rendered.len(), render),
        mbps(xml.len(), write_xml) / mbps(rendered.len(), render)
    );

    // One-line edits: a description on one of the 30,000 interfaces.
    let mut cfg = cfg;
    let mut samples = Vec::with_capacity(5_000);
    for n in 0..5_000u32 {
        let i = n * 7919 % 30_000;
        let iface = format!(
            "interface GigabitEthernet{}/{}/{}",
            i / 4096,
            (i / 64) % 64,
            i % 64
        );
        let desc = format!("description edited {n}");
        let t = Instant::now();
        let r = apply_batch(
            &cat,
            &mut cfg,
            [iface.as_str(), desc.as_str()],
            ErrorOption::RollbackOnError,
            false,
        );
        samples.push(t.elapsed());
        assert!(r.ok());
    }
    // The same edit as XML-PI: the document read into lines, then applied.
    let mut xml_samples = Vec::with_capacity(5_000);
    for n in 0..5_000u32 {
        let i = n * 7919 % 30_000;
        let doc = format!(
            "<Device-Configuration><interface><Param>GigabitEthernet{}/{}/{}</Param><ConfigIf-Configuration><description><UpTo240CharactersDescribingInterface>xml edited {n}</UpTo240CharactersDescribingInterface></description></ConfigIf-Configuration></interface></Device-Configuration>",
            i / 4096,
            (i / 64) % 64,
            i % 64
        );
        let t = Instant::now();
        let root = ironconf_proto::xml::parse(doc.as_bytes(), &Default::default()).expect("xml");
        let lines = ironconf_ios::xmlpi::config_lines(&cat, &root).expect("xml-pi");
        let r = apply_batch(
            &cat,
            &mut cfg,
            lines.iter().map(String::as_str),
            ErrorOption::RollbackOnError,
            false,
        );
        xml_samples.push(t.elapsed());
        assert!(r.ok());
    }
    xml_samples.sort();
    println!(
        "xml-pi one-interface edit on {lines} lines: p50 {:.1} µs, p99 {:.1} µs",
        xml_samples[xml_samples.len() / 2].as_secs_f64() * 1e6,
        xml_samples[xml_samples.len() * 99 / 100].as_secs_f64() * 1e6,
    );
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    let hostname = best_of(1000, || {
        apply_batch(
            &cat,
            &mut Config::clone_empty(),
            ["hostname x"],
            ErrorOption::StopOnError,
            false,
        )
    });
    println!(
        "one-line edit on {lines} lines: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs; baseline same edit on an empty configuration {:.1} µs",
        pct(0.50).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
        pct(1.0).as_secs_f64() * 1e6,
        hostname.as_secs_f64() * 1e6
    );
}

/// An empty configuration for the baseline.
struct Config;

impl Config {
    fn clone_empty() -> ironconf_ios::config::Config {
        ironconf_ios::config::Config::new()
    }
}
