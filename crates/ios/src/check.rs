//! Checks IOS makes on a command's values after it parses: the ones a
//! parameter's type cannot express (a mask's bits, a hostname's
//! characters). A rule names its check in the catalogue (`check=ip-address`).

use std::net::Ipv4Addr;

/// A check a rule asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `hostname`: letters, digits and hyphens. IOS warns about other
    /// characters and takes the name anyway.
    Hostname,
    /// `ip address A M`: a contiguous mask, and an address that is neither
    /// the subnet's own address nor its broadcast address.
    IpAddress,
    /// `ip route [vrf V] A M …`: a contiguous mask with no address bit
    /// outside it.
    IpRoute,
    /// `aaa authentication|authorization|accounting … METHOD…`: the
    /// methods IOS knows for the list, `group` with its server group.
    AaaMethods,
}

/// What a check decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The values are fine.
    Accept,
    /// Applied, with a message for the user.
    Warn(String),
    /// Refused with IOS's message.
    Refuse(String),
    /// Refused as invalid input, the caret under token N (0-based).
    InvalidAt(usize),
    /// Refused as incomplete.
    Incomplete,
}

impl Check {
    /// The check a catalogue attribute names.
    pub fn by_name(name: &str) -> Option<Check> {
        Some(match name {
            "hostname" => Check::Hostname,
            "ip-address" => Check::IpAddress,
            "ip-route" => Check::IpRoute,
            "aaa-methods" => Check::AaaMethods,
            _ => return None,
        })
    }

    /// Runs the check on a parsed line's canonical tokens.
    pub fn run(self, tokens: &[String]) -> Verdict {
        match self {
            Check::Hostname => hostname(tokens.get(1).map_or("", String::as_str)),
            Check::IpAddress => match addr_mask(tokens, 2) {
                Some((a, m)) => interface_address(a, m),
                None => Verdict::Accept,
            },
            Check::IpRoute => {
                let at = if tokens.get(2).map(String::as_str) == Some("vrf") {
                    4
                } else {
                    2
                };
                match addr_mask(tokens, at) {
                    Some((a, m)) => route_prefix(a, m),
                    None => Verdict::Accept,
                }
            }
            Check::AaaMethods => {
                // A LINE parameter is one token: the methods are its words.
                let words: Vec<String> = tokens
                    .iter()
                    .flat_map(|t| t.split_whitespace())
                    .map(str::to_owned)
                    .collect();
                aaa_methods(&words)
            }
        }
    }
}

/// The method list of an `aaa` line: where it starts depends on the
/// command (`aaa authorization commands 15 default …` has a level), and
/// accounting names its record type first. Abbreviated keywords are
/// taken as IOS takes them.
fn aaa_methods(tokens: &[String]) -> Verdict {
    let t = |i: usize| tokens.get(i).map(|s| s.to_ascii_lowercase());
    let function = t(1).unwrap_or_default();
    let mut at = if t(2).as_deref() == Some("commands") {
        5
    } else {
        4
    };
    let expand = |word: &str, choices: &[&'static str]| -> Option<&'static str> {
        let mut found = choices.iter().filter(|c| c.starts_with(word));
        match (found.next(), found.next()) {
            (Some(c), None) => Some(*c),
            _ => choices.iter().find(|c| **c == word).copied(),
        }
    };
    if function == "accounting" {
        match t(at)
            .as_deref()
            .and_then(|w| expand(w, &["start-stop", "stop-only", "none"]))
        {
            Some("none") => {
                return if tokens.len() > at + 1 {
                    Verdict::InvalidAt(at + 1)
                } else {
                    Verdict::Accept
                };
            }
            Some(_) => at += 1,
            None if at >= tokens.len() => return Verdict::Incomplete,
            None => return Verdict::InvalidAt(at),
        }
    }
    let methods: &[&'static str] = match (function.as_str(), t(2).as_deref()) {
        ("authentication", Some("enable")) => &["enable", "group", "line", "none"],
        ("authentication", _) => &[
            "local",
            "local-case",
            "enable",
            "group",
            "line",
            "none",
            "cache",
        ],
        ("authorization", _) => &["local", "group", "none", "if-authenticated"],
        _ => &["group"],
    };
    if at >= tokens.len() {
        return Verdict::Incomplete;
    }
    let mut i = at;
    while i < tokens.len() {
        match expand(&tokens[i].to_ascii_lowercase(), methods) {
            Some("group") => {
                if i + 1 >= tokens.len() {
                    return Verdict::Incomplete;
                }
                i += 2;
            }
            // Only last, after the methods it qualifies.
            Some("if-authenticated") if i + 1 < tokens.len() => return Verdict::InvalidAt(i + 1),
            Some(_) => i += 1,
            None => return Verdict::InvalidAt(i),
        }
    }
    Verdict::Accept
}

fn addr_mask(tokens: &[String], at: usize) -> Option<(u32, u32)> {
    let a: Ipv4Addr = tokens.get(at)?.parse().ok()?;
    let m: Ipv4Addr = tokens.get(at + 1)?.parse().ok()?;
    Some((u32::from(a), u32::from(m)))
}

/// A mask whose one bits are all at the top.
pub fn contiguous(mask: u32) -> bool {
    mask.leading_ones() + mask.trailing_zeros() == 32
}

fn hostname(name: &str) -> Verdict {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Verdict::Accept
    } else {
        Verdict::Warn("% Hostname contains one or more illegal characters.".into())
    }
}

fn interface_address(addr: u32, mask: u32) -> Verdict {
    let shown = Ipv4Addr::from(addr);
    if !contiguous(mask) {
        return Verdict::Refuse(format!("Bad mask 0x{mask:08X} for address {shown}"));
    }
    let len = mask.leading_ones();
    // /31 (RFC 3021) and /32 have no subnet or broadcast address.
    let host = addr & !mask;
    if len == 0 || (len <= 30 && (host == 0 || host == !mask)) {
        return Verdict::Refuse(format!("Bad mask /{len} for address {shown}"));
    }
    Verdict::Accept
}

fn route_prefix(addr: u32, mask: u32) -> Verdict {
    if !contiguous(mask) || addr & !mask != 0 {
        return Verdict::Refuse("%Inconsistent address and mask".into());
    }
    Verdict::Accept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(check: Check, line: &str) -> Verdict {
        let tokens: Vec<String> = line.split(' ').map(str::to_owned).collect();
        check.run(&tokens)
    }

    #[test]
    fn masks_and_addresses() {
        assert_eq!(
            run(Check::IpAddress, "ip address 10.0.0.1 255.0.255.0"),
            Verdict::Refuse("Bad mask 0xFF00FF00 for address 10.0.0.1".into())
        );
        assert_eq!(
            run(Check::IpAddress, "ip address 10.0.0.0 255.255.255.0"),
            Verdict::Refuse("Bad mask /24 for address 10.0.0.0".into())
        );
        assert_eq!(
            run(Check::IpAddress, "ip address 10.0.0.255 255.255.255.0"),
            Verdict::Refuse("Bad mask /24 for address 10.0.0.255".into())
        );
        assert_eq!(
            run(Check::IpAddress, "ip address 10.0.0.0 255.255.255.254"),
            Verdict::Accept
        );
        assert_eq!(
            run(
                Check::IpAddress,
                "ip address 10.0.0.1 255.255.255.255 secondary"
            ),
            Verdict::Accept
        );
        assert_eq!(
            run(Check::IpRoute, "ip route 10.1.1.0 255.255.0.0 Null0"),
            Verdict::Refuse("%Inconsistent address and mask".into())
        );
        assert_eq!(
            run(Check::IpRoute, "ip route vrf A 10.1.0.0 255.255.0.0 Null0"),
            Verdict::Accept
        );
        assert_eq!(
            run(Check::IpRoute, "ip route 0.0.0.0 0.0.0.0 10.0.0.1"),
            Verdict::Accept
        );
    }

    #[test]
    fn hostnames() {
        assert_eq!(run(Check::Hostname, "hostname edge-01"), Verdict::Accept);
        assert!(matches!(
            run(Check::Hostname, "hostname bad_name!"),
            Verdict::Warn(_)
        ));
    }
}
