//! The machine the figures were measured on: they mean little without it.
//!
//! Read from /proc on Linux; elsewhere the fields the system does not offer say "unknown".

mod facts;

use lesson_kit::measure::format_bytes;
use lesson_kit::system;

use self::facts::cpu_model;
pub use self::facts::today_utc;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_has_cores() {
        let machine = Machine::this_one();
        assert!(machine.cores >= 1);
        assert!(!machine.cpu_model.is_empty());
    }
}
