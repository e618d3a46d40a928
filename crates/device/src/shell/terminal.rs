//! What the commands that act on the terminal do to this shell.

use super::*;

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
