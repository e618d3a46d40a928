"""Starts the real ironconf binary on loopback for the client interop tests."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("IRONCONF_BIN", str(ROOT / "target" / "debug" / "ironconf"))
# The example appliance that embeds the device (crates/server/examples/firewall.rs).
FIREWALL = os.environ.get(
    "IRONCONF_FIREWALL_BIN", str(ROOT / "target" / "debug" / "examples" / "firewall")
)

# The TACACS+ server for the AAA tests (crates/tacacs/examples/tacacs-server.rs).
TACACS_SERVER = os.environ.get(
    "IRONCONF_TACACS_SERVER_BIN", str(ROOT / "target" / "debug" / "examples" / "tacacs-server")
)

STARTUP = """hostname interop
ip domain name example.net
username admin privilege 15 secret 0 cisco
username viewer privilege 1 secret 0 cisco
ip ssh pubkey-chain
 username admin
  key-string
   {key}
  exit
interface Loopback113
 description test
 ip address 10.113.0.1 255.255.255.255
line vty {vty}
 login local
 transport input ssh
netconf max-sessions 16
netconf ssh
"""


class Device:
    def __init__(self, proc, port, state, key, profile):
        self.proc = proc
        self.port = port
        self.state = state
        self.key = key
        self.profile = profile

    def startup(self):
        path = self.state / "startup-config"
        return path.read_text() if path.exists() else ""


@pytest.fixture(scope="session")
def client_key(tmp_path_factory):
    d = tmp_path_factory.mktemp("key")
    key = d / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    return key


def start(tmp_path, client_key, profile, vty="0 15", extra="", command=None):
    state = tmp_path / "state"
    state.mkdir()
    blob = (client_key.with_suffix(".pub")).read_text().split()[1]
    (state / "startup-config").write_text(STARTUP.format(key=blob, vty=vty) + extra)
    if command is None:
        command = [BINARY, "serve", "--profile", profile]
    proc, port = launch(command, state)
    return Device(proc, port, state, client_key, profile)


def launch(command, state):
    """Starts `command` on a free loopback port with `state` as its state
    directory; its process and port once it says it listens."""
    proc = subprocess.Popen(
        command + ["--listen", "127.0.0.1:0", "--state-dir", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    port = None
    for line in proc.stdout:
        if line.startswith("listening on "):
            port = int(line.strip().rsplit(":", 1)[1])
            break
    assert port, "ironconf did not start"
    return proc, port


@pytest.fixture(params=["ios-xe-16", "standard"])
def device(request, tmp_path, client_key):
    dev = start(tmp_path, client_key, request.param)
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


@pytest.fixture
def xe_device(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16")
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)
