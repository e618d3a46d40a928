"""The flash and the SCP server, by OpenSSH's scp (classic protocol, `-O`),
paramiko and netmiko's FileTransfer, as they move files to and from a real
IOS device."""
import hashlib
import os
import subprocess

import paramiko
import pytest
from netmiko import ConnectHandler, FileTransfer

from conftest import start


@pytest.fixture
def scp_device(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra="ip scp server enable\n")
    yield dev
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def ssh_opts(dev):
    return [
        "-i", str(dev.key), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
    ]


def scp(dev, *args, classic=True):
    cmd = ["scp"] + (["-O"] if classic else []) + ["-P", str(dev.port)] + ssh_opts(dev) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def exec_cmd(dev, command):
    r = subprocess.run(
        ["ssh", "-p", str(dev.port)] + ssh_opts(dev) + ["admin@127.0.0.1", command],
        capture_output=True, text=True, timeout=30,
    )
    return r.stdout.replace("\r\n", "\n")


def test_openssh_scp_both_ways(scp_device, tmp_path):
    # Larger than what a channel may queue (4 MB): the transfer is paced.
    data = os.urandom(24_000_000)
    local = tmp_path / "image.bin"
    local.write_bytes(data)
    r = scp(scp_device, str(local), "admin@127.0.0.1:bootflash:/image.bin")
    assert r.returncode == 0, r.stderr
    assert (scp_device.state / "bootflash" / "image.bin").read_bytes() == data
    # What IOS tools check afterwards.
    digest = hashlib.md5(data).hexdigest()
    assert f"verify /md5 (bootflash:/image.bin) = {digest}" in exec_cmd(scp_device, "verify /md5 bootflash:/image.bin")
    listing = exec_cmd(scp_device, "dir bootflash:/image.bin")
    assert listing.splitlines()[2].split()[2] == str(len(data))
    back = tmp_path / "back.bin"
    r = scp(scp_device, "admin@127.0.0.1:bootflash:/image.bin", str(back))
    assert r.returncode == 0, r.stderr
    assert back.read_bytes() == data
    # running-config comes out as a file too.
    run = tmp_path / "run.txt"
    r = scp(scp_device, "admin@127.0.0.1:running-config", str(run))
    assert r.returncode == 0, r.stderr
    assert "hostname interop" in run.read_text()


def test_refusals_leave_nothing(scp_device, tmp_path):
    local = tmp_path / "f.txt"
    local.write_text("x" * 1000)
    # Modern scp speaks SFTP, which IOS does not serve.
    r = scp(scp_device, str(local), "admin@127.0.0.1:bootflash:/sftp.txt", classic=False)
    assert r.returncode != 0
    # A path out of the file system.
    r = scp(scp_device, str(local), "admin@127.0.0.1:bootflash:../escape.txt")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert sorted(p.name for p in (scp_device.state / "bootflash").iterdir()) == []
    assert not (scp_device.state / "escape.txt").exists()
    # Below privilege 15 (paramiko, password login).
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", scp_device.port, "viewer", "cisco", look_for_keys=False, allow_agent=False)
    ch = c.get_transport().open_session()
    ch.exec_command("scp -t bootflash:/v.txt")
    assert ch.recv_exit_status() == 1
    assert ch.recv(10) == b""
    c.close()
    assert not (scp_device.state / "bootflash" / "v.txt").exists()


def test_scp_is_off_until_enabled(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16")
    try:
        local = tmp_path / "f.txt"
        local.write_text("hello")
        r = scp(dev, str(local), "admin@127.0.0.1:bootflash:/f.txt")
        assert r.returncode != 0
        assert not (dev.state / "bootflash" / "f.txt").exists()
    finally:
        dev.proc.terminate()
        dev.proc.wait(timeout=10)


def test_netmiko_file_transfer_put_and_verify(scp_device, tmp_path):
    local = tmp_path / "netmiko.txt"
    local.write_bytes(os.urandom(200_000))
    conn = ConnectHandler(
        device_type="cisco_ios", host="127.0.0.1", port=scp_device.port,
        username="admin", password="cisco", fast_cli=False,
    )
    try:
        with FileTransfer(conn, source_file=str(local), dest_file="netmiko.txt",
                          file_system="bootflash:") as t:
            assert not t.check_file_exists()
            assert t.verify_space_available()
            t.transfer_file()
            assert t.verify_file()
            assert t.check_file_exists()
            assert t.remote_file_size() == local.stat().st_size
    finally:
        conn.disconnect()
    assert (scp_device.state / "bootflash" / "netmiko.txt").read_bytes() == local.read_bytes()
