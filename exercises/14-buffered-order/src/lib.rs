//! Exercise 14 · semaphores · (being written)
//!
//! Lesson: `cargo run -p lesson-semaphores`
