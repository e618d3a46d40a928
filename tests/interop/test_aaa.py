"""AAA: ncclient and netmiko log in through RADIUS (FreeRADIUS on
loopback, scripts/freeradius); the privilege the server gives decides what
NETCONF and the shell allow."""
import pathlib
import subprocess

import pytest
from ncclient import manager
from ncclient.operations.rpc import RPCError
from ncclient.transport.errors import AuthenticationError
from netmiko import ConnectHandler

from conftest import ROOT, start

SCRIPT = ROOT / "scripts" / "freeradius"

AAA = """enable secret 0 local-enable
aaa new-model
aaa authentication login default group radius local
aaa authentication enable default group radius enable
aaa authorization exec default group radius local
radius server FR
 address ipv4 127.0.0.1 auth-port {auth} acct-port {acct}
 timeout 2
 retransmit 1
 key {secret}
"""


@pytest.fixture
def radius(tmp_path):
    if not pathlib.Path("/usr/sbin/freeradius").exists():
        pytest.fail("freeradius missing: scripts/baseline install provides it")
    work = tmp_path / "radius"
    work.mkdir()
    subprocess.run([str(SCRIPT), "start", str(work)], check=True)
    env = dict(line.split("=", 1) for line in (work / "env").read_text().split())
    yield env
    subprocess.run([str(SCRIPT), "stop", str(work)], check=False)


@pytest.fixture(params=["ios-xe-16", "standard"])
def dev(request, tmp_path, client_key, radius):
    extra = AAA.format(
        auth=radius["RADIUS_AUTH_PORT"],
        acct=radius["RADIUS_ACCT_PORT"],
        secret=radius["RADIUS_SECRET"],
    )
    d = start(tmp_path, client_key, request.param, extra=extra)
    yield d
    d.proc.terminate()
    d.proc.wait(timeout=10)


def nc(dev, user, password):
    return manager.connect(
        host="127.0.0.1",
        port=dev.port,
        username=user,
        password=password,
        hostkey_verify=False,
        look_for_keys=False,
        allow_agent=False,
        timeout=30,
    )


def test_ncclient_through_radius_at_the_servers_level(dev):
    with nc(dev, "netops", "netops-pw") as m:
        reply = m.get_config(source="running")
        text = "".join(reply.data_ele.itertext())
        assert "hostname interop" in text
        assert "aaa new-model" in text
        # aaa new-model took login local off the lines.
        assert "login local" not in text
    # Level 7 from the server: the session opens, NETCONF refuses it with
    # IOS's bare error.
    with nc(dev, "helpdesk", "helpdesk-pw") as m:
        with pytest.raises(RPCError) as e:
            m.get_config(source="running")
        assert e.value.tag == "operation-failed"
    # Rejected by RADIUS: the local database is not asked.
    with pytest.raises(AuthenticationError):
        nc(dev, "netops", "not-the-password")
    with pytest.raises(AuthenticationError):
        nc(dev, "admin", "cisco")


def test_netmiko_through_radius_lands_at_the_servers_level(dev):
    for user, level, prompt in [("netops", 15, "#"), ("helpdesk", 7, "#"), ("viewer", 1, ">")]:
        c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                           username=user, password=f"{user}-pw", fast_cli=False)
        try:
            assert c.find_prompt() == f"interop{prompt}"
            assert c.send_command("show privilege").strip() == f"Current privilege level is {level}"
            if level == 15:
                servers = c.send_command("show aaa servers")
                assert "hostname FR" in servers
                assert "Response: accept " in servers
                sessions = c.send_command("show aaa sessions")
                assert "User Name: netops" in sessions
                assert "IP Address: 127.0.0.1" in sessions
                users = c.send_command("show users")
                assert "netops" in users
        finally:
            c.disconnect()


def test_enable_through_radius(dev):
    """`enable` asks RADIUS for $enab15$ before the enable secret."""
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="viewer", password="viewer-pw", secret="enable-pw",
                       fast_cli=False)
    try:
        assert c.find_prompt() == "interop>"
        c.enable()
        assert c.find_prompt() == "interop#"
        assert c.send_command("show privilege").strip() == "Current privilege level is 15"
    finally:
        c.disconnect()
    # RADIUS answers, and rejects: the enable secret is not tried.
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="viewer", password="viewer-pw", secret="local-enable",
                       fast_cli=False)
    try:
        with pytest.raises(ValueError):
            c.enable()
        assert c.find_prompt() == "interop>"
    finally:
        c.disconnect()


TACACS = """aaa new-model
aaa group server tacacs+ TAC
 server name TAC1
aaa authentication login default group TAC local
aaa authorization exec default group TAC local
aaa authorization commands 15 default group TAC local
aaa accounting commands 15 default start-stop group TAC
tacacs server TAC1
 address ipv4 127.0.0.1
 port {port}
 key tac-interop-key
 timeout 3
"""


@pytest.fixture
def tacacs(tmp_path):
    from conftest import TACACS_SERVER
    users = tmp_path / "tac-users"
    users.write_text("netops netops-pw 15\nhelpdesk helpdesk-pw 7\n"
                     "auditor auditor-pw 15 deny:show_running-config\n")
    log = tmp_path / "tac.log"
    proc = subprocess.Popen([TACACS_SERVER, "--listen", "127.0.0.1:0", "--key", "tac-interop-key",
                             "--users", str(users), "--log", str(log)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("listening on "), line
    yield int(line.strip().rsplit(":", 1)[1]), log
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def tac_dev(tmp_path, client_key, tacacs):
    port, log = tacacs
    d = start(tmp_path, client_key, "ios-xe-16", extra=TACACS.format(port=port))
    yield d, log
    d.proc.terminate()
    d.proc.wait(timeout=10)


def test_ncclient_and_netmiko_through_tacacs(tac_dev):
    dev, log = tac_dev
    with nc(dev, "netops", "netops-pw") as m:
        text = "".join(m.get_config(source="running").data_ele.itertext())
        assert "tacacs server TAC1" in text
    with nc(dev, "helpdesk", "helpdesk-pw") as m:
        with pytest.raises(RPCError) as e:
            m.get_config(source="running")
        assert e.value.tag == "operation-failed"
    with pytest.raises(AuthenticationError):
        nc(dev, "netops", "wrong")
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="auditor", password="auditor-pw", fast_cli=False)
    try:
        assert c.find_prompt() == "interop#"
        out = c.send_command("show running-config")
        assert out.strip() == "Command authorization failed."
        # A level-15 command the server allows; show version (level 1)
        # is not asked at all under the level-15 list.
        assert "hostname TAC1" in c.send_command("show aaa servers")
        assert "interop" in c.send_command("show version")
    finally:
        c.disconnect()
    text = log.read_text()
    assert "author auditor deny show running-config" in text
    assert "author auditor permit show aaa servers" in text
    assert "show version" not in text
    assert "cmd=show aaa servers <cr>" in text


BUILTINS = """enable secret 0 builtin-enable
aaa authorization commands 0 default group TAC local
aaa authorization commands 1 default group TAC local
aaa accounting commands 0 default start-stop group TAC
aaa accounting commands 1 default start-stop group TAC
"""


@pytest.fixture
def builtin_dev(tmp_path, client_key, tacacs):
    port, log = tacacs
    d = start(tmp_path, client_key, "ios-xe-16",
              extra=TACACS.format(port=port) + BUILTINS)
    yield d, log
    d.proc.terminate()
    d.proc.wait(timeout=10)


def test_each_terminal_builtin_is_authorized_and_accounted(builtin_dev):
    """The commands that act on the terminal (enable, disable, ssh, show
    sessions, resume, disconnect, configure terminal) go through command
    authorization and accounting like every other command."""
    import socket
    dev, log = builtin_dev
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                       username="netops", password="netops-pw", secret="builtin-enable",
                       fast_cli=False)
    try:
        assert c.find_prompt() == "interop#"
        c.exit_enable_mode()
        assert c.find_prompt() == "interop>"
        c.enable()
        assert c.find_prompt() == "interop#"
        assert "% No connections open" in c.send_command("show sessions")
        out = c.send_command_timing(f"ssh -l netops -p {closed} 127.0.0.1")
        assert "% Connection refused by remote host" in out, out
        assert "% No connection to resume" in c.send_command("resume")
        assert "% No connection to disconnect" in c.send_command("disconnect")
        c.config_mode()
        assert c.find_prompt() == "interop(config)#"
        c.exit_config_mode()
        assert c.find_prompt() == "interop#"
    finally:
        c.disconnect()
    typed = {
        "disable": 1,
        "enable": 0,
        "show sessions": 1,
        f"ssh -l netops -p {closed} 127.0.0.1": 1,
        "resume": 1,
        "disconnect": 1,
        "configure terminal": 15,
    }
    import time
    deadline = time.monotonic() + 10
    while True:
        text = log.read_text()
        if all(f"cmd={cmd} <cr>" in text for cmd in typed) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    lines = text.splitlines()
    for cmd, level in typed.items():
        assert f"author netops permit {cmd}" in lines, (cmd, text)
        assert any(l.startswith("acct stop netops") and f"priv-lvl={level} cmd={cmd} <cr>" in l
                   for l in lines), (cmd, text)
