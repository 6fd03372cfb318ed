//! The machine the figures were measured on: they mean little without it.
//!
//! Read from /proc on Linux; elsewhere the fields the system does not offer say "unknown".

use std::time::{SystemTime, UNIX_EPOCH};

use lesson_kit::measure::format_bytes;
use lesson_kit::system;

/// What the report says about the machine.
#[derive(Debug, Clone)]
pub struct Machine {
    /// The CPU's model name, as /proc/cpuinfo spells it.
    pub cpu_model: String,
    /// Cores this process may run on: what rayon and tokio size their pools by, and what every
    /// "cores × single core" ideal multiplies by.
    pub cores: usize,
    /// Total RAM.
    pub memory: Option<u64>,
    /// The operating system and its kernel version.
    pub system: String,
}

impl Machine {
    pub fn this_one() -> Machine {
        Machine {
            cpu_model: cpu_model().unwrap_or_else(|| "unknown".to_string()),
            cores: system::available_cores(),
            memory: total_memory(),
            system: operating_system(),
        }
    }

    pub fn memory_text(&self) -> String {
        self.memory
            .map_or_else(|| "unknown".to_string(), format_bytes)
    }
}

fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        // x86 says "model name"; some ARM kernels only say "Hardware" or "Processor".
        matches!(key.trim(), "model name" | "Hardware" | "Processor")
            .then(|| value.trim().to_string())
            .filter(|value| !value.is_empty())
    })
}

fn total_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|line| line.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn operating_system() -> String {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|release| format!(" {}", release.trim()))
        .unwrap_or_default();
    let name = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        other => other,
    };
    format!("{name}{kernel}")
}

/// The 1, 5 and 15 minute load averages: how busy the machine was besides the bench. A load
/// above the number of cores means something else competed for them while measuring.
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut numbers = text
        .split_whitespace()
        .map(|field| field.parse::<f64>().ok());
    Some([numbers.next()??, numbers.next()??, numbers.next()??])
}

pub fn load_text(load: Option<[f64; 3]>) -> String {
    load.map_or_else(
        || "unknown".to_string(),
        |[one, five, fifteen]| format!("{one:.2}, {five:.2}, {fifteen:.2} (1, 5, 15 min)"),
    )
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
    fn this_machine_has_cores() {
        let machine = Machine::this_one();
        assert!(machine.cores >= 1);
        assert!(!machine.cpu_model.is_empty());
    }
}
