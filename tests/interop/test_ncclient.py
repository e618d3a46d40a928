"""ncclient against the real binary, in the ios-xe-16 (base:1.0) and
standard (base:1.1, chunked framing) profiles."""
import time

import pytest
from ncclient import manager
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele

SEED_FILTER = (
    "subtree",
    "<config-format-text-cmd><text-filter-spec>interface Loopback113</text-filter-spec></config-format-text-cmd>",
)


def connect(dev, user="admin", password="cisco", key=None):
    return manager.connect(
        host="127.0.0.1",
        port=dev.port,
        username=user,
        password=None if key else password,
        key_filename=str(key) if key else None,
        hostkey_verify=False,
        look_for_keys=False,
        allow_agent=False,
        timeout=30,
    )


def local(el):
    return el.tag.split("}")[-1]


def cmds(reply):
    return [e.text or "" for e in reply.data_ele.iter() if local(e) == "cmd"]


def block(reply):
    return "".join(e.text or "" for e in reply.data_ele.iter() if local(e) == "cli-config-data-block")


def test_capabilities_and_framing(device):
    with connect(device) as m:
        caps = list(m.server_capabilities)
        assert "urn:ietf:params:netconf:base:1.0" in caps
        if device.profile == "standard":
            assert "urn:ietf:params:netconf:base:1.1" in caps
            assert "urn:ietf:params:netconf:capability:writable-running:1.0" in caps
        else:
            assert "urn:ietf:params:netconf:base:1.1" not in caps
            assert "urn:ietf:params:netconf:capability:writeable-running:1.0" in caps
            assert "urn:cisco:params:netconf:capability:pi-data-model:1.0" in caps
        assert int(m.session_id) > 0


def test_get_config_whole_and_filtered(device):
    with connect(device) as m:
        text = block(m.get_config("running"))
        assert text.startswith("!") and text.rstrip().endswith("end")
        assert "hostname interop" in text
        assert cmds(m.get_config("running", filter=SEED_FILTER)) == [
            "!",
            "interface Loopback113",
            " description test",
            " ip address 10.113.0.1 255.255.255.255",
            "end",
        ]
        assert "hostname interop" in block(m.get(filter=("subtree", "<config-format-text-block/>")))


def test_edit_config_and_rollback_on_error(device):
    with connect(device) as m:
        r = m.edit_config(
            target="running",
            config="<config><cli-config-data><cmd>interface Loopback7</cmd><cmd>description from ncclient</cmd></cli-config-data></config>",
        )
        assert r.ok
        spec = ("subtree", "<config-format-text-cmd><text-filter-spec>interface Loopback7</text-filter-spec></config-format-text-cmd>")
        assert " description from ncclient" in cmds(m.get_config("running", filter=spec))
        before = block(m.get_config("running"))
        with pytest.raises(RPCError) as err:
            m.edit_config(
                target="running",
                error_option="rollback-on-error",
                config="<config><cli-config-data><cmd>hostname changed</cmd><cmd>netconf max-sessions 17</cmd></cli-config-data></config>",
            )
        assert err.value.tag == "operation-failed"
        assert block(m.get_config("running")) == before


def test_copy_config_saves_to_disk(device):
    with connect(device) as m:
        m.edit_config(target="running", config="<config><cli-config-data><cmd>hostname saved-by-ncclient</cmd></cli-config-data></config>")
        assert "saved-by-ncclient" not in device.startup()
        assert m.copy_config(source="running", target="startup").ok
        assert "hostname saved-by-ncclient\n" in device.startup()


def test_locks_across_two_sessions_and_kill_session(device):
    with connect(device) as a:
        b = connect(device)
        assert a.lock("running").ok
        with pytest.raises(RPCError) as err:
            b.lock("running")
        assert err.value.tag == "lock-denied"
        with pytest.raises(RPCError) as err:
            b.edit_config(target="running", config="<config><cli-config-data><cmd>hostname b</cmd></cli-config-data></config>")
        assert err.value.tag == "in-use"
        assert a.unlock("running").ok
        assert b.lock("running").ok
        assert a.kill_session(b.session_id).ok
        # The killed session's lock is gone, and so is the session.
        assert a.lock("running").ok
        for _ in range(100):
            if not b.connected:
                break
            time.sleep(0.05)
        assert not b.connected


def test_key_login_and_close_session(device):
    m = connect(device, key=device.key)
    assert "hostname interop" in block(m.get_config("running"))
    m.close_session()
    assert not m.connected


def test_privilege_1_user_is_refused(device):
    with connect(device, user="viewer") as m:
        with pytest.raises(RPCError) as err:
            m.get_config("running")
        assert err.value.tag == "operation-failed"


def test_lock_time_releases_an_idle_lock(device):
    with connect(device) as a, connect(device) as b:
        # A live change: new lock-time applies to held locks at once.
        assert a.edit_config(target="running", config="<config><cli-config-data><cmd>netconf lock-time 1</cmd></cli-config-data></config>").ok
        assert a.lock("running").ok
        with pytest.raises(RPCError):
            b.lock("running")
        time.sleep(1.3)
        assert b.lock("running").ok
        # The holder's late unlock fails, as on IOS.
        with pytest.raises(RPCError) as err:
            a.unlock("running")
        assert err.value.tag == "operation-failed"


def test_sixteen_sessions_and_not_seventeen(device):
    sessions = [connect(device) for _ in range(16)]
    try:
        for m in sessions:
            assert m.connected
        with pytest.raises(Exception):
            connect(device)
    finally:
        for m in sessions:
            m.close_session()


def test_get_with_exec_commands(device):
    # Two children in one <filter>, as ONOS and E-DI style clients send it.
    oper = (
        '<filter type="subtree">'
        "<config-format-text-block><text-filter-spec> | begin ^end </text-filter-spec></config-format-text-block>"
        "<oper-data-format-text-block><show>version</show><exec>show running-config | include hostname</exec></oper-data-format-text-block>"
        "</filter>"
    )
    with connect(device) as m:
        r = m.get(filter=oper)
        items = [e for e in r.data_ele.iter() if local(e) == "item"]
        assert len(items) == 2
        responses = ["".join(e.text or "" for e in item.iter() if local(e) == "response") for item in items]
        assert "Cisco IOS XE Software, Version" in responses[0]
        assert responses[1].strip() == "hostname interop"


def exec_responses(m, *commands):
    items = "".join(f"<exec>{c}</exec>" for c in commands)
    oper = (
        '<filter type="subtree">'
        "<config-format-text-block><text-filter-spec> | begin ^end </text-filter-spec></config-format-text-block>"
        f"<oper-data-format-text-block>{items}</oper-data-format-text-block>"
        "</filter>"
    )
    r = m.get(filter=oper)
    return ["".join(e.text or "" for e in item.iter() if local(e) == "response")
            for item in r.data_ele.iter() if local(item) == "item"]


def test_show_commands_through_text_blocks(device):
    with connect(device) as m:
        edit = "".join(f"<cmd>{line}</cmd>" for line in [
            "interface GigabitEthernet1", "ip address 192.0.2.1 255.255.255.0",
            "router bgp 65001", "neighbor 192.0.2.2 remote-as 65002",
            "ntp server 192.0.2.123",
        ])
        assert m.edit_config(target="running", config=f"<config><cli-config-data>{edit}</cli-config-data></config>").ok
        bgp, ntp, inv, bad = exec_responses(
            m, "show ip bgp summary", "show ntp associations", "show inventory", "show bogus")
        assert "192.0.2.2       4        65002       0       0        1    0    0 never    Active" in bgp
        assert " ~192.0.2.123" in ntp
        assert 'NAME: "Chassis", DESCR: "Cisco CSR1000V Chassis"' in inv
        assert "% Invalid input detected at '^' marker." in bad


def test_interface_state_follows_the_configuration(device):
    with connect(device) as m:
        edit = "".join(f"<cmd>{line}</cmd>" for line in [
            "interface GigabitEthernet1", "description uplink", "ip address 192.0.2.1 255.255.255.0",
            "interface GigabitEthernet2", "shutdown",
            "interface Loopback0", "ip address 10.0.0.1 255.255.255.255",
        ])
        assert m.edit_config(target="running", config=f"<config><cli-config-data>{edit}</cli-config-data></config>").ok
        assert m.copy_config(source="running", target="startup").ok
        # An address changed after the save is "manual", the others "NVRAM".
        edit = "<cmd>interface Loopback0</cmd><cmd>ip address 10.0.0.2 255.255.255.255</cmd>"
        assert m.edit_config(target="running", config=f"<config><cli-config-data>{edit}</cli-config-data></config>").ok
        brief, counters = exec_responses(
            m,
            "show ip interface brief",
            "show interfaces | include (line protocol)|(BW [0-9]+ Kbit/sec)",
        )
        rows = [line.rstrip() for line in brief.replace("\r", "").splitlines() if line.strip()]
        assert rows == [
            "Interface              IP-Address      OK? Method Status                Protocol",
            "GigabitEthernet1       192.0.2.1       YES NVRAM  up                    up",
            "GigabitEthernet2       unassigned      YES unset  administratively down down",
            "Loopback0              10.0.0.2        YES manual up                    up",
            "Loopback113            10.113.0.1      YES NVRAM  up                    up",
        ]
        lines = [line.strip() for line in counters.replace("\r", "").splitlines() if line.strip()]
        assert lines == [
            "GigabitEthernet1 is up, line protocol is up",
            "MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,",
            "GigabitEthernet2 is administratively down, line protocol is down",
            "MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,",
            "Loopback0 is up, line protocol is up",
            "MTU 1514 bytes, BW 8000000 Kbit/sec, DLY 5000 usec,",
            "Loopback113 is up, line protocol is up",
            "MTU 1514 bytes, BW 8000000 Kbit/sec, DLY 5000 usec,",
        ]
        # An interface the device does not have: IOS's invalid-input marker.
        (missing,) = exec_responses(m, "show interfaces GigabitEthernet9")
        assert "% Invalid input detected at '^' marker." in missing
        # The XML-PI form of the same table.
        xml = (
            '<filter type="subtree">'
            "<config-format-text-block><text-filter-spec> | begin ^end </text-filter-spec></config-format-text-block>"
            "<oper-data-format-xml><show>ip int brief</show></oper-data-format-xml></filter>"
        )
        r = m.get(filter=xml)
        entries = [{local(f): f.text for f in e} for e in r.data_ele.iter() if local(e) == "entry"]
        assert entries[1] == {"Interface": "GigabitEthernet2", "IP-Address": "unassigned",
                              "Status": "administratively down", "Method": "unset", "Protocol": "down"}
        assert [e["Method"] for e in entries] == ["NVRAM", "unset", "manual", "NVRAM"]
        assert [local(e) for e in r.data_ele.iter()][:6] == [
            "data", "cli-config-data-block", "xml-oper-data", "item", "show", "response"]
        # A show command with no XML form here: operation-not-supported.
        with pytest.raises(RPCError) as err:
            m.get(filter=xml.replace("ip int brief", "clock"))
        assert err.value.tag == "operation-not-supported"
        if device.profile == "standard":  # IOS profiles send the minimal three-field error
            assert "show clock" in err.value.message


def test_url_copy_config_both_ways_delete_and_edit(device):
    """RFC 6241 §8.8: `<url>` as copy-config source and target, delete-config
    target and edit-config source; the file holds IOS CLI text."""
    flash = device.state / "bootflash"
    with connect(device) as m:
        assert any(c.startswith("urn:ietf:params:netconf:capability:url:1.0") for c in m.server_capabilities)
        m.copy_config(source="running", target="file:///backup.cfg")
        saved = (flash / "backup.cfg").read_text()
        assert "hostname interop" in saved and saved.rstrip().endswith("end")
        (flash / "backup.cfg").write_text(saved.replace(" description test", " description from-url"))
        m.copy_config(source="file:///backup.cfg", target="running")
        assert " description from-url" in block(m.get_config("running"))
        # A file with a line in error changes nothing.
        (flash / "bad.cfg").write_text("hostname other\nfrobnicate\n")
        with pytest.raises(RPCError) as e:
            m.copy_config(source="file:///bad.cfg", target="running")
        assert e.value.tag == "operation-failed"
        assert "hostname interop" in block(m.get_config("running"))
        # edit-config from a file.
        (flash / "merge.cfg").write_text("interface Loopback7\n description merged from url\n")
        reply = m.dispatch(to_ele(
            '<edit-config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><target><running/></target>'
            "<url>file:///merge.cfg</url></edit-config>"
        ))
        assert reply.ok
        assert "description merged from url" in block(m.get_config("running"))
        # The file commands through oper-data-format-text-block.
        listing = m.get(filter=("subtree", "<oper-data-format-text-block><exec>dir bootflash:</exec></oper-data-format-text-block>"))
        assert "Directory of bootflash:/" in listing.xml and "backup.cfg" in listing.xml
        m.delete_config(target="file:///backup.cfg")
        assert not (flash / "backup.cfg").exists()
        # A missing file, and a name out of the file system.
        with pytest.raises(RPCError) as e:
            m.copy_config(source="file:///nothing.cfg", target="running")
        assert e.value.tag == "operation-failed"
        with pytest.raises(RPCError) as e:
            m.copy_config(source="running", target="file:///../escape.cfg")
        assert e.value.tag == "invalid-value"
        assert not (device.state / "escape.cfg").exists()
