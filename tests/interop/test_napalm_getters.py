"""NAPALM `ios` getters against the device, values checked against its
configuration."""
import pytest
from napalm import get_network_driver

from conftest import start


@pytest.fixture
def conn(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra=(
        "ip name-server 192.0.2.53\ninterface GigabitEthernet1\n description uplink\n"
        " ip address 192.0.2.1 255.255.255.0\nntp server 192.0.2.123\n"
        "snmp-server community public RO\nsnmp-server location lab\nsnmp-server contact ops\n"
    ))
    driver = get_network_driver("ios")
    c = driver(hostname="127.0.0.1", username="admin", password="cisco", timeout=30,
               optional_args={"port": dev.port})
    c.open()
    yield c
    c.close()
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def test_get_facts(conn):
    facts = conn.get_facts()
    assert facts["hostname"] == "interop"
    assert facts["fqdn"] == "interop.example.net"
    assert facts["vendor"] == "Cisco"
    assert facts["os_version"].startswith("Virtual XE Software")
    assert "Version 16.12.4" in facts["os_version"]
    assert facts["serial_number"] == "9ABCDEFGHIJ"
    assert facts["model"] == "CSR1000V"
    assert 0 <= facts["uptime"] < 3600
    assert "Loopback113" in facts["interface_list"]
    assert conn.is_alive()["is_alive"]


@pytest.mark.parametrize("profile,os_version,model,serial", [
    ("ios-15", "C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M4, RELEASE SOFTWARE (fc1)",
     "CISCO2901/K9", "FTX1840ALBY"),
    ("ios-12-switch",
     "C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)",
     "WS-C2960-24TT-L", "FOC1010X104"),
])
def test_get_facts_names_each_profiles_release(tmp_path, client_key, profile, os_version,
                                               model, serial):
    dev = start(tmp_path, client_key, profile)
    c = driver_for(dev)
    try:
        facts = c.get_facts()
        assert facts["os_version"] == os_version
        assert facts["model"] == model
        assert facts["serial_number"] == serial
        assert facts["hostname"] == "interop"
    finally:
        c.close()
        dev.proc.terminate()
        dev.proc.wait(timeout=10)


def test_get_interfaces_ip(conn):
    ips = conn.get_interfaces_ip()
    assert ips["Loopback113"] == {"ipv4": {"10.113.0.1": {"prefix_length": 32}}}
    assert ips["GigabitEthernet1"] == {"ipv4": {"192.0.2.1": {"prefix_length": 24}}}


def test_get_environment(conn):
    env = conn.get_environment()
    assert env["cpu"][0]["%usage"] == 1.0
    assert env["memory"]["available_ram"] == 1988394688 + 6295128
    assert env["memory"]["used_ram"] == 265487072 + 6294304


def test_get_arp_table(conn):
    arp = conn.get_arp_table()
    assert [(e["ip"], e["interface"], e["age"]) for e in arp] == [("192.0.2.1", "GigabitEthernet1", -1.0)]
    assert arp[0]["mac"].count(":") == 5


def test_interfaces_users_ntp_snmp_and_instances(conn):
    ifs = conn.get_interfaces()
    gi = ifs["GigabitEthernet1"]
    assert (gi["is_enabled"], gi["is_up"], gi["description"], gi["mtu"], gi["speed"]) == (
        True, True, "uplink", 1500, 1000.0)
    assert gi["mac_address"].count(":") == 5
    assert set(conn.get_interfaces_counters()) >= {"GigabitEthernet1", "Loopback113"}
    users = conn.get_users()
    assert users["admin"]["level"] == 15 and users["viewer"]["level"] == 1
    assert conn.get_ntp_servers() == {"192.0.2.123": {}}
    snmp = conn.get_snmp_information()
    assert snmp["chassis_id"] == "9ABCDEFGHIJ"
    assert snmp["community"] == {"public": {"mode": "ro", "acl": "N/A"}}
    assert (snmp["contact"], snmp["location"]) == ("ops", "lab")
    inst = conn.get_network_instances()
    assert set(inst["default"]["interfaces"]["interface"]) >= {"GigabitEthernet1", "Loopback113"}
    assert conn.get_lldp_neighbors() == {}
    config = conn.get_config()
    assert "hostname interop" in config["running"]


def test_ping_and_traceroute(conn):
    own = conn.ping("192.0.2.1", count=3)
    assert own["success"]["probes_sent"] == 3 and own["success"]["packet_loss"] == 0
    assert own["success"]["rtt_avg"] == 1.0
    away = conn.ping("198.51.100.7", count=5)
    assert away["success"]["probes_sent"] == 5 and away["success"]["packet_loss"] == 5
    trace = conn.traceroute("192.0.2.1")
    assert trace["success"][1]["probes"][1]["ip_address"] == "192.0.2.1"


ROUTING = (
    "vrf definition MGMT\n rd 65000:1\n address-family ipv4\n exit-address-family\n"
    "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
    "interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n"
    "interface GigabitEthernet2\n vrf forwarding MGMT\n ip address 172.16.0.1 255.255.255.0\n"
    "router bgp 65001\n neighbor 192.0.2.2 remote-as 65002\n neighbor 192.0.2.2 description isp-a\n"
    " neighbor 203.0.113.9 remote-as 65001\n neighbor 203.0.113.9 shutdown\n"
    "ip route 0.0.0.0 0.0.0.0 192.0.2.254\nip route 172.20.0.0 255.255.0.0 192.0.2.253 5\n"
    "ip route vrf MGMT 10.99.0.0 255.255.0.0 172.16.0.254\n"
    "lldp run\n"
)


def driver_for(dev):
    c = get_network_driver("ios")(hostname="127.0.0.1", username="admin", password="cisco",
                                  timeout=30, optional_args={"port": dev.port})
    c.open()
    return c


@pytest.fixture
def routing(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra=ROUTING)
    c = driver_for(dev)
    yield c
    c.close()
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def test_get_bgp_neighbors(routing):
    bgp = routing.get_bgp_neighbors()
    assert set(bgp) == {"global"}
    assert bgp["global"]["router_id"] == "10.255.0.1"
    peers = bgp["global"]["peers"]
    isp = peers["192.0.2.2"]
    assert (isp["local_as"], isp["remote_as"], isp["description"]) == (65001, 65002, "isp-a")
    assert (isp["is_up"], isp["is_enabled"], isp["uptime"]) == (False, True, -1)
    assert isp["address_family"]["ipv4 unicast"]["accepted_prefixes"] == -1
    assert peers["203.0.113.9"]["is_enabled"] is False


def test_get_bgp_neighbors_detail(routing):
    detail = routing.get_bgp_neighbors_detail()
    peers = {p["remote_address"]: p for p in detail["global"][65002]}
    isp = peers["192.0.2.2"]
    assert (isp["local_as"], isp["remote_as"], isp["up"]) == (65001, 65002, False)
    # Not established: no router ID learned yet, trying to connect.
    assert (isp["router_id"], isp["connection_state"]) == ("0.0.0.0", "Active")
    assert isp["routing_table"] == "global"
    internal = {p["remote_address"]: p for p in detail["global"][65001]}
    assert (internal["203.0.113.9"]["remote_as"], internal["203.0.113.9"]["connection_state"]) == (
        65001, "Idle")
    only = routing.get_bgp_neighbors_detail("192.0.2.2")
    assert [p["remote_address"] for p in only["global"][65002]] == ["192.0.2.2"]


def test_get_route_to_and_network_instances(routing):
    routes = routing.get_route_to("172.20.1.1")
    [static] = routes["172.20.0.0/16"]
    assert (static["protocol"], static["next_hop"], static["preference"]) == ("static", "192.0.2.253", 0)
    assert static["routing_table"] == "default"
    connected = routing.get_route_to("192.0.2.0/24")["192.0.2.0/24"]
    assert [(r["protocol"], r["outgoing_interface"]) for r in connected] == [("connected", "GigabitEthernet1")]
    in_vrf = routing.get_route_to("10.99.1.1")
    assert [r["routing_table"] for r in in_vrf["10.99.0.0/16"]] == ["MGMT"]
    inst = routing.get_network_instances()
    assert inst["MGMT"]["state"]["route_distinguisher"] == "65000:1"
    assert set(inst["MGMT"]["interfaces"]["interface"]) == {"GigabitEthernet2"}
    assert "GigabitEthernet2" not in inst["default"]["interfaces"]["interface"]
    assert routing.get_lldp_neighbors() == {}


def test_get_vlans_on_a_switch(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-12-switch", extra=(
        "vlan 10\n name users\nvlan 20\n"
        "interface FastEthernet0/1\n switchport access vlan 10\n switchport mode access\n"
        "interface FastEthernet0/2\n switchport mode access\n"
    ))
    c = driver_for(dev)
    try:
        # NAPALM's `show vlan all-ports` path keys VLANs by their text.
        vlans = c.get_vlans()
        assert vlans["1"] == {"name": "default", "interfaces": ["FastEthernet0/2"]}
        assert vlans["10"] == {"name": "users", "interfaces": ["FastEthernet0/1"]}
        assert vlans["20"] == {"name": "VLAN0020", "interfaces": []}
    finally:
        c.close()
        dev.proc.terminate()
        dev.proc.wait(timeout=10)
