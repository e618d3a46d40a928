//! The EXEC shell (line editor, EXEC commands, configuration mode, paging)
//! on arbitrary keystrokes, split into arbitrary reads: it must never panic,
//! its output for one read stays bounded, and the configuration it leaves
//! renders to text that loads back to the same rendering.
#![no_main]

use ironconf_device::shell::Shell;
use ironconf_device::{Device, Profile};
use ironconf_ios::apply::load;
use libfuzzer_sys::fuzz_target;

const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCh0XDNHVZyNpzp9o\ninterface Loopback0\n ip address 10.0.0.1 255.255.255.255\nline vty 0 4\n transport input ssh\n";

/// Output allowed for one read: a page of `show` output per byte typed,
/// plus a fixed allowance for one command's whole output with paging off.
const OUTPUT_PER_BYTE: usize = 8 * 1024;
const OUTPUT_FIXED: usize = 4 * 1024 * 1024;

fuzz_target!(|data: &[u8]| {
    let [split, flags, input @ ..] = data else {
        return;
    };
    let Some(profile) = Profile::by_name("ios-xe-16") else {
        return;
    };
    let (device, _) = Device::in_memory(profile, STARTUP);
    let privilege = if flags & 1 == 0 { 15 } else { 1 };
    let mut shell = Shell::new(device.clone(), "admin", privilege);
    shell.set_length(usize::from(flags >> 1) % 30);
    let _ = shell.take_output();
    for chunk in input.chunks(usize::from(*split).max(1)) {
        shell.input(chunk);
        let out = shell.take_output();
        assert!(
            out.len() <= OUTPUT_FIXED + OUTPUT_PER_BYTE * chunk.len(),
            "{} bytes of output for {} bytes typed",
            out.len(),
            chunk.len()
        );
        if shell.is_closed() {
            break;
        }
    }
    let cat = device.catalogue();
    let once = device.state().running.render(cat, &[]);
    let (again, _) = load(cat, &once);
    assert_eq!(again.render(cat, &[]), once);
});
