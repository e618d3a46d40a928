//! `crypto key generate rsa`, `crypto key zeroize rsa`, `show crypto key
//! mypubkey rsa`.

use std::fmt::Write as _;

use ironconf_ios::change::IosTime;

use super::{ExecOutput, Invocation};
use crate::device::Device;

pub(super) fn generate(i: &Invocation<'_>) -> ExecOutput {
    key_generate(i.device, i.args)
}

pub(super) fn zeroize(i: &Invocation<'_>) -> ExecOutput {
    key_zeroize(i.device, i.arg())
}

pub(super) fn show_mypubkey(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(mypubkey_text(i.device, i.arg()))
}

/// `crypto key generate rsa [general-keys|usage-keys] [label L] [modulus N]`.
/// The modulus prompt is answered with its default (2048).
fn key_generate(device: &Device, args: &[&str]) -> ExecOutput {
    let after = |kw: &str| {
        args.iter()
            .position(|a| *a == kw)
            .and_then(|i| args.get(i + 1))
            .copied()
    };
    let settings = device.settings();
    let label = match after("label") {
        Some(l) => l.to_owned(),
        None => match settings.rsa_key_label() {
            Some(l) => l,
            None => return ExecOutput::error("% Please define a domain-name first.\n".into()),
        },
    };
    let Some(store) = device.key_store() else {
        return ExecOutput::error("% Key generation is not available on this device\n".into());
    };
    let mut out = String::new();
    if device.rsa_labels().contains(&label) {
        out.push_str(&format!(
            "% You already have RSA keys defined named {label}.\n% They will be replaced.\n\n"
        ));
    }
    out.push_str(&format!("The name for the keys will be: {label}\n"));
    let bits = match after("modulus").and_then(|m| m.parse::<usize>().ok()) {
        Some(b) => {
            out.push_str(&format!("\n% The key modulus size is {b} bits\n"));
            b
        }
        None => {
            out.push_str(
                "Choose the size of the key modulus in the range of 360 to 4096 for your\n  \
                 General Purpose Keys. Choosing a key modulus greater than 512 may take\n  \
                 a few minutes.\n\nHow many bits in the modulus [2048]: \n",
            );
            2048
        }
    };
    // SSH version 2 needs a modulus of at least 1024 bits.
    if bits < 1024 {
        out.push_str(&format!(
            "% Key modulus {bits} is not supported: use 1024 to 4096 bits for SSH version 2\n"
        ));
        return ExecOutput::error(out);
    }
    out.push_str(&format!(
        "% Generating {bits} bit RSA keys, keys will be non-exportable...\n"
    ));
    let started = device.now();
    match store.generate_rsa(&label, bits) {
        Ok(()) => {
            out.push_str(&format!(
                "[OK] (elapsed time was {} seconds)\n",
                device
                    .now()
                    .saturating_duration_since(started)
                    .as_secs()
                    .max(1)
            ));
            ExecOutput::ok(out)
        }
        Err(e) => {
            out.push_str(&format!("% Key generation failed: {e}\n"));
            ExecOutput::error(out)
        }
    }
}

/// `crypto key zeroize rsa [LABEL]`; the confirmation is answered yes.
fn key_zeroize(device: &Device, label: Option<&str>) -> ExecOutput {
    let Some(store) = device.key_store() else {
        return ExecOutput::error("% Key removal is not available on this device\n".into());
    };
    let present = device.rsa_labels();
    let (labels, mut out) = match label {
        Some(l) => {
            if !present.iter().any(|k| k == l) {
                return ExecOutput::error(format!("% RSA keypair {l} is not present.\n"));
            }
            (
                vec![l.to_owned()],
                format!("% Keys to be removed are named '{l}'.\n"),
            )
        }
        None => (present, "% All keys will be removed.\n".to_owned()),
    };
    out.push_str(
        "% All router certs issued using these keys will also be removed.\n\
         Do you really want to remove these keys? [yes/no]: yes\n",
    );
    match store.zeroize_rsa(&labels) {
        Ok(_) => ExecOutput::ok(out),
        Err(e) => {
            out.push_str(&format!("% Key removal failed: {e}\n"));
            ExecOutput::error(out)
        }
    }
}

/// `show crypto key mypubkey rsa [LABEL]`: each key pair with its public
/// key as DER (SubjectPublicKeyInfo) in hex, as IOS prints it.
fn mypubkey_text(device: &Device, only: Option<&str>) -> String {
    let mut labels = device.rsa_labels();
    labels.retain(|l| only.is_none_or(|o| o == l));
    let mut out = String::new();
    for label in labels {
        let Some(der) = device.rsa_public_key(&label).and_then(|k| rsa_spki_der(&k)) else {
            continue;
        };
        if let Some(t) = device.rsa_key_time(&label).map(IosTime::at) {
            // IOS leaves out the weekday here.
            let _ = writeln!(
                out,
                "% Key pair was generated at: {} UTC {} {} {}",
                t.clock(),
                t.month,
                t.day,
                t.year
            );
        }
        let _ = writeln!(out, "Key name: {label}");
        let _ = writeln!(out, "Key type: RSA KEYS");
        let _ = writeln!(out, " Storage Device: private-config");
        let _ = writeln!(out, " Usage: General Purpose Key");
        let _ = writeln!(out, " Key is not exportable.");
        let _ = writeln!(out, " Key Data:");
        let hex: String = der.iter().map(|b| format!("{b:02X}")).collect();
        let groups: Vec<&str> = hex
            .as_bytes()
            .chunks(8)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        for line in groups.chunks(8) {
            let _ = writeln!(out, "  {}", line.join(" "));
        }
    }
    out
}

/// DER SubjectPublicKeyInfo of an `ssh-rsa BASE64` public key. SSH's
/// mpint is already a minimal two's-complement integer, as DER wants.
fn rsa_spki_der(secsh: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let blob = base64::engine::general_purpose::STANDARD
        .decode(secsh.split_whitespace().nth(1)?)
        .ok()?;
    let mut p = blob.as_slice();
    let mut field = || -> Option<Vec<u8>> {
        let len = u32::from_be_bytes(p.get(..4)?.try_into().ok()?) as usize;
        let v = p.get(4..4 + len)?.to_vec();
        p = &p[4 + len..];
        Some(v)
    };
    if field()? != b"ssh-rsa" {
        return None;
    }
    let e = field()?;
    let n = field()?;
    let rsa_key = der(0x30, &[der(0x02, &n), der(0x02, &e)].concat());
    let mut bits = vec![0];
    bits.extend_from_slice(&rsa_key);
    // rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
    let algorithm = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01],
            ),
            der(0x05, &[]),
        ]
        .concat(),
    );
    Some(der(0x30, &[algorithm, der(0x03, &bits)].concat()))
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}
