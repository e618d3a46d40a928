//! The archive and configure replace: `archive config`, `show archive`,
//! `show archive config differences`, `show archive config
//! incremental-diffs`, `show archive config rollback timer`, `configure
//! replace`, `configure confirm`, `configure revert`.

use ironconf_ios::apply::{ErrorOption, apply_batch};
use ironconf_ios::change::ios_time;
use ironconf_ios::config::Config;
use ironconf_ios::diff::{self, Blocks};
use ironconf_ios::parse::ParseError;

use super::files::{location, read_whole, split_args};
use super::{Asked, ExecOutput, Invocation, parse_error};
use crate::archive::ArchiveError;
use crate::configure::{Changer, Refused};
use crate::device::Device;
use crate::fs::{Location, MAX_TEXT_FILE};

/// The text of a configuration file for the archive commands (bounded).
fn config_text(inv: &Invocation<'_>, name: &str) -> Result<String, ExecOutput> {
    let loc = location(inv, name)?;
    if let Location::Flash(p) = &loc
        && inv
            .device
            .flash_stat(p)
            .is_ok_and(|e| e.size > MAX_TEXT_FILE)
    {
        return Err(ExecOutput::error(format!(
            "%Error opening {name} (File too large)\n"
        )));
    }
    read_whole(inv.device, &loc)
        .map(|bytes| {
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        })
        .map_err(ExecOutput::error)
}

/// Lines a saved configuration carries that are not configuration.
fn is_noise(line: &str) -> bool {
    line.starts_with("Building configuration")
        || line.starts_with("Current configuration")
        || line.starts_with("Load for ")
        || line.starts_with("Time source is")
}

/// A configuration's text: running-config as rendered, a file as it
/// stands (noise lines left out). Files the device writes read back as
/// their rendering, so comparing text compares configurations.
fn text_of(inv: &Invocation<'_>, name: &str) -> Result<String, ExecOutput> {
    if let Ok(Location::Running) = inv.device.location(name) {
        return Ok(inv.device.running_config());
    }
    Ok(without_noise(config_text(inv, name)?))
}

fn without_noise(text: String) -> String {
    if !text.lines().any(is_noise) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for l in text.lines().filter(|l| !is_noise(l)) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// `archive config`.
pub(super) fn archive_config(inv: &Invocation<'_>) -> ExecOutput {
    match inv.device.archive_config() {
        Ok(_) => ExecOutput::ok(String::new()),
        Err(ArchiveError::Off) => ExecOutput::error(" Archive feature not enabled\n".into()),
        Err(ArchiveError::Path(m) | ArchiveError::Write(m)) => ExecOutput::error(format!("{m}\n")),
    }
}

/// `show archive`.
pub(super) fn show_archive(inv: &Invocation<'_>) -> ExecOutput {
    let device = inv.device;
    let settings = device.settings();
    let Some(next) = device.next_archive_name() else {
        return ExecOutput::ok(" Archive feature not enabled\n".into());
    };
    let files = device.archive_files();
    let max = settings.archive.maximum.max(1) as usize;
    let mut out = format!(
        "The maximum archive configurations allowed is {max}.\nThere are currently {} archive configurations saved.\nThe next archive file will be named {next}\n Archive #  Name\n",
        files.len()
    );
    for i in 0..max {
        let n = i + 1;
        match files.get(i) {
            Some(f) if n == files.len() => out.push_str(&format!("   {n:<9}{f} <- Most Recent\n")),
            Some(f) => out.push_str(&format!("   {n:<9}{f}\n")),
            None => out.push_str(&format!("   {n}\n")),
        }
    }
    ExecOutput::ok(out)
}

/// `show archive config differences [A [B]]`: startup against running
/// without names, A against running with one.
pub(super) fn show_differences(inv: &Invocation<'_>) -> ExecOutput {
    let (words, _) = split_args(inv);
    let (a, b) = match words.as_slice() {
        [] => ("nvram:startup-config", "system:running-config"),
        [a] => (*a, "system:running-config"),
        [a, b, ..] => (*a, *b),
    };
    let (ta, tb) = match (text_of(inv, a), text_of(inv, b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let lines = diff::contextual(&Blocks::of_text(&ta), &Blocks::of_text(&tb));
    let mut out = String::from("!Contextual Config Diffs:\n");
    if lines.is_empty() {
        out.push_str("!No changes were found\n");
    }
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    ExecOutput::ok(out)
}

/// `show archive config incremental-diffs FILE [ignorecase]`.
pub(super) fn show_incremental(inv: &Invocation<'_>) -> ExecOutput {
    let (words, _) = split_args(inv);
    let Some(file) = words.first() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let file = match text_of(inv, file) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let running = inv.device.running_config();
    let lines = diff::incremental(&Blocks::of_text(&running), &Blocks::of_text(&file));
    let mut out = String::from("!List of Commands:\n");
    for l in &lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("end\n");
    if lines.is_empty() {
        out.push_str("!No changes were found\n");
    }
    ExecOutput::ok(out)
}

/// `show archive config rollback timer`.
pub(super) fn show_rollback_timer(inv: &Invocation<'_>) -> ExecOutput {
    let device = inv.device;
    device.handle_timeout(device.now());
    match device.pending_rollback() {
        Some(p) => ExecOutput::ok(format!(
            "Time configured(or Reset) : {}\nTimer type: Rollback Confirmed Change\nTimer value: {} min\nUser: {}\n",
            ios_time(p.set_at),
            p.minutes,
            p.user
        )),
        None => ExecOutput::error(
            "%No Rollback Confirmed Change pending or archive config is not enabled\n".into(),
        ),
    }
}

/// What `configure replace` was asked.
#[derive(Debug, Default)]
struct ReplaceOptions {
    force: bool,
    list: bool,
    revert_on_error: bool,
    minutes: Option<u32>,
}

fn replace_options(words: &[&str]) -> Result<ReplaceOptions, usize> {
    let mut o = ReplaceOptions::default();
    let mut i = 0;
    let minutes = |w: Option<&&str>| {
        w.and_then(|w| w.parse::<u32>().ok())
            .filter(|m| (1..=120).contains(m))
    };
    while i < words.len() {
        match words[i] {
            "force" => o.force = true,
            "list" => o.list = true,
            "ignorecase" | "nolock" => {}
            "time" => {
                o.minutes = Some(minutes(words.get(i + 1)).ok_or(i + 1)?);
                i += 1;
            }
            "revert" => match (words.get(i + 1), words.get(i + 2)) {
                (Some(&"trigger"), Some(&"error")) => {
                    o.revert_on_error = true;
                    i += 2;
                    // `revert trigger error timer N`
                    if words.get(i + 1) == Some(&"timer") {
                        o.minutes = Some(minutes(words.get(i + 2)).ok_or(i + 2)?);
                        i += 2;
                    }
                }
                (Some(&"timer"), n) => {
                    o.minutes = Some(minutes(n).ok_or(i + 2)?);
                    i += 2;
                }
                _ => return Err(i + 1),
            },
            _ => return Err(i),
        }
        i += 1;
    }
    Ok(o)
}

/// `configure replace SOURCE [force] [list] [revert trigger error] [time N]`.
pub(super) fn configure_replace(inv: &Invocation<'_>) -> ExecOutput {
    let (words, _) = split_args(inv);
    let Some(source) = words.first() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let options = match replace_options(&words[1..]) {
        Ok(o) => o,
        Err(at) => {
            let word = words.get(at + 1).copied().unwrap_or_default();
            let column = inv.command.rfind(word).unwrap_or(inv.command.len());
            return parse_error(inv.command, &ParseError::Invalid { column });
        }
    };
    let device = inv.device;
    device.handle_timeout(device.now());
    if options.minutes.is_some() && device.settings().archive.path.is_none() {
        return ExecOutput::error(
            "%Please turn config archive on before using Rollback Confirmed Change\n".into(),
        );
    }
    if device.pending_rollback().is_some() {
        return ExecOutput::error(
            "%Rollback Confirmed Change is in progress; configure confirm or configure revert first\n"
                .into(),
        );
    }
    let text = match config_text(inv, source) {
        Ok(t) => without_noise(t),
        Err(e) => return e,
    };
    let mut out = String::new();
    if !options.force {
        let question = "This will apply all necessary additions and deletions\nto replace the current running configuration with the\ncontents of the specified configuration file, which is\nassumed to be a complete configuration, not a partial\nconfiguration. Enter Y if you are sure you want to proceed. ? [no]: ";
        match inv.ask(&mut out, question, "no") {
            Asked::Answer(a) if a.eq_ignore_ascii_case("y") || a.eq_ignore_ascii_case("yes") => {}
            Asked::Answer(_) => return ExecOutput::ok(out),
            Asked::Wait(w) => return w,
        }
    }
    let who = Changer {
        user: &inv.caller.user,
        session: inv.caller.session,
        line: inv.caller.line,
    };
    let previous = options
        .minutes
        .map(|_| device.view(|v| v.running().clone()));
    // The file, parsed as configuration mode would take it, and compared
    // with running-config, outside the device lock (a large file takes
    // seconds); running-config is then swapped for it in one change.
    let cat = device.catalogue();
    let mut target = Config::new();
    let lines: Vec<&str> = text.lines().filter(|l| !is_noise(l)).collect();
    let parsed = apply_batch(
        cat,
        &mut target,
        lines.iter().copied(),
        ErrorOption::ContinueOnError,
        false,
    );
    drop(lines);
    drop(text);
    for f in &parsed.failures {
        out.push_str(&format!("{}\n{}\n", f.line.trim(), f.message()));
    }
    if !parsed.failures.is_empty() && options.revert_on_error {
        out.push_str("Rollback aborted: the file has lines in error.\nThe original configuration has been successfully restored.\n");
        return ExecOutput::error(out);
    }
    match device.replace_running_listed(who, target) {
        Ok(commands) => replaced(device, inv, out, &options, &commands, previous),
        Err(e) => refused_replace(out, e),
    }
}

fn refused_replace(mut out: String, e: Refused) -> ExecOutput {
    match e {
        Refused::Locked { holder } => out.push_str(&format!(
            "%Error: running-config is locked by NETCONF session {holder}\nRollback aborted\n"
        )),
        other => out.push_str(&format!(
            "% {other}\nThe original configuration has been successfully restored.\n"
        )),
    }
    ExecOutput::error(out)
}

/// The report of a replace that was applied, and its timer.
fn replaced(
    device: &Device,
    inv: &Invocation<'_>,
    mut out: String,
    options: &ReplaceOptions,
    commands: &[String],
    previous: Option<Config>,
) -> ExecOutput {
    if options.list {
        out.push_str("!Pass 1\n!List of Commands:\n");
        for c in commands {
            out.push_str(c);
            out.push('\n');
        }
        out.push_str("end\n");
    }
    out.push_str("Total number of passes: 1\nRollback Done\n");
    if let (Some(m), Some(previous)) = (options.minutes, previous) {
        device.set_pending_rollback(previous, m, &inv.caller.user);
        out.push_str(&format!(
            "\nThe configuration will be reverted in {m} minutes unless 'configure confirm' is entered.\n"
        ));
    }
    ExecOutput::ok(out)
}

/// `configure confirm`.
pub(super) fn configure_confirm(inv: &Invocation<'_>) -> ExecOutput {
    inv.device.handle_timeout(inv.device.now());
    if inv.device.confirm_rollback() {
        ExecOutput::ok(String::new())
    } else {
        ExecOutput::error("%No Rollback Confirmed Change pending\n".into())
    }
}

/// `configure revert now` / `configure revert timer N`.
pub(super) fn configure_revert(inv: &Invocation<'_>) -> ExecOutput {
    let device = inv.device;
    device.handle_timeout(device.now());
    let (words, _) = split_args(inv);
    match words.as_slice() {
        ["now"] => match device.revert_now() {
            Ok(true) => ExecOutput::ok("Rollback Done\n".into()),
            Ok(false) => ExecOutput::error("%No Rollback Confirmed Change pending\n".into()),
            Err(e) => ExecOutput::error(format!("%Error: {e}\n")),
        },
        ["timer", n] | ["timer", "idle", n] => match n.parse::<u32>() {
            Ok(m) if (1..=120).contains(&m) => {
                if device.reset_rollback_timer(m) {
                    ExecOutput::ok(String::new())
                } else {
                    ExecOutput::error("%No Rollback Confirmed Change pending\n".into())
                }
            }
            _ => parse_error(
                inv.command,
                &ParseError::Invalid {
                    column: inv.command.rfind(n).unwrap_or(0),
                },
            ),
        },
        _ => parse_error(inv.command, &ParseError::Incomplete),
    }
}
