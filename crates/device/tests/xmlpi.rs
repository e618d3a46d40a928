//! XML-PI through the device's operations: `config-format-xml`,
//! `xml-config-data` edits with every error option, `oper-data-format-xml`.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use ironconf_device::{Device, NetconfHandler, Profile};
use ironconf_session::testing::ScriptedPeer;

const NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const HELLO: &str = r#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"#;

const STARTUP: &str = "hostname R1\n\
interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n\
interface Loopback113\n description test\n ip address 10.113.0.1 255.255.255.255\n\
netconf ssh\n";

fn session(device: &Device, privilege: u8) -> ScriptedPeer<NetconfHandler> {
    let id = device.register_session("admin", privilege, None, None);
    let mut p = ScriptedPeer::new(
        device.session_config(id),
        NetconfHandler::new(device.clone(), id, "admin", privilege),
    );
    p.send(HELLO);
    p.take_output();
    p
}

fn call(p: &mut ScriptedPeer<NetconfHandler>, body: &str) -> String {
    p.send(format!(
        r#"<rpc message-id="1" xmlns="{NS}">{body}</rpc>]]>]]>"#
    ));
    p.take_text()
}

fn edit(p: &mut ScriptedPeer<NetconfHandler>, option: &str, xml: &str) -> String {
    let option = if option.is_empty() {
        String::new()
    } else {
        format!("<error-option>{option}</error-option>")
    };
    call(
        p,
        &format!(
            "<edit-config><target><running/></target>{option}<config><xml-config-data><Device-Configuration xmlns=\"urn:cisco:xml-pi\">{xml}</Device-Configuration></xml-config-data></config></edit-config>"
        ),
    )
}

fn running(device: &Device) -> String {
    device.running_config()
}

#[test]
fn the_configuration_as_xml_pi_whole_and_filtered() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, 15);
    let out = call(
        &mut p,
        "<get-config><source><running/></source><filter><config-format-xml/></filter></get-config>",
    );
    for part in [
        "<data><xml-config-data><Device-Configuration xmlns=\"urn:cisco:xml-pi\">",
        "<hostname><SystemNetworkName>R1</SystemNetworkName></hostname>",
        "<interface><Param>Loopback113</Param><ConfigIf-Configuration>\n<description><UpTo240CharactersDescribingInterface>test</UpTo240CharactersDescribingInterface></description>\n<ip><address><IPAddress>10.113.0.1</IPAddress><IPSubnetMask>255.255.255.255</IPSubnetMask></address></ip>\n</ConfigIf-Configuration></interface>",
        "<netconf><ssh/></netconf>\n<end></end>\n</Device-Configuration></xml-config-data></data>",
    ] {
        assert!(out.contains(part), "{part}\nnot in\n{out}");
    }
    // A text filter applies as with the text formats; <get> takes it too.
    let out = call(
        &mut p,
        "<get><filter><config-format-xml><text-filter-spec>| section Loopback</text-filter-spec></config-format-xml></filter></get>",
    );
    assert!(
        out.contains("<interface><Param>Loopback113</Param>"),
        "{out}"
    );
    assert!(
        !out.contains("hostname") && !out.contains("GigabitEthernet1"),
        "{out}"
    );
}

#[test]
fn xml_edits_go_through_the_configuration_path() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, 15);
    let out = edit(
        &mut p,
        "",
        "<hostname><SystemNetworkName>R2</SystemNetworkName></hostname>\
         <interface><Param>Loopback113</Param><ConfigIf-Configuration>\
         <description operation=\"delete\"/>\
         <shutdown/></ConfigIf-Configuration></interface>\
         <interface><Param>Loopback7</Param><ConfigIf-Configuration>\
         <ip><address><IPAddress>10.7.0.1</IPAddress><IPSubnetMask>255.255.255.0</IPSubnetMask></address></ip>\
         </ConfigIf-Configuration></interface>\
         <ip operation=\"delete\"><domain><lookup/></domain></ip>",
    );
    assert!(out.contains("<ok"), "{out}");
    let text = running(&device);
    assert!(text.contains("hostname R2\n"), "{text}");
    assert!(
        text.contains("interface Loopback113\n ip address 10.113.0.1 255.255.255.255\n shutdown\n"),
        "{text}"
    );
    assert!(
        text.contains("interface Loopback7\n ip address 10.7.0.1 255.255.255.0\n"),
        "{text}"
    );
    assert!(text.contains("no ip domain lookup\n"), "{text}");
    // Recorded as any change, with who made it.
    let whole = call(
        &mut p,
        "<get-config><source><running/></source></get-config>",
    );
    assert!(
        whole.contains("! Last configuration change at") && whole.contains(" by admin"),
        "{whole}"
    );
    let out = edit(
        &mut p,
        "",
        "<interface operation=\"delete\"><Param>Loopback7</Param></interface>",
    );
    assert!(out.contains("<ok"), "{out}");
    assert!(!running(&device).contains("Loopback7"));
}

#[test]
fn bad_xml_is_refused_precisely_and_changes_nothing() {
    // The standard profile's errors carry their details (the IOS ones
    // send three fields).
    let profile = Profile::by_name("standard").expect("standard profile");
    let (device, _) = Device::in_memory(profile, STARTUP);
    let mut p = session(&device, 15);
    let before = running(&device);
    let cases: &[(&str, &[&str])] = &[
        (
            "<hostname><SystemNetworkName>R9</SystemNetworkName></hostname><frobnicate/>",
            &[
                "<error-tag>unknown-element</error-tag>",
                "<bad-element>frobnicate</bad-element>",
            ],
        ),
        (
            "<netconf><max-sessions><MaxNETCONFSessions>17</MaxNETCONFSessions></max-sessions></netconf>",
            &[
                "<error-tag>invalid-value</error-tag>",
                "<bad-element>MaxNETCONFSessions</bad-element>",
                "&lt;4-16&gt;",
            ],
        ),
        (
            "<interface><Param>Loopback113</Param><ConfigIf-Configuration><mtu><MTUSizeBytes>big</MTUSizeBytes></mtu></ConfigIf-Configuration></interface>",
            &[
                "<error-tag>invalid-value</error-tag>",
                "<bad-element>MTUSizeBytes</bad-element>",
                "&lt;64-18000&gt;",
            ],
        ),
        (
            "<hostname operation=\"replace\"><SystemNetworkName>R9</SystemNetworkName></hostname>",
            &[
                "<error-tag>bad-attribute</error-tag>",
                "<bad-attribute>operation</bad-attribute>",
                "<bad-element>hostname</bad-element>",
            ],
        ),
        (
            "<hostname>R9<SystemNetworkName>R9</SystemNetworkName></hostname>",
            &[
                "<error-tag>bad-element</error-tag>",
                "<bad-element>hostname</bad-element>",
                "mixed",
            ],
        ),
        (
            "<netconf><lock-time/></netconf>",
            &[
                "<error-tag>missing-element</error-tag>",
                "Incomplete command",
            ],
        ),
    ];
    for (xml, expect) in cases {
        let out = edit(&mut p, "", xml);
        for e in *expect {
            assert!(out.contains(e), "{xml}: {e} not in {out}");
        }
        assert_eq!(running(&device), before, "{xml}");
    }
    // Nesting as deep as the catalogue has no word for.
    let deep = format!("{}{}", "<service>".repeat(100), "</service>".repeat(100));
    let out = edit(&mut p, "", &deep);
    assert!(
        out.contains("<error-tag>unknown-element</error-tag>"),
        "{out}"
    );
    assert_eq!(running(&device), before);
    // Past the XML reader's 256 levels.
    let deeper = format!("{}{}", "<service>".repeat(300), "</service>".repeat(300));
    let out = edit(&mut p, "", &deeper);
    assert!(
        out.contains("<error-tag>malformed-message</error-tag>")
            && out.contains("elements nested deeper than 256"),
        "{out}"
    );
    assert_eq!(running(&device), before);
    // The session carries on.
    let out = edit(
        &mut p,
        "",
        "<hostname><SystemNetworkName>R3</SystemNetworkName></hostname>",
    );
    assert!(out.contains("<ok"), "{out}");
}

#[test]
fn error_options_apply_to_xml_as_to_cli_lines() {
    let profile = Profile::by_name("standard").expect("standard profile");
    // A line valid in XML-PI terms that IOS refuses when applied: a mask
    // that is not contiguous.
    let bad = "<interface><Param>Loopback113</Param><ConfigIf-Configuration>\
        <description><UpTo240CharactersDescribingInterface>first</UpTo240CharactersDescribingInterface></description>\
        <ip><address><IPAddress>10.1.1.1</IPAddress><IPSubnetMask>255.0.255.0</IPSubnetMask></address></ip>\
        <shutdown/></ConfigIf-Configuration></interface>";
    for (option, description, shutdown) in [
        ("stop-on-error", true, false),
        ("continue-on-error", true, true),
        ("rollback-on-error", false, false),
    ] {
        let (device, _) = Device::in_memory(profile.clone(), STARTUP);
        let mut p = session(&device, 15);
        let out = edit(&mut p, option, bad);
        assert!(
            out.contains("<error-tag>operation-failed</error-tag>"),
            "{option}: {out}"
        );
        assert!(out.contains("255.0.255.0"), "{option}: {out}");
        let text = running(&device);
        assert_eq!(
            text.contains("description first"),
            description,
            "{option}: {text}"
        );
        assert_eq!(text.contains(" shutdown"), shutdown, "{option}: {text}");
    }
}

#[test]
fn show_output_as_xml() {
    let (device, _) = Device::in_memory(Profile::default(), STARTUP);
    let mut p = session(&device, 15);
    let get = |p: &mut ScriptedPeer<NetconfHandler>, show: &str| {
        call(
            p,
            &format!(
                "<get><filter><config-format-text-block><text-filter-spec>| include ^hostname</text-filter-spec></config-format-text-block><oper-data-format-xml><show>{show}</show></oper-data-format-xml></filter></get>"
            ),
        )
    };
    let out = get(&mut p, "version");
    for part in [
        "<xml-oper-data><item><show>version</show><response><ShowVersion>",
        "<Version>16.12.4</Version>",
        "<Hostname>R1</Hostname>",
        "<Platform>CSR1000V</Platform>",
        "<ProcessorBoardID>9ABCDEFGHIJ</ProcessorBoardID>",
        "<ConfigurationRegister>0x2102</ConfigurationRegister></ShowVersion></response></item></xml-oper-data>",
    ] {
        assert!(out.contains(part), "{part} not in {out}");
    }
    let out = get(&mut p, "interfaces Loopback113");
    assert!(
        out.contains("<ShowInterfaces><Interfaces><entry><Interface>Loopback113</Interface><Status>up</Status><Protocol>up</Protocol><Hardware>Loopback</Hardware><Description>test</Description><IP-Address>10.113.0.1/32</IP-Address><MTU>1514</MTU>"),
        "{out}"
    );
    let out = get(&mut p, "int");
    assert_eq!(
        out.matches("<entry>").count(),
        device.ip_interface_brief().len(),
        "{out}"
    );
    let out = get(&mut p, "inventory");
    assert!(
        out.contains("<ShowInventory><InventoryEntries><entry><Name>Chassis</Name><Descr>Cisco CSR1000V Chassis</Descr><PID>CSR1000V</PID><VID>V00</VID><SN>9ABCDEFGHIJ</SN></entry>"),
        "{out}"
    );
    let out = get(&mut p, "ip arp");
    assert!(
        out.contains("<ShowArp><ARPTable><entry><Protocol>Internet</Protocol><Address>192.0.2.1</Address><Age>-</Age>"),
        "{out}"
    );
    assert!(
        out.contains("<Interface>GigabitEthernet1</Interface></entry>"),
        "{out}"
    );
    let out = get(&mut p, "running-config interface Loopback113");
    assert!(
        out.contains("<ShowRunningConfig><Device-Configuration xmlns=\"urn:cisco:xml-pi\">\n<interface><Param>Loopback113</Param>"),
        "{out}"
    );
    assert!(!out.contains("Building configuration"), "{out}");
    // No XML form: operation-not-supported; above the caller: access-denied.
    let out = get(&mut p, "clock");
    assert!(
        out.contains("<error-tag>operation-not-supported</error-tag>"),
        "{out}"
    );
    let mut low = session(&device, 1);
    let out = call(
        &mut low,
        "<get><filter><oper-data-format-xml><show>running-config</show></oper-data-format-xml></filter></get>",
    );
    assert!(
        out.contains("<error-tag>access-denied</error-tag>"),
        "{out}"
    );
    let out = call(
        &mut low,
        "<get><filter><oper-data-format-xml><show>version</show></oper-data-format-xml></filter></get>",
    );
    assert!(out.contains("<ShowVersion>"), "{out}");
}

/// `show netconf schema` lists the XML-PI elements the agent accepts.
#[test]
fn the_schema_lists_xml_pi() {
    let schema = ironconf_device::ops::schema::show_netconf_schema();
    for part in [
        "        <config-format-xml> [0, 1]\n          <text-filter-spec> [0, 1]\n",
        "        <xml-config-data> [0, 1]\n          <Device-Configuration> [1, 1] required\n",
        "        <oper-data-format-xml> [0, 1]\n          <show> [0, unbounded]\n",
    ] {
        assert!(schema.contains(part), "{part} not in {schema}");
    }
}

/// `show interfaces` of many interfaces comes in parts; its XML form is
/// written a part at a time and every interface is one entry.
#[test]
fn show_interfaces_as_xml_across_parts() {
    let mut startup = String::from("hostname R1\n");
    for i in 0..2_000 {
        startup.push_str(&format!(
            "interface Loopback{i}\n description d{i}\n ip address 10.{}.{}.1 255.255.255.255\n",
            i / 256,
            i % 256
        ));
    }
    let (device, _) = Device::in_memory(Profile::default(), &startup);
    let mut p = session(&device, 15);
    let out = call(
        &mut p,
        "<get><filter><config-format-text-block><text-filter-spec>| include ^end</text-filter-spec></config-format-text-block><oper-data-format-xml><show>interfaces</show></oper-data-format-xml></filter></get>",
    );
    let entries = out.matches("<entry><Interface>").count();
    assert_eq!(
        entries,
        device.ip_interface_brief().len(),
        "{}",
        &out[..2000]
    );
    assert!(entries >= 2_000);
    for i in [0, 999, 1999] {
        assert!(
            out.contains(&format!("<Interface>Loopback{i}</Interface><Status>up</Status><Protocol>up</Protocol><Hardware>Loopback</Hardware><Description>d{i}</Description>")),
            "Loopback{i}"
        );
    }
    assert_eq!(out.matches("<ShowInterfaces>").count(), 1);
    assert!(
        out.contains("</entry></Interfaces></ShowInterfaces></response></item></xml-oper-data>")
    );
}
