"""IOS syslog to a real syslog daemon (rsyslog on a loopback UDP port, with
its own configuration) and to a monitoring terminal's shell."""
import pathlib
import shutil
import socket
import subprocess
import time

import pytest
from netmiko import ConnectHandler

from conftest import start
from test_remote import free_udp_port

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"


@pytest.fixture
def rsyslog(tmp_path):
    if not pathlib.Path(RSYSLOGD).exists():
        pytest.fail("rsyslogd missing: scripts/baseline install provides it")
    port = free_udp_port()
    work = tmp_path / "rsyslog"
    work.mkdir()
    received = work / "received.log"
    conf = work / "rsyslog.conf"
    conf.write_text(
        f'global(workDirectory="{work}")\n'
        'module(load="imudp")\n'
        f'input(type="imudp" address="127.0.0.1" port="{port}")\n'
        f'*.* action(type="omfile" file="{received}")\n'
    )
    proc = subprocess.Popen([RSYSLOGD, "-n", "-f", str(conf), "-i", str(work / "pid")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Ready when a probe datagram has been written out.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(200):
        probe.sendto(b"<14>probe: ready", ("127.0.0.1", port))
        time.sleep(0.05)
        if received.exists() and "ready" in received.read_text():
            break
    else:
        proc.terminate()
        pytest.fail("rsyslogd did not start")
    yield port, received
    proc.terminate()
    proc.wait(timeout=10)


def wait_for(path, text, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        content = path.read_text() if path.exists() else ""
        if text in content:
            return content
        time.sleep(0.1)
    return path.read_text() if path.exists() else ""


def connect(dev):
    return ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                          username="admin", password="cisco", fast_cli=False)


def test_messages_reach_rsyslog_and_a_monitoring_terminal(tmp_path, client_key, rsyslog):
    port, received = rsyslog
    dev = start(tmp_path, client_key, "ios-xe-16", extra=(
        f"logging host 127.0.0.1 transport udp port {port}\n"
        "logging trap notifications\nlogin on-success log\nlogin on-failure log\n"
        "ip ssh logging events\n"
    ))
    monitor = connect(dev)
    try:
        monitor.send_command("terminal monitor")
        c = connect(dev)
        try:
            c.send_config_set(["interface Loopback44", "shutdown"])
        finally:
            c.disconnect()
        log = wait_for(received, "%SYS-5-CONFIG_I")
        assert "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 127.0.0.1]" in log, log
        assert "%LINK-3-UPDOWN: Interface Loopback44, changed state to up" in log, log
        assert "%LINK-5-CHANGED: Interface Loopback44, changed state to administratively down" in log, log
        assert "%SYS-5-CONFIG_I: Configured from console by admin on vty" in log, log
        assert "%SSH-5-SSH2_USERAUTH: User 'admin' authentication for SSH2 Session from 127.0.0.1 (tty = " in log, log
        log = wait_for(received, "%SSH-5-SSH2_CLOSE")
        assert "for user 'admin' using crypto cipher '" in log, log
        # The monitoring terminal saw them too, between its prompts.
        time.sleep(0.5)
        seen = monitor.read_channel()
        assert "%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback44, changed state to down" in seen, seen
        assert "%SYS-5-CONFIG_I: Configured from console by admin" in seen, seen
        # show logging has them, in IOS's shape (ntc-templates parses it).
        rows = monitor.send_command("show logging", use_textfsm=True)
        assert isinstance(rows, list), rows
        mnemonics = {(r["facility"], r["severity"], r["mnemonic"]) for r in rows}
        assert ("SYS", "5", "CONFIG_I") in mnemonics and ("LINK", "3", "UPDOWN") in mnemonics
    finally:
        monitor.disconnect()
        dev.proc.terminate()
        dev.proc.wait(timeout=10)
    # A failed login is logged as IOS logs it.
    second = tmp_path / "second"
    second.mkdir()
    dev = start(second, client_key, "ios-xe-16", extra=(
        f"logging host 127.0.0.1 transport udp port {port}\nlogin on-failure log\n"
    ))
    try:
        with pytest.raises(Exception):
            ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                           username="admin", password="wrong", fast_cli=False)
        log = wait_for(received, "LOGIN_FAILED")
        assert "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin] [Source: 127.0.0.1]" in log, log
        assert "[Reason: Login Authentication Failed]" in log
    finally:
        dev.proc.terminate()
        dev.proc.wait(timeout=10)
