#!/usr/bin/env python3
"""Writes the IOS configuration corpus used by the engine's tests
(crates/ios/tests/corpus). The files are plain IOS running-configs; this
script only saves typing the repetitive parts (port blocks, routes)."""
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "ios", "tests", "corpus")
R = random.Random(20261125)


def sections(blocks):
    out = []
    for b in blocks:
        if isinstance(b, str):
            out.append(b)
        else:
            if out and out[-1] != "!":
                out.append("!")
            out.extend(b)
            out.append("!")
    if out and out[-1] != "!":
        out.append("!")
    return ["!"] + out + ["end"]


def csr_router():
    g = []
    g += ["version 16.12", "service timestamps debug datetime msec", "service timestamps log datetime msec",
          "service password-encryption", "no service pad", "platform qfp utilization monitor load 80",
          "hostname csr-edge-01", "boot-start-marker", "boot system bootflash:packages.conf", "boot-end-marker"]
    blocks = list(g)
    for vrf, rd in (("MGMT", "65000:1"), ("CUST-A", "65000:100"), ("CUST-B", "65000:200")):
        blocks.append([f"vrf definition {vrf}", f" description {vrf} routing table", f" rd {rd}",
                       " address-family ipv4", f"  route-target export {rd}", f"  route-target import {rd}",
                       "  exit-address-family"])
    blocks += ["logging buffered 65536 informational", "no logging console",
               "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
               "aaa new-model", "aaa authentication login default local", "aaa authorization exec default local",
               "aaa session-id common", "clock timezone UTC 0 0", "ip domain name lab.example.net",
               "ip name-server 192.0.2.53 192.0.2.54", "no ip domain lookup", "login block-for 60 attempts 5 within 30",
               "login on-success log", "multilink bundle-name authenticated",
               "license udi pid CSR1000V sn 9ABCDEFGHIJ", "license boot level ax", "diagnostic bootup level minimal",
               "spanning-tree extend system-id",
               "username admin privilege 15 secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
               "username netops privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
               "username monitor privilege 1 password 7 070C285F4D06"]
    blocks.append(["redundancy", " mode sso"])
    blocks.append(["interface Loopback0", " description router-id", " ip address 10.255.0.1 255.255.255.255"])
    for i in range(1, 101):
        blocks.append([f"interface Loopback{i + 100}", f" description service loopback {i}",
                       f" vrf forwarding CUST-{'A' if i % 2 else 'B'}",
                       f" ip address 10.{100 + i // 250}.{i % 250}.1 255.255.255.255"])
    blocks.append(["interface GigabitEthernet1", " description uplink to core-01 Gi0/0/1",
                   " ip address 198.51.100.2 255.255.255.252", " ip ospf network point-to-point", " ip ospf cost 10",
                   " negotiation auto", " no mop enabled", " no mop sysid"])
    blocks.append(["interface GigabitEthernet2", " description scrapli was here!", " no ip address", " negotiation auto",
                   " no mop enabled", " no mop sysid"])
    for sub in range(100, 140):
        blocks.append([f"interface GigabitEthernet2.{sub}", f" description customer vlan {sub}",
                       f" encapsulation dot1Q {sub}", f" vrf forwarding CUST-{'A' if sub % 2 else 'B'}",
                       f" ip address 172.16.{sub}.1 255.255.255.0", f" ip helper-address 192.0.2.67",
                       " no ip redirects", " no ip unreachables", " no ip proxy-arp"])
    blocks.append(["interface GigabitEthernet3", " description management", " vrf forwarding MGMT",
                   " ip address 192.168.255.10 255.255.255.0", " negotiation auto", " no mop enabled", " no mop sysid"])
    blocks.append(["interface GigabitEthernet4", " no ip address", " shutdown", " negotiation auto", " no mop enabled",
                   " no mop sysid"])
    blocks.append(["router ospf 1", " router-id 10.255.0.1", " auto-cost reference-bandwidth 100000",
                   " passive-interface default", " passive-interface GigabitEthernet1",
                   " network 10.255.0.1 0.0.0.0 area 0", " network 198.51.100.0 0.0.0.3 area 0"])
    bgp = ["router bgp 65000", " bgp router-id 10.255.0.1", " bgp log-neighbor-changes",
           " no bgp default ipv4-unicast"]
    peers = [f"198.51.100.{n}" for n in range(9, 60, 4)]
    for p in peers:
        bgp += [f" neighbor {p} remote-as 65010", f" neighbor {p} description transit peer {p}",
                f" neighbor {p} update-source Loopback0"]
    bgp += [" address-family ipv4", "  network 10.255.0.1 mask 255.255.255.255"]
    for p in peers:
        bgp += [f"  neighbor {p} activate", f"  neighbor {p} send-community both", f"  neighbor {p} route-map RM-IN in"]
    bgp += ["  exit-address-family"]
    blocks.append(bgp)
    blocks += ["ip forward-protocol nd", "no ip http server", "ip http authentication local", "no ip http secure-server"]
    for i in range(120):
        blocks.append(f"ip route 10.{20 + i // 250}.{i % 250}.0 255.255.255.0 198.51.100.1 name static-{i}")
    blocks += ["ip route vrf MGMT 0.0.0.0 0.0.0.0 192.168.255.1",
               "ip ssh time-out 60", "ip ssh authentication-retries 2",
               "ip ssh server algorithm encryption aes128-ctr aes192-ctr aes256-ctr",
               "ip ssh server algorithm mac hmac-sha2-256 hmac-sha2-512", "ip ssh version 2"]
    blocks.append(["ip access-list standard MGMT-HOSTS", " 10 permit 192.168.255.0 0.0.0.255",
                   " 20 permit host 10.255.0.99", " 30 deny any log"])
    ext = ["ip access-list extended EDGE-IN", " 10 remark block bogons"]
    for i, net in enumerate(["0.0.0.0 0.255.255.255", "10.0.0.0 0.255.255.255", "127.0.0.0 0.255.255.255",
                             "169.254.0.0 0.0.255.255", "172.16.0.0 0.15.255.255", "192.168.0.0 0.0.255.255"]):
        ext.append(f" {20 + i * 10} deny ip {net} any")
    ext += [" 100 permit tcp any host 198.51.100.2 eq 22", " 110 permit udp any any eq 123", " 1000 permit ip any any"]
    blocks.append(ext)
    blocks += ["access-list 1 permit 192.168.255.0 0.0.0.255", "access-list 1 permit host 10.255.0.99",
               "access-list 1 deny any log", "access-list 99 remark SNMP pollers",
               "access-list 99 permit 192.0.2.0 0.0.0.255",
               "logging trap informational", "logging source-interface Loopback0", "logging host 192.0.2.10",
               "logging host 192.0.2.11", "snmp-server community n3tw0rk RO 99", "snmp-server location DC1 row 4 rack 12",
               "snmp-server contact noc@example.net", "snmp-server host 192.0.2.20 version 2c n3tw0rk"]
    blocks.append(["control-plane"])
    blocks.append("banner motd ^C\nAuthorized access only. Disconnect now if you are not an authorized user.\n^C")
    blocks.append(["line con 0", " exec-timeout 15 0", " logging synchronous", " stopbits 1"])
    blocks.append(["line aux 0", " stopbits 1"])
    blocks.append(["line vty 0 4", " access-class 1 in", " exec-timeout 30 0", " logging synchronous",
                   " login local", " transport input ssh"])
    blocks.append(["line vty 5 15", " access-class 1 in", " login local", " transport input ssh"])
    blocks += ["ntp source Loopback0", "ntp server 192.0.2.123 prefer", "ntp server 192.0.2.124",
               "netconf max-sessions 5", "netconf lock-time 60", "netconf max-message 37283", "netconf ssh acl 1"]
    return sections(blocks)


def access_switch():
    blocks = ["version 15.2", "service timestamps debug datetime msec localtime show-timezone",
              "service timestamps log datetime msec localtime show-timezone", "service password-encryption",
              "hostname sw-acc-3f-01", "boot-start-marker", "boot-end-marker",
              "logging buffered 16384 warnings",
              "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
              "aaa new-model", "aaa authentication login default local", "aaa session-id common",
              "clock timezone CET 1 0", "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00",
              "ip domain name campus.example.org", "no ip domain lookup",
              "spanning-tree mode rapid-pvst", "spanning-tree extend system-id",
              "vtp domain CAMPUS", "vtp mode transparent",
              "username admin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM"]
    for v, name in ((10, "USERS"), (20, "VOICE"), (30, "PRINTERS"), (99, "MGMT"), (999, "PARKING")):
        blocks.append([f"vlan {v}", f" name {name}"])
    blocks.append(["interface Port-channel1", " description uplink bundle to dist-01",
                   " switchport trunk allowed vlan 10,20,30,99", " switchport mode trunk"])
    for p in range(1, 49):
        port = [f"interface GigabitEthernet1/0/{p}"]
        if p <= 40:
            port += [f" description user port 3F-{p:02d}", " switchport access vlan 10", " switchport mode access",
                     " switchport voice vlan 20", " switchport port-security maximum 3", " switchport port-security",
                     " spanning-tree portfast", " spanning-tree bpduguard enable"]
        elif p <= 46:
            port += [f" description printer 3F-P{p - 40}", " switchport access vlan 30", " switchport mode access",
                     " spanning-tree portfast"]
        else:
            port += [" description unused", " switchport access vlan 999", " switchport mode access", " shutdown"]
        blocks.append(port)
    for p in (1, 2):
        blocks.append([f"interface TenGigabitEthernet1/1/{p}", " description uplink member",
                       " switchport trunk allowed vlan 10,20,30,99", " switchport mode trunk",
                       " channel-group 1 mode active"])
    blocks.append(["interface Vlan1", " no ip address", " shutdown"])
    blocks.append(["interface Vlan99", " description management", " ip address 10.99.3.11 255.255.255.0"])
    blocks += ["ip forward-protocol nd", "no ip http server", "no ip http secure-server",
               "ip route 0.0.0.0 0.0.0.0 10.99.3.1", "ip ssh time-out 30", "ip ssh version 2",
               "access-list 5 permit 10.99.0.0 0.0.255.255", "access-list 5 deny any",
               "logging host 10.99.0.50", "snmp-server community c4mpus RO 5", "snmp-server location Building A floor 3"]
    blocks.append("banner login ^CCampus network - authorised staff only^C")
    blocks.append(["line con 0", " exec-timeout 5 0"])
    blocks.append(["line vty 0 4", " access-class 5 in", " exec-timeout 10 0", " login local", " transport input ssh"])
    blocks.append(["line vty 5 15", " access-class 5 in", " login local", " transport input ssh"])
    blocks += ["ntp server 10.99.0.1", "netconf ssh"]
    return sections(blocks)


def branch_router():
    blocks = ["version 16.9", "service timestamps debug datetime msec", "service timestamps log datetime msec",
              "service tcp-keepalives-in", "service tcp-keepalives-out", "no service dhcp",
              "hostname br-isr-042", "boot-start-marker", "boot system flash isr4300-universalk9.16.09.05.SPA.bin",
              "boot-end-marker"]
    blocks.append(["vrf definition Mgmt-intf", " address-family ipv4", "  exit-address-family", " address-family ipv6",
                   "  exit-address-family"])
    blocks += ["logging buffered 32000", "enable secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
               "no aaa new-model", "ip domain name branches.example.com", "ip name-server 8.8.8.8",
               "login on-failure log", "login on-success log",
               "username branchadmin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM"]
    blocks.append(["redundancy", " mode none"])
    blocks.append(["interface Loopback0", " ip address 10.42.255.1 255.255.255.255"])
    blocks.append(["interface Tunnel0", " description DMVPN to hub", " bandwidth 20000", " ip address 10.200.0.42 255.255.0.0",
                   " ip mtu 1400", " delay 1000"])
    blocks.append(["interface GigabitEthernet0/0/0", " description WAN ISP-A", " ip address 203.0.113.42 255.255.255.248",
                   " ip access-group EDGE-IN in", " ip nat outside", " negotiation auto"])
    blocks.append(["interface GigabitEthernet0/0/1", " description LAN trunk", " no ip address", " negotiation auto"])
    for v in (10, 20, 30, 40, 50):
        blocks.append([f"interface GigabitEthernet0/0/1.{v}", f" description LAN segment {v}",
                       f" encapsulation dot1Q {v}", f" ip address 10.42.{v}.1 255.255.255.0",
                       " ip helper-address 10.0.0.67", " ip nat inside", " standby 1 ip 10.42.%d.254" % v,
                       " standby 1 priority 110", " standby 1 preempt"])
    blocks.append(["interface GigabitEthernet0", " vrf forwarding Mgmt-intf", " no ip address", " shutdown",
                   " negotiation auto"])
    blocks.append(["router ospf 42", " router-id 10.42.255.1", " log-adjacency-changes detail",
                   " passive-interface default", " passive-interface Tunnel0", " network 10.42.0.0 0.0.255.255 area 42",
                   " network 10.200.0.0 0.0.255.255 area 0", " default-information originate always"])
    blocks += ["ip forward-protocol nd", "ip http server", "ip http authentication local", "ip http secure-server"]
    for i in range(60):
        blocks.append(f"ip route 172.{16 + i // 200}.{i % 200}.0 255.255.255.0 Tunnel0 10.200.0.1 200 name backup-{i}")
    blocks += ["ip route 0.0.0.0 0.0.0.0 203.0.113.41", "ip ssh version 2"]
    ext = ["ip access-list extended EDGE-IN", " 5 remark permit established and management"]
    for i in range(1, 80):
        ext.append(f" {i * 10} permit tcp host 198.51.{i}.10 host 203.0.113.42 eq 22")
    ext.append(" 9999 deny ip any any log")
    blocks.append(ext)
    blocks += ["access-list 10 permit 10.42.0.0 0.0.255.255", "access-list 110 permit ip 10.42.0.0 0.0.255.255 any",
               "access-list 110 deny ip any any", "snmp-server community br4nch RO 10",
               "snmp-server enable traps snmp linkdown linkup"]
    blocks.append(["control-plane", " service-policy input CoPP"])
    blocks.append("banner exec ^C\nBranch 042 - change window Sat 02:00-04:00\n^C")
    blocks.append("banner motd ^C\nUnauthorised access prohibited\n^C")
    blocks.append(["line con 0", " exec-timeout 0 0", " privilege level 15", " transport preferred none", " stopbits 1"])
    blocks.append(["line aux 0", " stopbits 1"])
    blocks.append(["line vty 0 4", " exec-timeout 20 0", " length 0", " login local", " transport input ssh telnet"])
    blocks += ["ntp server 10.0.0.123", "netconf max-sessions 16", "netconf lock-time 300", "netconf ssh"]
    return sections(blocks)


for name, fn in (("csr-edge-router.cfg", csr_router), ("access-switch.cfg", access_switch),
                 ("branch-router.cfg", branch_router)):
    lines = fn()
    with open(os.path.join(OUT, name), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(name, len(lines))
