"""Ansible `cisco.ios` over `network_cli` (paramiko), as a network
automation team runs it: `ios_facts` with every legacy subset, `ios_command`
and `ios_config` (idempotent: the second run changes nothing), privilege
through `become` with the enable secret."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import start

ANSIBLE = pathlib.Path(sys.executable).with_name("ansible-playbook")

EXTRA = (
    "enable secret 0 s3cret\n"
    "interface GigabitEthernet1\n description uplink\n ip address 192.0.2.1 255.255.255.0\n"
    " ip address 198.18.0.1 255.255.255.0 secondary\n ipv6 address 2001:db8::1/64\n"
    "interface GigabitEthernet2\n shutdown\n"
    "lldp run\n"
)

PLAY = """
- hosts: r1
  gather_facts: false
  tasks:
    - cisco.ios.ios_facts:
        gather_subset: all
      register: facts
    - cisco.ios.ios_command:
        commands:
          - show version
          - show ip interface brief
      register: shown
    - cisco.ios.ios_config:
        parents: interface Loopback113
        lines:
          - description set by ansible
      register: first
    - cisco.ios.ios_config:
        parents: interface Loopback113
        lines:
          - description set by ansible
      register: second
    - cisco.ios.ios_config:
        lines:
          - ntp server 192.0.2.123
        save_when: modified
      register: ntp
    - ansible.builtin.copy:
        content: "{{ {'facts': facts.ansible_facts, 'shown': shown.stdout, 'first': first.changed,
                      'second': second.changed, 'ntp': ntp.changed, 'updates': first.updates}
                     | to_nice_json }}"
        dest: "{{ out }}"
      delegate_to: localhost
"""


@pytest.fixture
def results(tmp_path, client_key):
    if not ANSIBLE.exists():
        pytest.fail(f"{ANSIBLE} missing: the test command installs ansible")
    dev = start(tmp_path, client_key, "ios-xe-16", extra=EXTRA)
    try:
        yield play(tmp_path, dev, PLAY, user="viewer"), dev
    finally:
        dev.proc.terminate()
        dev.proc.wait(timeout=10)


def play(tmp_path, dev, text, user):
    """Runs the playbook `text` against `dev` as `user` (enable secret
    `s3cret`); what it wrote to `out`, once it succeeded."""
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        "all:\n  hosts:\n    r1:\n"
        "      ansible_host: 127.0.0.1\n"
        f"      ansible_port: {dev.port}\n"
        f"      ansible_user: {user}\n      ansible_password: cisco\n"
        "      ansible_connection: ansible.netcommon.network_cli\n"
        "      ansible_network_os: cisco.ios.ios\n"
        "      ansible_become: true\n      ansible_become_method: enable\n"
        "      ansible_become_password: s3cret\n"
    )
    book = tmp_path / "play.yml"
    book.write_text(text)
    out = tmp_path / "out.json"
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_HOME=str(tmp_path / "home"),
               ANSIBLE_PERSISTENT_COMMAND_TIMEOUT="60",
               PATH=f"{ANSIBLE.parent}:{os.environ.get('PATH', '')}")
    run = subprocess.run([str(ANSIBLE), "-i", str(inventory), str(book), "-e", f"out={out}"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return json.loads(out.read_text())


def test_facts_commands_and_idempotent_config(results):
    r, dev = results
    f = r["facts"]
    assert f["ansible_net_hostname"] == "interop"
    assert f["ansible_net_model"] == "CSR1000V"
    assert f["ansible_net_serialnum"] == "9ABCDEFGHIJ"
    assert f["ansible_net_version"] == "16.12.04"
    assert f["ansible_net_iostype"] == "IOS-XE"
    assert f["ansible_net_filesystems"] == ["bootflash:"]
    assert f["ansible_net_cpu_utilization"]["core"]["one_minute"] == 1
    assert round(f["ansible_net_memtotal_mb"]) == 1896
    assert "hostname interop" in f["ansible_net_config"]
    assert sorted(f["ansible_net_all_ipv4_addresses"]) == ["10.113.0.1", "192.0.2.1", "198.18.0.1"]
    assert f["ansible_net_all_ipv6_addresses"] == ["2001:DB8::1"]
    gi1 = f["ansible_net_interfaces"]["GigabitEthernet1"]
    assert (gi1["description"], gi1["mtu"], gi1["bandwidth"], gi1["duplex"], gi1["mediatype"]) == (
        "uplink", 1500, 1000000, "Full", "Virtual")
    assert {"address": "198.18.0.1", "subnet": "24"} in gi1["ipv4"]
    assert gi1["ipv6"] == [{"address": "2001:DB8::1", "subnet": "2001:DB8::/64"}]
    gi2 = f["ansible_net_interfaces"]["GigabitEthernet2"]
    assert (gi2["operstatus"], gi2["lineprotocol"]) == ("administratively down", "down")
    assert f["ansible_net_neighbors"] == {}
    version, brief = r["shown"]
    assert "Cisco IOS XE Software, Version 16.12.04" in version
    assert "GigabitEthernet1       192.0.2.1       YES" in brief
    # ios_config: a change, then none; the change is in running-config and,
    # with save_when: modified, in startup-config.
    assert r["first"] is True and r["second"] is False
    assert r["updates"] == ["interface Loopback113", "description set by ansible"]
    assert r["ntp"] is True
    saved = dev.startup()
    assert "ntp server 192.0.2.123\n" in saved
    assert " description set by ansible\n" in saved


RESOURCES_PLAY = """
- hosts: r1
  gather_facts: false
  tasks:
    - cisco.ios.ios_facts:
        gather_subset: min
        gather_network_resources: all
      register: facts
    - ansible.builtin.copy:
        content: "{{ facts.ansible_facts | to_nice_json }}"
        dest: "{{ out }}"
      delegate_to: localhost
"""


@pytest.mark.parametrize("profile,port", [
    ("ios-xe-16", "GigabitEthernet1"), ("ios-15", "GigabitEthernet0/0"),
    ("ios-12-switch", "GigabitEthernet0/1")])
def test_every_network_resource_is_gathered_on_each_profile(tmp_path, client_key, profile, port):
    if not ANSIBLE.exists():
        pytest.fail(f"{ANSIBLE} missing: the test command installs ansible")
    dev = start(tmp_path, client_key, profile, extra=(
        "enable secret 0 s3cret\n"
        f"interface {port}\n description uplink\n"
        "lldp run\nlacp system-priority 500\nntp server 192.0.2.123\n"
    ))
    try:
        r = play(tmp_path, dev, RESOURCES_PLAY, user="admin")["ansible_network_resources"]
        assert r["lacp"] == {"system": {"priority": 500}}
        assert r["hostname"] == {"hostname": "interop"}
        assert {"name": port, "receive": True, "transmit": True} in r["lldp_interfaces"]
        assert {"server": "192.0.2.123"} in r["ntp_global"]["servers"]
        assert {"name": port, "description": "uplink", "enabled": True} in [
            {k: i.get(k) for k in ("name", "description", "enabled")} for i in r["interfaces"]]
    finally:
        dev.proc.terminate()
        dev.proc.wait(timeout=10)
