//! The line editor: keys, history, `?` help and Tab completion.

use super::*;

impl Shell {
    pub(super) fn key(&mut self, b: u8) {
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

    pub(super) fn insert(&mut self, c: char) {
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

    pub(super) fn backspace(&mut self) {
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

    pub(super) fn left(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.write("\x08");
        }
    }

    pub(super) fn right(&mut self) {
        if self.cursor < self.line.len() {
            let c = self.line[self.cursor].to_string();
            self.write(&c);
            self.cursor += 1;
        }
    }

    pub(super) fn erase_shown(&mut self) {
        let back = "\x08".repeat(self.cursor);
        let blank = " ".repeat(self.line.len());
        let back2 = "\x08".repeat(self.line.len());
        self.write(&format!("{back}{blank}{back2}"));
    }

    pub(super) fn kill_line(&mut self) {
        self.erase_shown();
        self.line.clear();
        self.cursor = 0;
    }

    pub(super) fn kill_word(&mut self) {
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

    pub(super) fn set_line(&mut self, text: &str) {
        self.kill_line();
        self.line = text.chars().collect();
        self.cursor = self.line.len();
        self.write(text);
    }

    pub(super) fn history_step(&mut self, up: bool) {
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

    pub(super) fn current_mode(&self) -> Option<ModeId> {
        let cat = self.device.catalogue();
        match &self.mode {
            Mode::Exec => cat.mode_by_name("exec"),
            Mode::Config(state) => Some(Applier::resume(cat, state.clone()).mode()),
        }
    }

    /// What may follow the typed words: `(word, help)` pairs.
    pub(super) fn candidates(&self, typed: &str) -> Vec<(String, String)> {
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

    pub(super) fn help(&mut self) {
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

    pub(super) fn complete(&mut self) {
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
}
