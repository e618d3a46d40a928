"""netmiko over the shell, its output parsed by the ntc-templates TextFSM
templates (`use_textfsm=True`), values checked against the configuration."""
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
    dev = start(tmp_path, client_key, "ios-xe-16", extra=EXTRA + "ip route 0.0.0.0 0.0.0.0 192.0.2.254\nip route 172.16.0.0 255.255.0.0 192.0.2.253\n")
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="admin", password="cisco", fast_cli=False)
    try:
        routes = {(r["network"], r["prefix_length"]): r for r in parsed(c, "show ip route")}
        assert routes[("0.0.0.0", "0")]["protocol"] == "S"
        assert routes[("0.0.0.0", "0")]["nexthop_ip"] == "192.0.2.254"
        assert routes[("172.16.0.0", "16")]["nexthop_ip"] == "192.0.2.253"
        assert routes[("192.0.2.0", "24")]["protocol"] == "C"
        assert routes[("192.0.2.0", "24")]["nexthop_if"] == "GigabitEthernet1"
        assert routes[("192.0.2.1", "32")]["protocol"] == "L"
        assert routes[("10.113.0.1", "32")]["nexthop_if"] == "Loopback113"
    finally:
        c.disconnect()
        dev.proc.terminate()
        dev.proc.wait(timeout=10)


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
