//! The emulated hardware, as `show inventory`, `show platform`, `show
//! environment` and `show processes memory` print it: a CSR1000V (the
//! platform `show version` names), virtual, so without sensors, fans or
//! power supplies. Figures match `show memory statistics`.

use std::fmt::Write as _;

/// The chassis serial number (`show version`'s processor board ID).
pub const SERIAL: &str = "9ABCDEFGHIJ";

/// The processor pool (bytes): total, used, free.
pub const PROCESSOR_POOL: (u64, u64, u64) = (1_988_394_688, 265_487_072, 1_722_907_616);

/// The I/O pool (bytes): total, used, free.
pub const IO_POOL: (u64, u64, u64) = (6_295_128, 6_294_304, 824);

/// `show inventory`.
pub fn show_inventory() -> String {
    format!(
        "NAME: \"Chassis\", DESCR: \"Cisco CSR1000V Chassis\"\n\
         PID: CSR1000V          , VID: V00  , SN: {SERIAL}\n\
         \n\
         NAME: \"module R0\", DESCR: \"Cisco CSR1000V Route Processor\"\n\
         PID: CSR1000V          , VID: V00  , SN: JAB1303001C\n\
         \n\
         NAME: \"module F0\", DESCR: \"Cisco CSR1000V Embedded Services Processor\"\n\
         PID: CSR1000V          , VID:      , SN:            \n\
         \n\n"
    )
}

/// `show platform`: the slots of a CSR1000V, inserted at boot (`uptime`
/// as `hh:mm:ss` or `NdNh`).
pub fn show_platform(uptime: &str) -> String {
    let mut out = String::from(
        "Chassis type: CSR1000V            \n\nSlot      Type                State                 Insert time (ago) \n--------- ------------------- --------------------- ----------------- \n",
    );
    for (slot, ty, state) in [
        ("1", "CSR1000V", "ok"),
        (" 1/0", "CSR1000V-NIM", "ok"),
        ("R0", "CSR1000V", "ok, active"),
        ("F0", "CSR1000V", "ok, active"),
    ] {
        let _ = writeln!(out, "{slot:<9} {ty:<19} {state:<21} {uptime:<17} ");
    }
    out.push_str(
        "\nSlot      CPLD Version        Firmware Version                        \n--------- ------------------- --------------------------------------- \n1         N/A                 N/A                                     \nR0        N/A                 N/A                                     \nF0        N/A                 N/A                                     \n\n",
    );
    out
}

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
        assert!(show_inventory().contains("SN: 9ABCDEFGHIJ\n"));
    }
}
