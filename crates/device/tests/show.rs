//! The show commands automation reads, derived from the configuration.

use ironconf_device::exec::{ExecCaller, ExecOutput, run};
use ironconf_device::{Device, Profile};

const CONFIG: &str = "hostname R1
vrf definition MGMT
 rd 65000:1
 address-family ipv4
 exit-address-family
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
interface GigabitEthernet1
 description uplink
 ip address 192.0.2.1 255.255.255.0
 ip address 198.18.0.1 255.255.255.0 secondary
 ipv6 address 2001:db8::1/64
interface GigabitEthernet2
 vrf forwarding MGMT
 ip address 172.16.0.1 255.255.255.0
interface GigabitEthernet3
 shutdown
router bgp 65001
 bgp log-neighbor-changes
 neighbor 192.0.2.2 remote-as 65002
 neighbor 192.0.2.2 description isp-a
 neighbor 203.0.113.9 remote-as 65001
ip route 0.0.0.0 0.0.0.0 192.0.2.254
ip route vrf MGMT 10.99.0.0 255.255.0.0 172.16.0.254
ntp server 192.0.2.123
snmp-server community public RO
snmp-server location lab
snmp-server contact ops
lldp run
";

fn device(profile: &str) -> Device {
    let p = Profile::by_name(profile).unwrap_or_default();
    Device::in_memory(p, CONFIG).0
}

fn show(dev: &Device, line: &str) -> ExecOutput {
    let caller = ExecCaller {
        session: None,
        user: "admin".into(),
        privilege: 15,
        line: None,
    };
    run(dev, &caller, line)
}

fn ok(dev: &Device, line: &str) -> String {
    let out = show(dev, line);
    assert!(out.ok, "{line}: {}", out.text);
    out.text
}

#[test]
fn routes_per_table_and_per_prefix() {
    let d = device("ios-xe-16");
    let global = ok(&d, "show ip route");
    assert!(
        global.contains("S*    0.0.0.0/0 [1/0] via 192.0.2.254\n"),
        "{global}"
    );
    assert!(!global.contains("172.16.0.0"), "{global}");
    let vrf = ok(&d, "show ip route vrf MGMT");
    assert!(vrf.starts_with("\nRouting Table: MGMT\nCodes:"), "{vrf}");
    assert!(
        vrf.contains("C        172.16.0.0/24 is directly connected, GigabitEthernet2\n"),
        "{vrf}"
    );
    assert!(
        vrf.contains(
            "      10.0.0.0/16 is subnetted, 1 subnets\nS        10.99.0.0 [1/0] via 172.16.0.254\n"
        ),
        "{vrf}"
    );
    let entry = ok(&d, "show ip route 192.0.2.77");
    assert_eq!(
        entry,
        "Routing entry for 192.0.2.0/24\n  Known via \"connected\", distance 0, metric 0 (connected, via interface)\n  Routing Descriptor Blocks:\n  * directly connected, via GigabitEthernet1\n      Route metric is 0, traffic share count is 1\n"
    );
    let def = ok(&d, "show ip route 8.8.8.8");
    assert!(def.starts_with("Routing entry for 0.0.0.0/0, supernet\n  Known via \"static\", distance 1, metric 0, candidate default path\n"), "{def}");
    assert!(def.contains("  * 192.0.2.254\n"), "{def}");
    let none = show(&d, "show ip route vrf MGMT 8.8.8.8");
    assert_eq!(none.text, "% Network not in table\n");
    assert_eq!(
        show(&d, "show ip route 192.0.2.0 255.255.0.0").text,
        "% Subnet not in table\n"
    );
    assert_eq!(
        show(&d, "show ip route vrf NOPE").text,
        "% IP routing table NOPE does not exist\n"
    );
}

#[test]
fn bgp_summary_and_neighbors() {
    let d = device("ios-xe-16");
    let sum = ok(&d, "show ip bgp summary");
    assert!(
        sum.starts_with("BGP router identifier 10.255.0.1, local AS number 65001\n"),
        "{sum}"
    );
    assert!(
        sum.contains(
            "192.0.2.2       4        65002       0       0        1    0    0 never    Active\n"
        ),
        "{sum}"
    );
    assert!(
        sum.contains(
            "203.0.113.9     4        65001       0       0        1    0    0 never    Idle\n"
        ),
        "{sum}"
    );
    let all = ok(&d, "show bgp all summary");
    assert!(
        all.starts_with("For address family: IPv4 Unicast\nBGP router identifier"),
        "{all}"
    );
    let n = ok(&d, "show ip bgp neighbors 192.0.2.2");
    assert!(n.starts_with("BGP neighbor is 192.0.2.2,  remote AS 65002, external link\n Description: isp-a\n  BGP version 4, remote router ID 0.0.0.0\n  BGP state = Active"), "{n}");
    let i = ok(&d, "show bgp ipv4 unicast neighbors 203.0.113.9");
    assert!(i.contains("remote AS 65001, internal link\n"), "{i}");
    assert_eq!(ok(&d, "show bgp ipv6 unicast neighbors"), "");
    assert!(!show(&d, "show ip bgp neighbors 1.2.3.4").ok);
    let bare = Device::in_memory(Profile::default(), "hostname R2\n").0;
    assert_eq!(
        show(&bare, "show ip bgp summary").text,
        "% BGP not active\n"
    );
}

#[test]
fn services_vrfs_and_neighbors_discovery() {
    let d = device("ios-xe-16");
    let vrf = ok(&d, "show vrf");
    assert_eq!(
        vrf,
        "  Name                             Default RD            Protocols   Interfaces\n  MGMT                             65000:1               ipv4        Gi2\n"
    );
    let detail = ok(&d, "show vrf detail");
    assert!(
        detail.starts_with("VRF MGMT (VRF Id = 1); default RD 65000:1; default VPNID <not set>\n"),
        "{detail}"
    );
    assert!(detail.contains("  Interfaces:\n    Gi2\n"), "{detail}");
    let ntp = ok(&d, "show ntp associations");
    assert!(
        ntp.contains(" ~192.0.2.123     .INIT.          16"),
        "{ntp}"
    );
    assert!(ok(&d, "show ntp status").starts_with("Clock is unsynchronized, stratum 16"));
    let snmp = ok(&d, "show snmp");
    assert!(
        snmp.starts_with("Chassis: 9ABCDEFGHIJ\nContact: ops\nLocation: lab\n"),
        "{snmp}"
    );
    assert!(ok(&d, "show snmp community").contains("Community name: public\n"));
    assert!(ok(&d, "show lldp neighbors").contains("Total entries displayed: 0\n"));
    assert!(ok(&d, "show cdp neighbors").contains("Total cdp entries displayed : 0\n"));
    let bare = Device::in_memory(Profile::default(), "no cdp run\n").0;
    assert_eq!(
        show(&bare, "show cdp neighbors").text,
        "% CDP is not enabled\n"
    );
    assert_eq!(
        show(&bare, "show lldp neighbors").text,
        "% LLDP is not enabled\n"
    );
}

#[test]
fn interfaces_ipv6_status_and_hardware() {
    let d = device("ios-xe-16");
    let brief = ok(&d, "show ipv6 interface brief");
    assert!(
        brief.contains(
            "GigabitEthernet1       [up/up]\n    FE80::250:56FF:FED4:F2E\n    2001:DB8::1\n"
        ),
        "{brief}"
    );
    assert!(
        brief.contains("GigabitEthernet3       [administratively down/down]\n    unassigned\n"),
        "{brief}"
    );
    let full = ok(&d, "show ipv6 interface");
    assert!(full.starts_with("GigabitEthernet1 is up, line protocol is up\n  IPv6 is enabled, link-local address is FE80::250:56FF:FED4:F2E \n"), "{full}");
    assert!(
        full.contains("    2001:DB8::1, subnet is 2001:DB8::/64 \n"),
        "{full}"
    );
    assert_eq!(full.matches(" is up, line protocol").count(), 1);
    let ipint = ok(&d, "show ip interface GigabitEthernet1");
    assert!(
        ipint.contains("  Secondary address 198.18.0.1/24\n"),
        "{ipint}"
    );
    let vrfint = ok(&d, "show ip interface GigabitEthernet2");
    assert!(
        vrfint.contains("  VPN Routing/Forwarding \"MGMT\"\n"),
        "{vrfint}"
    );
    let status = ok(&d, "show interfaces status");
    assert!(
        status.contains(
            "\nGi1          uplink             connected    routed     a-full a-1000 Virtual\n"
        ),
        "{status}"
    );
    assert!(
        status.contains("\nGi3                             disabled     routed"),
        "{status}"
    );
    let ifs = ok(&d, "show interfaces GigabitEthernet1");
    assert!(ifs.contains("  Keepalive set (10 sec)\n  Full Duplex, 1000Mbps, link type is auto, media type is Virtual\n  output flow-control is unsupported, input flow-control is unsupported\n  ARP type"), "{ifs}");
    assert!(
        ifs.contains("     0 babbles, 0 late collision, 0 deferred\n"),
        "{ifs}"
    );
    assert!(ok(&d, "show inventory").starts_with("NAME: \"Chassis\", DESCR: \"Cisco CSR1000V Chassis\"\nPID: CSR1000V          , VID: V00  , SN: 9ABCDEFGHIJ\n"));
    assert!(ok(&d, "show platform").starts_with("Chassis type: CSR1000V"));
    assert!(ok(&d, "show environment all").starts_with("Number of Critical alarms:  0\n"));
    assert!(ok(&d, "show processes memory sorted").starts_with("Processor Pool Total: 1988394688"));
    let history = ok(&d, "show processes cpu history");
    assert!(history.contains("\n   0....5....1....1....2....2....3....3....4....4....5....5....6\n             0    5    0    5    0    5    0    5    0    5    0\n              CPU% per second (last 60 seconds)\n"), "{history}");
    assert!(
        history.contains("CPU% per hour (last 72 hours)\n"),
        "{history}"
    );
    let all = ok(&d, "show running-config all");
    assert!(
        all.contains("\n ip proxy-arp\n") && all.contains("hostname R1\n"),
        "{all}"
    );
}

#[test]
fn switch_commands_exist_on_a_switch_only() {
    let sw = Device::in_memory(
        Profile::by_name("ios-12-switch").unwrap_or_default(),
        "hostname SW1\nvlan 10\n name users\ninterface FastEthernet0/1\n switchport access vlan 10\n switchport mode access\ninterface FastEthernet0/2\n switchport mode access\n",
    )
    .0;
    let brief = ok(&sw, "show vlan brief");
    assert!(brief.contains("\n1    default                          active    Fa0/2\n10   users                            active    Fa0/1\n"), "{brief}");
    assert!(
        brief.contains("\n1002 fddi-default                     act/unsup\n"),
        "{brief}"
    );
    assert!(ok(&sw, "show vlan").contains("\nVLAN Type  SAID       MTU"));
    assert!(
        ok(&sw, "show mac address-table").contains("Total Mac Addresses for this criterion: 7\n")
    );
    assert!(!show(&sw, "show vlan id 99").ok);
    let router = device("ios-xe-16");
    let out = show(&router, "show vlan brief");
    assert!(
        !out.ok && out.text.contains("% Invalid input detected at '^' marker."),
        "{}",
        out.text
    );
}

/// Each profile is its release on its platform wherever that shows: the
/// software line parsers and autodetection read, the hardware, the image,
/// the inventory, and `show platform` only where IOS XE has it.
#[test]
fn each_profile_shows_its_own_release_and_platform() {
    let cases = [
        (
            "ios-xe-16",
            "Cisco IOS XE Software, Version 16.12.04\nCisco IOS Software [Gibraltar], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.4, RELEASE SOFTWARE (fc5)\n",
            "cisco CSR1000V (VXE) processor",
            "System image file is \"bootflash:packages.conf\"\n",
            "PID: CSR1000V          , VID: V00  , SN: 9ABCDEFGHIJ\n",
        ),
        (
            "ios-15",
            "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M4, RELEASE SOFTWARE (fc1)\n",
            "Cisco CISCO2901/K9 (revision 1.0) with 483328K/40960K bytes of memory.\nProcessor board ID FTX1840ALBY\n",
            "System image file is \"flash:c2900-universalk9-mz.SPA.157-3.M4.bin\"\n",
            "PID: CISCO2901/K9      , VID: V06  , SN: FTX1840ALBY\n",
        ),
        (
            "ios-12-switch",
            "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)\n",
            "cisco WS-C2960-24TT-L (PowerPC405) processor (revision B0) with 65536K bytes of memory.\nProcessor board ID FOC1010X104\nLast reset from power-on\n",
            "System image file is \"flash:c2960-lanbasek9-mz.122-55.SE12.bin\"\n",
            "PID: WS-C2960-24TT-L   , VID: V02  , SN: FOC1010X104\n",
        ),
    ];
    for (profile, first, hardware, image, inventory) in cases {
        let d = device(profile);
        let version = ok(&d, "show version");
        assert!(version.starts_with(first), "{profile}: {version}");
        assert!(version.contains(hardware), "{profile}: {version}");
        assert!(version.contains(image), "{profile}: {version}");
        assert!(version.contains("\nR1 uptime is "), "{profile}: {version}");
        assert_eq!(
            version.contains("IOS XE") || version.contains("IOS-XE"),
            profile == "ios-xe-16",
            "{profile}: {version}"
        );
        assert!(ok(&d, "show inventory").contains(inventory), "{profile}");
        let platform = show(&d, "show platform");
        assert_eq!(
            platform.ok,
            profile == "ios-xe-16",
            "{profile}: {}",
            platform.text
        );
    }
    // The switch counts its ports by kind, its VLAN interfaces as virtual.
    let switch = Device::in_memory(
        Profile::by_name("ios-12-switch").unwrap_or_default(),
        "hostname sw1\ninterface Vlan1\ninterface FastEthernet0/1\ninterface FastEthernet0/2\ninterface GigabitEthernet0/1\n",
    )
    .0;
    let version = ok(&switch, "show version");
    assert!(
        version.contains("1 Virtual Ethernet interface\n2 FastEthernet interfaces\n1 Gigabit Ethernet interface\n"),
        "{version}"
    );
    assert!(
        version.contains(
            "\n*    1 26    WS-C2960-24TT-L    12.2(55)SE12          C2960-LANBASEK9-M        \n"
        ),
        "{version}"
    );
    assert!(
        version.ends_with("\nConfiguration register is 0xF\n"),
        "{version}"
    );
    // Classic IOS has no `show platform`: its refusal points at the word.
    let refused = show(&switch, "show platform");
    assert!(
        refused
            .text
            .contains("% Invalid input detected at '^' marker."),
        "{}",
        refused.text
    );
}

#[test]
fn lldp_interface_takes_an_abbreviated_name() {
    let d = device("ios-xe-16");
    let one = ok(&d, "show lldp interface Gi1");
    assert_eq!(
        one,
        "\nGigabitEthernet1:\n    Tx: enabled\n    Rx: enabled\n    Tx state: IDLE\n    Rx state: WAIT FOR FRAME\n\n"
    );
}

#[test]
fn calendar_reads_to_the_second() {
    let d = device("ios-15");
    let text = ok(&d, "show calendar");
    let words: Vec<&str> = text.trim_end().split(' ').collect();
    let [time, zone, weekday, month, day, year] = words.as_slice() else {
        panic!("{text:?}");
    };
    let hms: Vec<&str> = time.split(':').collect();
    assert!(
        hms.len() == 3 && hms.iter().all(|p| p.len() == 2 && p.parse::<u8>().is_ok()),
        "{text:?}"
    );
    assert_eq!(*zone, "UTC");
    assert!(
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(weekday),
        "{text:?}"
    );
    assert!(
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
        ]
        .contains(month),
        "{text:?}"
    );
    assert!(
        day.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)) && year.len() == 4,
        "{text:?}"
    );
    assert!(text.ends_with('\n') && !text.starts_with('*'), "{text:?}");
}
