//! The SCP server (`ip scp server enable`), sans I/O: the classic SCP
//! protocol an exec channel carries when a client runs `scp -t PATH`
//! (files to the device) or `scp -f PATH` (files from it), as OpenSSH's
//! `scp -O`, paramiko's `scp` (netmiko, NAPALM) and IOS itself speak it.
//! The SSH layer feeds the channel's bytes in and sends what comes out.
//!
//! A file arriving is written through a temporary file and put in place
//! only once all of it has arrived and the client has said so; a transfer
//! that ends early leaves nothing. The flash's capacity is enforced as the
//! bytes arrive.

use std::io::{Read, Write};

use crate::device::Device;
use crate::fs::store::NewFile;
use crate::fs::{Location, MAX_NAME, MAX_TEXT_FILE};

/// Longest control line (`C0644 SIZE NAME`) accepted.
const MAX_LINE: usize = 1024;
/// How much of a file is sent per [`ScpSource::poll_transmit`].
const PART: usize = 64 * 1024;

/// Why an `scp` command is not served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScpRefusal {
    /// `ip scp server enable` is not configured.
    #[error("ip scp server enable is not configured")]
    Disabled,
    /// Below privilege 15.
    #[error("privilege 15 is needed")]
    Privilege,
    /// Not an `scp -t` / `scp -f` command line.
    #[error("not an scp command")]
    NotScp,
    /// The path is refused (its IOS message).
    #[error("{0}")]
    Path(String),
}

/// What an exec channel's `scp` command asks.
#[derive(Debug)]
pub enum Scp {
    /// Files to the device.
    Sink(Box<ScpSink>),
    /// A file from the device.
    Source(ScpSource),
}

impl Device {
    /// Starts serving `command` (an exec request) as SCP, for a user at
    /// `privilege`.
    pub fn scp(&self, command: &str, user: &str, privilege: u8) -> Result<Scp, ScpRefusal> {
        let words: Vec<&str> = command.split_whitespace().collect();
        if words.first() != Some(&"scp") {
            return Err(ScpRefusal::NotScp);
        }
        if !self.settings().scp_server {
            return Err(ScpRefusal::Disabled);
        }
        if privilege < 15 {
            return Err(ScpRefusal::Privilege);
        }
        let mut to = false;
        let mut from = false;
        let mut path = None;
        for w in &words[1..] {
            match *w {
                "--" => {}
                w if w.starts_with('-') => {
                    for c in w[1..].chars() {
                        match c {
                            't' => to = true,
                            'f' => from = true,
                            // -r -p -v and the like change nothing here.
                            _ => {}
                        }
                    }
                }
                w => path = Some(w),
            }
        }
        let path = path.unwrap_or(".");
        let path = if path == "." { self.flash_name() } else { path };
        let loc = self
            .location(path)
            .map_err(|e| ScpRefusal::Path(format!("{path}: {}", e.as_str())))?;
        match (to, from) {
            (true, false) => Ok(Scp::Sink(Box::new(ScpSink::new(self.clone(), loc, user)))),
            (false, true) => ScpSource::new(self.clone(), loc, path).map(Scp::Source),
            _ => Err(ScpRefusal::NotScp),
        }
    }
}

/// Receives files (`scp -t`).
pub struct ScpSink {
    device: Device,
    user: String,
    target: Location,
    out: Vec<u8>,
    line: Vec<u8>,
    file: Option<Incoming>,
    /// The file's bytes have all arrived: the client's status byte is next.
    awaiting_status: Option<Incoming>,
    done: bool,
    failed: bool,
}

impl std::fmt::Debug for ScpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScpSink")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// Where an arriving file goes.
enum Dest {
    /// A file on the flash, written as it arrives.
    Flash(Box<dyn NewFile>),
    /// startup-config (replaced) or running-config (merged), gathered in
    /// memory (its size checked against [`MAX_TEXT_FILE`] first).
    Text(Vec<u8>, bool),
}

struct Incoming {
    writer: Option<Dest>,
    remaining: u64,
    name: String,
    size: u64,
    /// The write failed: the rest of the bytes are read and dropped, and
    /// the client is told once they have passed.
    error: Option<String>,
}

impl ScpSink {
    fn new(device: Device, target: Location, user: &str) -> ScpSink {
        ScpSink {
            device,
            user: user.to_owned(),
            target,
            // Ready.
            out: vec![0],
            line: Vec::new(),
            file: None,
            awaiting_status: None,
            done: false,
            failed: false,
        }
    }

    /// Bytes to send to the client.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// True once the transfer is over (the channel may close).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// True when a file was refused or failed (the exit status is 1).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The client closed its side: a file not complete is dropped.
    pub fn handle_eof(&mut self) {
        if self.file.is_some() || self.awaiting_status.is_some() {
            tracing::info!("scp: transfer ended early; the partial file is dropped");
            self.failed = true;
        }
        self.file = None;
        self.awaiting_status = None;
        self.done = true;
    }

    /// Bytes from the client.
    pub fn handle_input(&mut self, mut data: &[u8]) {
        while !data.is_empty() && !self.done {
            if let Some(f) = &mut self.file {
                let n = (f.remaining as usize).min(data.len());
                let (chunk, rest) = data.split_at(n);
                data = rest;
                f.remaining -= n as u64;
                match &mut f.writer {
                    Some(Dest::Flash(w)) if f.error.is_none() => {
                        if let Err(e) = w.write_all(chunk) {
                            f.error = Some(crate::fs::FsWriteError::from_io(e).as_str().to_owned());
                            f.writer = None;
                        }
                    }
                    Some(Dest::Text(buf, _)) => buf.extend_from_slice(chunk),
                    _ => {}
                }
                if f.remaining == 0 {
                    self.awaiting_status = self.file.take();
                }
                continue;
            }
            if let Some(f) = self.awaiting_status.take() {
                // The client's status byte after the content.
                data = &data[1..];
                self.finish_file(f);
                continue;
            }
            // A control line.
            let Some(end) = data.iter().position(|&b| b == b'\n') else {
                self.line.extend_from_slice(data);
                if self.line.len() > MAX_LINE {
                    self.fatal("protocol error: control line too long");
                }
                return;
            };
            self.line.extend_from_slice(&data[..end]);
            data = &data[end + 1..];
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
            self.control(&line);
        }
    }

    fn fatal(&mut self, message: &str) {
        self.out.push(2);
        self.out
            .extend_from_slice(format!("scp: {message}\n").as_bytes());
        self.failed = true;
        self.done = true;
        self.file = None;
    }

    fn warn(&mut self, message: &str) {
        self.out.push(1);
        self.out
            .extend_from_slice(format!("scp: {message}\n").as_bytes());
        self.failed = true;
    }

    fn control(&mut self, line: &str) {
        match line.as_bytes().first() {
            // Times: accepted, not kept (the store sets its own).
            Some(b'T') => self.out.push(0),
            Some(b'C') => self.start_file(line),
            // Directories (`scp -r`) are not supported, as on IOS.
            Some(b'D') => self.fatal("directories are not supported"),
            Some(b'E') => self.out.push(0),
            // The client's own error report.
            Some(1 | 2) => {
                self.failed = true;
                self.done = true;
            }
            _ => self.fatal("protocol error: unexpected message"),
        }
    }

    fn start_file(&mut self, line: &str) {
        // C0644 SIZE NAME
        let mut parts = line[1..].splitn(3, ' ');
        let (Some(_mode), Some(size), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return self.fatal("protocol error: bad file line");
        };
        let Ok(size) = size.parse::<u64>() else {
            return self.fatal("protocol error: bad file size");
        };
        let bad_name = name.is_empty()
            || name == "."
            || name == ".."
            || name.contains('/')
            || name.len() > MAX_NAME
            || name.chars().any(char::is_control);
        // Where it goes: into the target directory under its own name, or
        // at the target itself.
        let path = match &self.target {
            Location::Flash(p)
                if p.is_empty() || self.device.flash_stat(p).is_ok_and(|e| e.dir) =>
            {
                if bad_name {
                    return self.warn_skip(name, "Invalid argument");
                }
                let mut p = p.clone();
                p.push(name.to_owned());
                Location::Flash(p)
            }
            other => other.clone(),
        };
        let shown = self.device.location_name(&path);
        let writer = match &path {
            Location::Flash(p) => match self.device.flash_create(p, Some(size)) {
                Ok(w) => Dest::Flash(w),
                Err(e) => return self.warn_skip(&shown, e.as_str()),
            },
            Location::Startup | Location::Running if size <= MAX_TEXT_FILE => {
                Dest::Text(Vec::new(), path == Location::Running)
            }
            Location::Startup | Location::Running => {
                return self.warn_skip(&shown, "File too large");
            }
            _ => return self.warn_skip(&shown, "Permission denied"),
        };
        self.file = Some(Incoming {
            writer: Some(writer),
            remaining: size,
            name: shown,
            size,
            error: None,
        });
        self.out.push(0);
        if size == 0 {
            self.awaiting_status = self.file.take();
        }
    }

    /// Refuses one file: the client is told and does not send it.
    fn warn_skip(&mut self, name: &str, reason: &str) {
        self.warn(&format!("{name}: {reason}"));
    }

    fn finish_file(&mut self, f: Incoming) {
        if let Some(reason) = f.error {
            return self.warn(&format!("{}: {reason}", f.name));
        }
        let Some(writer) = f.writer else {
            return self.warn(&format!("{}: I/O error", f.name));
        };
        let committed = match writer {
            Dest::Flash(w) => w.commit().map_err(|e| e.as_str().to_owned()),
            Dest::Text(bytes, false) => self
                .device
                .write_startup_text(&String::from_utf8_lossy(&bytes))
                .map_err(|e| e.to_string()),
            Dest::Text(bytes, true) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let who = crate::configure::Changer {
                    user: &self.user,
                    session: None,
                    line: None,
                };
                self.device
                    .change_running(who, |cat, running| {
                        ironconf_ios::apply::apply_batch_in(
                            cat,
                            running,
                            text.lines(),
                            ironconf_ios::apply::ErrorOption::ContinueOnError,
                            false,
                        )
                    })
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        };
        match committed {
            Ok(()) => {
                tracing::info!(file = %f.name, bytes = f.size, "scp: file received");
                self.out.push(0);
            }
            Err(reason) => self.warn(&format!("{}: {reason}", f.name)),
        }
    }
}

/// Sends a file (`scp -f`).
pub struct ScpSource {
    reader: Box<dyn Read + Send>,
    header: Option<String>,
    state: SourceState,
    out: Vec<u8>,
    remaining: u64,
    failed: bool,
}

impl std::fmt::Debug for ScpSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScpSource")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceState {
    /// Waiting for the client's first `\0`.
    Start,
    /// The `C` line went out; waiting for its `\0`.
    Header,
    /// Sending the content.
    Content,
    /// Content and its `\0` sent; waiting for the client's `\0`.
    Trailer,
    Done,
}

impl ScpSource {
    fn new(device: Device, loc: Location, typed: &str) -> Result<ScpSource, ScpRefusal> {
        let (reader, size, name): (Box<dyn Read + Send>, u64, String) = match &loc {
            Location::Flash(p) if !p.is_empty() => {
                let e = device
                    .flash_stat(p)
                    .map_err(|e| ScpRefusal::Path(format!("{typed}: {}", e.as_str())))?;
                if e.dir {
                    return Err(ScpRefusal::Path(format!("{typed}: Is a directory")));
                }
                let r = device
                    .flash_open(p)
                    .map_err(|e| ScpRefusal::Path(format!("{typed}: {}", e.as_str())))?;
                (r, e.size, e.name)
            }
            Location::Running | Location::Startup => {
                let bytes = device
                    .read_location(&loc, MAX_TEXT_FILE)
                    .map_err(|_| ScpRefusal::Path(format!("{typed}: No such file or directory")))?;
                let name = if loc == Location::Running {
                    "running-config"
                } else {
                    "startup-config"
                };
                let size = bytes.len() as u64;
                (Box::new(std::io::Cursor::new(bytes)), size, name.to_owned())
            }
            _ => return Err(ScpRefusal::Path(format!("{typed}: Permission denied"))),
        };
        Ok(ScpSource {
            reader,
            header: Some(format!("C0644 {size} {name}\n")),
            state: SourceState::Start,
            out: Vec::new(),
            remaining: size,
            failed: false,
        })
    }

    /// True once the file went out and the client acknowledged it.
    pub fn is_done(&self) -> bool {
        self.state == SourceState::Done
    }

    /// True when the client reported an error.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Bytes from the client (its status bytes).
    pub fn handle_input(&mut self, data: &[u8]) {
        for &b in data {
            if b != 0 {
                // The client refused (its message follows): stop.
                self.failed = true;
                self.state = SourceState::Done;
                return;
            }
            self.state = match self.state {
                SourceState::Start => {
                    if let Some(h) = self.header.take() {
                        self.out.extend_from_slice(h.as_bytes());
                    }
                    SourceState::Header
                }
                SourceState::Header => SourceState::Content,
                SourceState::Trailer => SourceState::Done,
                s => s,
            };
        }
    }

    /// The next bytes to send (at most a part of the file at a time, so
    /// that a large file is never whole in memory); empty when waiting for
    /// the client.
    pub fn poll_transmit(&mut self) -> Vec<u8> {
        if !self.out.is_empty() {
            return std::mem::take(&mut self.out);
        }
        if self.state != SourceState::Content {
            return Vec::new();
        }
        if self.remaining == 0 {
            self.state = SourceState::Trailer;
            return vec![0];
        }
        let mut buf = vec![0u8; PART.min(self.remaining as usize)];
        match self.reader.read(&mut buf) {
            Ok(0) | Err(_) => {
                // The file shrank or failed under us: the client is told.
                self.failed = true;
                self.state = SourceState::Done;
                b"\x02scp: read error\n".to_vec()
            }
            Ok(n) => {
                buf.truncate(n);
                self.remaining -= n as u64;
                buf
            }
        }
    }
}
