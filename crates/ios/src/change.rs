//! Who changed the configuration and when: the record kept for each applied
//! batch, and the `! Last configuration change at …` line IOS shows.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::ItemChange;

/// One applied batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// The user who made it.
    pub user: String,
    /// When.
    pub time: SystemTime,
    /// What changed.
    pub changes: Vec<ItemChange>,
}

impl ChangeRecord {
    /// Lines added, each with its section header.
    pub fn added(&self) -> Vec<String> {
        self.changes.iter().flat_map(ItemChange::added).collect()
    }

    /// Lines removed, each with its section header.
    pub fn removed(&self) -> Vec<String> {
        self.changes.iter().flat_map(ItemChange::removed).collect()
    }

    /// `! Last configuration change at 23:12:27 UTC Sat Jul 25 2015 by kahou`
    pub fn header_line(&self) -> String {
        format!(
            "! Last configuration change at {} by {}",
            ios_time(self.time),
            self.user
        )
    }
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UTC time split the way IOS prints its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IosTime {
    /// Hours, minutes, seconds.
    pub hms: (u64, u64, u64),
    /// Milliseconds.
    pub millis: u32,
    /// `Mon` … `Sun`.
    pub weekday: &'static str,
    /// `Jan` … `Dec`.
    pub month: &'static str,
    /// Day of the month.
    pub day: u32,
    /// Year.
    pub year: i64,
}

impl IosTime {
    /// Splits `time` (UTC).
    pub fn at(time: SystemTime) -> IosTime {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = since.as_secs();
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, m, day) = civil_from_days(days as i64);
        IosTime {
            hms: (rem / 3600, rem % 3600 / 60, rem % 60),
            millis: since.subsec_millis(),
            weekday: DAYS[(days % 7) as usize],
            month: MONTHS[(m - 1) as usize],
            day,
            year,
        }
    }

    /// `23:12:27`
    pub fn clock(&self) -> String {
        let (h, m, s) = self.hms;
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// A time as IOS prints it in configuration headers:
/// `23:12:27 UTC Sat Jul 25 2015`.
pub fn ios_time(time: SystemTime) -> String {
    let t = IosTime::at(time);
    format!(
        "{} UTC {} {} {} {}",
        t.clock(),
        t.weekday,
        t.month,
        t.day,
        t.year
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ios_time_format() {
        // The S23 configuration's stamp: 23:12:27 UTC Sat Jul 25 2015.
        let t = UNIX_EPOCH + Duration::from_secs(1_437_865_947);
        assert_eq!(ios_time(t), "23:12:27 UTC Sat Jul 25 2015");
        assert_eq!(ios_time(UNIX_EPOCH), "00:00:00 UTC Thu Jan 1 1970");
        assert_eq!(
            ios_time(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "00:00:00 UTC Tue Feb 29 2000"
        );
        let r = ChangeRecord {
            user: "kahou".into(),
            time: t,
            changes: Vec::new(),
        };
        assert_eq!(
            r.header_line(),
            "! Last configuration change at 23:12:27 UTC Sat Jul 25 2015 by kahou"
        );
    }
}
