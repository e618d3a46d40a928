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
