//! `copy`: between files, `running-config` (a merge, as IOS's is),
//! `startup-config` and remote URLs; its prompts (`Destination filename
//! [x]?`) printed and answered with their defaults, or not asked under
//! `file prompt quiet`.

use ironconf_ios::apply::{ErrorOption, apply_batch_in};
use ironconf_ios::parse::ParseError;

use super::files::{declined, location, quiet, read_whole, split_args};
use super::{ExecOutput, Invocation, parse_error};
use crate::configure::{Changer, Refused};
use crate::device::Device;
use crate::fs::Location;
use crate::fs::store::StoreError;

/// `{n} bytes copied in {t} secs ({r} bytes/sec)`.
fn copied(n: usize, secs: f64) -> String {
    let secs = secs.max(0.001);
    format!(
        "{n} bytes copied in {secs:.3} secs ({} bytes/sec)\n",
        (n as f64 / secs) as u64
    )
}

/// The name a file destination takes by default.
fn default_name(loc: &Location) -> String {
    match loc {
        Location::Running => "running-config".into(),
        Location::Startup => "startup-config".into(),
        Location::Flash(p) => p.last().cloned().unwrap_or_default(),
        Location::Remote(u) => u.rsplit('/').next().unwrap_or_default().to_owned(),
        Location::Null | Location::Listing(_) => String::new(),
    }
}

/// `copy [/force] SOURCE DESTINATION`. The questions come first, then the
/// transfer, as on IOS.
pub(super) fn copy(inv: &Invocation<'_>) -> ExecOutput {
    let (words, flags) = split_args(inv);
    let [src_text, dst_text] = words.as_slice() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let device = inv.device;
    let src = match location(inv, src_text) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let dst = match location(inv, dst_text) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let quiet = quiet(inv) || flags.iter().any(|f| f == "/force");
    let mut out = String::new();
    // Saving running-config is `write memory`.
    if (&src, &dst) == (&Location::Running, &Location::Startup) {
        ask!(
            inv,
            quiet,
            &mut out,
            "Destination filename [startup-config]? ",
            "startup-config"
        );
        return match device.save_startup() {
            Ok(()) => {
                out.push_str("Building configuration...\n[OK]\n");
                ExecOutput::ok(out)
            }
            Err(e) => {
                ExecOutput::error(format!("{out}%Error copying nvram:startup-config ({e})\n"))
            }
        };
    }
    // Where it goes, asked before anything moves.
    let dst = match dst {
        Location::Running | Location::Startup => {
            let name = default_name(&dst);
            ask!(
                inv,
                quiet,
                &mut out,
                format!("Destination filename [{name}]? "),
                &name
            );
            dst
        }
        Location::Flash(mut path) => {
            let is_dir = path.is_empty() || device.flash_stat(&path).is_ok_and(|e| e.dir);
            if is_dir {
                let name = default_name(&src);
                if name.is_empty() {
                    return ExecOutput::error(format!(
                        "%Error opening {} (Is a directory)\n",
                        device.location_name(&Location::Flash(path))
                    ));
                }
                path.push(name);
            }
            let default = path.last().cloned().unwrap_or_default();
            let answer = ask!(
                inv,
                quiet,
                &mut out,
                format!("Destination filename [{default}]? "),
                &default
            );
            if answer != default {
                // Another name, in the same directory.
                match device.location(&answer) {
                    Ok(Location::Flash(p)) if p.len() == 1 => {
                        path.pop();
                        path.extend(p);
                    }
                    _ => {
                        return ExecOutput::error(format!(
                            "{out}%Error opening {answer} (Invalid argument)\n"
                        ));
                    }
                }
            }
            if device.flash_stat(&path).is_ok() {
                let confirm = ask!(
                    inv,
                    quiet,
                    &mut out,
                    "%Warning:There is a file already existing with this name \nDo you want to over write? [confirm]",
                    "y"
                );
                if declined(&confirm) {
                    return ExecOutput::error(format!("{out}%Copy aborted\n"));
                }
            }
            Location::Flash(path)
        }
        Location::Remote(u) => {
            let host = crate::fs::remote::RemoteUrl::parse(&u)
                .map(|r| r.host)
                .unwrap_or_default();
            let file = default_name(&Location::Remote(u.clone()));
            ask!(
                inv,
                quiet,
                &mut out,
                format!("Address or name of remote host [{host}]? "),
                &host
            );
            ask!(
                inv,
                quiet,
                &mut out,
                format!("Destination filename [{file}]? "),
                &file
            );
            Location::Remote(u)
        }
        other => other,
    };
    let started = device.now();
    let elapsed = || {
        device
            .now()
            .saturating_duration_since(started)
            .as_secs_f64()
    };
    // Flash to flash goes a part at a time, whatever the file's size.
    if let (Location::Flash(from), Location::Flash(to)) = (&src, &dst) {
        return match copy_on_flash(device, from, to) {
            Ok(n) => {
                out.push_str(&copied(n as usize, elapsed()));
                ExecOutput::ok(out)
            }
            Err(e) => ExecOutput::error(format!("{out}{e}\n")),
        };
    }
    let source = match read_whole(device, &src) {
        Ok(bytes) => bytes,
        Err(e) => return ExecOutput::error(format!("{out}{e}")),
    };
    let n = source.len();
    if let Location::Remote(u) = &src {
        out.push_str(&format!("Accessing {u}...\n[OK - {n} bytes]\n\n"));
    }
    match dst {
        Location::Running => {
            let text = String::from_utf8_lossy(&source).into_owned();
            let who = Changer {
                user: &inv.caller.user,
                session: inv.caller.session,
                line: inv.caller.line,
            };
            let applied = device.change_running(who, |cat, running| {
                apply_batch_in(
                    cat,
                    running,
                    text.lines(),
                    ErrorOption::ContinueOnError,
                    false,
                )
            });
            match applied {
                Ok(result) => {
                    for f in &result.failures {
                        out.push_str(&format!("{}\n{}\n", f.line.trim(), f.message()));
                    }
                    out.push_str(&copied(n, elapsed()));
                    // Through NETCONF the configuration path logs it.
                    if inv.caller.session.is_none() {
                        device.log_configured(
                            &device.location_name(&src),
                            &inv.caller.user,
                            inv.caller.line,
                        );
                    }
                    ExecOutput::ok(out)
                }
                Err(Refused::Locked { holder }) => ExecOutput::error(format!(
                    "{out}%Error copying {} (running-config is locked by NETCONF session {holder})\n",
                    device.location_name(&src)
                )),
                Err(other) => ExecOutput::error(format!("{out}% {other}\n")),
            }
        }
        Location::Startup => {
            let text = String::from_utf8_lossy(&source).into_owned();
            match device.write_startup_text(&text) {
                Ok(()) => {
                    out.push_str("[OK]\n");
                    out.push_str(&copied(n, elapsed()));
                    ExecOutput::ok(out)
                }
                Err(e) => {
                    ExecOutput::error(format!("{out}%Error copying nvram:startup-config ({e})\n"))
                }
            }
        }
        Location::Null => {
            out.push_str(&copied(n, elapsed()));
            ExecOutput::ok(out)
        }
        Location::Flash(path) => {
            let name = device.location_name(&Location::Flash(path.clone()));
            match device.flash_write(&path, &source) {
                Ok(()) => {
                    out.push_str(&copied(n, elapsed()));
                    ExecOutput::ok(out)
                }
                Err(e) => {
                    ExecOutput::error(format!("{out}%Error copying {name} ({})\n", e.as_str()))
                }
            }
        }
        Location::Remote(u) => match device.put_remote(&u, &source) {
            Ok(()) => {
                out.push_str(&format!("!!\n{}", copied(n, elapsed())));
                ExecOutput::ok(out)
            }
            Err(e) => ExecOutput::error(format!("{out}{e}\n")),
        },
        Location::Listing(_) => ExecOutput::error(format!(
            "{out}%Error opening {dst_text} (Permission denied)\n"
        )),
    }
}

/// Copies a flash file to another name a part at a time (its size checked
/// against the free space first); returns the bytes copied.
fn copy_on_flash(device: &Device, from: &[String], to: &[String]) -> Result<u64, String> {
    let name = |p: &[String]| device.location_name(&Location::Flash(p.to_vec()));
    let opening = |e: StoreError| format!("%Error opening {} ({})", name(from), e.as_str());
    let entry = device.flash_stat(from).map_err(opening)?;
    if entry.dir {
        return Err(opening(StoreError::IsDir));
    }
    let mut reader = device.flash_open(from).map_err(opening)?;
    let copying = |reason: &str| format!("%Error copying {} ({reason})", name(to));
    let mut writer = device
        .flash_create(to, Some(entry.size))
        .map_err(|e| copying(e.as_str()))?;
    let n = std::io::copy(&mut reader, &mut writer)
        .map_err(|e| copying(crate::fs::FsWriteError::from_io(e).as_str()))?;
    writer.commit().map_err(|e| copying(e.as_str()))?;
    Ok(n)
}
