//! What an IOS device's `show` commands report, derived from its
//! configuration alone: the interface table, the routing table, BGP, the
//! services (VRFs, NTP, SNMP, VLANs), LLDP and CDP neighbours as told, and
//! the emulated platform. Nothing here sees a device: each function takes
//! the configuration (or what was derived from it) and returns values or
//! text, so every northbound view derives the same state the same way.

use ironconf_ios::config::{Config, Item};

pub mod bgp;
pub mod interfaces;
pub mod neighbors;
pub mod platform;
pub mod routes;
pub mod routes6;
pub mod services;
pub mod standby;

/// The lines of a top-level section whose header starts with `prefix`:
/// (header, [(depth, text)]).
pub(crate) fn sections<'a>(
    cfg: &'a Config,
    prefix: &'a str,
) -> impl Iterator<Item = (&'a str, Vec<(usize, &'a str)>)> + 'a {
    cfg.items().filter_map(move |item| match item {
        Item::Section { header, body } if header.text.starts_with(prefix) => Some((
            &*header.text,
            body.lines().map(|l| (l.depth, l.text)).collect(),
        )),
        _ => None,
    })
}

/// Single lines of the configuration starting with `prefix` (list groups
/// included).
pub(crate) fn lines_with<'a>(cfg: &'a Config, prefix: &'a str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for item in cfg.items() {
        match item {
            Item::Line(l) if l.text.starts_with(prefix) => out.push(&*l.text),
            Item::List { group, body, .. }
                if prefix.starts_with(&**group) || group.starts_with(prefix) =>
            {
                out.extend(
                    body.lines()
                        .map(|l| l.text)
                        .filter(|t| t.starts_with(prefix)),
                );
            }
            _ => {}
        }
    }
    out
}
