//! Output on the screen: `--More--` paging and long outputs written a
//! part at a time.

use super::*;

impl Shell {
    /// Lines a screen shows before `--More--`.
    pub(super) fn page(&self) -> usize {
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
    pub(super) fn show_text_only(&mut self, output: ExecOutput) {
        for line in output.text.lines() {
            self.write(line);
            self.newline();
        }
    }

    pub(super) fn show(&mut self, mut output: ExecOutput) {
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
    pub(super) fn flow(&mut self) {
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
    pub(super) fn more_key(&mut self, b: u8) {
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

    pub(super) fn erase_more(&mut self) {
        let erase = format!(
            "{}{}{}",
            "\x08".repeat(MORE.len()),
            " ".repeat(MORE.len()),
            "\x08".repeat(MORE.len())
        );
        self.write(&erase);
    }
}
