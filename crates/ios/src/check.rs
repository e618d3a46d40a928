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
}

impl Check {
    /// The check a catalogue attribute names.
    pub fn by_name(name: &str) -> Option<Check> {
        Some(match name {
            "hostname" => Check::Hostname,
            "ip-address" => Check::IpAddress,
            "ip-route" => Check::IpRoute,
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
        }
    }
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
