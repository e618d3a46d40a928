"""Notifications with real clients: ncclient's create_subscription and
take_notification against the standard profile (RFC 5277, RFC 6470 events,
replay, interleave), and Cisco's <notification-on/> on the IOS XE profile
with a change made from the shell (netmiko)."""
import datetime

import pytest
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele
from netmiko import ConnectHandler

from conftest import start
from test_ncclient import block, connect

EVENTS = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"


@pytest.fixture
def std_device(tmp_path, client_key):
    dev = start(tmp_path, client_key, "standard")
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def next_xml(m, timeout=10):
    n = m.take_notification(block=True, timeout=timeout)
    assert n is not None, "no notification arrived"
    return n.notification_xml


def edit(m, *lines):
    body = "".join(f"<cmd>{line}</cmd>" for line in lines)
    return m.edit_config(target="running",
                         config=f"<config><cli-config-data>{body}</cli-config-data></config>")


def test_subscription_receives_rfc_6470_events(std_device):
    with connect(std_device) as sub:
        assert "urn:ietf:params:netconf:capability:notification:1.0" in sub.server_capabilities
        assert "urn:ietf:params:netconf:capability:interleave:1.0" in sub.server_capabilities
        sub.create_subscription()
        with connect(std_device) as other:
            started = next_xml(sub)
            assert f'<netconf-session-start xmlns="{EVENTS}"><username>admin</username>' \
                   f"<session-id>{other.session_id}</session-id><source-host>127.0.0.1</source-host>" in started
            assert edit(other, "interface Loopback7", "description from a subscriber test").ok
            change = next_xml(sub)
            assert "<netconf-config-change" in change
            assert f"<changed-by><username>admin</username><session-id>{other.session_id}</session-id>" in change
            assert "<datastore>running</datastore>" in change
            assert "<cmd>interface Loopback7</cmd><cmd> description from a subscriber test</cmd>" in change
            # rpcs keep working on the subscribed session (interleave).
            assert "interface Loopback7" in block(sub.get_config("running"))
        ended = next_xml(sub)
        assert f"<session-id>{other.session_id}</session-id>" in ended
        assert "<termination-reason>closed</termination-reason>" in ended
        # One subscription per session.
        with pytest.raises(RPCError) as err:
            sub.create_subscription()
        assert err.value.tag == "operation-failed"


def test_replay_and_errors(std_device):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    with connect(std_device) as a:
        assert edit(a, "hostname replayed").ok
    with connect(std_device) as b:
        b.create_subscription(start_time=before.isoformat())
        seen = []
        while True:
            xml = next_xml(b)
            seen.append(xml)
            if "replayComplete" in xml:
                break
        assert any("<cmd>hostname replayed</cmd>" in x for x in seen), seen
    with connect(std_device) as c:
        with pytest.raises(RPCError) as err:
            c.create_subscription(stream_name="nope")
        assert err.value.tag == "invalid-value"
        with pytest.raises(RPCError) as err:
            c.create_subscription(start_time="2999-01-01T00:00:00Z")
        assert err.value.tag == "bad-element"
        # The streams list.
        streams = c.get(filter=("subtree", '<netconf xmlns="urn:ietf:params:xml:ns:netmod:notification"/>'))
        names = [e.text for e in streams.data_ele.iter() if e.tag.endswith("}name")]
        assert names == ["NETCONF", "syslog"]


def test_cisco_notification_on_reports_shell_changes(xe_device):
    with connect(xe_device) as m:
        assert m.dispatch(to_ele("<notification-on/>")).ok
        c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=xe_device.port,
                           username="admin", password="cisco", fast_cli=False)
        try:
            c.send_config_set(["interface Loopback8", "description from the shell"])
        finally:
            c.disconnect()
        # The shell applies each line as it is typed: one change each.
        first, second = next_xml(m), next_xml(m)
        assert "<changes><cmd>interface Loopback8</cmd></changes>" in first
        assert "<config-change-event><user>admin</user><line>vty " in second
        assert "<source-ip>127.0.0.1</source-ip>" in second
        assert "<cmd>interface Loopback8</cmd><cmd> description from the shell</cmd>" in second
        assert m.dispatch(to_ele("<notification-off/>")).ok


def test_a_subscriber_that_does_not_read_is_ended(std_device):
    """The device ends a subscribed session whose notifications pile up
    (its queue is bounded), and the sessions making changes never wait."""
    import time

    import paramiko

    transport = paramiko.Transport(("127.0.0.1", std_device.port))
    transport.connect(username="admin", password="cisco")
    # A small window: the server can send it little before it must wait.
    ch = transport.open_session(window_size=32768, max_packet_size=16384)
    ch.invoke_subsystem("netconf")
    hello = ('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
             "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>")
    ch.sendall(hello.encode())
    ch.sendall(b'<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
               b'<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/></rpc>]]>]]>')
    time.sleep(0.5)
    try:
        with connect(std_device) as m:
            # Small changes, one notification each: the session's queue
            # (1,024 documents) fills once its SSH window (32 kB) is full.
            # Sent without waiting for each reply (ncclient sends once per
            # 100 ms tick otherwise).
            started = time.time()
            m.async_mode = True
            pending = [m.edit_config(target="running", config=(
                f"<config><cli-config-data><cmd>hostname pass{n}</cmd></cli-config-data></config>"))
                for n in range(1600)]
            for rpc in pending:
                assert rpc.event.wait(60), "an edit was not answered"
                assert rpc.reply.ok
            for _ in range(100):
                if ch.closed:
                    break
                time.sleep(0.1)
            assert ch.closed, "the subscriber that does not read was not ended"
            # The edits never waited on the subscriber.
            assert time.time() - started < 60
    finally:
        transport.close()
