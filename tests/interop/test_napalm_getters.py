"""NAPALM `ios` getters against the device, values checked against its
configuration."""
import pytest
from napalm import get_network_driver

from conftest import start


@pytest.fixture
def conn(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra="ip name-server 192.0.2.53\n")
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
