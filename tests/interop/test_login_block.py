"""`login block-for`: failed logins through paramiko start quiet mode, in
which the right password is refused too; `show login` and the log say so
(netmiko), and logins work again once the block period is over."""
import socket
import time

import paramiko
import pytest
from netmiko import ConnectHandler

from conftest import start

BLOCK = "login block-for 4 attempts 3 within 60\nlogin on-failure log\n"


def password_login(port, password):
    """True when the device lets admin in with `password`; False when it
    refuses the password or closes the connection."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=10)
        t.auth_password("admin", password)
        return t.is_authenticated()
    except (paramiko.AuthenticationException, paramiko.SSHException, EOFError, OSError):
        return False
    finally:
        t.close()


@pytest.fixture
def blocking(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra=BLOCK)
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def test_failures_start_quiet_mode_and_it_ends(blocking):
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=blocking.port,
                       username="admin", password="cisco", fast_cli=False)
    try:
        normal = c.send_command("show login")
        assert "Router enabled to watch for login Attacks." in normal, normal
        assert "If more than 3 login failures occur in 60 seconds or less," in normal
        assert "logins will be disabled for 4 seconds." in normal
        assert "Router presently in Normal-Mode." in normal
        for _ in range(3):
            assert not password_login(blocking.port, "wrong")
        # The right password is refused while quiet, as is a new connection.
        started = time.monotonic()
        assert not password_login(blocking.port, "cisco")
        quiet = c.send_command("show login")
        assert "Router presently in Quiet-Mode." in quiet, quiet
        assert "Denying logins from all sources." in quiet
        assert "Total login failures: 3." in quiet
        log = c.send_command("show logging")
        assert "%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is 4 secs, [user: admin] [Source: 127.0.0.1]" in log, log
        assert log.count("%SEC_LOGIN-4-LOGIN_FAILED") == 3, log
        # Over after its 4 seconds (the device's tick notices within one).
        while not password_login(blocking.port, "cisco"):
            assert time.monotonic() - started < 10, "quiet mode did not end"
            time.sleep(0.5)
        assert time.monotonic() - started >= 3
        after = c.send_command("show login")
        assert "Router presently in Normal-Mode." in after, after
        assert "%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out" in c.send_command("show logging")
    finally:
        c.disconnect()


def test_without_block_for_failures_never_block(xe_device):
    for _ in range(10):
        assert not password_login(xe_device.port, "wrong")
    assert password_login(xe_device.port, "cisco")
