"""A 50-device fleet (`ironconf fleet`) reached through its exported
inventories: an Ansible playbook (`cisco.ios.ios_command` over
`network_cli`) and a Nornir task (netmiko) on every device."""
import os
import pathlib
import socket
import subprocess
import sys

import pytest

from conftest import BINARY

ANSIBLE = pathlib.Path(sys.executable).with_name("ansible-playbook")
DEVICES = 50

INVENTORY = """
[defaults]
username = "ops"
password = "fleet-pw"

[[group]]
name = "edge"
count = 50
hostname = "edge-{{n:02}}"
addresses = "127.88.0.1"
port = {port}
startup = '''
hostname {{hostname}}
username {{username}} privilege 15 secret 9 {{password_hash}}
line vty 0 15
 login local
 transport input ssh
netconf ssh
lldp run
'''

[[link]]
a = "edge-01 GigabitEthernet1"
b = "edge-02 GigabitEthernet2"
"""

PLAY = """
- hosts: all
  gather_facts: false
  tasks:
    - cisco.ios.ios_command:
        commands:
          - show version
      register: shown
    - ansible.builtin.copy:
        content: "{{ shown.stdout[0] }}"
        dest: "{{ out }}/{{ inventory_hostname }}.txt"
      delegate_to: localhost
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fleet")
    inventory = tmp / "fleet.toml"
    inventory.write_text(INVENTORY.format(port=free_port()))
    proc = subprocess.Popen([BINARY, "fleet", "--inventory", str(inventory), "--state-dir", str(tmp / "state")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("fleet: "):
            assert line.startswith(f"fleet: {DEVICES} devices listening"), line
            break
    else:
        pytest.fail("the fleet did not start")

    def export(fmt):
        return subprocess.run([BINARY, "fleet", "--inventory", str(inventory), "inventory", "--format", fmt],
                              capture_output=True, text=True, check=True).stdout

    yield tmp, export
    proc.terminate()
    proc.wait(timeout=10)


def test_ansible_playbook_over_the_exported_inventory(fleet):
    tmp, export = fleet
    if not ANSIBLE.exists():
        pytest.fail(f"{ANSIBLE} missing: the test command installs ansible")
    inventory = tmp / "ansible.yml"
    inventory.write_text(export("ansible"))
    play = tmp / "play.yml"
    play.write_text(PLAY)
    out = tmp / "out"
    out.mkdir()
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1", ANSIBLE_FORKS="10",
               ANSIBLE_LOCAL_TEMP=str(tmp / "tmp"), ANSIBLE_HOME=str(tmp / "home"),
               ANSIBLE_PERSISTENT_COMMAND_TIMEOUT="60",
               PATH=f"{ANSIBLE.parent}:{os.environ.get('PATH', '')}")
    run = subprocess.run([str(ANSIBLE), "-i", str(inventory), str(play), "-e", f"out={out}"],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    shown = {p.stem: p.read_text() for p in out.glob("*.txt")}
    assert len(shown) == DEVICES
    for name, text in shown.items():
        assert f"{name} uptime is" in text, (name, text[:300])
        assert "Cisco IOS XE Software, Version 16.12.04" in text


def test_nornir_task_over_the_exported_inventory(fleet):
    from nornir import InitNornir
    from nornir_netmiko.tasks import netmiko_send_command

    tmp, export = fleet
    (tmp / "hosts.yaml").write_text(export("nornir"))
    (tmp / "groups.yaml").write_text("{}\n")
    (tmp / "defaults.yaml").write_text("{}\n")
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": 10}},
        inventory={"plugin": "SimpleInventory", "options": {
            "host_file": str(tmp / "hosts.yaml"), "group_file": str(tmp / "groups.yaml"),
            "defaults_file": str(tmp / "defaults.yaml")}},
        logging={"enabled": False},
    )
    assert len(nr.inventory.hosts) == DEVICES
    result = nr.run(task=netmiko_send_command, command_string="show running-config | include hostname")
    assert not result.failed, {h: str(r.exception) for h, r in result.items() if r.failed}
    for name, r in result.items():
        assert r[0].result.strip() == f"hostname {name}", (name, r[0].result)


def test_napalm_sees_the_inventory_links(fleet):
    from napalm import get_network_driver

    tmp, export = fleet
    row = next(line for line in export("csv").splitlines() if line.startswith("edge-01,"))
    name, group, address, port, user, password, profile = row.split(",")
    driver = get_network_driver("ios")
    with driver(address, user, password, optional_args={"port": int(port)}) as dev:
        assert dev.get_lldp_neighbors() == {"GigabitEthernet1": [{"hostname": "edge-02", "port": "Gi2"}]}
        detail = dev.get_lldp_neighbors_detail()
        (entry,) = detail["GigabitEthernet1"]
        assert (entry["remote_system_name"], entry["remote_port_description"]) == ("edge-02", "GigabitEthernet2")
