//! `show ip ssh` and `show ssh`.

use std::fmt::Write as _;

use super::{ExecOutput, Invocation};
use crate::device::Device;

pub(super) fn show_ip_ssh(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(ip_ssh_text(i.device))
}

pub(super) fn show_ssh(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(ssh_text(i.device))
}

/// `show ip ssh` in the IOS XE form, with the key in SECSH format wrapped
/// at 80 columns.
fn ip_ssh_text(device: &Device) -> String {
    let s = device.settings();
    let version = match s.ssh.version {
        Some(2) => "2.0",
        Some(1) => "1.5",
        _ => "1.99",
    };
    let label = device.ssh_rsa_label();
    let key = label.as_deref().and_then(|l| device.rsa_public_key(l));
    let mut out = String::new();
    let Some(key) = key else {
        let _ = writeln!(out, "SSH Disabled - version {version}");
        let _ = writeln!(
            out,
            "%Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2)."
        );
        let _ = writeln!(
            out,
            "Authentication timeout: {} secs; Authentication retries: {}",
            s.ssh.timeout, s.ssh.retries
        );
        return out;
    };
    let list = |l: &Option<Vec<String>>, default: &str| {
        l.as_ref().map_or(default.to_owned(), |v| v.join(","))
    };
    let _ = writeln!(out, "SSH Enabled - version {version}");
    let _ = writeln!(out, "Authentication methods:publickey,password");
    let _ = writeln!(
        out,
        "Encryption Algorithms:{}",
        list(
            &s.ssh.encryption,
            "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"
        )
    );
    let _ = writeln!(
        out,
        "MAC Algorithms:{}",
        list(
            &s.ssh.mac,
            "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256"
        )
    );
    let _ = writeln!(
        out,
        "Authentication timeout: {} secs; Authentication retries: {}",
        s.ssh.timeout, s.ssh.retries
    );
    let _ = writeln!(out, "Minimum expected Diffie Hellman key size : 2048 bits");
    let _ = writeln!(
        out,
        "IOS Keys in SECSH format(ssh-rsa, base64 encoded): {}",
        label.unwrap_or_default()
    );
    let chars: Vec<char> = key.chars().collect();
    for chunk in chars.chunks(80) {
        let _ = writeln!(out, "{}", chunk.iter().collect::<String>());
    }
    out
}

/// `show ssh`: each SSHv2 connection twice (`IN`, `OUT`), in IOS's fixed
/// columns (a long value pushes the later ones right).
fn ssh_text(device: &Device) -> String {
    device.view(|v| {
        if v.ssh_connections().is_empty() {
            return "%No SSHv2 server connections running.\n%No SSHv1 server connections running.\n"
            .into();
        }
        let row = |c: &str, v: &str, m: &str, e: &str, h: &str, s: &str, u: &str| {
            format!("{c:<10} {v:<7} {m:<4} {e:<11} {h:<12} {s:<21} {u}\n")
        };
        let mut out = row(
            "Connection",
            "Version",
            "Mode",
            "Encryption",
            "Hmac",
            "State",
            "Username",
        );
        for (n, c) in v.ssh_connections() {
            let n = n.to_string();
            out.push_str(&row(
                &n,
                "2.0",
                "IN",
                &c.cipher_in,
                &c.mac_in,
                "Session started",
                &c.user,
            ));
            out.push_str(&row(
                &n,
                "2.0",
                "OUT",
                &c.cipher_out,
                &c.mac_out,
                "Session started",
                &c.user,
            ));
        }
        out.push_str("%No SSHv1 server connections running.\n");
        out
    })
}
