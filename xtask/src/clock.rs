//! Dates and times as people and programs read them, in UTC: `2026-12-04T17:15:30Z` for a
//! teacher's JSON, `2026-12-04-171530` for a backup's folder. Small enough to write out rather
//! than take a date crate for.

use std::time::SystemTime;

/// A moment, split into the fields of the calendar (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Utc {
    pub fn of(time: SystemTime) -> Utc {
        let seconds = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(since) => since.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64),
        };
        let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        Utc {
            year,
            month,
            day,
            hour: (of_day / 3600) as u32,
            minute: (of_day % 3600 / 60) as u32,
            second: (of_day % 60) as u32,
        }
    }

    /// RFC 3339, as JSON readers expect: `2026-12-04T17:15:30Z`.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// For a file name, sorting in time order: `2026-12-04-171530`.
    pub fn stamp(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}-{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The date of a day counted from 1970-01-01 in the proleptic Gregorian calendar (Howard
/// Hinnant's algorithm: days are grouped in 400-year eras of 146 097 days, each year starting on
/// March 1st so that the leap day comes last).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> Utc {
        Utc::of(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn known_moments_are_written_as_the_calendar_says() {
        assert_eq!(at(0).rfc3339(), "1970-01-01T00:00:00Z");
        // `date -u -d @951825600`: the leap day of a year divisible by 400.
        assert_eq!(at(951_825_600).rfc3339(), "2000-02-29T12:00:00Z");
        // `date -u -d @1796400431`: the backup of the issue that asked for dates.
        assert_eq!(at(1_796_400_431).rfc3339(), "2026-12-04T16:07:11Z");
        assert_eq!(at(1_796_400_431).stamp(), "2026-12-04-160711");
        assert_eq!(at(4_107_542_399).rfc3339(), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn every_day_follows_the_one_before() {
        let mut previous = civil_from_days(-1);
        for days in 0..200_000 {
            let date = civil_from_days(days);
            let next_day = date.2 == previous.2 + 1 && date.1 == previous.1;
            let next_month = date.2 == 1 && (date.1 == previous.1 + 1 || date.1 == 1);
            assert!(next_day || next_month, "{previous:?} then {date:?}");
            previous = date;
        }
    }
}
