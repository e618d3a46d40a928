//! The emulated hardware and release, as `show version`, `show
//! inventory`, `show platform`, `show environment` and `show processes
//! memory` print it: each profile's platform (a CSR1000V with IOS XE 16.12,
//! a 2901 ISR with IOS 15.7, a Catalyst 2960 with IOS 12.2), as data. The
//! environment and memory figures are the CSR1000V's (virtual: no sensors,
//! fans or power supplies); they match `show memory statistics`.

use std::fmt::Write as _;

/// What a device is, as `show version`, `show inventory` and `show
/// platform` print it: its release and its hardware. Each profile names one
/// ([`CSR1000V`], [`ISR2901`], [`C2960`]); what depends on the device (its
/// name, uptime, interfaces, flash) is given to the renderers.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Platform {
    /// The version as parsers read it from the software line (`16.12.4`,
    /// `15.7(3)M4`, `12.2(55)SE12`).
    pub version: &'static str,
    /// IOS XE's own first line (`Cisco IOS XE Software, Version 16.12.04`);
    /// none on classic IOS.
    pub xe_line: Option<&'static str>,
    /// The software banner: the `Cisco IOS Software, …` line, support,
    /// copyright and build lines.
    pub software: &'static str,
    /// `ROM: …` (and `BOOTLDR: …`) lines.
    pub rom: &'static str,
    /// `System returned to ROM by …`.
    pub returned_by: &'static str,
    /// The image on the flash (`packages.conf`).
    pub image: &'static str,
    /// The lines after the image's (`Last reload reason: …`).
    pub after_image: &'static str,
    /// Classic IOS prints the export notice of its cryptographic image.
    pub export_notice: bool,
    /// The processor line (`cisco CSR1000V (VXE) processor … memory.`).
    pub processor: &'static str,
    /// The product ID (`CSR1000V`, `CISCO2901/K9`, `WS-C2960-24TT-L`).
    pub pid: &'static str,
    /// The chassis serial number (`Processor board ID`).
    pub serial: &'static str,
    /// The lines between the board ID and the interface counts.
    pub before_interfaces: &'static str,
    /// A switch counts its VLAN interfaces as Virtual Ethernet ones.
    pub virtual_ethernet: bool,
    /// The lines after the interface counts; `{flash}` is the flash's
    /// prefix, `{flash_kb}` its size.
    pub memory: &'static str,
    /// The lines before the configuration register (licences, a switch's
    /// stack table); `{version}` and `{pid}` filled in.
    pub trailer: &'static str,
    /// `Configuration register is …`.
    pub config_register: &'static str,
    /// `show inventory`'s entries: name, description, PID, VID, serial.
    pub inventory: &'static [InventoryEntry],
    /// `show platform`'s chassis type and slots (type, state) on IOS XE;
    /// classic IOS has no such command.
    pub slots: Option<(&'static str, &'static [Slot])>,
}

/// A CSR1000V running IOS XE 16.12.
pub const CSR1000V: Platform = Platform {
    version: "16.12.4",
    xe_line: Some("Cisco IOS XE Software, Version 16.12.04"),
    software: "Cisco IOS Software [Gibraltar], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.4, RELEASE SOFTWARE (fc5)\n\
        Technical Support: http://www.cisco.com/techsupport\n\
        Copyright (c) 1986-2020 by Cisco Systems, Inc.\n\
        Compiled Thu 09-Jul-20 21:49 by mcpre\n",
    rom: "ROM: IOS-XE ROMMON\n",
    returned_by: "reload",
    image: "packages.conf",
    after_image: "Last reload reason: reload\n",
    export_notice: false,
    processor: "cisco CSR1000V (VXE) processor (revision VXE) with 2072442K/3075K bytes of memory.",
    pid: "CSR1000V",
    serial: "9ABCDEFGHIJ",
    before_interfaces: "Router operating mode: Autonomous\n",
    virtual_ethernet: false,
    memory: "32768K bytes of non-volatile configuration memory.\n\
        3978420K bytes of physical memory.\n\
        {flash_kb}K bytes of virtual hard disk at {flash}.\n",
    trailer: "",
    config_register: "0x2102",
    inventory: &[
        (
            "Chassis",
            "Cisco CSR1000V Chassis",
            "CSR1000V",
            "V00",
            "9ABCDEFGHIJ",
        ),
        (
            "module R0",
            "Cisco CSR1000V Route Processor",
            "CSR1000V",
            "V00",
            "JAB1303001C",
        ),
        (
            "module F0",
            "Cisco CSR1000V Embedded Services Processor",
            "CSR1000V",
            "",
            "",
        ),
    ],
    slots: Some((
        "CSR1000V",
        &[
            ("1", "CSR1000V", "ok"),
            (" 1/0", "CSR1000V-NIM", "ok"),
            ("R0", "CSR1000V", "ok, active"),
            ("F0", "CSR1000V", "ok, active"),
        ],
    )),
};

/// A Cisco 2901 ISR running IOS 15.7.
pub const ISR2901: Platform = Platform {
    version: "15.7(3)M4",
    xe_line: None,
    software: "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M4, RELEASE SOFTWARE (fc1)\n\
        Technical Support: http://www.cisco.com/techsupport\n\
        Copyright (c) 1986-2018 by Cisco Systems, Inc.\n\
        Compiled Thu 06-Dec-18 17:15 by prod_rel_team\n",
    rom: "ROM: System Bootstrap, Version 15.0(1r)M15, RELEASE SOFTWARE (fc1)\n",
    returned_by: "reload",
    image: "c2900-universalk9-mz.SPA.157-3.M4.bin",
    after_image: "Last reload type: Normal Reload\nLast reload reason: Reload Command\n",
    export_notice: true,
    processor: "Cisco CISCO2901/K9 (revision 1.0) with 483328K/40960K bytes of memory.",
    pid: "CISCO2901/K9",
    serial: "FTX1840ALBY",
    before_interfaces: "",
    virtual_ethernet: false,
    memory: "1 terminal line\n\
        DRAM configuration is 64 bits wide with parity enabled.\n\
        255K bytes of non-volatile configuration memory.\n\
        {flash_kb}K bytes of ATA System CompactFlash 0 (Read/Write)\n",
    trailer: "License Info:\n\
        \n\
        License UDI:\n\
        \n\
        -------------------------------------------------\n\
        Device#   PID                   SN\n\
        -------------------------------------------------\n\
        *0        CISCO2901/K9          FTX1840ALBY     \n\
        \n\
        \n\
        \n\
        Technology Package License Information for Module:'c2900' \n\
        \n\
        -----------------------------------------------------------------\n\
        Technology    Technology-package           Technology-package\n\
        \x20             Current       Type           Next reboot  \n\
        ------------------------------------------------------------------\n\
        ipbase        ipbasek9      Permanent      ipbasek9\n\
        security      None          None           None\n\
        uc            None          None           None\n\
        data          None          None           None\n\
        \n",
    config_register: "0x2102",
    inventory: &[
        (
            "CISCO2901/K9 chassis",
            "CISCO2901/K9 chassis",
            "CISCO2901/K9",
            "V06",
            "FTX1840ALBY",
        ),
        (
            "C2901 Mother board 2GE, integrated VPN and 4W",
            "C2901 Mother board 2GE, integrated VPN and 4W",
            "CISCO2901/K9",
            "V06",
            "FOC18375JQ2",
        ),
    ],
    slots: None,
};

/// An entry of `show inventory`: name, description, PID, VID, serial.
pub type InventoryEntry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// A slot of `show platform`: slot, type, state.
pub type Slot = (&'static str, &'static str, &'static str);

/// A Catalyst 2960 switch running IOS 12.2(55)SE.
pub const C2960: Platform = Platform {
    version: "12.2(55)SE12",
    xe_line: None,
    software: "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)\n\
        Technical Support: http://www.cisco.com/techsupport\n\
        Copyright (c) 1986-2017 by Cisco Systems, Inc.\n\
        Compiled Thu 23-Mar-17 09:14 by prod_rel_team\n",
    rom: "ROM: Bootstrap program is C2960 boot loader\n\
        BOOTLDR: C2960 Boot Loader (C2960-HBOOT-M) Version 12.2(44)SE5, RELEASE SOFTWARE (fc1)\n",
    returned_by: "power-on",
    image: "c2960-lanbasek9-mz.122-55.SE12.bin",
    after_image: "",
    export_notice: true,
    processor: "cisco WS-C2960-24TT-L (PowerPC405) processor (revision B0) with 65536K bytes of memory.",
    pid: "WS-C2960-24TT-L",
    serial: "FOC1010X104",
    before_interfaces: "Last reset from power-on\n",
    virtual_ethernet: true,
    memory: "The password-recovery mechanism is enabled.\n\
        \n\
        64K bytes of flash-simulated non-volatile configuration memory.\n\
        Base ethernet MAC Address       : 00:1E:BD:4A:51:80\n\
        Motherboard assembly number     : 73-10390-03\n\
        Power supply part number        : 341-0097-02\n\
        Motherboard serial number       : FOC10093R12\n\
        Power supply serial number      : AZS1007032H\n\
        Model revision number           : B0\n\
        Motherboard revision number     : B0\n\
        Model number                    : WS-C2960-24TT-L\n\
        System serial number            : FOC1010X104\n\
        Top Assembly Part Number        : 800-27221-02\n\
        Top Assembly Revision Number    : A0\n\
        Version ID                      : V02\n\
        CLEI Code Number                : COM3L00BRA\n\
        Hardware Board Revision Number  : 0x01\n",
    trailer: "\n\
        Switch Ports Model              SW Version            SW Image                 \n\
        ------ ----- -----              ----------            ----------               \n\
        *    1 26    {pid}    {version}          C2960-LANBASEK9-M        \n\
        \n\
        \n",
    config_register: "0xF",
    inventory: &[(
        "1",
        "WS-C2960-24TT-L",
        "WS-C2960-24TT-L",
        "V02",
        "FOC1010X104",
    )],
    slots: None,
};

/// The export notice of a cryptographic image, as classic IOS prints it.
const EXPORT_NOTICE: &str = "This product contains cryptographic features and is subject to United\n\
    States and local country laws governing import, export, transfer and\n\
    use. Delivery of Cisco cryptographic products does not imply\n\
    third-party authority to import, export, distribute or use encryption.\n\
    Importers, exporters, distributors and users are responsible for\n\
    compliance with U.S. and local country laws. By using this product you\n\
    agree to comply with applicable laws and regulations. If you are unable\n\
    to comply with U.S. and local laws, return this product immediately.\n\
    \n\
    A summary of U.S. laws governing Cisco cryptographic products may be found at:\n\
    http://www.cisco.com/wwl/export/crypto/tool/stqrg.html\n\
    \n\
    If you require further assistance please contact us by sending email to\n\
    export@cisco.com.\n\
    \n";

/// What `show version` reads from the device itself.
#[derive(Debug, Clone, Default)]
pub struct Running<'a> {
    /// The hostname.
    pub hostname: &'a str,
    /// The uptime as IOS words it (`1 hour, 5 minutes`).
    pub uptime: &'a str,
    /// The flash's prefix (`bootflash:`).
    pub flash: &'a str,
    /// The flash's size in bytes.
    pub flash_bytes: u64,
    /// The names of the configured interfaces.
    pub interfaces: Vec<&'a str>,
}

/// `show version`.
pub fn show_version(p: &Platform, r: &Running<'_>) -> String {
    let mut out = String::new();
    if let Some(line) = p.xe_line {
        let _ = writeln!(out, "{line}");
    }
    out.push_str(p.software);
    // IOS XE leaves two blank lines after the banner, IOS one.
    out.push_str(if p.xe_line.is_some() { "\n\n" } else { "\n" });
    out.push_str(p.rom);
    let _ = writeln!(out, "\n{} uptime is {}", r.hostname, r.uptime);
    if p.xe_line.is_some() {
        let _ = writeln!(out, "Uptime for this control processor is {}", r.uptime);
    }
    let _ = writeln!(out, "System returned to ROM by {}", p.returned_by);
    let _ = writeln!(out, "System image file is \"{}{}\"", r.flash, p.image);
    out.push_str(p.after_image);
    out.push_str("\n\n");
    if p.export_notice {
        out.push_str(EXPORT_NOTICE);
    }
    let _ = writeln!(out, "{}", p.processor);
    let _ = writeln!(out, "Processor board ID {}", p.serial);
    out.push_str(p.before_interfaces);
    let count = |prefix: &str| {
        r.interfaces
            .iter()
            .filter(|i| i.starts_with(prefix))
            .count()
    };
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if p.virtual_ethernet {
        let n = count("Vlan");
        let _ = writeln!(out, "{n} Virtual Ethernet interface{}", plural(n));
    }
    let fast = count("FastEthernet");
    if fast > 0 {
        let _ = writeln!(out, "{fast} FastEthernet interface{}", plural(fast));
    }
    // A router has its Gigabit Ethernet ports configured or not.
    let gigabit = count("GigabitEthernet").max(usize::from(!p.virtual_ethernet));
    if gigabit > 0 {
        let _ = writeln!(
            out,
            "{gigabit} Gigabit Ethernet interface{}",
            plural(gigabit)
        );
    }
    out.push_str(
        &p.memory
            .replace("{flash_kb}", &(r.flash_bytes / 1024).to_string())
            .replace("{flash}", r.flash),
    );
    out.push('\n');
    out.push_str(
        &p.trailer
            .replace("{version}", p.version)
            .replace("{pid}", &format!("{:<15}", p.pid)),
    );
    let _ = writeln!(out, "Configuration register is {}", p.config_register);
    out
}

/// `show inventory`.
pub fn show_inventory(p: &Platform) -> String {
    let mut out = String::new();
    for (name, descr, pid, vid, sn) in p.inventory {
        let _ = writeln!(out, "NAME: \"{name}\", DESCR: \"{descr}\"");
        let _ = writeln!(out, "PID: {pid:<18}, VID: {vid:<5}, SN: {sn:<11}");
        out.push('\n');
    }
    out.push('\n');
    out
}

/// `show platform`: the slots of an IOS XE chassis, inserted at boot
/// (`uptime` as `hh:mm:ss` or `NdNh`); `None` on classic IOS, which has no
/// such command.
pub fn show_platform(p: &Platform, uptime: &str) -> Option<String> {
    let (chassis, slots) = p.slots?;
    let mut out = format!(
        "Chassis type: {chassis:<19}\n\nSlot      Type                State                 Insert time (ago) \n--------- ------------------- --------------------- ----------------- \n"
    );
    for (slot, ty, state) in slots {
        let _ = writeln!(out, "{slot:<9} {ty:<19} {state:<21} {uptime:<17} ");
    }
    out.push_str(
        "\nSlot      CPLD Version        Firmware Version                        \n--------- ------------------- --------------------------------------- \n1         N/A                 N/A                                     \nR0        N/A                 N/A                                     \nF0        N/A                 N/A                                     \n\n",
    );
    Some(out)
}

/// The processor pool (bytes): total, used, free.
pub const PROCESSOR_POOL: (u64, u64, u64) = (1_988_394_688, 265_487_072, 1_722_907_616);

/// The I/O pool (bytes): total, used, free.
pub const IO_POOL: (u64, u64, u64) = (6_295_128, 6_294_304, 824);

/// `show environment [all]`: a virtual router has no sensors; IOS prints
/// its alarm counts and an empty sensor table.
pub fn show_environment() -> String {
    "Number of Critical alarms:  0\nNumber of Major alarms:     0\nNumber of Minor alarms:     0\n\n Slot        Sensor          Current State   Reading        Threshold(Minor,Major,Critical,Shutdown)\n ----------  --------------  --------------- ------------   ---------------------------------------\n\n".into()
}

/// The processes `show processes memory` lists: (PID, name, allocated,
/// freed, holding).
const PROCESSES: &[(u32, &str, u64, u64, u64)] = &[
    (0, "*Init*", 246_498_880, 35_584_624, 192_066_872),
    (1, "Chunk Manager", 264, 264, 12_200),
    (2, "Load Meter", 0, 0, 9_200),
    (3, "IOSXE heartbeat", 0, 0, 21_200),
    (4, "Check heaps", 2_816, 0, 12_016),
    (5, "Pool Manager", 0, 0, 9_200),
    (6, "DiscardQ Background", 0, 0, 13_200),
    (7, "Timers", 0, 0, 9_200),
    (8, "WATCH_AFS", 0, 0, 9_200),
    (9, "MEMLEAK PROCESS", 0, 0, 25_200),
    (10, "ARP Input", 2_088, 0, 11_288),
    (11, "SSH Process", 417_560, 403_872, 23_088),
    (12, "NETCONF process", 1_305_400, 1_115_832, 198_768),
    (13, "Exec", 27_152, 25_688, 10_664),
];

/// `show processes memory [sorted]`: the processor pool and its holders
/// (`sorted`: by memory held).
pub fn show_processes_memory(sorted: bool) -> String {
    let (total, used, free) = PROCESSOR_POOL;
    let (io_total, io_used, io_free) = IO_POOL;
    let mut out = format!(
        "Processor Pool Total: {total} Used:  {used} Free: {free}\n lsmpi_io Pool Total:    {io_total} Used:    {io_used} Free:        {io_free}\n\n PID TTY  Allocated      Freed    Holding    Getbufs    Retbufs Process\n"
    );
    let mut rows: Vec<_> = PROCESSES.to_vec();
    if sorted {
        rows.sort_by_key(|p| std::cmp::Reverse(p.4));
    }
    for (pid, name, alloc, freed, holding) in rows {
        let _ = writeln!(
            out,
            "{pid:>4} {:>3} {alloc:>10} {freed:>10} {holding:>10} {:>10} {:>10} {name}",
            0, 0, 0
        );
    }
    let held: u64 = PROCESSES.iter().map(|p| p.4).sum();
    let _ = writeln!(out, "{held:>49} Total");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_figures_agree() {
        let (total, used, free) = PROCESSOR_POOL;
        assert_eq!(total, used + free);
        let text = show_processes_memory(true);
        assert!(
            text.starts_with(
                "Processor Pool Total: 1988394688 Used:  265487072 Free: 1722907616\n"
            )
        );
        let init = text.lines().position(|l| l.ends_with("*Init*"));
        let exec = text.lines().position(|l| l.ends_with(" Exec"));
        assert!(init < exec);
        assert!(show_inventory(&CSR1000V).contains("SN: 9ABCDEFGHIJ\n"));
    }
}
