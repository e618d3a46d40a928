//! The file systems and the file commands, on a device with a state
//! directory and on one in memory.

#![allow(clippy::panic)]

use ironconf_device::exec::{ExecCaller, ExecOutput, run};
use ironconf_device::{Device, Profile};

const STARTUP: &str = "hostname R1\nusername admin privilege 15 secret 0 pw\ninterface Loopback1\n ip address 10.0.0.1 255.255.255.255\n";

fn caller(privilege: u8) -> ExecCaller {
    ExecCaller {
        session: None,
        user: "admin".into(),
        privilege,
        line: None,
    }
}

fn on_disk(profile: Profile, startup: &str) -> (tempfile::TempDir, Device) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("startup-config"), startup).unwrap_or_else(|e| panic!("{e}"));
    let (d, _) = Device::open(profile, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    (dir, d)
}

fn sh(d: &Device, line: &str) -> ExecOutput {
    run(d, &caller(15), line)
}

fn ok(d: &Device, line: &str) -> String {
    let out = sh(d, line);
    assert!(out.ok, "{line}: {}", out.text);
    out.text
}

fn err(d: &Device, line: &str) -> String {
    let out = sh(d, line);
    assert!(!out.ok, "{line} should fail: {}", out.text);
    out.text
}

#[test]
fn copy_dir_verify_more_on_the_state_directory() {
    let (dir, d) = on_disk(Profile::default(), STARTUP);
    let empty = ok(&d, "dir");
    assert_eq!(
        empty,
        "Directory of bootflash:/\n\nNo files in directory\n\n7835619328 bytes total (7835619328 bytes free)\n"
    );
    let out = ok(&d, "copy running-config bootflash:backup.cfg");
    assert!(
        out.starts_with("Destination filename [backup.cfg]? \n"),
        "{out}"
    );
    assert!(out.contains(" bytes copied in "), "{out}");
    // The file is in the state directory, and is running-config as shown.
    let on_disk = std::fs::read_to_string(dir.path().join("bootflash/backup.cfg"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(on_disk.contains("interface Loopback1\n ip address 10.0.0.1 255.255.255.255\n"));
    assert!(on_disk.ends_with("end\n"));
    let size = on_disk.len();

    // `dir` of the file: what netmiko reads (the size is the third word).
    let listing = ok(&d, "dir bootflash:/backup.cfg");
    assert!(
        listing.starts_with("Directory of bootflash:/backup.cfg\n\n"),
        "{listing}"
    );
    let line = listing.lines().nth(2).unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[1], "-rw-");
    assert_eq!(words[2], size.to_string());
    assert_eq!(words.last(), Some(&"backup.cfg"));
    assert!(listing.ends_with(&format!(
        "7835619328 bytes total ({} bytes free)\n",
        7_835_619_328 - size
    )));

    let digest = format!("{:x}", md5::compute(on_disk.as_bytes()));
    let out = ok(&d, "verify /md5 bootflash:backup.cfg");
    assert!(
        out.ends_with(&format!("verify /md5 (bootflash:backup.cfg) = {digest}\n")),
        "{out}"
    );
    let out = ok(&d, &format!("verify /md5 flash:backup.cfg {digest}"));
    assert!(
        out.contains(&format!("Verified (flash:backup.cfg) = {digest}")),
        "{out}"
    );
    let out = err(
        &d,
        "verify /md5 bootflash:backup.cfg 00000000000000000000000000000000",
    );
    assert!(
        out.contains("%Error verifying bootflash:backup.cfg"),
        "{out}"
    );
    assert_eq!(ok(&d, "more bootflash:backup.cfg"), on_disk);

    // flash: is bootflash:'s alias; a directory takes the source's name.
    ok(&d, "mkdir cfgs");
    ok(&d, "copy flash:backup.cfg bootflash:cfgs");
    assert!(ok(&d, "dir bootflash:cfgs").contains("  backup.cfg\n"));
    let out = err(&d, "rmdir cfgs");
    assert!(
        out.contains("%Error Removing dir bootflash:/cfgs (Directory not empty)"),
        "{out}"
    );
    ok(&d, "delete /force /recursive bootflash:cfgs");
    let out = err(&d, "dir bootflash:cfgs");
    assert_eq!(
        out,
        "%Error opening bootflash:/cfgs (No such file or directory)\n"
    );

    // The file systems, and the other prefixes.
    let fs = ok(&d, "show file systems");
    assert!(fs.contains("*   7835619328"), "{fs}");
    assert!(fs.contains("disk     rw   bootflash: flash:"), "{fs}");
    assert_eq!(ok(&d, "show flash:"), ok(&d, "dir bootflash:"));
    assert!(ok(&d, "dir nvram:").contains("  startup-config\n"));
    assert!(ok(&d, "dir system:").contains("running-config"));
}

#[test]
fn copy_to_running_merges_and_to_startup_saves() {
    let (dir, d) = on_disk(Profile::default(), STARTUP);
    let file = dir.path().join("bootflash/merge.txt");
    std::fs::write(
        &file,
        "interface Loopback2\n ip address 10.0.0.2 255.255.255.255\nfrobnicate\nend\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = ok(&d, "copy bootflash:merge.txt running-config");
    assert!(
        out.starts_with("Destination filename [running-config]? \n"),
        "{out}"
    );
    // The line no rule knows is reported; the rest applied.
    assert!(
        out.contains("frobnicate\n% Invalid input detected at '^' marker."),
        "{out}"
    );
    assert!(
        d.running_config()
            .contains("interface Loopback2\n ip address 10.0.0.2")
    );
    assert_eq!(d.last_change().map(|c| c.user), Some("admin".into()));

    ok(&d, "copy bootflash:merge.txt startup-config");
    let startup = std::fs::read_to_string(dir.path().join("startup-config")).unwrap_or_default();
    assert!(startup.starts_with("interface Loopback2"), "{startup}");
    // `copy run start` is `write memory`.
    let out = ok(&d, "copy run start");
    assert!(out.ends_with("Building configuration...\n[OK]\n"), "{out}");
    assert!(ok(&d, "more nvram:startup-config").contains("hostname R1"));
}

#[test]
fn file_prompt_quiet_asks_nothing() {
    let (_dir, d) = on_disk(Profile::default(), &format!("{STARTUP}file prompt quiet\n"));
    let out = ok(&d, "copy running-config bootflash:a.cfg");
    assert!(!out.contains("Destination filename"), "{out}");
    let out = ok(&d, "copy bootflash:a.cfg bootflash:a.cfg");
    assert!(!out.contains("over write"), "{out}");
    assert_eq!(ok(&d, "delete bootflash:a.cfg"), "");
    assert!(ok(&d, "show running-config | include file prompt").contains("file prompt quiet"));
}

#[test]
fn names_outside_the_file_system_are_refused() {
    let (dir, d) = on_disk(Profile::default(), STARTUP);
    std::fs::write(dir.path().join("secret.txt"), "outside").unwrap_or_else(|e| panic!("{e}"));
    for name in [
        "bootflash:../secret.txt",
        "bootflash:a/../../secret.txt",
        "bootflash:./x",
        "../secret.txt",
    ] {
        let out = err(&d, &format!("more {name}"));
        assert_eq!(out, format!("%Error opening {name} (Invalid argument)\n"));
        let out = err(&d, &format!("copy running-config {name}"));
        assert!(out.contains("(Invalid argument)"), "{out}");
    }
    // An absolute path is below the file system's root.
    let out = err(&d, "more bootflash:/etc/passwd");
    assert_eq!(
        out,
        "%Error opening bootflash:/etc/passwd (No such file or directory)\n"
    );
    let long = "x".repeat(128);
    let out = err(&d, &format!("copy running-config bootflash:{long}"));
    assert!(out.contains("(File name too long)"), "{out}");
    let out = err(&d, "copy running-config bootflash:a\u{1}b");
    assert!(out.contains("(Invalid argument)"), "{out}");
    // A prefix no file system has is refused by the parser.
    let out = err(&d, "dir foo:");
    assert_eq!(
        out,
        "dir foo:\n    ^\n% Invalid input detected at '^' marker.\n"
    );

    // A symbolic link placed in the state directory is never followed.
    std::os::unix::fs::symlink(
        dir.path().join("secret.txt"),
        dir.path().join("bootflash/link"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = err(&d, "more bootflash:link");
    assert_eq!(out, "%Error opening bootflash:link (Permission denied)\n");
    let out = err(&d, "copy running-config bootflash:link");
    assert!(out.contains("(Permission denied)"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("secret.txt")).unwrap_or_default(),
        "outside"
    );
    assert!(!ok(&d, "dir").contains("link"));
}

#[test]
fn a_full_flash_keeps_no_partial_file() {
    let mut profile = Profile::default();
    profile.flash.capacity = 300;
    let (dir, d) = on_disk(profile, STARTUP);
    ok(&d, "copy running-config bootflash:one.cfg");
    let used = std::fs::metadata(dir.path().join("bootflash/one.cfg"))
        .map(|m| m.len())
        .unwrap_or_default();
    assert!(used > 150 && used < 300, "{used}");
    let out = err(&d, "copy running-config bootflash:two.cfg");
    assert!(
        out.ends_with("%Error copying bootflash:/two.cfg (No space left on device)\n"),
        "{out}"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path().join("bootflash"))
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["one.cfg"]);
    // Replacing the file itself fits.
    ok(&d, "copy running-config bootflash:one.cfg");
}

#[test]
fn file_commands_need_privilege_15() {
    let (_dir, d) = on_disk(Profile::default(), STARTUP);
    for c in [
        "dir",
        "copy running-config bootflash:x",
        "delete bootflash:x",
        "more bootflash:x",
    ] {
        let out = run(&d, &caller(1), c);
        assert!(
            !out.ok && out.text.contains("% Invalid input detected"),
            "{c}: {}",
            out.text
        );
    }
}

#[test]
fn an_in_memory_device_has_a_flash_too() {
    let (d, _) = Device::in_memory(Profile::by_name("ios-15").unwrap_or_default(), STARTUP);
    assert!(ok(&d, "dir").starts_with("Directory of flash:/\n"));
    ok(&d, "copy running-config flash:r.cfg");
    assert!(ok(&d, "more flash:r.cfg").contains("hostname R1"));
    ok(&d, "mkdir d");
    ok(&d, "rename flash:r.cfg flash:d/r.cfg");
    assert!(ok(&d, "dir flash:d").contains("  r.cfg\n"));
    // IOS 15 has no bootflash:.
    let out = err(&d, "dir bootflash:");
    assert!(out.contains("% Invalid input detected"), "{out}");
    let out = err(&d, "show bootflash:");
    assert!(out.contains("% Invalid input detected"), "{out}");
}

mod scp {
    use super::*;
    use ironconf_device::scp::{Scp, ScpRefusal};

    fn sink(d: &Device, command: &str) -> Box<ironconf_device::scp::ScpSink> {
        match d.scp(command, "admin", 15) {
            Ok(Scp::Sink(s)) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_arrives_whole_or_not_at_all() {
        let (dir, d) = on_disk(
            Profile::default(),
            &format!("{STARTUP}ip scp server enable\n"),
        );
        let mut s = sink(&d, "scp -t bootflash:/up.bin");
        assert_eq!(s.take_output(), [0]);
        s.handle_input(b"C0644 10 up.bin\n");
        assert_eq!(s.take_output(), [0]);
        s.handle_input(b"01234");
        s.handle_input(b"56789\0");
        assert_eq!(s.take_output(), [0]);
        s.handle_eof();
        assert!(s.is_done() && !s.failed());
        assert_eq!(
            std::fs::read(dir.path().join("bootflash/up.bin")).unwrap_or_default(),
            b"0123456789"
        );

        // Into a directory, under the sender's name; cut short: nothing.
        let mut s = sink(&d, "scp -t bootflash:");
        s.take_output();
        s.handle_input(b"C0644 100 part.bin\n");
        assert_eq!(s.take_output(), [0]);
        s.handle_input(&[7u8; 60]);
        s.handle_eof();
        assert!(s.failed());
        let names: Vec<String> = std::fs::read_dir(dir.path().join("bootflash"))
            .map(|r| {
                r.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(names, ["up.bin"]);

        // A name that would leave the directory is refused.
        let mut s = sink(&d, "scp -t bootflash:");
        s.take_output();
        s.handle_input(b"C0644 3 ../evil\n");
        let out = s.take_output();
        assert_eq!(out[0], 1, "{out:?}");
        assert!(String::from_utf8_lossy(&out).contains("Invalid argument"));
    }

    #[test]
    fn names_no_command_could_name_are_refused() {
        let (dir, d) = on_disk(
            Profile::default(),
            &format!("{STARTUP}ip scp server enable\n"),
        );
        // The store's own temporary prefix: it would be hidden from `dir`
        // and removed at the next start, an acknowledged upload lost.
        let mut s = sink(&d, "scp -t bootflash:");
        s.take_output();
        s.handle_input(b"C0644 3 .ironconf-tmp.1.2.x\n");
        let out = s.take_output();
        assert_eq!(out[0], 1, "{out:?}");
        assert!(String::from_utf8_lossy(&out).contains("Invalid argument"));
        assert!(matches!(
            d.scp("scp -t bootflash:.ironconf-tmp.9", "admin", 15),
            Err(ScpRefusal::Path(m)) if m.ends_with("Invalid argument")
        ));
        // A directory, then a name that takes the whole past 255
        // characters: `File name too long`, and nothing is made.
        let long_dir = format!("{}/{}", "d".repeat(100), "e".repeat(100));
        ok(&d, &format!("mkdir {}", "d".repeat(100)));
        ok(&d, &format!("mkdir {long_dir}"));
        let mut s = sink(&d, &format!("scp -t bootflash:{long_dir}"));
        s.take_output();
        s.handle_input(format!("C0644 3 {}\n", "f".repeat(60)).as_bytes());
        let out = s.take_output();
        assert_eq!(out[0], 1, "{out:?}");
        assert!(
            String::from_utf8_lossy(&out).contains("File name too long"),
            "{out:?}"
        );
        // Nor through mkdir or rename (refused by the parser or the name
        // check, whichever comes first).
        err(&d, &format!("mkdir {long_dir}/{}", "e".repeat(60)));
        ok(
            &d,
            &format!("copy running-config bootflash:{long_dir}/short"),
        );
        err(
            &d,
            &format!(
                "rename bootflash:{long_dir}/short bootflash:{long_dir}/{}",
                "g".repeat(60)
            ),
        );
        let too_long = vec!["d".repeat(100), "e".repeat(100), "g".repeat(60)];
        assert!(d.flash_mkdir(&too_long).is_err());
        assert!(
            d.flash_rename(
                &[too_long[0].clone(), too_long[1].clone(), "short".into()],
                &too_long
            )
            .is_err()
        );
        let names: Vec<String> = std::fs::read_dir(
            dir.path()
                .join("bootflash")
                .join(long_dir.replace('/', std::path::MAIN_SEPARATOR_STR)),
        )
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
        assert_eq!(names, ["short"]);
    }

    /// Two uploads at once that each fit but not together: space is
    /// reserved when each starts, so the second is refused at once and
    /// the flash never holds more than its capacity.
    #[test]
    fn uploads_at_once_cannot_spend_the_same_space() {
        let mut profile = Profile::default();
        profile.flash.capacity = 64 * 1024 * 1024;
        let (dir, d) = on_disk(profile, &format!("{STARTUP}ip scp server enable\n"));
        let size = 40 * 1024 * 1024;
        let mut a = sink(&d, "scp -t bootflash:a.bin");
        let mut b = sink(&d, "scp -t bootflash:b.bin");
        a.take_output();
        b.take_output();
        a.handle_input(format!("C0644 {size} a.bin\n").as_bytes());
        assert_eq!(a.take_output(), [0]);
        b.handle_input(format!("C0644 {size} b.bin\n").as_bytes());
        let out = b.take_output();
        assert_eq!(
            String::from_utf8_lossy(&out[1..]),
            "scp: bootflash:/b.bin: No space left on device\n"
        );
        let chunk = vec![5u8; 1024 * 1024];
        for _ in 0..40 {
            a.handle_input(&chunk);
        }
        a.handle_input(&[0]);
        assert_eq!(a.take_output(), [0]);
        a.handle_eof();
        assert!(!a.failed());
        // Nor can a write of unknown size spend it while the first one is
        // under way: a third upload that starts afterwards, with 24 MB free.
        let mut c = sink(&d, "scp -t bootflash:c.bin");
        c.take_output();
        c.handle_input(format!("C0644 {size} c.bin\n").as_bytes());
        assert_eq!(c.take_output()[0], 1);
        let used: u64 = std::fs::read_dir(dir.path().join("bootflash"))
            .map(|r| {
                r.filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or_default();
        assert_eq!(used, size);
        // And `dir` agrees.
        let listing = ok(&d, "dir");
        assert!(
            listing.contains(&format!(
                "{} bytes total ({} bytes free)",
                64 * 1024 * 1024,
                24 * 1024 * 1024
            )),
            "{listing}"
        );
    }

    /// 10,000 small files in one session: the last thousand take about
    /// as long as the first (the flash's usage is kept, not walked).
    #[test]
    fn many_files_cost_the_same_each() {
        let (_dir, d) = on_disk(
            Profile::default(),
            &format!("{STARTUP}ip scp server enable\n"),
        );
        let mut s = sink(&d, "scp -t bootflash:");
        s.take_output();
        let mut thousands = Vec::new();
        let mut started = std::time::Instant::now();
        for i in 0..10_000 {
            s.handle_input(format!("C0644 5 f{i}.txt\n").as_bytes());
            s.handle_input(b"hello\0");
            if i % 1000 == 999 {
                thousands.push(started.elapsed());
                started = std::time::Instant::now();
            }
        }
        let out = s.take_output();
        assert!(out.iter().all(|b| *b == 0), "a file was refused");
        s.handle_eof();
        assert!(!s.failed());
        let (first, last) = (thousands[0], thousands[9]);
        // Walking the folder for each file made the last thousand 15
        // times slower than the first; allow noise, not growth.
        assert!(last < first * 3, "first {first:?}, last {last:?}");
    }

    #[test]
    fn a_full_flash_refuses_the_file_before_it_is_sent() {
        let mut profile = Profile::default();
        profile.flash.capacity = 100;
        let (dir, d) = on_disk(profile, &format!("{STARTUP}ip scp server enable\n"));
        let mut s = sink(&d, "scp -t flash:big.bin");
        s.take_output();
        s.handle_input(b"C0644 1000 big.bin\n");
        let out = s.take_output();
        assert_eq!(out[0], 1);
        assert_eq!(
            String::from_utf8_lossy(&out[1..]),
            "scp: bootflash:/big.bin: No space left on device\n"
        );
        assert!(
            std::fs::read_dir(dir.path().join("bootflash"))
                .map(|r| r.count())
                .unwrap_or(1)
                == 0
        );
    }

    #[test]
    fn files_go_out_a_part_at_a_time() {
        let (_dir, d) = on_disk(
            Profile::default(),
            &format!("{STARTUP}ip scp server enable\n"),
        );
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        ok(&d, "mkdir x");
        let path = vec!["x".to_owned(), "f.bin".to_owned()];
        d.flash_write(&path, &content)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let Ok(Scp::Source(mut src)) = d.scp("scp -f bootflash:x/f.bin", "admin", 15) else {
            panic!("no source");
        };
        assert!(src.poll_transmit().is_empty());
        src.handle_input(&[0]);
        assert_eq!(src.poll_transmit(), b"C0644 200000 f.bin\n");
        src.handle_input(&[0]);
        let mut got = Vec::new();
        loop {
            let part = src.poll_transmit();
            assert!(part.len() <= 64 * 1024);
            if part == [0] && got.len() == content.len() {
                break;
            }
            got.extend_from_slice(&part);
        }
        assert_eq!(got, content);
        src.handle_input(&[0]);
        assert!(src.is_done() && !src.failed());
    }

    #[test]
    fn scp_needs_the_server_on_and_privilege_15() {
        let (_dir, d) = on_disk(Profile::default(), STARTUP);
        assert!(matches!(
            d.scp("scp -t flash:", "admin", 15),
            Err(ScpRefusal::Disabled)
        ));
        let (_dir, d) = on_disk(
            Profile::default(),
            &format!("{STARTUP}ip scp server enable\n"),
        );
        assert!(matches!(
            d.scp("scp -t flash:", "op", 1),
            Err(ScpRefusal::Privilege)
        ));
        assert!(matches!(
            d.scp("scp -f flash:nothing", "admin", 15),
            Err(ScpRefusal::Path(m)) if m == "flash:nothing: No such file or directory"
        ));
    }
}

#[test]
fn netconf_format_needs_its_file() {
    let (dir, d) = on_disk(Profile::default(), STARTUP);
    let who = ironconf_device::Changer {
        user: "admin",
        session: None,
        line: None,
    };
    let refused = d.configure(who, &["netconf format bootflash:notify.xsd"]);
    assert_eq!(
        refused,
        Err(ironconf_device::ConfigureError::Refused(
            ironconf_device::Refused::Hook {
                message: "%Error opening bootflash:notify.xsd (No such file or directory)".into()
            }
        ))
    );
    assert!(!d.running_config().contains("netconf format"));
    std::fs::write(dir.path().join("bootflash/notify.xsd"), "<xs:schema/>")
        .unwrap_or_else(|e| panic!("{e}"));
    d.configure(who, &["netconf format bootflash:notify.xsd"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        d.settings().netconf.format.as_deref(),
        Some("bootflash:notify.xsd")
    );
}

#[test]
fn a_copy_on_the_flash_is_not_bounded_by_what_is_read_whole() {
    let (dir, d) = on_disk(Profile::default(), &format!("{STARTUP}file prompt quiet\n"));
    // Past the 64 MB read whole by `more` and copies to running-config.
    let big = vec![7u8; 65 * 1024 * 1024];
    std::fs::write(dir.path().join("bootflash/image.bin"), &big).unwrap_or_else(|e| panic!("{e}"));
    let out = ok(&d, "copy bootflash:image.bin bootflash:copy.bin");
    assert!(
        out.starts_with(&format!("{} bytes copied in ", big.len())),
        "{out}"
    );
    let copied = std::fs::metadata(dir.path().join("bootflash/copy.bin")).map(|m| m.len());
    assert_eq!(copied.ok(), Some(big.len() as u64));
    // `more` reads any size, a part at a time.
    let mut out = sh(&d, "more bootflash:image.bin");
    assert!(out.ok, "{}", out.text);
    assert_eq!(out.text.len(), 64 * 1024);
    let (mut total, mut parts) = (out.text.len(), 1);
    while let Some(part) = out.next_part() {
        assert!(part.len() <= 64 * 1024);
        total += part.len();
        parts += 1;
    }
    // Every byte, and the newline `more` ends a text without one with.
    assert_eq!(total, big.len() + 1);
    assert!(parts > 1000, "{parts}");
}
