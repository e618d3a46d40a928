//! `show logging`, `clear logging` (`crate::logging`).

use super::{Asked, ExecOutput, Invocation};

pub(super) fn show_logging(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(i.device.show_logging())
}

/// `clear logging`: asks, as IOS does, then empties the buffer.
pub(super) fn clear_logging(i: &Invocation<'_>) -> ExecOutput {
    let mut out = String::new();
    match i.ask(&mut out, "Clear logging buffer [confirm]", "y") {
        Asked::Answer(a) if a.to_ascii_lowercase().starts_with('n') => ExecOutput::ok(out),
        Asked::Answer(_) => {
            i.device.clear_logging();
            ExecOutput::ok(out)
        }
        Asked::Wait(w) => w,
    }
}
