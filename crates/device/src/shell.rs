//! The interactive IOS shell, sans I/O: bytes from the terminal in, bytes
//! to echo and print out. Prompts (`host>`, `host#`, `host(config-if)#`),
//! user and privileged EXEC (`enable`, `disable`), configuration mode
//! through the configuration engine, a line editor (backspace, arrows,
//! history, Ctrl-A/E/U/W/C/Z), `?` help, Tab completion and `--More--`
//! paging (`terminal length`).

use crate::locks::Datastore;
use ironconf_ios::apply::{Applier, ApplierState, Outcome};
use ironconf_ios::catalogue::ModeId;
use ironconf_ios::parse::parse_line;

use crate::configure::{Changer, Refused};
use crate::device::Device;
use crate::exec::{self, ExecCaller, ExecOutput, Terminal};
use crate::sessions::{
    MAX_CONNECTIONS, SUSPENDED_OUTPUT, SessionEvent, SessionRequest, SshTarget, parse_ssh,
};
use crate::{LineOwner, vty_line_number};

#[derive(Debug)]
enum Mode {
    Exec,
    Config(ApplierState),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Esc,
    Csi,
}

/// One terminal session.
#[derive(Debug)]
pub struct Shell {
    device: Device,
    user: String,
    privilege: u8,
    mode: Mode,
    line: Vec<char>,
    cursor: usize,
    history: Vec<String>,
    history_pos: Option<usize>,
    escape: Escape,
    last_was_cr: bool,
    out: Vec<u8>,
    closed: bool,
    /// `exec-timeout` ended the session.
    timed_out: bool,
    /// `terminal length` (0: no paging).
    length: usize,
    /// Output not yet on the screen: behind `--More--`, or a long output
    /// still being written.
    pending: Option<Pending>,
    /// Output gathered before the caller takes it ([`Shell::input_some`]):
    /// a long output stops here and goes on once it is taken.
    limit: usize,
    /// Reading the `enable` password (no echo).
    password: bool,
    /// The level `enable` raises to once the password is right.
    enable_target: u8,
    /// The vty line this shell holds.
    vty: Option<u32>,
    /// When the terminal last sent something (for `exec-timeout`).
    last_input: std::time::Instant,
    /// A command waiting for the answer to its question: the command line
    /// and the answers given so far.
    asking: Option<(String, Vec<String>)>,
    /// Outgoing connections (`ssh`), in the order they were opened.
    connections: Vec<Outgoing>,
    /// The connection the terminal is attached to (its keys go there).
    foreground: Option<u32>,
    /// The connection `resume` takes by default (IOS's `*`).
    current: Option<u32>,
    /// What the driver of the connections must do, in order.
    requests: Vec<SessionRequest>,
    next_connection: u32,
    /// Ctrl-^ typed on an attached connection: an `x` next suspends it.
    escape_seen: bool,
    /// The password being typed is for this connection.
    remote_password: Option<u32>,
    /// `disconnect` waits for its `[confirm]`.
    confirm_close: Option<u32>,
    /// The terminal's size, for a remote pty.
    cols: u32,
    /// Keys typed while the attached connection is being set up: they go
    /// to its password prompt, then to the remote, as a terminal's
    /// typed-ahead keys do.
    typed_ahead: Vec<u8>,
}

/// Keys kept while a connection is being set up.
const TYPED_AHEAD: usize = 4096;

/// An outgoing connection of the terminal.
#[derive(Debug)]
struct Outgoing {
    id: u32,
    /// IOS's connection number (1–20).
    number: u32,
    host: String,
    /// One command, not a shell: its end needs no notice.
    command: bool,
    state: OutState,
    /// Password prompts left (`-o numberofpasswordprompts`).
    prompts_left: u8,
    /// Bytes received.
    bytes: u64,
    /// Output that arrived while suspended, shown on `resume`.
    kept: Vec<u8>,
    last: std::time::Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutState {
    Connecting,
    Password,
    Open,
}

/// A command's output being shown: the text produced and not yet shown,
/// and the parts still to produce.
#[derive(Debug)]
struct Pending {
    text: String,
    /// Where the unshown text starts.
    at: usize,
    /// The command's later parts.
    rest: Option<ExecOutput>,
    /// Lines before the next `--More--`.
    page_left: usize,
    /// Waiting at `--More--` for a key.
    paused: bool,
}

const MORE: &str = " --More-- ";
/// Longest line the editor accepts.
const MAX_LINE: usize = 4096;

impl Shell {
    /// A shell for a user logged in at `privilege`; prints the first prompt.
    pub fn new(device: Device, user: &str, privilege: u8) -> Shell {
        let now = device.now();
        let mut s = Shell {
            device,
            user: user.to_owned(),
            privilege,
            mode: Mode::Exec,
            line: Vec::new(),
            cursor: 0,
            history: Vec::new(),
            history_pos: None,
            escape: Escape::None,
            last_was_cr: false,
            out: Vec::new(),
            closed: false,
            timed_out: false,
            length: 24,
            pending: None,
            limit: usize::MAX,
            password: false,
            enable_target: 15,
            vty: None,
            last_input: now,
            asking: None,
            connections: Vec::new(),
            foreground: None,
            current: None,
            requests: Vec::new(),
            next_connection: 1,
            escape_seen: false,
            remote_password: None,
            confirm_close: None,
            cols: 80,
            typed_ahead: Vec::new(),
        };
        s.last_input = s.device.now();
        s.prompt();
        s
    }

    /// Screen length from the terminal (the SSH pty's rows), as
    /// `terminal length` would set it; 0 turns paging off.
    pub fn set_length(&mut self, rows: usize) {
        self.length = rows;
    }

    /// Records the vty line the session holds (`show users` marks it).
    pub fn set_vty(&mut self, vty: u32) {
        self.vty = Some(vty);
    }

    /// Output to send.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// True while a long output has more to write without waiting for a
    /// key: take the output, then [`Shell::write_more`].
    pub fn writing(&self) -> bool {
        self.pending.as_ref().is_some_and(|p| !p.paused)
    }

    /// Writes the next `max_output` bytes or so of a long output (up to a
    /// `--More--`, or to its end and the prompt).
    pub fn write_more(&mut self, max_output: usize) {
        self.limit = max_output;
        self.flow();
    }

    /// When the session ends for want of input: the vty lines'
    /// `exec-timeout` (10 minutes unless configured; `0` or `0 0`: never)
    /// after the last input, read each time so that a change applies to
    /// open sessions.
    pub fn poll_timeout(&self) -> Option<std::time::Instant> {
        // Read in place: this runs for every input (no copy of the settings).
        let idle = self.device.state().settings.current().vty_exec_timeout()?;
        Some(self.last_input + idle)
    }

    /// Ends the session if its `exec-timeout` has passed at `now`; true when
    /// it did.
    pub fn handle_timeout(&mut self, now: std::time::Instant) -> bool {
        if self.closed || self.poll_timeout().is_none_or(|t| now < t) {
            return false;
        }
        tracing::info!(user = %self.user, "exec-timeout expired");
        self.closed = true;
        self.timed_out = true;
        true
    }

    /// True once `exec-timeout` ended the session.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// True after `exit`/`logout`.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn write(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn newline(&mut self) {
        self.write("\r\n");
    }

    fn prompt_text(&self) -> String {
        let host = self.device.settings().hostname;
        match &self.mode {
            Mode::Exec if self.privilege >= 2 => format!("{host}#"),
            Mode::Exec => format!("{host}>"),
            Mode::Config(state) => self.prompt_text_for(state),
        }
    }

    fn prompt(&mut self) {
        let p = self.prompt_text();
        self.write(&p);
    }

    /// Bytes typed at the terminal.
    pub fn input(&mut self, bytes: &[u8]) {
        self.last_input = self.device.now();
        self.limit = usize::MAX;
        self.flow();
        let mut at = 0;
        while at < bytes.len() {
            if self.closed {
                return;
            }
            if self.attached() {
                at += self.remote_keys(&bytes[at..]);
                continue;
            }
            self.key(bytes[at]);
            at += 1;
        }
    }

    /// Like [`Shell::input`], but stops once `max_output` bytes of output
    /// wait to be taken; returns how many bytes were read. A paste of many
    /// commands then produces its output a part at a time, each taken and
    /// sent before the next commands run.
    pub fn input_some(&mut self, bytes: &[u8], max_output: usize) -> usize {
        self.last_input = self.device.now();
        self.limit = max_output;
        let mut i = 0;
        while i < bytes.len() {
            if self.closed {
                return bytes.len();
            }
            // Keys typed during a long output wait for its end.
            self.flow();
            if self.out.len() >= max_output || self.writing() {
                return i;
            }
            if self.attached() {
                i += self.remote_keys(&bytes[i..]);
                continue;
            }
            self.key(bytes[i]);
            i += 1;
        }
        bytes.len()
    }

    /// What the driver of the terminal's outgoing connections must do,
    /// in order.
    pub fn take_requests(&mut self) -> Vec<SessionRequest> {
        std::mem::take(&mut self.requests)
    }

    /// The terminal's size (the SSH pty's, and each window change); open
    /// connections follow it.
    pub fn set_window(&mut self, cols: u32, rows: u32) {
        self.cols = cols;
        for c in &self.connections {
            if c.state == OutState::Open {
                self.requests.push(SessionRequest::WindowSize {
                    id: c.id,
                    cols,
                    rows,
                });
            }
        }
    }

    /// The terminal's rows as the remote sees them.
    fn rows(&self) -> u32 {
        u32::try_from(self.length).unwrap_or(24)
    }

    /// True while the terminal's keys go to a connection: an open one, or
    /// one being set up (its keys wait: [`Shell::typed_ahead`]).
    fn attached(&self) -> bool {
        self.foreground
            .and_then(|id| self.connections.iter().find(|c| c.id == id))
            .is_some_and(|c| c.state != OutState::Password || !self.password)
    }

    /// The attached connection's state.
    fn attached_state(&self) -> Option<OutState> {
        self.foreground
            .and_then(|id| self.connections.iter().find(|c| c.id == id))
            .map(|c| c.state)
    }

    /// Keys for the attached connection, up to IOS's escape sequence
    /// (Ctrl-^ then `x`), which suspends it; returns how many were taken.
    fn remote_keys(&mut self, bytes: &[u8]) -> usize {
        let Some(id) = self.foreground else {
            return bytes.len();
        };
        if self.attached_state() != Some(OutState::Open) {
            // Being set up: kept for the password prompt and the remote.
            let room = TYPED_AHEAD.saturating_sub(self.typed_ahead.len());
            self.typed_ahead
                .extend_from_slice(&bytes[..bytes.len().min(room)]);
            return bytes.len();
        }
        let mut data = Vec::with_capacity(bytes.len());
        let mut taken = bytes.len();
        for (i, &b) in bytes.iter().enumerate() {
            if std::mem::take(&mut self.escape_seen) {
                if b == b'x' || b == b'X' {
                    taken = i + 1;
                    self.suspend(id);
                    break;
                }
                data.push(0x1e);
            }
            if b == 0x1e {
                self.escape_seen = true;
                continue;
            }
            data.push(b);
        }
        if !data.is_empty() {
            self.requests.push(SessionRequest::Data { id, bytes: data });
        }
        taken
    }

    fn suspend(&mut self, id: u32) {
        self.foreground = None;
        self.requests.push(SessionRequest::Pause { id });
        self.newline();
        self.prompt();
    }

    /// What the driver reports about a connection.
    pub fn session_event(&mut self, event: SessionEvent) {
        let id = match &event {
            SessionEvent::Password { id }
            | SessionEvent::Connected { id }
            | SessionEvent::Output { id, .. }
            | SessionEvent::Ended { id, .. } => *id,
        };
        let Some(at) = self.connections.iter().position(|c| c.id == id) else {
            return;
        };
        let attached = self.foreground == Some(id);
        let now = self.device.now();
        match event {
            SessionEvent::Password { .. } => {
                let c = &mut self.connections[at];
                if c.prompts_left == 0 {
                    self.requests.push(SessionRequest::Close { id });
                    self.connections.remove(at);
                    self.detach(id);
                    self.write("% Authentication failed.");
                    self.newline();
                    self.prompt();
                    return;
                }
                c.prompts_left -= 1;
                c.state = OutState::Password;
                if attached {
                    self.line.clear();
                    self.cursor = 0;
                    self.write("Password: ");
                    self.password = true;
                    self.remote_password = Some(id);
                    // Keys typed ahead answer the prompt; what follows the
                    // Enter waits for the next step.
                    let keys = std::mem::take(&mut self.typed_ahead);
                    let mut used = 0;
                    for &b in &keys {
                        used += 1;
                        self.key(b);
                        if self.remote_password.is_none() {
                            break;
                        }
                    }
                    self.typed_ahead = keys[used..].to_vec();
                }
            }
            SessionEvent::Connected { .. } => {
                self.connections[at].state = OutState::Open;
                self.current = Some(id);
                let keys = std::mem::take(&mut self.typed_ahead);
                if attached && !keys.is_empty() {
                    self.remote_keys(&keys);
                }
            }
            SessionEvent::Output { bytes, .. } => {
                let c = &mut self.connections[at];
                c.bytes += bytes.len() as u64;
                c.last = now;
                if attached {
                    self.out.extend_from_slice(&bytes);
                } else {
                    let room = SUSPENDED_OUTPUT.saturating_sub(c.kept.len());
                    c.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
                }
            }
            SessionEvent::Ended { message, .. } => {
                let c = self.connections.remove(at);
                if self.current == Some(id) {
                    self.current = self.connections.last().map(|c| c.id);
                }
                if !attached {
                    return;
                }
                self.detach(id);
                match message {
                    Some(m) => {
                        self.write(&m);
                        self.newline();
                    }
                    None if !c.command => {
                        self.newline();
                        self.write(&format!(
                            "[Connection to {} closed by foreign host]",
                            c.host
                        ));
                        self.newline();
                    }
                    None => {}
                }
                self.prompt();
            }
        }
    }

    /// The terminal is no longer attached to `id` (its password, if being
    /// typed, is dropped).
    fn detach(&mut self, id: u32) {
        if self.foreground == Some(id) {
            self.foreground = None;
        }
        if self.remote_password == Some(id) {
            self.remote_password = None;
            self.password = false;
            self.line.clear();
            self.cursor = 0;
        }
        self.escape_seen = false;
        self.typed_ahead.clear();
    }

    /// `ssh …`: opens a connection and attaches the terminal to it.
    fn open_ssh(&mut self, text: &str) -> ExecOutput {
        let trimmed = text.trim_start();
        let lead = text.len() - trimmed.len();
        let args_at = trimmed
            .find(char::is_whitespace)
            .map_or(text.len(), |e| lead + e);
        let args = &text[args_at..];
        let target: SshTarget = match parse_ssh(args, &self.user) {
            Ok(t) => t,
            Err(e) => {
                let mut out = String::new();
                if let Some(col) = e.column {
                    let at = self.prompt_text().len() + args_at + col;
                    out.push_str(&format!("{}^\n", " ".repeat(at)));
                }
                out.push_str(&e.message);
                out.push('\n');
                return ExecOutput::error(out);
            }
        };
        if self.connections.len() >= MAX_CONNECTIONS {
            return ExecOutput::error("% No free connections\n".into());
        }
        let number = (1..)
            .find(|n| self.connections.iter().all(|c| c.number != *n))
            .unwrap_or(1);
        let id = self.next_connection;
        self.next_connection += 1;
        if let Some(vrf) = &target.vrf {
            self.write(&format!(
                "% -vrf {vrf} ignored: this device has one routing table"
            ));
            self.newline();
        }
        self.connections.push(Outgoing {
            id,
            number,
            host: target.host.clone(),
            command: target.command.is_some(),
            state: OutState::Connecting,
            prompts_left: target.password_prompts,
            bytes: 0,
            kept: Vec::new(),
            last: self.device.now(),
        });
        self.foreground = Some(id);
        let (cols, rows) = (self.cols, self.rows());
        self.requests.push(SessionRequest::Open {
            id,
            target,
            cols,
            rows,
        });
        ExecOutput::ok(String::new())
    }

    /// The connection `resume`/`disconnect` name: by number, else the
    /// current one.
    fn pick(&self, number: Option<u32>) -> Option<u32> {
        match number {
            Some(n) => self
                .connections
                .iter()
                .find(|c| c.number == n)
                .map(|c| c.id),
            None => self.current.or(self.connections.last().map(|c| c.id)),
        }
    }

    fn resume_connection(&mut self, number: Option<u32>) -> ExecOutput {
        let Some(id) = self.pick(number) else {
            return ExecOutput::error("% No connection to resume\n".into());
        };
        let Some(c) = self.connections.iter_mut().find(|c| c.id == id) else {
            return ExecOutput::error("% No connection to resume\n".into());
        };
        if c.state != OutState::Open {
            return ExecOutput::error("% No connection to resume\n".into());
        }
        let kept = std::mem::take(&mut c.kept);
        let banner = format!("[Resuming connection {} to {} ... ]", c.number, c.host);
        self.write(&banner);
        self.newline();
        self.newline();
        self.out.extend_from_slice(&kept);
        self.foreground = Some(id);
        self.current = Some(id);
        self.requests.push(SessionRequest::Resume { id });
        ExecOutput::ok(String::new())
    }

    fn disconnect_connection(&mut self, number: Option<u32>) -> ExecOutput {
        let Some(c) = self
            .pick(number)
            .and_then(|id| self.connections.iter().find(|c| c.id == id))
        else {
            return ExecOutput::error("% No connection to disconnect\n".into());
        };
        let (id, host) = (c.id, c.host.clone());
        self.write(&format!("Closing connection to {host} [confirm]"));
        self.confirm_close = Some(id);
        ExecOutput::ok(String::new())
    }

    fn close_connection(&mut self, id: u32) {
        self.connections.retain(|c| c.id != id);
        if self.current == Some(id) {
            self.current = self.connections.last().map(|c| c.id);
        }
        self.requests.push(SessionRequest::Close { id });
    }

    /// `show sessions`.
    fn sessions_text(&self) -> String {
        if self.connections.is_empty() {
            return "% No connections open\n".into();
        }
        let now = self.device.now();
        let mut out =
            String::from("Conn Host                Address             Byte  Idle Conn Name\n");
        for c in &self.connections {
            let mark = if self.current == Some(c.id) { '*' } else { ' ' };
            let idle = now.saturating_duration_since(c.last).as_secs() / 60;
            out.push_str(&format!(
                "{mark}{:>3} {:<19} {:<19} {:>4} {:>5} {}\n",
                c.number,
                c.host,
                c.host,
                c.kept.len(),
                idle,
                c.host
            ));
        }
        out
    }

    fn key(&mut self, b: u8) {
        if self.pending.is_some() {
            return self.more_key(b);
        }
        match self.escape {
            Escape::Esc => {
                self.escape = if b == b'[' { Escape::Csi } else { Escape::None };
                return;
            }
            Escape::Csi => {
                self.escape = Escape::None;
                return match b {
                    b'A' => self.history_step(true),
                    b'B' => self.history_step(false),
                    b'C' => self.right(),
                    b'D' => self.left(),
                    _ => {}
                };
            }
            Escape::None => {}
        }
        let was_cr = std::mem::replace(&mut self.last_was_cr, b == b'\r');
        match b {
            0x1b => self.escape = Escape::Esc,
            b'\r' => self.enter(),
            b'\n' if was_cr => {}
            b'\n' => self.enter(),
            0x7f | 0x08 => self.backspace(),
            0x01 => {
                let back = "\x08".repeat(self.cursor);
                self.write(&back);
                self.cursor = 0;
            }
            0x05 => {
                let rest: String = self.line[self.cursor..].iter().collect();
                self.write(&rest);
                self.cursor = self.line.len();
            }
            0x15 => self.kill_line(),
            0x17 => self.kill_word(),
            0x03 => {
                // A question being asked is abandoned with its command; a
                // connection waiting for its password, with the password.
                if let Some(id) = self.remote_password.take() {
                    self.close_connection(id);
                    self.detach(id);
                }
                self.confirm_close = None;
                self.asking = None;
                self.write("^C");
                self.newline();
                self.line.clear();
                self.cursor = 0;
                self.password = false;
                self.prompt();
            }
            0x1a => {
                self.write("^Z");
                self.newline();
                self.line.clear();
                self.cursor = 0;
                if matches!(self.mode, Mode::Config(_)) {
                    self.configured();
                }
                self.mode = Mode::Exec;
                self.prompt();
            }
            0x02 => self.left(),
            0x06 => self.right(),
            b'?' if !self.password => self.help(),
            b'\t' if !self.password => self.complete(),
            0x20..=0x7e => self.insert(char::from(b)),
            _ => {}
        }
    }

    fn insert(&mut self, c: char) {
        // Bounded like an IOS line buffer; further keys ring the bell.
        if self.line.len() >= MAX_LINE {
            return self.write("\x07");
        }
        self.line.insert(self.cursor, c);
        self.cursor += 1;
        if self.password {
            return;
        }
        let rest: String = self.line[self.cursor..].iter().collect();
        let mut echo = String::from(c);
        echo.push_str(&rest);
        echo.push_str(&"\x08".repeat(rest.chars().count()));
        self.write(&echo);
    }

    fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.cursor -= 1;
        self.line.remove(self.cursor);
        if self.password {
            return;
        }
        let rest: String = self.line[self.cursor..].iter().collect();
        let n = rest.chars().count() + 1;
        self.write(&format!("\x08{rest} {}", "\x08".repeat(n)));
    }

    fn left(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.write("\x08");
        }
    }

    fn right(&mut self) {
        if self.cursor < self.line.len() {
            let c = self.line[self.cursor].to_string();
            self.write(&c);
            self.cursor += 1;
        }
    }

    fn erase_shown(&mut self) {
        let back = "\x08".repeat(self.cursor);
        let blank = " ".repeat(self.line.len());
        let back2 = "\x08".repeat(self.line.len());
        self.write(&format!("{back}{blank}{back2}"));
    }

    fn kill_line(&mut self) {
        self.erase_shown();
        self.line.clear();
        self.cursor = 0;
    }

    fn kill_word(&mut self) {
        let mut start = self.cursor;
        while start > 0 && self.line[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && self.line[start - 1] != ' ' {
            start -= 1;
        }
        let rest: Vec<char> = self.line[self.cursor..].to_vec();
        self.erase_shown();
        self.line.truncate(start);
        self.line.extend(rest);
        self.cursor = start;
        let shown: String = self.line.iter().collect();
        let back = "\x08".repeat(self.line.len() - self.cursor);
        self.write(&format!("{shown}{back}"));
    }

    fn set_line(&mut self, text: &str) {
        self.kill_line();
        self.line = text.chars().collect();
        self.cursor = self.line.len();
        self.write(text);
    }

    fn history_step(&mut self, up: bool) {
        if self.history.is_empty() {
            return;
        }
        let pos = match (self.history_pos, up) {
            (None, true) => self.history.len() - 1,
            (None, false) => return,
            (Some(p), true) => p.saturating_sub(1),
            (Some(p), false) if p + 1 < self.history.len() => p + 1,
            (Some(_), false) => {
                self.history_pos = None;
                return self.set_line("");
            }
        };
        self.history_pos = Some(pos);
        let text = self.history[pos].clone();
        self.set_line(&text);
    }

    fn current_mode(&self) -> Option<ModeId> {
        let cat = self.device.catalogue();
        match &self.mode {
            Mode::Exec => cat.mode_by_name("exec"),
            Mode::Config(state) => Some(Applier::resume(cat, state.clone()).mode()),
        }
    }

    /// What may follow the typed words: `(word, help)` pairs.
    fn candidates(&self, typed: &str) -> Vec<(String, String)> {
        let cat = self.device.catalogue();
        let Some(mode) = self.current_mode() else {
            return Vec::new();
        };
        let (done, partial) = match typed.rfind(' ') {
            _ if typed.ends_with(' ') || typed.is_empty() => (typed.trim(), ""),
            Some(p) => (typed[..p].trim(), &typed[p + 1..]),
            None => ("", typed),
        };
        let (node, path) = if done.is_empty() {
            (cat.mode(mode).root, String::new())
        } else {
            let words = done.strip_prefix("no ").unwrap_or(done);
            match parse_line(cat, mode, words, true) {
                Ok(p) => (p.node, p.canonical()),
                Err(_) => return Vec::new(),
            }
        };
        let n = cat.node(node);
        let mut out: Vec<(String, String)> = n
            .keywords
            .iter()
            .filter(|(k, _)| {
                k.to_ascii_lowercase()
                    .starts_with(&partial.to_ascii_lowercase())
            })
            .map(|(k, _)| {
                let key = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path} {k}")
                };
                (k.clone(), cat.help(mode, &key).unwrap_or("").to_owned())
            })
            .collect();
        if partial.is_empty() {
            out.extend(n.params.iter().map(|(p, c)| {
                let help = cat.node(*c).help.as_deref().unwrap_or("").to_owned();
                (p.help(), help)
            }));
            if n.terminal.is_some() {
                out.push(("<cr>".into(), String::new()));
            }
        }
        out.sort();
        out
    }

    fn help(&mut self) {
        let typed: String = self.line.iter().collect();
        self.write("?");
        self.newline();
        let list = self.candidates(&typed);
        if list.is_empty() {
            self.write("% Unrecognized command");
            self.newline();
        }
        let width = list.iter().map(|(w, _)| w.len()).max().unwrap_or(0);
        for (w, h) in list {
            let row = format!("  {w:width$}  {h}");
            self.write(row.trim_end());
            self.newline();
        }
        self.newline();
        self.prompt();
        self.write(&typed);
        self.cursor = self.line.len();
    }

    fn complete(&mut self) {
        let typed: String = self.line.iter().collect();
        if typed.ends_with(' ') {
            return;
        }
        let list: Vec<String> = self
            .candidates(&typed)
            .into_iter()
            .map(|(w, _)| w)
            .filter(|w| !w.starts_with('<') && w.chars().all(|c| !c.is_ascii_uppercase()))
            .collect();
        if let [only] = list.as_slice() {
            let partial = typed.rsplit(' ').next().unwrap_or("");
            let rest = format!("{} ", &only[partial.len().min(only.len())..]);
            for c in rest.chars() {
                self.insert(c);
            }
        }
    }

    fn enter(&mut self) {
        let text: String = self.line.iter().collect();
        self.line.clear();
        self.cursor = 0;
        self.history_pos = None;
        self.newline();
        if self.password {
            self.password = false;
            if let Some(id) = self.remote_password.take() {
                if let Some(c) = self.connections.iter_mut().find(|c| c.id == id) {
                    c.state = OutState::Connecting;
                }
                self.requests
                    .push(SessionRequest::Password { id, password: text });
                return;
            }
            return self.check_enable_password(&text);
        }
        if let Some(id) = self.confirm_close.take() {
            if text.trim().is_empty() || text.trim_start().starts_with(['y', 'Y']) {
                self.close_connection(id);
            }
            return self.prompt();
        }
        if let Some((line, mut answers)) = self.asking.take() {
            // The answer to a command's question: the command runs again
            // with every answer so far.
            answers.push(text);
            let output = self.run_asking(&line, answers);
            if self.asking.is_some() || self.closed {
                return;
            }
            return self.show(output);
        }
        if !text.trim().is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
            if self.history.len() > 20 {
                self.history.remove(0);
            }
        }
        let output = match &self.mode {
            Mode::Exec => self.exec_line(&text),
            Mode::Config(_) => self.config_line(&text),
        };
        if self.closed
            || self.password
            || self.asking.is_some()
            || self.foreground.is_some()
            || self.confirm_close.is_some()
        {
            return self.show_text_only(output);
        }
        self.show(output);
    }

    fn check_enable_password(&mut self, password: &str) {
        let ok = self.device.enable_allowed(self.enable_target, password);
        if ok {
            self.privilege = self.enable_target;
        } else {
            self.write("% Bad secrets");
            self.newline();
            self.newline();
        }
        self.prompt();
    }

    /// An EXEC line: every command, the terminal's own included, is
    /// parsed once and run through the registry (which checks privilege,
    /// authorizes and accounts it); those acting on the terminal come back
    /// to it through [`Terminal`].
    fn exec_line(&mut self, text: &str) -> ExecOutput {
        if text.trim().is_empty() {
            // An empty line resumes the current connection, as on IOS.
            if !self.connections.is_empty() {
                return Terminal::resume(self, None);
            }
            return ExecOutput::ok(String::new());
        }
        let out = self.run_asking(text, Vec::new());
        if self.asking.is_some() {
            return ExecOutput::ok(String::new());
        }
        // The caret line goes under the typed text, after the prompt.
        if let Some(first) = out.text.lines().next()
            && first == text.trim()
        {
            let prompt_len = self.prompt_text().len();
            return ExecOutput::ok(
                out.text
                    .lines()
                    .skip(1)
                    .map(|l| {
                        if l.trim() == "^" || l.ends_with('^') {
                            format!("{}{l}\n", " ".repeat(prompt_len))
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect(),
            );
        }
        out
    }

    fn config_line(&mut self, text: &str) -> ExecOutput {
        let Mode::Config(state) = std::mem::replace(&mut self.mode, Mode::Exec) else {
            return ExecOutput::ok(String::new());
        };
        let prompt_len = self.prompt_text_for(&state).len();
        let cat = self.device.catalogue();
        let mut applier = Applier::resume(cat, state);
        let who = Changer {
            user: &self.user,
            session: None,
            line: self.vty,
        };
        // A NETCONF lock taken meanwhile holds off CLI changes too.
        let applied = self
            .device
            .change_running(who, |_, running| applier.apply_line(running, text));
        let result = match applied {
            Ok(result) => result,
            Err(Refused::Locked { holder }) => {
                self.mode = Mode::Config(applier.into_state());
                return ExecOutput::ok(self.locked_message(holder));
            }
            Err(Refused::Hook { message }) => {
                // The line was rolled back; the mode it would have entered
                // is not entered either.
                self.mode = Mode::Config(applier.into_state());
                return ExecOutput::ok(if message.starts_with('%') {
                    format!("{message}\n")
                } else {
                    format!("% {message}\n")
                });
            }
        };
        let next = applier.into_state();
        match result {
            Ok(Outcome::End) => {
                self.configured();
                ExecOutput::ok(String::new())
            }
            Ok(Outcome::Exec(cmd)) => {
                self.mode = Mode::Config(next);
                exec::run(&self.device, &self.caller(), &cmd)
            }
            Ok(Outcome::Warning(message)) => {
                self.mode = Mode::Config(next);
                ExecOutput::ok(format!("{message}\n"))
            }
            Ok(_) => {
                self.mode = Mode::Config(next);
                ExecOutput::ok(String::new())
            }
            Err(e) => {
                self.mode = Mode::Config(next);
                let mut out = String::new();
                if let Some(caret) = e.caret_line(prompt_len) {
                    out.push_str(&caret);
                    out.push('\n');
                }
                out.push_str(&e.message(text));
                out.push_str("\n\n");
                ExecOutput::ok(out)
            }
        }
    }

    /// The end of a configuration session: IOS logs who configured it.
    fn configured(&self) {
        self.device.log_configured("console", &self.user, self.vty);
    }

    /// Runs an EXEC command with the answers given so far; a question it
    /// asks is shown, and the next line typed answers it.
    fn run_asking(&mut self, line: &str, answers: Vec<String>) -> exec::ExecOutput {
        let (device, caller) = (self.device.clone(), self.caller());
        let out = exec::run_on_terminal(
            &device,
            &caller,
            line,
            &exec::Answers::interactive(&answers),
            self,
        );
        if let Some(question) = &out.question {
            let question = question.replace('\n', "\r\n");
            self.write(&question);
            self.asking = Some((line.to_owned(), answers));
        }
        out
    }

    /// IOS's refusal when a NETCONF session holds the running-config lock.
    fn config_locked(&self) -> Option<String> {
        let holder = { self.device.lock_holder(Datastore::Running)? };
        Some(self.locked_message(holder))
    }

    /// IOS's refusal while a NETCONF session holds the lock on running.
    fn locked_message(&self, holder: u32) -> String {
        let st = self.device.state();
        let user = st.sessions.get(&holder).map_or("", |s| s.user.as_str());
        let line = st
            .lines
            .iter()
            .find(|(_, l)| {
                l.netconf == Some(holder)
                    || matches!(l.owner, LineOwner::Netconf(id) if id == holder)
            })
            .map_or(0, |(vty, _)| vty_line_number(*vty));
        format!(
            "Configuration mode is locked by process '{holder}' user '{user}' from terminal '{line}'. Please try later.\n"
        )
    }

    /// Who runs EXEC commands from this terminal.
    fn caller(&self) -> ExecCaller {
        ExecCaller {
            session: None,
            user: self.user.clone(),
            privilege: self.privilege,
            line: self.vty,
        }
    }

    fn prompt_text_for(&self, state: &ApplierState) -> String {
        let host = self.device.settings().hostname;
        let applier = Applier::resume(self.device.catalogue(), state.clone());
        format!("{host}({})#", applier.prompt())
    }

    /// Lines a screen shows before `--More--`.
    fn page(&self) -> usize {
        if self.length == 0 {
            usize::MAX
        } else {
            self.length.saturating_sub(1).max(1)
        }
    }

    /// Shows a command's output, pausing at `--More--` every screen, then
    /// the prompt.
    /// A command's text without the prompt after it: the terminal went to
    /// a connection, a password or a question.
    fn show_text_only(&mut self, output: ExecOutput) {
        for line in output.text.lines() {
            self.write(line);
            self.newline();
        }
    }

    fn show(&mut self, mut output: ExecOutput) {
        let text = std::mem::take(&mut output.text);
        self.pending = Some(Pending {
            text,
            at: 0,
            rest: Some(output),
            page_left: self.page(),
            paused: false,
        });
        self.flow();
    }

    /// Writes pending output a line at a time until a screen is full, the
    /// caller's limit is reached, or it ends (then the prompt).
    fn flow(&mut self) {
        let Some(mut p) = self.pending.take() else {
            return;
        };
        loop {
            if p.paused || self.out.len() >= self.limit {
                self.pending = Some(p);
                return;
            }
            if p.at >= p.text.len() {
                match p.rest.as_mut().and_then(ExecOutput::next_part) {
                    Some(part) => {
                        p.text = part;
                        p.at = 0;
                        continue;
                    }
                    None => {
                        self.prompt();
                        return;
                    }
                }
            }
            if p.page_left == 0 {
                p.paused = true;
                self.write(MORE);
                continue;
            }
            let end = p.text[p.at..].find('\n').map_or(p.text.len(), |e| p.at + e);
            self.out.extend_from_slice(&p.text.as_bytes()[p.at..end]);
            self.newline();
            p.at = end + 1;
            p.page_left = p.page_left.saturating_sub(1);
        }
    }

    /// A key at `--More--` (or typed during a long output, which waits for
    /// it: [`Shell::input_some`]).
    fn more_key(&mut self, b: u8) {
        let page = self.page();
        let Some(p) = self.pending.as_mut() else {
            return;
        };
        if !p.paused {
            return;
        }
        p.paused = false;
        match b {
            b' ' => p.page_left = page,
            b'\r' | b'\n' => p.page_left = 1,
            _ => {
                self.pending = None;
                self.erase_more();
                self.prompt();
                return;
            }
        }
        self.erase_more();
        self.flow();
    }

    fn erase_more(&mut self) {
        let erase = format!(
            "{}{}{}",
            "\x08".repeat(MORE.len()),
            " ".repeat(MORE.len()),
            "\x08".repeat(MORE.len())
        );
        self.write(&erase);
    }
}

impl Terminal for Shell {
    fn enable(&mut self, level: u8) -> ExecOutput {
        // Down needs nothing; up needs the enable secret (or `enable
        // password`), whoever the user is, as on IOS.
        if level <= self.privilege {
            self.privilege = level;
        } else if self.device.enable_asks_password() {
            self.write("Password: ");
            self.password = true;
            self.enable_target = level;
        } else {
            return ExecOutput::ok("% No password set\n".into());
        }
        ExecOutput::ok(String::new())
    }

    fn disable(&mut self, level: u8) -> ExecOutput {
        if level > self.privilege {
            return ExecOutput::ok(
                "% New privilege level must be less than current privilege level\n".into(),
            );
        }
        self.privilege = level;
        ExecOutput::ok(String::new())
    }

    fn exit(&mut self) -> ExecOutput {
        self.closed = true;
        ExecOutput::ok(String::new())
    }

    fn configure(&mut self) -> ExecOutput {
        if let Some(message) = self.config_locked() {
            return ExecOutput::ok(message);
        }
        self.mode = Mode::Config(ApplierState::default());
        ExecOutput::ok("Enter configuration commands, one per line.  End with CNTL/Z.\n".into())
    }

    fn set_length(&mut self, rows: usize) {
        self.length = rows;
    }

    fn ssh(&mut self, command: &str) -> ExecOutput {
        self.open_ssh(command)
    }

    fn sessions(&self) -> ExecOutput {
        ExecOutput::ok(self.sessions_text())
    }

    fn resume(&mut self, number: Option<u32>) -> ExecOutput {
        self.resume_connection(number)
    }

    fn disconnect(&mut self, number: Option<u32>) -> ExecOutput {
        self.disconnect_connection(number)
    }
}
