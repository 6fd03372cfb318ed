//! Measuring memory: what the heap holds (exactly, with [`CountingAllocator`]) and what the
//! process holds resident in RAM (from the operating system).
//!
//! The two answer different questions. A tokio task lives on the heap, so the heap says exactly
//! what ten thousand tasks cost. A thread's stack is mapped memory outside the heap, so only the
//! resident size sees it. A lesson that installs the allocator gets both:
//!
//! ```ignore
//! #[global_allocator]
//! static HEAP: lesson_kit::memory::CountingAllocator = lesson_kit::memory::CountingAllocator;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

use crate::measure::format_bytes;
use crate::system;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The system allocator, keeping count of the bytes it has handed out and not yet taken back.
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAllocator;

// SAFETY: every call is passed straight to the system allocator with the same arguments; the
// counting only adds and subtracts sizes and never touches the memory.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        INSTALLED.store(true, Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on unchanged.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            HEAP_IN_USE.fetch_add(layout.size(), Relaxed);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        INSTALLED.store(true, Relaxed);
        // SAFETY: as for `alloc`.
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            HEAP_IN_USE.fetch_add(layout.size(), Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from this allocator with this layout, as the caller guarantees.
        unsafe { System.dealloc(pointer, layout) };
        HEAP_IN_USE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc` and `alloc`.
        let new_pointer = unsafe { System.realloc(pointer, layout, new_size) };
        if !new_pointer.is_null() {
            HEAP_IN_USE.fetch_add(new_size, Relaxed);
            HEAP_IN_USE.fetch_sub(layout.size(), Relaxed);
        }
        new_pointer
    }
}

/// Bytes on the heap right now, if a [`CountingAllocator`] is this program's global allocator.
pub fn heap_in_use() -> Option<u64> {
    INSTALLED
        .load(Relaxed)
        .then(|| HEAP_IN_USE.load(Relaxed) as u64)
}

/// Memory use at one moment, to compare with a later one.
#[derive(Debug, Clone, Copy)]
pub struct MemoryProbe {
    heap: Option<u64>,
    resident: Option<u64>,
}

impl MemoryProbe {
    pub fn now() -> Self {
        MemoryProbe {
            heap: heap_in_use(),
            resident: system::resident_memory(),
        }
    }

    /// How much more memory is in use now than at the probe.
    ///
    /// If less is in use now, something else freed memory meanwhile (a connection closing, a
    /// buffer dropped by earlier work), and the growth of the work being measured is hidden under
    /// it: that is reported as not measurable, never as zero.
    pub fn growth(&self) -> MemoryGrowth {
        let now = MemoryProbe::now();
        let grown = |before: Option<u64>, after: Option<u64>| after?.checked_sub(before?);
        MemoryGrowth {
            heap: grown(self.heap, now.heap),
            resident: grown(self.resident, now.resident),
            items: 1,
        }
    }
}

/// Growth in memory use, in total or per item. Displays as `heap +6.20 MiB, resident +6.34 MiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryGrowth {
    /// `None` when not measurable: no [`CountingAllocator`], or the heap shrank meanwhile.
    pub heap: Option<u64>,
    /// `None` when not measurable: the system does not say, or less was resident afterwards.
    pub resident: Option<u64>,
    /// How many items the growth is shared by (1 for a total).
    pub items: u64,
}

impl MemoryGrowth {
    /// The growth for each of `count` items.
    pub fn per(&self, count: usize) -> MemoryGrowth {
        let items = count.max(1) as u64;
        MemoryGrowth {
            heap: self.heap.map(|bytes| bytes / items),
            resident: self.resident.map(|bytes| bytes / items),
            items,
        }
    }
}

impl fmt::Display for MemoryGrowth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.heap.is_none() && self.resident.is_none() {
            return write!(f, "not measurable here");
        }
        let parts: Vec<String> = [("heap", self.heap), ("resident", self.resident)]
            .into_iter()
            .map(|(name, bytes)| match bytes {
                Some(bytes) => format!("{name} +{}", format_bytes(bytes)),
                None => format!("{name} not measurable"),
            })
            .collect();
        write!(f, "{}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_displays_what_is_known() {
        let growth = MemoryGrowth {
            heap: Some(2048),
            resident: None,
            items: 1,
        };
        assert_eq!(
            growth.to_string(),
            "heap +2.00 KiB, resident not measurable"
        );
        assert_eq!(growth.per(2).heap, Some(1024));
        assert_eq!(MemoryGrowth::default().to_string(), "not measurable here");
    }

    #[test]
    fn memory_freed_meanwhile_makes_the_growth_unmeasurable_not_zero() {
        let probe = MemoryProbe {
            heap: Some(5000),
            resident: Some(1 << 20),
        };
        let growth = probe.growth();
        // Unit tests have no counting allocator, and this process surely holds more than 1 MiB.
        assert_eq!(growth.heap, None);
        if system::resident_memory().is_some() {
            assert!(growth.resident.is_some_and(|bytes| bytes > 0), "{growth:?}");
        }
        let shrunk = MemoryProbe {
            heap: None,
            resident: Some(u64::MAX),
        };
        assert_eq!(shrunk.growth().resident, None, "less resident than before");
    }

    #[test]
    fn without_the_allocator_the_heap_is_unknown() {
        // Unit tests run with the default allocator.
        assert_eq!(heap_in_use(), None);
    }
}
