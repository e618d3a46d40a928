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

mod connections;
mod editor;
mod paging;
mod terminal;

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
        let idle = self.device.view(|v| v.settings().vty_exec_timeout())?;
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
            Err(other) => {
                let message = other.to_string();
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
        self.device.view(|v| {
        let user = v.sessions().get(&holder).map_or("", |s| s.user.as_str());
        let line = v
            .lines()
            .iter()
            .find(|(_, l)| {
                l.netconf == Some(holder)
                    || matches!(l.owner, LineOwner::Netconf(id) if id == holder)
            })
            .map_or(0, |(vty, _)| vty_line_number(*vty));
        format!(
            "Configuration mode is locked by process '{holder}' user '{user}' from terminal '{line}'. Please try later.\n"
        )
    })
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
}
