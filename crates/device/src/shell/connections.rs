//! The terminal's outgoing connections (`ssh`): opening, the keys and
//! events of the attached one, suspending, resuming, closing, `show
//! sessions`.

use super::*;

impl Shell {
    /// The terminal's rows as the remote sees them.
    pub(super) fn rows(&self) -> u32 {
        u32::try_from(self.length).unwrap_or(24)
    }

    /// True while the terminal's keys go to a connection: an open one, or
    /// one being set up (its keys wait: [`Shell::typed_ahead`]).
    pub(super) fn attached(&self) -> bool {
        self.foreground
            .and_then(|id| self.connections.iter().find(|c| c.id == id))
            .is_some_and(|c| c.state != OutState::Password || !self.password)
    }

    /// The attached connection's state.
    pub(super) fn attached_state(&self) -> Option<OutState> {
        self.foreground
            .and_then(|id| self.connections.iter().find(|c| c.id == id))
            .map(|c| c.state)
    }

    /// Keys for the attached connection, up to IOS's escape sequence
    /// (Ctrl-^ then `x`), which suspends it; returns how many were taken.
    pub(super) fn remote_keys(&mut self, bytes: &[u8]) -> usize {
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

    pub(super) fn suspend(&mut self, id: u32) {
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
    pub(super) fn detach(&mut self, id: u32) {
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
    pub(super) fn open_ssh(&mut self, text: &str) -> ExecOutput {
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
    pub(super) fn pick(&self, number: Option<u32>) -> Option<u32> {
        match number {
            Some(n) => self
                .connections
                .iter()
                .find(|c| c.number == n)
                .map(|c| c.id),
            None => self.current.or(self.connections.last().map(|c| c.id)),
        }
    }

    pub(super) fn resume_connection(&mut self, number: Option<u32>) -> ExecOutput {
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

    pub(super) fn disconnect_connection(&mut self, number: Option<u32>) -> ExecOutput {
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

    pub(super) fn close_connection(&mut self, id: u32) {
        self.connections.retain(|c| c.id != id);
        if self.current == Some(id) {
            self.current = self.connections.last().map(|c| c.id);
        }
        self.requests.push(SessionRequest::Close { id });
    }

    /// `show sessions`.
    pub(super) fn sessions_text(&self) -> String {
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
}
