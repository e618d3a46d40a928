//! The file commands: `dir`, `delete`, `more`, `verify /md5`,
//! `mkdir`, `rmdir`, `rename`, `show file systems`, `show flash:`. Their
//! prompts (`Destination filename [x]?`, `[confirm]`) are printed and
//! answered with their defaults; `file prompt quiet` leaves them out.

use std::io::Read as _;
use std::time::SystemTime;

use ironconf_ios::change::IosTime;
use ironconf_ios::parse::ParseError;

use super::{ExecOutput, Invocation, parse_error};
use crate::device::Device;
use crate::fs::store::{Entry, StoreError};
use crate::fs::{FsReadError, Location, MAX_TEXT_FILE, NVRAM_BYTES, NameError};

/// The words of the arguments, and the flags (`/force`, `/md5`, …) among
/// them, lowercased.
pub(super) fn split_args<'a>(inv: &'a Invocation<'_>) -> (Vec<&'a str>, Vec<String>) {
    let mut words = Vec::new();
    let mut flags = Vec::new();
    for a in inv.args.iter().flat_map(|a| a.split_whitespace()) {
        if a.starts_with('/') && a.len() > 1 && !a[1..].contains('/') {
            flags.push(a.to_ascii_lowercase());
        } else {
            words.push(a);
        }
    }
    (words, flags)
}

/// Reads a name; a prefix no file system has is refused by the parser, a
/// bad path with `%Error opening`.
pub(super) fn location(inv: &Invocation<'_>, text: &str) -> Result<Location, ExecOutput> {
    match inv.device.location(text) {
        Ok(l) => Ok(l),
        Err(NameError::UnknownFileSystem) => {
            let column = inv.command.find(text).unwrap_or(0);
            Err(parse_error(inv.command, &ParseError::Invalid { column }))
        }
        Err(e) => Err(ExecOutput::error(format!(
            "%Error opening {text} ({})\n",
            e.as_str()
        ))),
    }
}

pub(super) fn quiet(inv: &Invocation<'_>) -> bool {
    inv.device.settings().file_prompt_quiet
}

/// `Mar 2 2015 08:46:31 +00:00`, right-aligned as `dir` prints it.
fn dir_time(t: SystemTime) -> String {
    let t = IosTime::at(t);
    format!(
        "{:>11} {} +00:00",
        format!("{} {} {}", t.month, t.day, t.year),
        t.clock()
    )
}

fn dir_line(e: &Entry) -> String {
    let (perm, size) = if e.dir {
        ("drwx", 4096)
    } else {
        ("-rw-", e.size)
    };
    format!(
        "{:>5}  {perm}  {size:>15}  {}  {}\n",
        e.id % 1_000_000,
        dir_time(e.modified),
        e.name
    )
}

fn totals(total: u64, free: u64) -> String {
    format!("{total} bytes total ({free} bytes free)\n")
}

/// `dir [/all] [/recursive] [NAME]`.
pub(super) fn dir(inv: &Invocation<'_>) -> ExecOutput {
    let (words, _flags) = split_args(inv);
    let device = inv.device;
    let target = words.first().copied().unwrap_or(device.flash_name());
    let loc = match location(inv, target) {
        Ok(l) => l,
        Err(e) => return e,
    };
    match loc {
        Location::Flash(path) => flash_dir(device, &path),
        Location::Listing("nvram:") | Location::Startup => nvram_dir(device),
        Location::Listing(_) | Location::Running => {
            let size = device.running_config().len();
            ExecOutput::ok(format!(
                "Directory of system:/\n\n    2  -rw-  {size:>15}                    <no date>  running-config\n\nNo space information available\n"
            ))
        }
        Location::Null => ExecOutput::ok(format!(
            "Directory of null:/\n\nNo files in directory\n\n{}",
            totals(0, 0)
        )),
        Location::Remote(u) => {
            ExecOutput::error(format!("%Error opening {u} (Operation not supported)\n"))
        }
    }
}

fn flash_dir(device: &Device, path: &[String]) -> ExecOutput {
    let name = device.location_name(&Location::Flash(path.to_vec()));
    let (used, capacity) = device.flash_usage();
    let tail = totals(capacity, capacity.saturating_sub(used));
    let entry = match device.flash_stat(path) {
        Ok(e) => e,
        Err(e) => return ExecOutput::error(format!("%Error opening {name} ({})\n", e.as_str())),
    };
    if !entry.dir {
        return ExecOutput::ok(format!(
            "Directory of {name}\n\n{}\n{tail}",
            dir_line(&entry)
        ));
    }
    let entries = match device.flash_list(path) {
        Ok(l) => l,
        Err(e) => return ExecOutput::error(format!("%Error opening {name} ({})\n", e.as_str())),
    };
    let mut out = format!("Directory of {name}\n\n");
    if entries.is_empty() {
        out.push_str("No files in directory\n");
    }
    for e in &entries {
        out.push_str(&dir_line(e));
    }
    out.push('\n');
    out.push_str(&tail);
    ExecOutput::ok(out)
}

fn nvram_dir(device: &Device) -> ExecOutput {
    let startup = device.startup_text().map(|t| t.len() as u64);
    let used = startup.unwrap_or(0);
    let mut out = String::from("Directory of nvram:/\n\n");
    match startup {
        Some(n) => out.push_str(&format!(
            "32762  -rw-  {n:>15}                    <no date>  startup-config\n"
        )),
        None => out.push_str("No files in directory\n"),
    }
    out.push('\n');
    out.push_str(&totals(NVRAM_BYTES, NVRAM_BYTES.saturating_sub(used)));
    ExecOutput::ok(out)
}

/// `show file systems`.
pub(super) fn show_file_systems(inv: &Invocation<'_>) -> ExecOutput {
    let device = inv.device;
    let (used, capacity) = device.flash_usage();
    let prefixes = match device.profile().flash.alias {
        Some(a) => format!("{} {a}", device.flash_name()),
        None => device.flash_name().to_owned(),
    };
    let nvram_used = device.startup_text().map_or(0, |t| t.len() as u64);
    let row = |default: bool, size: &str, free: &str, kind: &str, p: &str| {
        let mark = if default { '*' } else { ' ' };
        format!("{mark}{size:>13} {free:>13} {kind:>9}     rw   {p}\n")
    };
    // The shape of a real capture (ntc-templates' show_file_systems), with
    // the file systems this device has, remote ones included.
    let mut out =
        String::from("File Systems:\n\n       Size(b)       Free(b)      Type  Flags  Prefixes\n");
    out.push_str(&row(false, "-", "-", "opaque", "system:"));
    let free = capacity.saturating_sub(used).to_string();
    out.push_str(&row(true, &capacity.to_string(), &free, "disk", &prefixes));
    out.push_str(&row(false, "-", "-", "opaque", "null:"));
    out.push_str(&row(false, "-", "-", "network", "tftp:"));
    let nvram_free = NVRAM_BYTES.saturating_sub(nvram_used).to_string();
    out.push_str(&row(
        false,
        &NVRAM_BYTES.to_string(),
        &nvram_free,
        "nvram",
        "nvram:",
    ));
    out.push_str(&row(false, "-", "-", "network", "http:"));
    out.push_str(&row(false, "-", "-", "network", "scp:"));
    ExecOutput::ok(out)
}

/// `show flash:` / `show bootflash:`: the flash's root, as `dir` lists it.
pub(super) fn show_flash(inv: &Invocation<'_>) -> ExecOutput {
    // The keyword as typed (`sh bootf`): which of the two it names.
    let typed = inv.command.split_whitespace().last().unwrap_or_default();
    let asked = if typed.to_ascii_lowercase().starts_with('b') {
        "bootflash:"
    } else {
        "flash:"
    };
    let spec = inv.device.profile().flash;
    if asked != spec.name && Some(asked) != spec.alias {
        let column = inv.command.rfind(typed).unwrap_or(0);
        return parse_error(inv.command, &ParseError::Invalid { column });
    }
    flash_dir(inv.device, &[])
}

/// A location read whole (at most [`MAX_TEXT_FILE`]), or IOS's message.
pub(super) fn read_whole(device: &Device, loc: &Location) -> Result<Vec<u8>, String> {
    device
        .read_location(loc, MAX_TEXT_FILE)
        .map_err(|e| format!("{e}\n"))
}

/// `delete [/force] [/recursive] NAME`.
pub(super) fn delete(inv: &Invocation<'_>) -> ExecOutput {
    let (words, flags) = split_args(inv);
    let Some(target) = words.first() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let device = inv.device;
    let path = match location(inv, target) {
        Ok(Location::Flash(p)) if !p.is_empty() => p,
        Ok(Location::Startup) => {
            return match device.erase_startup() {
                Ok(()) => ExecOutput::ok(String::new()),
                Err(e) => {
                    ExecOutput::error(format!("%Error deleting nvram:startup-config ({e})\n"))
                }
            };
        }
        Ok(other) => {
            return ExecOutput::error(format!(
                "%Error deleting {} (Permission denied)\n",
                device.location_name(&other)
            ));
        }
        Err(e) => return e,
    };
    let name = device.location_name(&Location::Flash(path.clone()));
    let force = flags.iter().any(|f| f == "/force" || f == "/f");
    let recursive = flags.iter().any(|f| f == "/recursive" || f == "/r");
    let mut out = String::new();
    let quiet = quiet(inv) || force;
    let file = path.join("/");
    ask!(
        inv,
        quiet,
        &mut out,
        format!("Delete filename [{file}]? "),
        &file
    );
    let confirm = ask!(
        inv,
        quiet,
        &mut out,
        format!("Delete {name}? [confirm]"),
        "y"
    );
    if declined(&confirm) {
        return ExecOutput::ok(out);
    }
    let result = match device.flash_stat(&path) {
        Ok(e) if e.dir && recursive => remove_tree(device, &path),
        Ok(_) => device.flash_remove(&path),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExecOutput::ok(out),
        Err(e) => ExecOutput::error(format!("{out}%Error deleting {name} ({})\n", e.as_str())),
    }
}

fn remove_tree(device: &Device, path: &[String]) -> Result<(), StoreError> {
    for e in device.flash_list(path)? {
        let mut child = path.to_vec();
        child.push(e.name.clone());
        if e.dir {
            remove_tree(device, &child)?;
        } else {
            device.flash_remove(&child)?;
        }
    }
    device.flash_rmdir(path)
}

/// `more [/ascii|/binary] NAME`.
pub(super) fn more(inv: &Invocation<'_>) -> ExecOutput {
    let (words, _flags) = split_args(inv);
    let Some(target) = words.first() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let device = inv.device;
    let loc = match location(inv, target) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let bytes = match &loc {
        // A flash file is read and sent a part at a time, whatever its size:
        // a reader that does not keep up holds one part, not the file.
        Location::Flash(p) => match device.flash_stat(p) {
            Ok(e) if e.dir => Err(FsReadError::Store(StoreError::IsDir)),
            Ok(_) => match device.flash_open(p) {
                Ok(reader) => {
                    return ExecOutput::in_parts(FileParts {
                        reader,
                        carry: Vec::new(),
                        last: None,
                        done: false,
                    });
                }
                Err(e) => Err(FsReadError::Store(e)),
            },
            Err(e) => Err(FsReadError::Store(e)),
        },
        _ => match read_whole(device, &loc) {
            Ok(b) => Ok(b),
            Err(e) => return ExecOutput::error(e),
        },
    };
    match bytes {
        Ok(b) => {
            let mut text = String::from_utf8_lossy(&b).into_owned();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            ExecOutput::ok(text)
        }
        Err(e) => ExecOutput::error(format!("%Error opening {target} ({})\n", e.as_str())),
    }
}

/// A file's text in parts of [`FILE_PART`] bytes, as read; a character cut
/// between two reads waits for the next, and the text ends with a newline.
struct FileParts {
    reader: Box<dyn std::io::Read + Send>,
    carry: Vec<u8>,
    /// The last byte given out, to end the text with a newline.
    last: Option<u8>,
    done: bool,
}

/// What `more` reads and sends at a time.
const FILE_PART: usize = 64 * 1024;

impl Iterator for FileParts {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.done {
            return None;
        }
        let mut buf = std::mem::take(&mut self.carry);
        let start = buf.len();
        buf.resize(start + FILE_PART, 0);
        let n = loop {
            match self.reader.read(&mut buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.done = true;
                    return Some("%Error reading file (I/O error)\n".to_owned());
                }
            }
        };
        buf.truncate(start + n);
        if n == 0 {
            self.done = true;
            let mut text = String::from_utf8_lossy(&buf).into_owned();
            let last = text.as_bytes().last().copied().or(self.last);
            if last.is_some_and(|b| b != b'\n') {
                text.push('\n');
            }
            return (!text.is_empty()).then_some(text);
        }
        // Keep an incomplete UTF-8 sequence at the end for the next part.
        let cut = match std::str::from_utf8(&buf) {
            Ok(_) => buf.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => buf.len(),
        };
        self.carry = buf.split_off(cut);
        self.last = buf.last().copied().or(self.last);
        Some(String::from_utf8_lossy(&buf).into_owned())
    }
}

/// `verify /md5 NAME [HASH]`.
pub(super) fn verify(inv: &Invocation<'_>) -> ExecOutput {
    let (words, flags) = split_args(inv);
    if !flags.iter().any(|f| f == "/md5") {
        return parse_error(inv.command, &ParseError::Invalid { column: 7 });
    }
    let Some(target) = words.first().copied() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let device = inv.device;
    let loc = match location(inv, target) {
        Ok(l) => l,
        Err(e) => return e,
    };
    // IOS names the file as given, with the file system it is on.
    let shown = if target.contains(':') {
        target.to_owned()
    } else {
        format!("{}{target}", device.flash_name())
    };
    let digest = match &loc {
        Location::Flash(p) => match md5_of(device, p) {
            Ok(d) => d,
            Err(e) => {
                return ExecOutput::error(format!("%Error opening {shown} ({})\n", e.as_str()));
            }
        },
        _ => match read_whole(device, &loc) {
            Ok(b) => format!("{:x}", md5::compute(&b)),
            Err(e) => return ExecOutput::error(e),
        },
    };
    let mut out = format!("{}MD5 of {shown} Done!\n", ".".repeat(20));
    match words.get(1) {
        None => {
            out.push_str(&format!("verify /md5 ({shown}) = {digest}\n"));
            ExecOutput::ok(out)
        }
        Some(expected) if expected.eq_ignore_ascii_case(&digest) => {
            out.push_str(&format!("Verified ({shown}) = {digest}\n"));
            ExecOutput::ok(out)
        }
        Some(expected) => {
            out.push_str(&format!(
                "%Error verifying {shown}\nComputed signature {digest}\nSubmitted signature {expected}\n"
            ));
            ExecOutput::error(out)
        }
    }
}

/// The MD5 of a file, read a part at a time.
fn md5_of(device: &Device, path: &[String]) -> Result<String, FsReadError> {
    let entry = device.flash_stat(path).map_err(FsReadError::Store)?;
    if entry.dir {
        return Err(FsReadError::Store(StoreError::IsDir));
    }
    let mut r = device.flash_open(path).map_err(FsReadError::Store)?;
    let mut ctx = md5::Context::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = r
            .read(&mut buf)
            .map_err(|_| FsReadError::Store(StoreError::Io))?;
        if n == 0 {
            break;
        }
        ctx.consume(&buf[..n]);
    }
    Ok(format!("{:x}", ctx.finalize()))
}

fn flash_path(inv: &Invocation<'_>, text: &str) -> Result<Vec<String>, ExecOutput> {
    match location(inv, text)? {
        Location::Flash(p) if !p.is_empty() => Ok(p),
        other => Err(ExecOutput::error(format!(
            "%Error opening {} (Permission denied)\n",
            inv.device.location_name(&other)
        ))),
    }
}

/// `mkdir NAME`.
pub(super) fn mkdir(inv: &Invocation<'_>) -> ExecOutput {
    let Some(target) = inv.arg() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let path = match flash_path(inv, target) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let name = inv.device.location_name(&Location::Flash(path.clone()));
    let mut out = String::new();
    let quiet = quiet(inv);
    let file = path.join("/");
    ask!(
        inv,
        quiet,
        &mut out,
        format!("Create directory filename [{file}]? "),
        &file
    );
    match inv.device.flash_mkdir(&path) {
        Ok(()) => {
            out.push_str(&format!("Created dir {name}\n"));
            ExecOutput::ok(out)
        }
        Err(e) => ExecOutput::error(format!(
            "{out}%Error Creating dir {name} ({})\n",
            e.as_str()
        )),
    }
}

/// `rmdir NAME`.
pub(super) fn rmdir(inv: &Invocation<'_>) -> ExecOutput {
    let Some(target) = inv.arg() else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let path = match flash_path(inv, target) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let name = inv.device.location_name(&Location::Flash(path.clone()));
    let mut out = String::new();
    let quiet = quiet(inv);
    let file = path.join("/");
    ask!(
        inv,
        quiet,
        &mut out,
        format!("Remove directory filename [{file}]? "),
        &file
    );
    let confirm = ask!(
        inv,
        quiet,
        &mut out,
        format!("Delete {name}? [confirm]"),
        "y"
    );
    if declined(&confirm) {
        return ExecOutput::ok(out);
    }
    match inv.device.flash_rmdir(&path) {
        Ok(()) => {
            out.push_str(&format!("Removed dir {name}\n"));
            ExecOutput::ok(out)
        }
        Err(e) => ExecOutput::error(format!(
            "{out}%Error Removing dir {name} ({})\n",
            e.as_str()
        )),
    }
}

/// `rename FROM TO`.
pub(super) fn rename(inv: &Invocation<'_>) -> ExecOutput {
    let [from, to] = inv.args else {
        return parse_error(inv.command, &ParseError::Incomplete);
    };
    let (a, b) = match (flash_path(inv, from), flash_path(inv, to)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let mut out = String::new();
    let quiet = quiet(inv);
    let file = b.join("/");
    ask!(
        inv,
        quiet,
        &mut out,
        format!("Destination filename [{file}]? "),
        &file
    );
    match inv.device.flash_rename(&a, &b) {
        Ok(()) => ExecOutput::ok(out),
        Err(e) => ExecOutput::error(format!(
            "{out}%Error renaming {} ({})\n",
            inv.device.location_name(&Location::Flash(a)),
            e.as_str()
        )),
    }
}

/// `[confirm]` answered no.
pub(super) fn declined(answer: &str) -> bool {
    answer.to_ascii_lowercase().starts_with('n')
}
