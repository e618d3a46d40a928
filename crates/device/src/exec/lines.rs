//! `show users`, `show line`, `clear line N`.

use super::{ExecCaller, ExecOutput, Invocation};
use crate::device::Device;

/// `show login`: `login block-for`'s watch and quiet mode.
pub(super) fn show_login(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(i.device.show_login())
}

pub(super) fn show_users(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(users_text(i.device, i.caller))
}

pub(super) fn show_line(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(line_text(i.device))
}

/// The confirmation is answered with its default.
pub(super) fn clear_line(i: &Invocation<'_>) -> ExecOutput {
    if let Some(n) = i.arg().and_then(|n| n.parse::<u32>().ok()) {
        i.device.clear_line(n);
    }
    ExecOutput::ok("[confirm]\n [OK]\n".into())
}

/// `show users`: every vty line in use, the caller's marked `*`.
fn users_text(device: &Device, caller: &ExecCaller) -> String {
    let mut out =
        String::from("    Line       User       Host(s)              Idle       Location\n");
    let now = device.now();
    device.view(|v| {
        for (vty, l) in v.lines() {
            let own = caller.line == Some(*vty)
                || (caller.session.is_some() && l.netconf == caller.session)
                || matches!(l.owner, crate::LineOwner::Netconf(id) if Some(id) == caller.session);
            let mark = if own { '*' } else { ' ' };
            let idle = now.saturating_duration_since(l.last_input).as_secs();
            let idle = super::hms(idle);
            let location = l.source.map(|a| a.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{mark}{:>3} {:<9} {:<10} {:<20} {idle} {location}\n",
                crate::vty_line_number(*vty),
                format!("vty {vty}"),
                l.user,
                "idle",
            ));
        }
        out.push_str("\n  Interface    User               Mode         Idle     Peer Address\n\n");
        out
    })
}

/// `show line`: the console and each configured vty (`*` when in use),
/// with its access class and how many sessions it has carried.
fn line_text(device: &Device) -> String {
    device.view(|v| {
    let settings = v.settings();
    let mut out = String::from(
        "   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int\n",
    );
    out.push_str(
        "*    0 CTY              -    -      -    -    -      0       0     0/0       -\n",
    );
    for vty in 0..settings.vty_lines() {
        let mark = if v.lines().contains_key(&vty) {
            '*'
        } else {
            ' '
        };
        let access = settings
            .vty
            .iter()
            .find(|b| (b.first..=b.last).contains(&vty))
            .and_then(|b| b.access_class.clone())
            .unwrap_or_else(|| "-".into());
        let uses = v.line_uses().get(&vty).copied().unwrap_or(0);
        out.push_str(&format!(
            "{mark}{:>5} VTY              -    -      -    - {access:>4} {uses:>6}       0     0/0       -\n",
            crate::vty_line_number(vty)
        ));
    }
    out
    })
}
