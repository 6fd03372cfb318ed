//! CPU time: how long a process or a thread actually ran on a core, as opposed to wall time.
//!
//! The throughput section reports CPU seconds per 10 000 requests, which is what a client costs
//! when the server is not the bottleneck, and what makes asyncio + httpx CPU-bound long before
//! the network is. The operating system keeps these clocks; reading them is one system call.
//!
//! The same clocks tell how busy *other* programs kept the machine while an area ran (the whole
//! machine's busy time, less this process's and its children's), which says more about whether a
//! figure was disturbed than the load average, which also counts the bench's own crowds of threads.

use std::time::{Duration, Instant};

/// CPU time used so far by every thread of this process, together.
pub fn process_cpu_time() -> Duration {
    read_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time used so far by the calling thread alone.
pub fn thread_cpu_time() -> Duration {
    read_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time of this process's children that have exited and been waited for (the Python
/// scripts, the worker processes, the crowds).
pub fn children_cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills in the rusage we pass; a zeroed rusage is a valid value to start from.
    #[allow(unsafe_code)]
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) != 0 {
            return Duration::ZERO;
        }
        usage.assume_init()
    };
    let time = |value: libc::timeval| {
        Duration::from_secs(u64::try_from(value.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(value.tv_usec).unwrap_or(0))
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Where every core of the machine has spent its time since it booted, from /proc/stat (Linux).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MachineTimes {
    /// Running programs: user, nice, system, and steal (time the hypervisor gave to another
    /// machine).
    pub busy: Duration,
    /// Interrupt work (irq, softirq): the kernel charges much of the loopback traffic between
    /// the bench's clients and its server here, to no process.
    pub interrupts: Duration,
    /// Idle, and waiting for the disk.
    pub idle: Duration,
}

impl MachineTimes {
    pub fn now() -> Option<MachineTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let line = stat.lines().find(|line| line.starts_with("cpu "))?;
        let ticks: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .map(|field| field.parse().unwrap_or(0))
            .collect();
        // SAFETY: sysconf only reads a system setting.
        #[allow(unsafe_code)]
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let ticks_per_second = u64::try_from(ticks_per_second).ok().filter(|&hz| hz > 0)?;
        // The fields: user nice system idle iowait irq softirq steal.
        let sum = |fields: &[usize]| {
            let total: u64 = fields.iter().filter_map(|&index| ticks.get(index)).sum();
            Duration::from_secs_f64(total as f64 / ticks_per_second as f64)
        };
        Some(MachineTimes {
            busy: sum(&[0, 1, 2, 7]),
            interrupts: sum(&[5, 6]),
            idle: sum(&[3, 4]),
        })
    }

    /// The time spent between `earlier` and `self`.
    pub fn since(&self, earlier: &MachineTimes) -> MachineTimes {
        MachineTimes {
            busy: self.busy.saturating_sub(earlier.busy),
            interrupts: self.interrupts.saturating_sub(earlier.interrupts),
            idle: self.idle.saturating_sub(earlier.idle),
        }
    }
}

/// CPU time every core of the machine has spent running programs since it booted. Interrupt
/// time is left out: it would pass for another program's work.
fn machine_busy_time() -> Option<Duration> {
    MachineTimes::now().map(|times| times.busy)
}

/// A moment to measure other programs' CPU use from.
#[derive(Debug, Clone, Copy)]
pub struct OthersProbe {
    machine_busy: Option<Duration>,
    ours: Duration,
    at: Instant,
}

impl OthersProbe {
    pub fn now() -> OthersProbe {
        OthersProbe {
            machine_busy: machine_busy_time(),
            ours: process_cpu_time() + children_cpu_time(),
            at: Instant::now(),
        }
    }

    /// The share of the machine's CPU capacity (0 to 1) that programs other than this one and
    /// its children used since the probe; `None` where the system does not say.
    pub fn others_share(&self, cores: usize) -> Option<f64> {
        let busy = machine_busy_time()?.checked_sub(self.machine_busy?)?;
        let ours = (process_cpu_time() + children_cpu_time()).saturating_sub(self.ours);
        let capacity = self.at.elapsed().as_secs_f64() * cores.max(1) as f64;
        let others = busy.as_secs_f64() - ours.as_secs_f64();
        Some((others / capacity).clamp(0.0, 1.0))
    }
}

fn read_clock(clock: libc::clockid_t) -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we pass and reads nothing else.
    #[allow(unsafe_code)]
    let result = unsafe { libc::clock_gettime(clock, &mut now) };
    // These two clocks exist on every system the course runs on (Linux, macOS); if one ever
    // failed, a CPU figure of zero is visibly wrong in the report rather than a crash mid-bench.
    if result != 0 {
        return Duration::ZERO;
    }
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(now.tv_nsec).unwrap_or(0);
    Duration::new(seconds, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_work_shows_on_both_clocks() {
        let (process, thread) = (process_cpu_time(), thread_cpu_time());
        let mut sum = 0u64;
        for number in 0..5_000_000u64 {
            sum = sum.wrapping_add(number.wrapping_mul(number));
        }
        std::hint::black_box(sum);
        assert!(thread_cpu_time() > thread);
        assert!(process_cpu_time() > process);
    }

    #[test]
    fn others_share_is_a_fraction() {
        let probe = OthersProbe::now();
        std::thread::sleep(Duration::from_millis(50));
        if let Some(share) = probe.others_share(2) {
            assert!((0.0..=1.0).contains(&share));
        }
    }
}
