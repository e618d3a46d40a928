"""`copy` and NETCONF `<url>` to and from remote servers started here on
loopback: tftpd-hpa's in.tftpd and an HTTP server (GET and PUT)."""
import http.server
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import threading

import pytest
from ncclient import manager
from ncclient.operations.rpc import RPCError

from conftest import start

TFTPD = "/usr/sbin/in.tftpd"


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def tftp(tmp_path):
    root = tmp_path / "tftp"
    root.mkdir()
    os.chmod(root, 0o777)
    port = free_udp_port()
    proc = subprocess.Popen([TFTPD, "-L", "-c", "-s", str(root), "-a", f"127.0.0.1:{port}", "-u", "root"])
    yield root, port
    proc.terminate()
    proc.wait(timeout=10)


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_PUT(self):
        n = int(self.headers.get("Content-Length", 0))
        data = self.rfile.read(n)
        (self.server.root / os.path.basename(self.path)).write_bytes(data)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web(tmp_path):
    root = tmp_path / "web"
    root.mkdir()

    def handler(*a, **k):
        return Handler(*a, directory=str(root), **k)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.root = root
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, server.server_address[1]
    server.shutdown()


@pytest.fixture
def dev(tmp_path, client_key):
    d = start(tmp_path, client_key, "standard")
    yield d
    d.proc.terminate()
    d.proc.wait(timeout=10)


def exec_cmd(dev, command):
    r = subprocess.run(
        ["ssh", "-p", str(dev.port), "-i", str(dev.key), "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
         "admin@127.0.0.1", command],
        capture_output=True, text=True, timeout=60,
    )
    return r.stdout.replace("\r\n", "\n")


def test_copy_to_and_from_tftp(dev, tftp):
    root, port = tftp
    data = os.urandom(5000) + b"tail"  # several 512-byte blocks and a short last one
    (root / "image.bin").write_bytes(data)
    os.chmod(root / "image.bin", 0o666)
    out = exec_cmd(dev, f"copy tftp://127.0.0.1:{port}/image.bin bootflash:image.bin")
    assert f"[OK - {len(data)} bytes]" in out, out
    assert (dev.state / "bootflash" / "image.bin").read_bytes() == data
    out = exec_cmd(dev, f"copy running-config tftp://127.0.0.1:{port}/r1-confg")
    assert " bytes copied in " in out, out
    assert "hostname interop" in (root / "r1-confg").read_text()
    # Exactly 1024 bytes: the transfer ends with an empty block.
    (dev.state / "bootflash" / "k.bin").write_bytes(b"k" * 1024)
    exec_cmd(dev, f"copy bootflash:k.bin tftp://127.0.0.1:{port}/k.bin")
    assert (root / "k.bin").read_bytes() == b"k" * 1024
    out = exec_cmd(dev, f"copy tftp://127.0.0.1:{port}/missing.bin bootflash:m.bin")
    assert f"%Error opening tftp://127.0.0.1:{port}/missing.bin (No such file or directory)" in out
    assert not (dev.state / "bootflash" / "m.bin").exists()


def test_an_unreachable_tftp_server_times_out(dev):
    port = free_udp_port()
    out = exec_cmd(dev, f"copy tftp://127.0.0.1:{port}/x bootflash:x")
    assert f"%Error opening tftp://127.0.0.1:{port}/x (Timed out)" in out


def test_copy_to_and_from_http(dev, web):
    root, port = web
    (root / "cfg.txt").write_text("interface Loopback9\n description over http\n")
    out = exec_cmd(dev, f"copy http://127.0.0.1:{port}/cfg.txt running-config")
    assert " bytes copied in " in out, out
    assert "description over http" in exec_cmd(dev, "show running-config | include over http")
    exec_cmd(dev, f"copy running-config http://127.0.0.1:{port}/backup.cfg")
    assert "description over http" in (root / "backup.cfg").read_text()
    out = exec_cmd(dev, f"copy http://127.0.0.1:{port}/none.txt bootflash:none.txt")
    assert "(No such file or directory)" in out


def test_netconf_url_to_remote_servers(dev, tftp, web):
    troot, tport = tftp
    wroot, wport = web
    with manager.connect(host="127.0.0.1", port=dev.port, username="admin", password="cisco",
                         hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=60) as m:
        assert "urn:ietf:params:netconf:capability:url:1.0?scheme=file,tftp,http,scp" in m.server_capabilities
        m.copy_config(source="running", target=f"tftp://127.0.0.1:{tport}/nc.cfg")
        assert "hostname interop" in (troot / "nc.cfg").read_text()
        m.copy_config(source="running", target=f"http://127.0.0.1:{wport}/nc.cfg")
        saved = (wroot / "nc.cfg").read_text()
        (wroot / "nc2.cfg").write_text(saved.replace(" description test", " description via url"))
        m.copy_config(source=f"http://127.0.0.1:{wport}/nc2.cfg", target="running")
        reply = m.get_config("running")
        assert "description via url" in reply.xml
        with pytest.raises(RPCError) as e:
            m.copy_config(source=f"http://127.0.0.1:{wport}/absent.cfg", target="running")
        assert e.value.tag == "operation-failed"
        assert "No such file or directory" in str(e.value)


def test_copy_over_scp_to_another_device(tmp_path, client_key):
    """The device as SCP client (password login) of a second device."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = start(tmp_path / "a", client_key, "ios-xe-16")
    b = start(tmp_path / "b", client_key, "ios-xe-16", extra="ip scp server enable\n")
    try:
        url = f"scp://admin:cisco@127.0.0.1:{b.port}/bootflash:/from-a.cfg"
        out = exec_cmd(a, f"copy running-config {url}")
        assert " bytes copied in " in out, out
        assert "hostname interop" in (b.state / "bootflash" / "from-a.cfg").read_text()
        (b.state / "bootflash" / "to-a.bin").write_bytes(b"\x00\x01" * 3000)
        out = exec_cmd(a, f"copy scp://admin:cisco@127.0.0.1:{b.port}/bootflash:/to-a.bin bootflash:to-a.bin")
        assert "[OK - 6000 bytes]" in out, out
        assert (a.state / "bootflash" / "to-a.bin").read_bytes() == b"\x00\x01" * 3000
        out = exec_cmd(a, f"copy scp://admin:wrong@127.0.0.1:{b.port}/bootflash:/to-a.bin bootflash:x")
        assert "(Permission denied)" in out, out
        out = exec_cmd(a, f"copy scp://admin:cisco@127.0.0.1:{b.port}/bootflash:/absent bootflash:x")
        assert "(No such file or directory)" in out, out
    finally:
        for d in (a, b):
            d.proc.terminate()
            d.proc.wait(timeout=10)


def test_copy_over_scp_to_openssh(tmp_path, client_key, dev):
    """The device as SCP client of OpenSSH's sshd (scripts/baseline's, with
    keyboard-interactive login)."""
    root = pathlib.Path(__file__).resolve().parents[2]
    base = tmp_path / "baseline"
    # Where the sshd's local user may read and write.
    sink = pathlib.Path(tempfile.mkdtemp(prefix="ironconf-scp-", dir="/tmp"))
    os.chmod(sink, 0o777)
    subprocess.run([str(root / "scripts" / "baseline"), "start", str(base)], check=True,
                   env={**os.environ, "IRONCONF_BIN": os.environ.get("IRONCONF_BIN", str(root / "target" / "debug" / "ironconf"))})
    try:
        env = dict(l.split("=", 1) for l in (base / "env").read_text().split())
        (sink / "in.cfg").write_text("interface Loopback4\n description via openssh scp\n")
        os.chmod(sink / "in.cfg", 0o644)
        user, pw, port = env["KBD_USER"], env["KBD_PASSWORD"], env["NETCONFD_PORT"]
        out = exec_cmd(dev, f"copy scp://{user}:{pw}@127.0.0.1:{port}/{sink}/in.cfg running-config")
        assert " bytes copied in " in out, out
        assert "via openssh scp" in exec_cmd(dev, "show running-config | include openssh")
        out = exec_cmd(dev, f"copy running-config scp://{user}:{pw}@127.0.0.1:{port}/{sink}/out.cfg")
        assert "via openssh scp" in (sink / "out.cfg").read_text()
    finally:
        subprocess.run([str(root / "scripts" / "baseline"), "stop", str(base)], check=False)
        shutil.rmtree(sink, ignore_errors=True)
