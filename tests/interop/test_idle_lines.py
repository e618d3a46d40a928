"""Idle vty lines are reclaimed as IOS's idle timeout reclaims them: a
shell whose client stops reading (and typing) ends at its `exec-timeout`,
and logins that never open a session give their line back, so a user
holding every line cannot keep the administrator out (paramiko)."""
import socket
import time

import paramiko
import pytest

from conftest import start

TIMEOUT = "line vty 0 3\n exec-timeout 0 3\n"


def login(port, user="admin", password="cisco"):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    t = paramiko.Transport(sock)
    t.start_client(timeout=10)
    t.auth_password(user, password)
    assert t.is_authenticated()
    return t


def closed_within(t, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not t.is_active():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def four_lines(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", vty="0 3", extra=TIMEOUT)
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def test_a_shell_that_stops_reading_ends_at_exec_timeout(four_lines):
    t = login(four_lines.port)
    try:
        # A small window: the device's output soon waits for a reader
        # that never comes.
        ch = t.open_session(window_size=16384, max_packet_size=16384)
        ch.get_pty()
        ch.invoke_shell()
        ch.sendall(b"terminal length 0\n" + b"show running-config\n" * 50)
        started = time.monotonic()
        assert closed_within(t, 15), "the stalled shell was not ended"
        # Not before its exec-timeout of 3 seconds.
        assert time.monotonic() - started >= 2.5
    finally:
        t.close()


def test_logins_without_a_session_give_their_lines_back(four_lines):
    idle = [login(four_lines.port, "viewer") for _ in range(4)]
    try:
        # Every line is taken: the administrator is refused for now.
        with pytest.raises((paramiko.SSHException, EOFError, OSError, AssertionError)):
            t = login(four_lines.port)
            ch = t.open_session()
            ch.exec_command("show privilege")
            t.close()
        started = time.monotonic()
        for t in idle:
            assert closed_within(t, 15), "an idle login kept its line"
        assert time.monotonic() - started >= 1.5
        admin = login(four_lines.port)
        ch = admin.open_session()
        ch.exec_command("show privilege")
        out = b""
        while True:
            chunk = ch.recv(65536)
            if not chunk:
                break
            out += chunk
        assert b"Current privilege level is 15" in out, out
        admin.close()
    finally:
        for t in idle:
            t.close()
