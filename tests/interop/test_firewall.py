"""The example appliance that embeds the device (crates/server/examples/firewall.rs),
driven by ncclient and OpenSSH exactly like the device: its configuration
section, its show command, its rpc operation, and its commit hook (which
refuses a rule that cuts off management and writes the rules it accepts to
a file)."""
import subprocess

import pytest
from ncclient import manager
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele

from conftest import FIREWALL, start

NS = "urn:ironconf:example:firewall"
BOOT_RULES = """firewall policy EDGE
 description edge filter
 rule 10 permit tcp any any eq 22
"""


@pytest.fixture
def appliance(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra=BOOT_RULES, command=[FIREWALL])
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def connect(dev):
    return manager.connect(
        host="127.0.0.1",
        port=dev.port,
        username="admin",
        password="cisco",
        hostkey_verify=False,
        look_for_keys=False,
        allow_agent=False,
        timeout=30,
    )


def rules_file(dev):
    return (dev.state / "firewall.rules").read_text()


def edit(m, *lines):
    body = "".join(f"<cmd>{l}</cmd>" for l in lines)
    return m.edit_config(target="running", config=f"<config><cli-config-data>{body}</cli-config-data></config>")


def text_of(reply, name):
    return "".join(e.text or "" for e in reply.data_ele.iter() if e.tag.split("}")[-1] == name)


def section(m):
    spec = "<config-format-text-cmd><text-filter-spec>| section firewall</text-filter-spec></config-format-text-cmd>"
    reply = m.get_config("running", filter=("subtree", spec))
    return [e.text for e in reply.data_ele.iter() if e.tag.split("}")[-1] == "cmd"]


def ssh(dev, command):
    return subprocess.run(
        [
            "ssh", "-p", str(dev.port), "-i", str(dev.key),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            "admin@127.0.0.1", command,
        ],
        capture_output=True, text=True, timeout=30,
    )


def test_boot_installs_the_startup_rules(appliance):
    assert rules_file(appliance) == "EDGE 10 permit tcp any any eq 22\n"


def test_rules_configured_over_netconf_are_installed_and_shown(appliance):
    with connect(appliance) as m:
        assert any(c.startswith(NS) for c in m.server_capabilities)
        edit(m, "firewall policy EDGE", " rule 20 deny udp any 10.0.0.0/8 eq 53")
        assert section(m) == [
            "firewall policy EDGE",
            " description edge filter",
            " rule 10 permit tcp any any eq 22",
            " rule 20 deny udp any 10.0.0.0/8 eq 53",
        ]
        assert rules_file(appliance) == (
            "EDGE 10 permit tcp any any eq 22\nEDGE 20 deny udp any 10.0.0.0/8 eq 53\n"
        )
        # The appliance's show command through oper-data-format-text-block.
        shown = text_of(
            m.get(filter=("subtree", "<oper-data-format-text-block><exec>show firewall</exec></oper-data-format-text-block>")),
            "response",
        )
        assert "Firewall policy EDGE: edge filter" in shown
        assert "   20 deny   udp   any                10.0.0.0/8         eq 53" in shown
        # Its rpc operation.
        reply = to_ele(m.dispatch(to_ele(f'<get-rules xmlns="{NS}"/>')).xml)
        seqs = [e.text for e in reply.iter() if e.tag == f"{{{NS}}}seq"]
        assert seqs == ["10", "20"]
        # `no rule` removes and uninstalls.
        edit(m, "firewall policy EDGE", " no rule 20")
        assert rules_file(appliance) == "EDGE 10 permit tcp any any eq 22\n"


def test_the_hook_refuses_a_rule_that_cuts_off_management(appliance):
    with connect(appliance) as m:
        before = section(m)
        with pytest.raises(RPCError) as e:
            edit(m, "firewall policy EDGE", " rule 15 permit icmp any any", " rule 30 deny ip any any")
        assert e.value.tag == "operation-failed"
        assert "rule 30 would block SSH and NETCONF" in str(e.value)
        # The whole change was rolled back, the rule before the refused one
        # included, and nothing was installed.
        assert section(m) == before
        assert rules_file(appliance) == "EDGE 10 permit tcp any any eq 22\n"
        # The session goes on.
        edit(m, "firewall policy EDGE", " rule 15 permit icmp any any")
        assert "EDGE 15 permit icmp any any" in rules_file(appliance)


def test_openssh_exec_channel_runs_the_show_command(appliance):
    r = ssh(appliance, "show firewall EDGE")
    assert r.returncode == 0, r.stderr
    assert r.stdout.replace("\r\n", "\n").startswith(
        "Firewall policy EDGE: edge filter\n    Seq Action Proto Source"
    )
    assert "   10 permit tcp   any                any                eq 22" in r.stdout
    r = ssh(appliance, "show firewall CORE")
    assert "% Firewall policy CORE does not exist" in r.stdout
