"""A shell client that pastes without reading (paramiko, a 2 GB window so
that nothing on its side slows it down): what the device queues for the
shell is bounded (its typeahead), then the connection is ended; the
server's memory stays flat, at privilege 1 and 15 alike."""
import socket
import time

import paramiko
import pytest

from conftest import start


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) // 1024


@pytest.mark.parametrize("user,line", [("viewer", b"garbage at privilege one\n"),
                                       ("admin", b"show running-config\n")])
def test_pasting_without_reading_is_bounded(xe_device, user, line):
    pid = xe_device.proc.pid
    before = rss_mb(pid)
    t = paramiko.Transport(socket.create_connection(("127.0.0.1", xe_device.port)))
    try:
        t.start_client(timeout=10)
        t.auth_password(user, "cisco")
        ch = t.open_session(window_size=2**31 - 1, max_packet_size=32768)
        ch.get_pty()
        ch.invoke_shell()
        ch.settimeout(5)
        chunk = line * (65536 // len(line) + 1)
        sent, peak = 0, before
        with pytest.raises(OSError):
            # Up to 1 GB; the device ends the connection long before.
            while sent < 1 << 30:
                sent += ch.send(chunk)
                peak = max(peak, rss_mb(pid))
        assert sent < 64 << 20, f"{sent} bytes accepted"
        assert peak < before + 32, f"server RSS {before} -> {peak} MB"
    finally:
        t.close()
    time.sleep(0.5)
    # The device still serves.
    t = paramiko.Transport(socket.create_connection(("127.0.0.1", xe_device.port)))
    t.start_client(timeout=10)
    t.auth_password("admin", "cisco")
    assert t.is_authenticated()
    t.close()
