//! What the standard library alone can tell about this machine and this day: the CPU's model and
//! today's date.
//!
//! Compiled into two programs: the bench (as `machine::facts`) and the xtask, whose
//! `book capture` labels the lessons' output with the same machine line (there through
//! `#[path]`). One copy, and no crate between them: the xtask is also the learners' grader and
//! must not depend on the bench (nor on the lesson kit it uses), and a crate of its own for these
//! few lines would add a package to the workspace and to the grader's build. So this file uses
//! `std` only, and everything in it is used by both.

use std::time::{SystemTime, UNIX_EPOCH};

/// The CPU's model name, as /proc/cpuinfo spells it; `None` where there is no /proc (macOS).
pub fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        // x86 says "model name"; some ARM kernels only say "Hardware" or "Processor".
        matches!(key.trim(), "model name" | "Hardware" | "Processor")
            .then(|| value.trim().to_string())
            .filter(|value| !value.is_empty())
    })
}

/// Today's date in UTC, `2025-06-01`, without a date crate: days since 1970 to a civil date
/// (Howard Hinnant's `civil_from_days`).
pub fn today_utc() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days(i64::try_from(seconds / 86_400).unwrap_or(0));
    format!("{year:04}-{month:02}-{day:02}")
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
    }

    #[test]
    fn today_is_a_date() {
        let today = today_utc();
        assert_eq!(today.len(), 10, "{today}");
        assert!(today.as_str() > "2025-01-01", "{today}");
    }
}
