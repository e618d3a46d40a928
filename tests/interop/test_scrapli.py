"""scrapli-netconf with its system (OpenSSH) transport, against the
ios-xe-16 profile (the one its fixtures were recorded on)."""
from scrapli_netconf.driver import NetconfDriver


def test_scrapli_system_transport(xe_device):
    conn = NetconfDriver(
        host="127.0.0.1",
        port=xe_device.port,
        auth_username="admin",
        auth_password="cisco",
        auth_strict_key=False,
        transport="system",
        timeout_ops=30,
        timeout_socket=15,
        timeout_transport=30,
    )
    conn.open()
    try:
        r = conn.get_config(source="running")
        assert not r.failed, r.result
        assert "hostname interop" in r.result
        r = conn.get(filter_="<config-format-text-cmd><text-filter-spec>| include interface</text-filter-spec></config-format-text-cmd>")
        assert not r.failed, r.result
        assert "<cmd>interface Loopback113</cmd>" in r.result
        r = conn.edit_config(
            config="<config><cli-config-data><cmd>interface GigabitEthernet2</cmd><cmd>description scrapli was here!</cmd></cli-config-data></config>",
            target="running",
        )
        assert not r.failed, r.result
        assert not conn.lock(target="running").failed
        assert not conn.unlock(target="running").failed
    finally:
        conn.close()


def test_scrapli_iosxe_driver_escalates_with_the_enable_secret(tmp_path, client_key):
    """scrapli's IOSXEDriver over the shell: a privilege-1 user, privilege
    escalation with the enable secret, show commands, a config set."""
    from scrapli.driver.core import IOSXEDriver

    from conftest import start

    dev = start(tmp_path, client_key, "ios-xe-16", extra="enable secret 0 s3cret\n")
    conn = IOSXEDriver(host="127.0.0.1", port=dev.port, auth_username="viewer",
                       auth_password="cisco", auth_secondary="s3cret", auth_strict_key=False,
                       transport="system", timeout_ops=30, timeout_socket=15,
                       timeout_transport=30)
    try:
        conn.open()
        assert conn.get_prompt() == "interop#"
        r = conn.send_command("show privilege")
        assert r.result.strip() == "Current privilege level is 15"
        r = conn.send_configs(["interface Loopback9", "description via scrapli"])
        assert not r.failed, r.result
        r = conn.send_command("show running-config interface Loopback9")
        assert " description via scrapli" in r.result
        # Back to the user's own level, and up again.
        conn.acquire_priv("exec")
        assert conn.get_prompt() == "interop>"
        conn.acquire_priv("privilege_exec")
        assert conn.get_prompt() == "interop#"
        # A wrong secret is refused as IOS refuses it.
        bad = IOSXEDriver(host="127.0.0.1", port=dev.port, auth_username="viewer",
                          auth_password="cisco", auth_secondary="wrong", auth_strict_key=False,
                          transport="system", timeout_ops=10, timeout_socket=15,
                          timeout_transport=30)
        try:
            bad.open()
            raised = False
        except Exception:
            raised = True
        finally:
            try:
                bad.close()
            except Exception:
                pass
        assert raised
    finally:
        conn.close()
        dev.proc.terminate()
        dev.proc.wait(timeout=10)
