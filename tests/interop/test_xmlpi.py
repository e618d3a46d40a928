"""XML-PI with ncclient: the configuration as `xml-config-data` (checked
well-formed and namespaced with lxml), edits in the same vocabulary as
drivers written for real devices send them, and show output as
`xml-oper-data`."""
import pytest
from lxml import etree
from ncclient.operations.rpc import RPCError

from test_ncclient import block, connect, local

PI = "urn:cisco:xml-pi"
XML_FILTER = ("subtree", "<config-format-xml/>")


def device_configuration(reply):
    # Parsed again from the raw reply: lxml refuses anything not well-formed.
    root = etree.fromstring(reply.xml.encode())
    (conf,) = root.iter(f"{{{PI}}}Device-Configuration")
    return conf


def edit_xml(m, body, **kw):
    # As ONOS's driver writes it: <Device-Configuration> without a namespace.
    return m.edit_config(
        target="running",
        config=f"<config><xml-config-data><Device-Configuration>{body}</Device-Configuration></xml-config-data></config>",
        **kw,
    )


def text_of(el, *path):
    for name in path:
        el = el.find(f"{{{PI}}}{name}")
        assert el is not None, name
    return el.text


def test_the_configuration_as_xml_pi(device):
    with connect(device) as m:
        conf = device_configuration(m.get_config("running", filter=XML_FILTER))
        # Every element of the configuration is in the XML-PI namespace.
        assert all(etree.QName(e).namespace == PI for e in conf.iter())
        lines = list(conf)
        assert local(lines[-1]) == "end"
        (hostname,) = [e for e in lines if local(e) == "hostname"]
        assert text_of(hostname, "SystemNetworkName") == "interop"
        (lo,) = [e for e in lines if local(e) == "interface" and text_of(e, "Param") == "Loopback113"]
        body = lo.find(f"{{{PI}}}ConfigIf-Configuration")
        assert text_of(body, "description", "UpTo240CharactersDescribingInterface") == "test"
        assert text_of(body, "ip", "address", "IPAddress") == "10.113.0.1"
        assert text_of(body, "ip", "address", "IPSubnetMask") == "255.255.255.255"
        # A text filter applies as to the text formats.
        spec = ("subtree", "<config-format-xml><text-filter-spec>| include ^hostname</text-filter-spec></config-format-xml>")
        conf = device_configuration(m.get(filter=spec))
        assert [local(e) for e in conf] == ["hostname"]


def test_xml_edits_and_their_errors(device):
    with connect(device) as m:
        r = edit_xml(
            m,
            "<interface><Param>Loopback8</Param><ConfigIf-Configuration>"
            "<description><UpTo240CharactersDescribingInterface>from xml-pi</UpTo240CharactersDescribingInterface></description>"
            "<ip><address><IPAddress>10.8.0.1</IPAddress><IPSubnetMask>255.255.255.0</IPSubnetMask></address></ip>"
            "</ConfigIf-Configuration></interface>"
            '<ip operation="delete"><domain><name><DefaultDomainName>example.net</DefaultDomainName></name></domain></ip>',
        )
        assert r.ok
        text = block(m.get_config("running"))
        text = text.replace("\r\n", "\n")
        assert "interface Loopback8\n description from xml-pi\n ip address 10.8.0.1 255.255.255.0\n" in text
        assert "ip domain name example.net" not in text
        before = block(m.get_config("running"))
        # An element the catalogue does not know: unknown-element, nothing applied.
        with pytest.raises(RPCError) as err:
            edit_xml(m, "<hostname><SystemNetworkName>changed</SystemNetworkName></hostname><frobnicate/>")
        assert err.value.tag == "unknown-element"
        if device.profile == "standard":
            assert err.value.info and "frobnicate" in err.value.info
        # A value out of range: invalid-value, with IOS's range.
        with pytest.raises(RPCError) as err:
            edit_xml(m, "<netconf><max-sessions><MaxNETCONFSessions>99</MaxNETCONFSessions></max-sessions></netconf>")
        assert err.value.tag == "invalid-value"
        if device.profile == "standard":
            assert "<4-16>" in err.value.message
        # An operation the vocabulary does not have: bad-attribute.
        with pytest.raises(RPCError) as err:
            edit_xml(m, '<hostname operation="create"><SystemNetworkName>x</SystemNetworkName></hostname>')
        assert err.value.tag == "bad-attribute"
        assert block(m.get_config("running")) == before
        r = edit_xml(m, '<interface operation="delete"><Param>Loopback8</Param></interface>')
        assert r.ok
        assert "Loopback8" not in block(m.get_config("running"))


def test_the_xml_sent_back_changes_nothing(device):
    """What the device gives as XML-PI, sent back as an edit, is the
    configuration it already has."""
    with connect(device) as m:
        before = block(m.get_config("running"))
        conf = device_configuration(m.get_config("running", filter=XML_FILTER))
        body = "".join(etree.tostring(e, encoding="unicode") for e in conf)
        assert edit_xml(m, body).ok
        after = block(m.get_config("running"))
        # The header's "! Last configuration change" block aside.
        assert after[after.index("hostname"):] == before[before.index("hostname"):]


def test_show_output_as_xml(device):
    with connect(device) as m:
        # Two filter elements: ncclient takes them inside a whole <filter>.
        f = lambda show: ('<filter type="subtree"><config-format-text-block><text-filter-spec>| include ^end</text-filter-spec></config-format-text-block>'
                          f"<oper-data-format-xml><show>{show}</show></oper-data-format-xml></filter>")
        root = etree.fromstring(m.get(filter=f("version")).xml.encode())
        version = {local(e): e.text for e in root.iter() if local(e) in ("Version", "Hostname", "ProcessorBoardID")}
        assert version == {"Version": "16.12.4", "Hostname": "interop", "ProcessorBoardID": "9ABCDEFGHIJ"}
        root = etree.fromstring(m.get(filter=f("interfaces Loopback113")).xml.encode())
        (entry,) = [e for e in root.iter() if local(e) == "entry"]
        assert {local(c): c.text for c in entry}["IP-Address"] == "10.113.0.1/32"
        root = etree.fromstring(m.get(filter=f("running-config interface Loopback113")).xml.encode())
        (conf,) = root.iter(f"{{{PI}}}Device-Configuration")
        assert [local(e) for e in conf] == ["interface", "end"]
