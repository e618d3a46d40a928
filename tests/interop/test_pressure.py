"""The device under pressure from a paramiko peer: a channel nobody consumes,
a peer that goes away, more connections than vty lines, SIGTERM with
connections open. Each runs against the real binary over real SSH."""
import socket
import subprocess
import time

import paramiko
import pytest

from conftest import start

HELLO = (
    b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
    b"<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"
)
GET = (
    b'<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="%d">'
    b"<get-config><source><running/></source></get-config></rpc>]]>]]>"
)


def login(dev, user="viewer", password="cisco"):
    t = paramiko.Transport(("127.0.0.1", dev.port))
    t.connect(username=user, password=password)
    return t


def run(t, command):
    """One EXEC command on a new channel of transport `t`: its output."""
    ch = t.open_session()
    ch.settimeout(30)
    ch.exec_command(command)
    out = b""
    while True:
        d = ch.recv(65536)
        if not d:
            break
        out += d
    ch.close()
    return out.decode()


def connections(port):
    """ESTABLISHED TCP connections to the device's port, from the kernel."""
    out = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


def wait_until(what, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.05)
    return what()


def netconf_round_trip(t):
    """A NETCONF session on a new channel of `t`: hello, one get-config."""
    ch = t.open_session()
    ch.settimeout(30)
    ch.invoke_subsystem("netconf")
    ch.sendall(HELLO + GET % 1)
    buf = b""
    while buf.count(b"]]>]]>") < 2:
        d = ch.recv(65536)
        assert d, buf
        buf += d
    ch.close()
    return buf


def test_requests_and_data_on_an_unconsumed_channel_never_stop_the_connection(xe_device):
    dev = xe_device
    t = login(dev)  # privilege 1
    idle = t.open_session()
    # Channel requests nobody asks a reply to, on a channel with no shell,
    # exec or subsystem: 6,000 small ones, then 200 of 30 kB.
    for i in range(6000):
        idle.set_environment_variable("V%d" % i, "x" * 90)
    for i in range(200):
        idle.set_environment_variable("W%d" % i, "y" * 30000)
    # Data before any request: a megabyte, past the bound for a channel
    # that has no service yet.
    idle.sendall(b"z" * 1_000_000)
    # The connection is still read: its Recv-Q drains, and a new channel
    # on it runs a command.
    assert wait_until(lambda: all(int(c[0]) == 0 for c in connections(dev.port)))
    assert "viewer" in run(t, "show users")
    # The channel that got data before its request is refused its service.
    with pytest.raises(paramiko.SSHException):
        idle.invoke_subsystem("netconf")
    # The peer goes away: the device notices, frees the connection and its
    # vty line.
    t.close()
    assert wait_until(lambda: not connections(dev.port))
    admin = login(dev, "admin")
    users = run(admin, "show users")
    assert "viewer" not in users, users
    assert netconf_round_trip(admin).count(b"<rpc-reply") == 1
    admin.close()


def test_env_requests_that_ask_for_a_reply_are_refused(xe_device):
    t = login(xe_device)
    ch = t.open_session()
    # paramiko sends env without want-reply; ask for one by hand.
    m = paramiko.Message()
    m.add_byte(paramiko.common.cMSG_CHANNEL_REQUEST)
    m.add_int(ch.remote_chanid)
    m.add_string("env")
    m.add_boolean(True)
    m.add_string("LANG")
    m.add_string("C")
    ch.event.clear()
    ch.transport._send_user_message(m)
    # The answer is failure (paramiko then closes the channel itself).
    assert ch.event.wait(10), "no answer to an env request that asked for one"
    assert not ch.event_ready, "an env request was accepted"
    assert wait_until(lambda: ch.closed)
    # The connection goes on.
    assert "Current privilege level is 1" in run(t, "show privilege")
    t.close()


def test_every_ssh_connection_holds_a_vty_line(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", vty="0 3")
    try:
        held = [login(dev) for _ in range(4)]
        # Four lines, four connections with no channel at all: a fifth is
        # closed once its user is known (IOS closes a connection that finds
        # no free line), whether or not the client saw its login succeed.
        fifth = paramiko.Transport(("127.0.0.1", dev.port))
        try:
            fifth.connect(username="viewer", password="cisco")
        except paramiko.SSHException:
            pass
        assert wait_until(lambda: not fifth.is_active()), "a fifth connection got a line"
        users = run(held[0], "show users")
        assert users.count("viewer") == 4, users
        # A line freed is a line taken.
        held.pop().close()
        assert wait_until(lambda: len(connections(dev.port)) == 3)
        again = login(dev)
        assert wait_until(lambda: len(connections(dev.port)) == 4)
        assert again.is_active()
        assert "Current privilege level is 1" in run(again, "show privilege")
        for t in held + [again]:
            t.close()
    finally:
        dev.proc.kill()
        dev.proc.wait()


def test_sigterm_ends_the_device_with_connections_open(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16")
    t = login(dev)
    for _ in range(3):
        c = t.open_session()  # channels with no service
        for i in range(200):
            c.set_environment_variable("V%d" % i, "x" * 1000)
    # A NETCONF client with requests queued that reads nothing.
    admin = login(dev, "admin")
    nc = admin.open_session()
    nc.invoke_subsystem("netconf")
    nc.sendall(HELLO + b"".join(GET % i for i in range(5000)))
    # A TCP connection that never speaks SSH.
    raw = socket.create_connection(("127.0.0.1", dev.port))
    time.sleep(0.5)
    sent = time.monotonic()
    dev.proc.terminate()
    try:
        dev.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        dev.proc.kill()
        dev.proc.wait()
        pytest.fail("the device was still running 10 s after SIGTERM")
    took = time.monotonic() - sent
    print(f"device ended {took:.2f} s after SIGTERM")
    assert dev.proc.returncode == 0
    raw.close()
    t.close()
    admin.close()


def test_session_channels_per_connection_are_bounded(xe_device):
    t = login(xe_device)
    held = [t.open_session(timeout=10) for _ in range(8)]
    # The ninth is refused with resource-shortage (4), and the connection
    # goes on.
    with pytest.raises(paramiko.ChannelException) as refused:
        t.open_session(timeout=10)
    assert refused.value.code == 4, refused.value
    held.pop().close()
    # The device notices the close and gives the place back.
    ch = None
    for _ in range(100):
        try:
            ch = t.open_session(timeout=10)
            break
        except paramiko.ChannelException:
            time.sleep(0.05)
    assert ch is not None, "a closed channel's place was not given back"
    ch.close()
    held.pop().close()
    assert "Current privilege level is 1" in run(t, "show privilege")
    t.close()
