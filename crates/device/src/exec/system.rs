//! `show version`, `show clock`, `show privilege`, `terminal length`, and
//! the commands a device without a data plane cannot run.

use std::time::SystemTime;

use ironconf_ios::change::IosTime;

use super::{ExecOutput, Invocation};
use crate::device::Device;

pub(super) fn show_version(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(version_text(i.device))
}

pub(super) fn show_clock(inv: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(format!("*{}\n", clock(inv.device.wall_clock())))
}

pub(super) fn show_privilege(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(format!(
        "Current privilege level is {}\n",
        i.caller.privilege
    ))
}

/// The screen's length and width and line editing are the terminal's own
/// (the shell keeps the length); the command itself prints nothing.
pub(super) fn terminal_length(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(String::new())
}

pub(super) fn no_data_plane(i: &Invocation<'_>) -> ExecOutput {
    let cmd = i.command.split_whitespace().next().unwrap_or_default();
    ExecOutput::error(format!(
        "% {cmd} is not available: this device has no data plane\n"
    ))
}

/// `10:20:30.123 UTC Wed Nov 25 2026`
fn clock(now: SystemTime) -> String {
    let t = IosTime::at(now);
    format!(
        "{}.{:03} UTC {} {} {} {}",
        t.clock(),
        t.millis,
        t.weekday,
        t.month,
        t.day,
        t.year
    )
}

fn version_text(device: &Device) -> String {
    let hostname = device.settings().hostname;
    let uptime = device.uptime().as_secs();
    let (days, hours, minutes) = (uptime / 86_400, uptime % 86_400 / 3600, uptime % 3600 / 60);
    format!(
        "Cisco IOS XE Software, Version 16.12.04\n\
         Cisco IOS Software [Gibraltar], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.4, RELEASE SOFTWARE (fc5)\n\
         ironconf emulation of the IOS NETCONF agent (profile {profile})\n\
         \n\
         ROM: IOS-XE ROMMON\n\
         \n\
         {hostname} uptime is {days} days, {hours} hours, {minutes} minutes\n\
         System returned to ROM by reload\n\
         System image file is \"bootflash:packages.conf\"\n\
         \n\
         cisco CSR1000V (VXE) processor with 2072442K/3075K bytes of memory.\n\
         Processor board ID 9ABCDEFGHIJ\n\
         1 Virtual Ethernet interface\n\
         32768K bytes of non-volatile configuration memory.\n\
         \n\
         Configuration register is 0x2102\n",
        profile = device.profile().name,
    )
}
