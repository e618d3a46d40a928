"""netmiko over the shell, its output parsed by the ntc-templates TextFSM
templates (`use_textfsm=True`), values checked against the configuration."""
from contextlib import contextmanager

import pytest
from netmiko import ConnectHandler

from conftest import start

EXTRA = (
    "ip name-server 192.0.2.53\n"
    "interface GigabitEthernet1\n description uplink\n ip address 192.0.2.1 255.255.255.0\n"
    "interface GigabitEthernet2\n shutdown\n"
)


@pytest.fixture
def conn(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra=EXTRA)
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="admin", password="cisco", fast_cli=False)
    yield c
    c.disconnect()
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


@contextmanager
def connected(tmp_path, client_key, profile, extra=""):
    """netmiko logged in to a device of `profile` started with `extra`."""
    dev = start(tmp_path, client_key, profile, extra=extra)
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="admin", password="cisco", fast_cli=False)
    try:
        yield c
    finally:
        c.disconnect()
        dev.proc.terminate()
        dev.proc.wait(timeout=10)


def parsed(c, command):
    rows = c.send_command(command, use_textfsm=True)
    assert isinstance(rows, list), f"{command}: not parsed: {rows!r}"
    return rows


def test_show_commands_parse_with_ntc_templates(conn):
    ver = parsed(conn, "show version")[0]
    assert ver["hostname"] == "interop"
    assert ver["version"] == "16.12.4"
    assert ver["serial"] == ["9ABCDEFGHIJ"]
    brief = {r["interface"]: r for r in parsed(conn, "show ip interface brief")}
    assert brief["GigabitEthernet1"]["ip_address"] == "192.0.2.1"
    assert brief["GigabitEthernet2"]["status"] == "administratively down"
    desc = {r["port"]: r for r in parsed(conn, "show interfaces description")}
    assert desc["Gi1"]["description"] == "uplink"
    assert desc["Gi2"]["status"] == "admin down"
    arp = parsed(conn, "show ip arp")
    assert [(r["ip_address"], r["interface"]) for r in arp] == [("192.0.2.1", "GigabitEthernet1")]
    ipint = {r["interface"]: r for r in parsed(conn, "show ip interface")}
    assert ipint["GigabitEthernet1"]["ip_address"] == ["192.0.2.1"]
    assert ipint["GigabitEthernet1"]["prefix_length"] == ["24"]


def test_show_ip_route_parses(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-xe-16", extra=EXTRA + "ip route 0.0.0.0 0.0.0.0 192.0.2.254\nip route 172.16.0.0 255.255.0.0 192.0.2.253\n") as c:
        routes = {(r["network"], r["prefix_length"]): r for r in parsed(c, "show ip route")}
        assert routes[("0.0.0.0", "0")]["protocol"] == "S"
        assert routes[("0.0.0.0", "0")]["nexthop_ip"] == "192.0.2.254"
        assert routes[("172.16.0.0", "16")]["nexthop_ip"] == "192.0.2.253"
        assert routes[("192.0.2.0", "24")]["protocol"] == "C"
        assert routes[("192.0.2.0", "24")]["nexthop_if"] == "GigabitEthernet1"
        assert routes[("192.0.2.1", "32")]["protocol"] == "L"
        assert routes[("10.113.0.1", "32")]["nexthop_if"] == "Loopback113"


def test_file_and_system_commands_parse(conn):
    conn.send_config_set(["archive", "path bootflash:arch"])
    conn.send_command("archive config")
    arch = parsed(conn, "show archive")[0]
    assert arch["filenames"] == ["bootflash:arch-0"]
    assert arch["next_filename"] == "bootflash:arch-1"
    files = {r["name"]: r for r in parsed(conn, "dir")}
    assert files["arch-0"]["file_system"] == "bootflash:/"
    assert int(files["arch-0"]["size"]) > 0
    # The template reads the rows without a default mark (as on its capture).
    fs = {r["prefixes"]: r for r in parsed(conn, "show file systems")}
    assert fs["nvram:"]["type"] == "nvram" and fs["nvram:"]["size"] == "33554432"
    assert {fs[p]["type"] for p in ("tftp:", "http:", "scp:")} == {"network"}
    raw = conn.send_command("show file systems")
    assert "*   7835619328 " in raw and raw.rstrip().count("disk     rw   bootflash: flash:") == 1
    cpu = parsed(conn, "show processes cpu")
    assert cpu[0]["cpu_usage_1_min"] == "1"


MORE = (
    "vrf definition MGMT\n rd 65000:1\n address-family ipv4\n exit-address-family\n"
    "interface GigabitEthernet3\n vrf forwarding MGMT\n ip address 172.16.0.1 255.255.255.0\n"
    " ipv6 address 2001:db8::3/64\n"
    "router bgp 65001\n bgp router-id 10.255.0.1\n neighbor 192.0.2.2 remote-as 65002\n"
    "snmp-server community public RO 10\n"
)


def test_more_show_commands_parse(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-xe-16", extra=EXTRA + MORE) as c:
        inv = {r["name"]: r for r in parsed(c, "show inventory")}
        assert inv["Chassis"]["pid"] == "CSR1000V" and inv["Chassis"]["sn"] == "9ABCDEFGHIJ"
        [vrf] = parsed(c, "show vrf")
        assert (vrf["name"], vrf["default_rd"], vrf["interfaces"]) == ("MGMT", "65000:1", ["Gi3"])
        [detail] = parsed(c, "show vrf detail")
        assert (detail["vrf"], detail["rd"], detail["interfaces"]) == ("MGMT", "65000:1", ["Gi3"])
        [peer] = parsed(c, "show ip bgp summary")
        assert (peer["router_id"], peer["local_as"], peer["bgp_neighbor"], peer["neighbor_as"]) == (
            "10.255.0.1", "65001", "192.0.2.2", "65002")
        assert peer["state_or_prefixes_received"] == "Active"
        [n] = parsed(c, "show ip bgp neighbors")
        assert (n["neighbor"], n["remote_as"], n["bgp_state"]) == ("192.0.2.2", "65002", "Active")
        v6 = {r["interface"]: r for r in parsed(c, "show ipv6 interface brief")}
        assert v6["GigabitEthernet3"]["ipv6_address"][1] == "2001:DB8::3"
        assert v6["GigabitEthernet2"]["admin"] == "administratively down"
        status = {r["port"]: r for r in parsed(c, "show interfaces status")}
        assert (status["Gi1"]["name"], status["Gi1"]["status"], status["Gi1"]["vlan_id"]) == (
            "uplink", "connected", "routed")
        assert status["Gi2"]["status"] == "disabled"
        mem = parsed(c, "show processes memory sorted")[0]
        assert mem["memory_total"] == "1988394688" and mem["process"][0] == "*Init*"
        [community] = parsed(c, "show snmp community")
        assert (community["name"], community["access_list_number"]) == ("public", "10")
        # No neighbor: nothing to parse, and netmiko hands back the text.
        out = c.send_command("show cdp neighbors", use_textfsm=True)
        assert isinstance(out, str) and "Total cdp entries displayed : 0" in out


def test_switch_show_commands_parse(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-12-switch", extra=(
        "vlan 10\n name users\n"
        "interface FastEthernet0/1\n switchport access vlan 10\n switchport mode access\n"
    )) as c:
        vlans = {r["vlan_id"]: r for r in parsed(c, "show vlan")}
        assert vlans["10"]["vlan_name"] == "users" and vlans["10"]["interfaces"] == ["Fa0/1"]
        assert vlans["1002"]["status"] == "act/unsup"
        macs = parsed(c, "show mac address-table")
        assert {m["destination_port"][0] for m in macs} == {"CPU"}


def test_interfaces_cpu_clock_and_users_parse(conn):
    ifs = {r["interface"]: r for r in parsed(conn, "show interfaces")}
    gi1 = ifs["GigabitEthernet1"]
    assert (gi1["link_status"], gi1["protocol_status"], gi1["description"]) == ("up", "up", "uplink")
    assert (gi1["ip_address"], gi1["prefix_length"], gi1["mtu"]) == ("192.0.2.1", "24", "1500")
    assert (gi1["duplex"], gi1["speed"], gi1["media_type"]) == ("Full Duplex", "1000Mbps", "Virtual")
    assert gi1["input_packets"] == "0" and gi1["output_errors"] == "0"
    assert ifs["GigabitEthernet2"]["link_status"] == "administratively down"
    cpu = parsed(conn, "show processes cpu")[0]
    assert (cpu["cpu_usage_5_sec"], cpu["cpu_usage_1_min"]) == ("1", "1")
    clock = parsed(conn, "show clock")[0]
    assert clock["timezone"] == "UTC" and len(clock["year"]) == 4
    users = parsed(conn, "show users")
    assert any(u["user"] == "admin" for u in users), users


# Each profile as its release and platform: (profile, netmiko's autodetect,
# ntc-templates' version, hardware, serial, image).
RELEASES = [
    ("ios-xe-16", "cisco_xe", "16.12.4", "CSR1000V", "9ABCDEFGHIJ", "bootflash:packages.conf"),
    ("ios-15", "cisco_ios", "15.7(3)M4", "CISCO2901/K9", "FTX1840ALBY",
     "flash:c2900-universalk9-mz.SPA.157-3.M4.bin"),
    ("ios-12-switch", "cisco_ios", "12.2(55)SE12", "WS-C2960-24TT-L", "FOC1010X104",
     "flash:c2960-lanbasek9-mz.122-55.SE12.bin"),
]


@pytest.mark.parametrize("profile,detected,version,hardware,serial,image", RELEASES)
def test_each_profile_is_detected_and_parsed_as_its_release(
        tmp_path, client_key, monkeypatch, profile, detected, version, hardware, serial, image):
    from netmiko import SSHDetect, ssh_autodetect
    # netmiko's candidates that read `show version`, in its order: the
    # others send other vendors' commands, which the device refuses (and
    # whose patterns match no refusal) after seconds of waiting each.
    monkeypatch.setattr(ssh_autodetect, "SSH_MAPPER_BASE", [
        (name, probe) for name, probe in ssh_autodetect.SSH_MAPPER_BASE
        if probe["cmd"] == "show version"])
    dev = start(tmp_path, client_key, profile)
    try:
        guess = SSHDetect(device_type="autodetect", host="127.0.0.1", port=dev.port,
                          username="admin", password="cisco")
        assert guess.autodetect() == detected
        c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                           username="admin", password="cisco", fast_cli=False)
        try:
            ver = parsed(c, "show version")[0]
            assert ver["hostname"] == "interop"
            assert ver["version"] == version
            assert ver["hardware"] == [hardware]
            assert ver["serial"] == [serial]
            assert ver["running_image"] == image.split(":", 1)[1] or ver["running_image"] == image
            inv = {r["name"]: r for r in parsed(c, "show inventory")}
            assert any(r["pid"] == hardware and r["sn"] == serial for r in inv.values()), inv
        finally:
            c.disconnect()
    finally:
        dev.proc.terminate()
        dev.proc.wait(timeout=10)


def test_extended_ping_dialogue_and_ip_access_lists(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-15", extra=(
        "ip access-list extended MGMT\n permit tcp any host 192.0.2.1 eq 22\n deny ip any any log\n"
        "access-list 10 permit 10.0.0.0 0.0.0.255\n"
    )) as c:
        # `ping` alone asks, one question at a time, as IOS does; Enter
        # takes the default in brackets.
        out = c.send_command_timing("ping", strip_prompt=False, strip_command=False)
        assert out.endswith("Protocol [ip]: ")
        for answer, question in [("", "Target IP address: "), ("10.113.0.1", "Repeat count [5]: "),
                                 ("3", "Datagram size [100]: "), ("", "Timeout in seconds [2]: "),
                                 ("", "Extended commands [n]: "),
                                 ("", "Sweep range of sizes [n]: ")]:
            out = c.send_command_timing(answer, strip_prompt=False, strip_command=False)
            assert out.endswith(question), out
        out = c.send_command_timing("", strip_prompt=False, strip_command=False)
        assert "Sending 3, 100-byte ICMP Echos to 10.113.0.1, timeout is 2 seconds:\n!!!\n" in out
        assert "Success rate is 100 percent (3/3)" in out
        # An empty target is refused as IOS refuses it.
        c.send_command_timing("ping", strip_prompt=False, strip_command=False)
        c.send_command_timing("", strip_prompt=False, strip_command=False)
        out = c.send_command_timing("", strip_prompt=False, strip_command=False)
        assert "% Bad IP address" in out
        rows = parsed(c, "show ip access-lists")
        got = [(r["acl_type"], r["acl_name"], r["line_num"], r["action"], r["protocol"],
                r["src_any"], r["src_network"], r["src_wildcard"], r["dst_host"], r["dst_port"],
                r["log"]) for r in rows if r["line_num"]]
        assert got == [
            ("Standard", "10", "10", "permit", "", "", "10.0.0.0", "0.0.0.255", "", "", ""),
            ("Extended", "MGMT", "10", "permit", "tcp", "any", "", "", "192.0.2.1", "22", ""),
            ("Extended", "MGMT", "20", "deny", "ip", "any", "", "", "", "", "log"),
        ], got
        only = parsed(c, "show ip access-lists MGMT")
        assert {r["acl_name"] for r in only} == {"MGMT"}


def test_ipv6_and_per_source_routes_parse(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-xe-16", extra=(
        "interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n ipv6 address 2001:db8::1/64\n"
        "interface GigabitEthernet2\n shutdown\n ipv6 address 2001:db8:2::1/64\n"
        "ip route 172.20.0.0 255.255.0.0 192.0.2.253\n"
    )) as c:
        v6 = {(r["protocol"], r["network"]): r for r in parsed(c, "show ipv6 route")}
        assert set(v6) == {("C", "2001:DB8::/64"), ("L", "2001:DB8::1/128"), ("L", "FF00::/8")}
        assert v6[("C", "2001:DB8::/64")]["nexthop_if"] == "GigabitEthernet1"
        assert (v6[("L", "FF00::/8")]["distance"], v6[("L", "FF00::/8")]["nexthop_if"]) == ("0", "Null0")
        static = parsed(c, "show ip route static")
        assert [(r["protocol"], r["network"], r["prefix_length"], r["nexthop_ip"]) for r in static] == [
            ("S", "172.20.0.0", "16", "192.0.2.253")]
        on_link = parsed(c, "show ip route connected")
        assert {(r["protocol"], r["network"]) for r in on_link} >= {("C", "192.0.2.0"), ("L", "192.0.2.1")}
        assert all(r["protocol"] in ("C", "L") for r in on_link)
        # No neighbour heard: the template reads the table, and it is empty
        # (netmiko hands back the text when a template finds no row).
        from ntc_templates.parse import parse_output
        raw = c.send_command("show ipv6 neighbors")
        assert raw.startswith("IPv6 Address ")
        assert parse_output(platform="cisco_ios", command="show ipv6 neighbors", data=raw) == []


def test_hsrp_groups_parse(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-15", extra=(
        "interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n"
        " standby 1 ip 192.0.2.254\n standby 1 priority 110\n standby 1 preempt\n"
        "interface GigabitEthernet0/1\n shutdown\n standby 20 ip 198.51.100.1\n"
    )) as c:
        brief = [(r["interface"], r["group"], r["priority"], r["preempt"], r["state"], r["active"],
                  r["virtual_ip_address"]) for r in parsed(c, "show standby brief")]
        assert brief == [("Gi0/0", "1", "110", "P", "Active", "local", "192.0.2.254"),
                         ("Gi0/1", "20", "100", " ", "Init", "unknown", "198.51.100.1")], brief
        full = {r["group"]: r for r in parsed(c, "show standby")}
        assert (full["1"]["interface"], full["1"]["state"], full["1"]["virtual_ip"]) == (
            "GigabitEthernet0/0", "Active", "192.0.2.254")
        assert (full["1"]["priority"], full["1"]["preemption"], full["1"]["active_router"]) == (
            "110", "enabled", "local")
        assert full["1"]["active_virtual_mac"] == "0000.0c07.ac01"
        assert (full["20"]["state"], full["20"]["active_router"]) == ("Init", "unknown")


def test_route_summary_parses(tmp_path, client_key):
    with connected(tmp_path, client_key, "ios-xe-16", extra=(
        "interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n"
        "ip route 0.0.0.0 0.0.0.0 192.0.2.254\nip route 172.20.0.0 255.255.0.0 192.0.2.253\n"
        "router bgp 65001\n neighbor 192.0.2.2 remote-as 65002\n"
    )) as c:
        rows = {r["route_source"]: r for r in parsed(c, "show ip route summary")}
        assert (rows["static"]["networks"], rows["static"]["subnets"]) == ("2", "0")
        assert rows["bgp 65001"]["networks"] == "0"
        assert rows["Total"]["subnets"] == rows["connected"]["subnets"]
        assert int(rows["connected"]["networks"]) + int(rows["connected"]["subnets"]) > 0
