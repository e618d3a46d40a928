use super::show::PART;
use super::*;
use ironconf_ios::apply::load;

fn parse(text: &str) -> Vec<Interface> {
    let cat = ironconf_ios::catalogue::Catalogue::builtin();
    let (cfg, unknown) = load(&cat, text);
    assert!(unknown.is_empty(), "{unknown:?}");
    interfaces(&cfg)
}

const CONFIG: &str = "interface Loopback0\n ip address 10.0.0.1 255.255.255.255\n\
interface GigabitEthernet2\n shutdown\n\
interface GigabitEthernet1\n description uplink to core\n ip address 192.0.2.1 255.255.255.0\n\
interface GigabitEthernet3\n ip unnumbered Loopback0\n\
interface GigabitEthernet4\n ip address dhcp\n\
interface GigabitEthernet5\n no ip address\n";

#[test]
fn brief_lists_every_interface_in_ios_order_and_columns() {
    let startup = parse(CONFIG);
    let running = parse(&CONFIG.replace("192.0.2.1", "192.0.2.9"));
    assert_eq!(
        show_ip_interface_brief(&brief_rows(&running, &startup)),
        "Interface              IP-Address      OK? Method Status                Protocol\n\
             GigabitEthernet1       192.0.2.9       YES manual up                    up\n\
             GigabitEthernet2       unassigned      YES unset  administratively down down\n\
             GigabitEthernet3       10.0.0.1        YES unset  up                    up\n\
             GigabitEthernet4       unassigned      YES DHCP   up                    up\n\
             GigabitEthernet5       unassigned      YES NVRAM  up                    up\n\
             Loopback0              10.0.0.1        YES NVRAM  up                    up\n"
    );
}

#[test]
fn show_interfaces_describes_one_or_all() {
    let running = parse(CONFIG);
    let one =
        listing_entry(&running, "GigabitEthernet1", ListingKind::Interfaces).unwrap_or_default();
    assert!(
            one.starts_with("GigabitEthernet1 is up, line protocol is up \n  Hardware is Gigabit Ethernet, address is 0050.56"),
            "{one}"
        );
    assert!(one.contains("  Description: uplink to core\n  Internet address is 192.0.2.1/24\n  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, \n"), "{one}");
    assert_eq!(one.matches(" is up, line protocol").count(), 1);
    let all: String = Listing::new(Arc::new(running.clone()), ListingKind::Interfaces).collect();
    assert!(all.contains("GigabitEthernet2 is administratively down, line protocol is down \n"));
    assert!(all.contains("Loopback0 is up, line protocol is up \n  Hardware is Loopback\n  Internet address is 10.0.0.1/32\n  MTU 1514 bytes, BW 8000000 Kbit/sec"));
    assert!(all.contains("  Interface is unnumbered. Using address of Loopback0 (10.0.0.1)\n"));
    assert_eq!(all.matches("line protocol is").count(), 6);
    assert_eq!(
        listing_entry(&running, "GigabitEthernet9", ListingKind::Interfaces),
        None
    );
    // The same name gives the same address on every run and build
    // (pinned: a change of hash would change every emulated MAC).
    assert_eq!(mac("GigabitEthernet1"), "0050.56d4.0f2e");
    assert!(
        one.contains("address is 0050.56d4.0f2e (bia 0050.56d4.0f2e)"),
        "{one}"
    );
    assert_ne!(mac("GigabitEthernet1"), mac("GigabitEthernet2"));
}

#[test]
fn a_long_listing_comes_in_parts_that_end_with_an_entry() {
    let mut text = String::new();
    for n in 0..500 {
        text.push_str(&format!(
                "interface GigabitEthernet0/0/{n}\n description port {n}\n ip address 10.0.{}.{} 255.255.255.252\n",
                n / 64,
                (n % 64) * 4 + 1
            ));
    }
    text.push_str("interface Loopback0\n ip address 10.9.9.9 255.255.255.255\ninterface Tunnel9\n ip unnumbered Loopback0\n");
    let running = Arc::new(parse(&text));
    for kind in [ListingKind::Interfaces, ListingKind::IpInterface] {
        let parts: Vec<String> = Listing::new(running.clone(), kind).collect();
        assert!(parts.len() >= 5, "{} parts", parts.len());
        for p in &parts {
            assert!(p.len() < PART + 8 * 1024, "{}", p.len());
            assert!(p.ends_with('\n'));
        }
        let whole: String = parts.concat();
        // Every entry exactly once, in order, each whole within a part.
        let starts: Vec<&str> = whole
            .lines()
            .filter(|l| l.contains(", line protocol is "))
            .collect();
        assert_eq!(starts.len(), 502);
        assert!(starts[0].starts_with("GigabitEthernet0/0/0 is up"));
        assert!(starts[501].starts_with("Tunnel9 is up"));
        for p in &parts[1..] {
            assert!(
                p.starts_with("GigabitEthernet")
                    || p.starts_with("Loopback")
                    || p.starts_with("Tunnel"),
                "{}",
                &p[..40]
            );
        }
        for (n, name) in ["GigabitEthernet0/0/7", "Tunnel9"].iter().enumerate() {
            let one = listing_entry(&running, name, kind).unwrap_or_default();
            assert!(whole.contains(&one), "{kind:?} {n}");
        }
        assert!(whole.contains("Using address of Loopback0 (10.9.9.9)"));
    }
}
