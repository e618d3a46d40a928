"""Values IOS refuses are refused over NETCONF (ncclient) and in the shell
(netmiko) alike, with IOS's messages; rollback-on-error leaves nothing."""
import pytest
from lxml import etree
from ncclient.operations.rpc import RPCError
from netmiko import ConnectHandler

from conftest import start
from test_ncclient import block, connect


@pytest.fixture
def std_device(tmp_path, client_key):
    """The standard profile: its rpc-errors carry IOS's message (the IOS
    profiles answer as IOS does, with the tag alone)."""
    dev = start(tmp_path, client_key, "standard")
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def said(err):
    """The whole rpc-error as text (its message may carry xml:lang)."""
    return etree.tostring(err.value.xml).decode()


def edit(m, *lines, option="rollback-on-error"):
    body = "".join(f"<cmd>{line}</cmd>" for line in lines)
    return m.edit_config(target="running", error_option=option,
                         config=f"<config><cli-config-data>{body}</cli-config-data></config>")


@pytest.mark.parametrize("line,message", [
    ("hostname " + "h" * 100, "% Invalid input detected at '^' marker."),
    ("interface Loopback2147483648", "% Invalid input detected at '^' marker."),
    ("username " + "u" * 5000 + " secret 0 x", "% Invalid input detected at '^' marker."),
    ("ip route 10.1.1.0 255.255.0.0 Null0", "%Inconsistent address and mask"),
])
def test_netconf_refuses_out_of_bounds_values(std_device, line, message):
    with connect(std_device) as m:
        before = block(m.get_config("running"))
        with pytest.raises(RPCError) as err:
            edit(m, "hostname changed", line)
        assert err.value.tag == "operation-failed"
        assert message in said(err)
        assert block(m.get_config("running")) == before


def test_netconf_refuses_bad_masks_and_long_descriptions(std_device):
    with connect(std_device) as m:
        before = block(m.get_config("running"))
        with pytest.raises(RPCError) as err:
            edit(m, "interface Loopback5", "ip address 10.0.0.1 255.0.255.0")
        assert "Bad mask 0xFF00FF00 for address 10.0.0.1" in said(err)
        with pytest.raises(RPCError):
            edit(m, "interface Loopback5", "description " + "d" * 1000)
        assert block(m.get_config("running")) == before
        # At the bounds, accepted and stored as typed.
        assert edit(m, "interface Loopback5", "description " + "d" * 240,
                    "ipv6 address 2001:db8::5/64").ok
        text = block(m.get_config("running"))
        assert " description " + "d" * 240 + "\n" in text
        assert " ipv6 address 2001:DB8::5/64\n" in text


def test_shell_prints_ios_messages(xe_device):
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=xe_device.port,
                       username="admin", password="cisco", fast_cli=False)
    try:
        out = c.send_config_set(["interface Loopback5", "ip address 10.0.0.1 255.0.255.0"])
        assert "Bad mask 0xFF00FF00 for address 10.0.0.1" in out
        out = c.send_config_set(["interface Loopback2147483648"])
        lines = out.splitlines()
        i = next(n for n, l in enumerate(lines) if "% Invalid input" in l)
        # The caret sits under the number's first digit.
        typed = next(l for l in lines if l.endswith("interface Loopback2147483648"))
        assert lines[i - 1].index("^") == typed.index("2147483648")
        out = c.send_config_set(["hostname bad_name!"])
        assert "% Hostname contains one or more illegal characters." in out
        assert c.find_prompt().startswith("bad_name!")
        run = c.send_command("show running-config | include ^hostname|ip address 10.0.0.1")
        assert "hostname bad_name!" in run and "10.0.0.1" not in run
    finally:
        c.disconnect()
