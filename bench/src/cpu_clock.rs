//! CPU time: how long a process or a thread actually ran on a core, as opposed to wall time.
//!
//! The throughput section reports CPU seconds per 10 000 requests, which is what a client costs
//! when the server is not the bottleneck, and what makes asyncio + httpx CPU-bound long before
//! the network is. The operating system keeps these clocks; reading them is one system call.

use std::time::Duration;

/// CPU time used so far by every thread of this process, together.
pub fn process_cpu_time() -> Duration {
    read_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time used so far by the calling thread alone.
pub fn thread_cpu_time() -> Duration {
    read_clock(libc::CLOCK_THREAD_CPUTIME_ID)
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
}
