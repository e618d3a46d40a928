// Shared by the benches (`include!`): resident set sizes.

/// VmRSS of this process in kB (0 where /proc is not available).
#[allow(dead_code)]
fn rss_kb() -> u64 {
    vm_rss("/proc/self/status")
}

/// VmRSS of process `pid` in kB (0 where it cannot be read).
#[allow(dead_code)]
fn rss_kb_of(pid: u32) -> u64 {
    vm_rss(&format!("/proc/{pid}/status"))
}

fn vm_rss(status: &str) -> u64 {
    std::fs::read_to_string(status)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
