"""NAPALM's `ios` driver against the device: it moves candidate files by
SCP and uses `dir`, `verify /md5`, `file prompt quiet`, `show archive`,
`show archive config differences` / `incremental-diffs`, `copy … running-config`
and `configure replace`, as it does with a real IOS device."""
import pytest
from napalm import get_network_driver

from conftest import start


@pytest.fixture
def napalm_device(tmp_path, client_key):
    dev = start(tmp_path, client_key, "ios-xe-16", extra="ip scp server enable\n")
    driver = get_network_driver("ios")
    conn = driver(
        hostname="127.0.0.1", username="admin", password="cisco", timeout=30,
        optional_args={"port": dev.port, "auto_file_prompt": True},
    )
    conn.open()
    yield dev, conn
    conn.close()
    dev.proc.terminate()
    dev.proc.wait(timeout=10)


def running(conn):
    return conn.cli(["show running-config"])["show running-config"]


def test_merge_compare_commit_and_rollback(napalm_device):
    dev, conn = napalm_device
    conn.load_merge_candidate(config="interface Loopback200\n description napalm merge\nend\n")
    diff = conn.compare_config()
    assert diff == "+interface Loopback200\n+ description napalm merge", diff
    conn.commit_config()
    assert "interface Loopback200\n description napalm merge" in running(conn)
    # commit saved it, as NAPALM asks.
    assert "description napalm merge" in dev.startup()
    conn.rollback()
    assert "Loopback200" not in running(conn)
    assert "Loopback200" not in dev.startup()


def test_replace_compare_discard_commit_and_rollback(napalm_device):
    dev, conn = napalm_device
    base = running(conn)
    candidate = base.replace("hostname interop", "hostname napalm").replace(
        " description test", " description replaced"
    )
    conn.load_replace_candidate(config=candidate)
    diff = conn.compare_config()
    for line in ["+hostname napalm", "-hostname interop", " -description test", " +description replaced"]:
        assert line in diff.splitlines(), diff
    conn.discard_config()
    assert conn.compare_config() == ""
    conn.load_replace_candidate(config=candidate)
    conn.commit_config()
    now = running(conn)
    assert "hostname napalm" in now and " description replaced" in now
    assert "hostname napalm" in dev.startup()
    conn.rollback()
    now = running(conn)
    assert "hostname interop" in now and " description test" in now
    # The files NAPALM left on the flash.
    flash = sorted(p.name for p in (dev.state / "bootflash").iterdir())
    assert "candidate_config.txt" in flash and "rollback_config.txt" in flash
