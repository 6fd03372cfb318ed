//! Lesson: timeouts and cancellation.
