//! Typed command parameters: what a token must look like, and its
//! canonical spelling (IOS expands `lo113` to `Loopback113`).

use std::fmt;

/// The kinds of parameter a pattern can hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// `WORD` (`WORD:63`): any single token, of at most `max` characters.
    Word {
        /// The longest token accepted (`None`: any length; the built-in
        /// catalogue bounds every one).
        max: Option<usize>,
    },
    /// `LINE` (`LINE:240`): the rest of the line, spaces included, of at
    /// most `max` characters.
    Line {
        /// The longest text accepted.
        max: Option<usize>,
    },
    /// `<lo-hi>`: a decimal number in an inclusive range.
    Range(u64, u64),
    /// `A.B.C.D`: an IPv4 address or mask.
    Ipv4,
    /// `IFNAME`: an interface name (type, possibly abbreviated, and number).
    Interface,
    /// `X:X:X:X::X`: an IPv6 address.
    Ipv6,
    /// `X:X:X:X::X/<0-128>`: an IPv6 prefix.
    Ipv6Prefix,
}

impl ParamKind {
    /// Parses the catalogue spelling of a parameter.
    pub fn from_pattern(tok: &str) -> Option<Self> {
        Some(match tok {
            "WORD" => ParamKind::Word { max: None },
            "LINE" => ParamKind::Line { max: None },
            "A.B.C.D" => ParamKind::Ipv4,
            "IFNAME" => ParamKind::Interface,
            "X:X:X:X::X" => ParamKind::Ipv6,
            "X:X:X:X::X/<0-128>" => ParamKind::Ipv6Prefix,
            _ if tok.starts_with("WORD:") || tok.starts_with("LINE:") => {
                let max = tok[5..].parse::<usize>().ok().filter(|m| *m > 0)?;
                if tok.starts_with('W') {
                    ParamKind::Word { max: Some(max) }
                } else {
                    ParamKind::Line { max: Some(max) }
                }
            }
            _ => {
                let inner = tok.strip_prefix('<')?.strip_suffix('>')?;
                let (lo, hi) = inner.split_once('-')?;
                let (lo, hi) = (lo.parse().ok()?, hi.parse().ok()?);
                if lo > hi {
                    return None;
                }
                ParamKind::Range(lo, hi)
            }
        })
    }

    /// True for kinds that accept only some tokens (they win over keywords
    /// that are mere prefixes, and over `WORD`).
    pub fn is_typed(&self) -> bool {
        matches!(
            self,
            ParamKind::Range(..)
                | ParamKind::Ipv4
                | ParamKind::Interface
                | ParamKind::Ipv6
                | ParamKind::Ipv6Prefix
        )
    }

    /// True for `WORD`, whatever its bound.
    pub fn is_word(&self) -> bool {
        matches!(self, ParamKind::Word { .. })
    }

    /// True for `LINE`, whatever its bound.
    pub fn is_line(&self) -> bool {
        matches!(self, ParamKind::Line { .. })
    }

    /// True when the kind limits what it accepts: a range, a typed value,
    /// or a `WORD`/`LINE` with a length bound.
    pub fn is_bounded(&self) -> bool {
        match self {
            ParamKind::Word { max } | ParamKind::Line { max } => max.is_some(),
            _ => true,
        }
    }

    /// True when two kinds would compete for the same token (a `WORD:32`
    /// and a `WORD:64` at one position).
    pub fn same_slot(&self, other: &ParamKind) -> bool {
        (self.is_word() && other.is_word()) || (self.is_line() && other.is_line())
    }

    /// Help text shown by `?` for this parameter.
    pub fn help(&self) -> String {
        match self {
            ParamKind::Word { .. } => "WORD".into(),
            ParamKind::Line { .. } => "LINE".into(),
            ParamKind::Range(lo, hi) => format!("<{lo}-{hi}>"),
            ParamKind::Ipv4 => "A.B.C.D".into(),
            ParamKind::Interface => "IFNAME".into(),
            ParamKind::Ipv6 => "X:X:X:X::X".into(),
            ParamKind::Ipv6Prefix => "X:X:X:X::X/<0-128>".into(),
        }
    }
}

impl fmt::Display for ParamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.help())
    }
}

/// A number token in a range: `Some(value)`.
pub fn parse_range(tok: &str, lo: u64, hi: u64) -> Option<u64> {
    if tok.is_empty() || tok.len() > 20 || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = tok.parse().ok()?;
    (lo..=hi).contains(&v).then_some(v)
}

/// A dotted-quad IPv4 address, canonicalised.
pub fn parse_ipv4(tok: &str) -> Option<String> {
    let mut parts = [0u8; 4];
    let mut n = 0;
    for p in tok.split('.') {
        if n == 4 || p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts[n] = p.parse().ok()?;
        n += 1;
    }
    (n == 4).then(|| format!("{}.{}.{}.{}", parts[0], parts[1], parts[2], parts[3]))
}

/// True when `tok` is a value of the typed `kind` already in canonical
/// spelling (as the engine stores it), checked without allocating: what a
/// rendered configuration holds is read back this way.
pub fn is_canonical(kind: &ParamKind, tok: &str) -> bool {
    match kind {
        ParamKind::Range(lo, hi) => {
            parse_range(tok, *lo, *hi).is_some() && (tok.len() == 1 || !tok.starts_with('0'))
        }
        ParamKind::Ipv4 => {
            let mut n = 0;
            for p in tok.split('.') {
                n += 1;
                if n > 4
                    || p.is_empty()
                    || p.len() > 3
                    || !p.bytes().all(|b| b.is_ascii_digit())
                    || (p.len() > 1 && p.starts_with('0'))
                    || p.parse::<u16>().map_or(true, |v| v > 255)
                {
                    return false;
                }
            }
            n == 4
        }
        ParamKind::Interface => {
            let split = tok.find(|c: char| c.is_ascii_digit()).unwrap_or(tok.len());
            let (ty, num) = tok.split_at(split);
            match INTERFACE_TYPES.iter().position(|t| *t == ty) {
                Some(i) => is_interface_number(num) && check_interface_number(i, num).is_ok(),
                None => false,
            }
        }
        ParamKind::Ipv6 => parse_ipv6(tok).is_some_and(|c| c == tok),
        ParamKind::Ipv6Prefix => parse_ipv6_prefix(tok).is_some_and(|c| c == tok),
        ParamKind::Word { .. } | ParamKind::Line { .. } => false,
    }
}

/// Interface types in the order IOS lists interfaces in a configuration.
pub const INTERFACE_TYPES: &[&str] = &[
    "Loopback",
    "Tunnel",
    "Port-channel",
    "Ethernet",
    "FastEthernet",
    "GigabitEthernet",
    "TenGigabitEthernet",
    "TwentyFiveGigE",
    "FortyGigabitEthernet",
    "HundredGigE",
    "Serial",
    "Multilink",
    "Dialer",
    "Virtual-Template",
    "BDI",
    "Vlan",
    "Null",
];

/// The numbers IOS accepts for virtual interface types (`interface
/// Loopback ?` lists `<0-2147483647>`); a physical port's slot, port and
/// subinterface numbers are bounded by [`MAX_PORT_COMPONENT`] and
/// [`MAX_SUBINTERFACE`].
const INTERFACE_RANGES: &[(&str, u64, u64)] = &[
    ("Loopback", 0, 2_147_483_647),
    ("Tunnel", 0, 2_147_483_647),
    ("Port-channel", 1, 512),
    ("Multilink", 1, 2_147_483_647),
    ("Dialer", 0, 255),
    ("Virtual-Template", 1, 4095),
    ("BDI", 1, 16_000),
    ("Vlan", 1, 4094),
    ("Null", 0, 0),
];

/// The largest slot or port number of a physical interface.
pub const MAX_PORT_COMPONENT: u64 = 2_147_483_647;

/// The largest subinterface number (`GigabitEthernet1.4294967295`).
pub const MAX_SUBINTERFACE: u64 = 4_294_967_295;

/// Abbreviations IOS accepts although they prefix several types.
const INTERFACE_SHORT: &[(&str, &str)] = &[("te", "TenGigabitEthernet"), ("t", "Tunnel")];

/// A parsed interface name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceName {
    /// Index of the type in [`INTERFACE_TYPES`].
    pub type_index: usize,
    /// The number part (`1`, `0/0/1`, `1.100`).
    pub number: String,
}

impl InterfaceName {
    /// The canonical name (`GigabitEthernet0/0/1`).
    pub fn canonical(&self) -> String {
        format!(
            "{}{}",
            INTERFACE_TYPES[self.type_index.min(INTERFACE_TYPES.len() - 1)],
            self.number
        )
    }

    /// A byte key that sorts interfaces the way IOS lists them: by type,
    /// then numerically by each number component.
    pub fn sort_key(&self) -> Vec<u8> {
        // A bare number (`GigabitEthernet0`, an ISR's management port) is
        // listed after the slotted ports of its type.
        let flat = !self.number.contains('/');
        let mut key = vec![self.type_index as u8, u8::from(flat)];
        for part in self.number.split(['/', '.', ':']) {
            let v: u32 = part.parse().unwrap_or(u32::MAX);
            key.extend_from_slice(&v.to_be_bytes());
        }
        key
    }
}

fn is_interface_number(s: &str) -> bool {
    // digits, then (/digits)*, then optional .digits and :digits
    let b = s.as_bytes();
    if b.first().is_none_or(|c| !c.is_ascii_digit()) {
        return false;
    }
    let mut prev_sep = false;
    let mut seen_dot = false;
    for &c in b {
        match c {
            b'0'..=b'9' => prev_sep = false,
            b'/' if !prev_sep && !seen_dot => prev_sep = true,
            b'.' | b':' if !prev_sep => {
                seen_dot = true;
                prev_sep = true;
            }
            _ => return false,
        }
    }
    !prev_sep
}

/// Checks each number of an interface name against IOS's bounds for its
/// type; on failure, the byte offset (in `number`) of the number refused.
pub fn check_interface_number(type_index: usize, number: &str) -> Result<(), usize> {
    let ty = INTERFACE_TYPES.get(type_index).copied().unwrap_or("");
    let virtual_range = INTERFACE_RANGES
        .iter()
        .find(|(t, _, _)| *t == ty)
        .map(|(_, lo, hi)| (*lo, *hi));
    let mut offset = 0;
    let mut first = true;
    let mut after_dot = false;
    for part in number.split_inclusive(['/', '.', ':']) {
        let digits = part.trim_end_matches(['/', '.', ':']);
        let (lo, hi) = match (first, virtual_range) {
            (true, Some(r)) => r,
            _ if after_dot => (0, MAX_SUBINTERFACE),
            _ => (0, MAX_PORT_COMPONENT),
        };
        if parse_range(digits, lo, hi).is_none() {
            return Err(offset);
        }
        after_dot = part.ends_with(['.', ':']);
        first = false;
        offset += part.len();
    }
    Ok(())
}

/// An IPv6 address in IOS's spelling (compressed, upper case).
pub fn parse_ipv6(tok: &str) -> Option<String> {
    if tok.len() > 45 {
        return None;
    }
    let a: std::net::Ipv6Addr = tok.parse().ok()?;
    Some(a.to_string().to_ascii_uppercase())
}

/// An IPv6 prefix `ADDRESS/LEN` in IOS's spelling.
pub fn parse_ipv6_prefix(tok: &str) -> Option<String> {
    let (addr, len) = tok.split_once('/')?;
    let len = parse_range(len, 0, 128)?;
    Some(format!("{}/{len}", parse_ipv6(addr)?))
}

/// Resolves an interface type abbreviation (case-insensitive).
pub fn interface_type(abbrev: &str) -> Option<usize> {
    if abbrev.is_empty() {
        return None;
    }
    let lower = abbrev.to_ascii_lowercase();
    if let Some(i) = INTERFACE_TYPES
        .iter()
        .position(|t| t.to_ascii_lowercase() == lower)
    {
        return Some(i);
    }
    if let Some((_, full)) = INTERFACE_SHORT.iter().find(|(s, _)| *s == lower) {
        return INTERFACE_TYPES.iter().position(|t| t == full);
    }
    let mut found = INTERFACE_TYPES
        .iter()
        .enumerate()
        .filter(|(_, t)| t.to_ascii_lowercase().starts_with(&lower));
    match (found.next(), found.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// Parses an interface name written as one token (`gi0/1`) or, when `next`
/// is given, as a type and a number in two tokens (`GigabitEthernet 0/1`).
/// Returns the name and how many tokens it used.
pub fn parse_interface(tok: &str, next: Option<&str>) -> Option<(InterfaceName, usize)> {
    let split = tok.find(|c: char| c.is_ascii_digit()).unwrap_or(tok.len());
    let (ty, num) = tok.split_at(split);
    let type_index = interface_type(ty)?;
    if !num.is_empty() {
        return is_interface_number(num).then(|| {
            (
                InterfaceName {
                    type_index,
                    number: num.to_owned(),
                },
                1,
            )
        });
    }
    let num = next?;
    is_interface_number(num).then(|| {
        (
            InterfaceName {
                type_index,
                number: num.to_owned(),
            },
            2,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_addresses() {
        assert_eq!(
            ParamKind::from_pattern("<1-300>"),
            Some(ParamKind::Range(1, 300))
        );
        assert_eq!(ParamKind::from_pattern("<3-1>"), None);
        assert_eq!(parse_range("060", 1, 300), Some(60));
        assert_eq!(parse_range("0", 1, 300), None);
        assert_eq!(parse_range("301", 1, 300), None);
        assert_eq!(parse_range("-1", 1, 300), None);
        assert_eq!(parse_range("99999999999999999999999", 1, 300), None);
        assert_eq!(parse_ipv4("10.0.0.1"), Some("10.0.0.1".into()));
        assert_eq!(parse_ipv4("010.0.0.1"), Some("10.0.0.1".into()));
        assert_eq!(parse_ipv4("10.0.0.256"), None);
        assert_eq!(parse_ipv4("10.0.0"), None);
        assert_eq!(parse_ipv4("10.0.0.1.1"), None);
    }

    #[test]
    fn interface_names_normalise() {
        let canon =
            |t: &str, n: Option<&str>| parse_interface(t, n).map(|(i, used)| (i.canonical(), used));
        assert_eq!(canon("lo113", None), Some(("Loopback113".into(), 1)));
        assert_eq!(canon("gi1", None), Some(("GigabitEthernet1".into(), 1)));
        assert_eq!(
            canon("Gi0/0/1.100", None),
            Some(("GigabitEthernet0/0/1.100".into(), 1))
        );
        assert_eq!(
            canon("GigabitEthernet", Some("2")),
            Some(("GigabitEthernet2".into(), 2))
        );
        assert_eq!(
            canon("te1/1", None),
            Some(("TenGigabitEthernet1/1".into(), 1))
        );
        assert_eq!(canon("po10", None), Some(("Port-channel10".into(), 1)));
        assert_eq!(canon("vlan100", None), Some(("Vlan100".into(), 1)));
        assert_eq!(canon("fa0/1", None), Some(("FastEthernet0/1".into(), 1)));
        assert_eq!(canon("x1", None), None);
        assert_eq!(canon("gi1//2", None), None);
        assert_eq!(canon("gi1/", None), None);
        assert_eq!(canon("gi", None), None);
    }

    #[test]
    fn interfaces_sort_like_ios() {
        let key = |t: &str| {
            parse_interface(t, None)
                .map(|(i, _)| i.sort_key())
                .unwrap_or_default()
        };
        assert!(key("Loopback0") < key("GigabitEthernet1"));
        assert!(key("GigabitEthernet2") < key("GigabitEthernet10"));
        assert!(key("GigabitEthernet0/1") < key("GigabitEthernet0/1.10"));
        assert!(key("GigabitEthernet10") < key("Vlan1"));
        assert!(key("GigabitEthernet0/0/1") < key("GigabitEthernet0"));
        assert!(key("GigabitEthernet0/0") < key("GigabitEthernet1/0/1"));
    }
}
