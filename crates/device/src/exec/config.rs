//! The configuration files: `show running-config`, `show startup-config`,
//! `copy running-config startup-config` (and `write`), `erase
//! startup-config`, `reload`.

use ironconf_ios::filter::show_running_config as render;

use super::{Asked, ExecOutput, Invocation};

/// Takes its own `| …` filters, which IOS applies to the rendering.
pub(super) fn show_running_config(i: &Invocation<'_>) -> ExecOutput {
    let args = format!("{} {}", i.args.join(" "), i.pipes);
    let cat = i.device.catalogue();
    let rendered = i
        .device
        .view(|v| render(cat, v.running(), &v.header(), args.trim()));
    match rendered {
        Ok(t) => ExecOutput::ok(t),
        // The caret goes under the word in error, as for any command.
        Err(e) => match e.column {
            Some(col) => {
                let selector = i.args.join(" ");
                let offset = i.command.len().saturating_sub(selector.len());
                let caret = format!("{}^", " ".repeat(offset + col));
                ExecOutput::error(format!("{}\n{caret}\n{}\n", i.command, e.message))
            }
            None => ExecOutput::error(format!("{}\n", e.message)),
        },
    }
}

pub(super) fn show_startup_config(i: &Invocation<'_>) -> ExecOutput {
    match i.device.startup_text() {
        Some(t) => ExecOutput::ok(format!("Using {} out of 33554432 bytes\n{t}", t.len())),
        None => ExecOutput::error("startup-config is not present\n".into()),
    }
}

/// The "Destination filename [startup-config]?" prompt is answered with
/// its default.
pub(super) fn write_memory(i: &Invocation<'_>) -> ExecOutput {
    match i.device.save_startup() {
        Ok(()) => ExecOutput::ok("Building configuration...\n[OK]\n".into()),
        Err(e) => ExecOutput::error(format!("%Error copying nvram:startup-config ({e})\n")),
    }
}

pub(super) fn erase_startup_config(i: &Invocation<'_>) -> ExecOutput {
    match i.device.erase_startup() {
        Ok(()) => ExecOutput::ok(
            "Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]\n[OK]\nErase of nvram: complete\n"
                .into(),
        ),
        Err(e) => ExecOutput::error(format!("%Error erasing nvram: ({e})\n")),
    }
}

/// `Proceed with reload? [confirm]`: at a terminal it waits for the
/// answer; elsewhere it takes its default.
pub(super) fn reload(i: &Invocation<'_>) -> ExecOutput {
    let mut out = String::new();
    match i.ask(&mut out, "Proceed with reload? [confirm]", "y") {
        Asked::Answer(a) if a.to_ascii_lowercase().starts_with('n') => ExecOutput::ok(out),
        Asked::Answer(_) => {
            let by = match i.caller.line {
                Some(l) => format!("{} on vty{l}", i.caller.user),
                None => i.caller.user.clone(),
            };
            i.device.log(crate::logging::LogMessage::new(
                "SYS",
                5,
                "RELOAD",
                format!("Reload requested by {by}. Reload Reason: Reload Command."),
            ));
            i.device.reload();
            ExecOutput::ok(out)
        }
        Asked::Wait(w) => w,
    }
}
