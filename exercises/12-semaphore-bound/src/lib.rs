//! Exercise 12 · semaphores · (being written)
//!
//! Lesson: `cargo run -p lesson-semaphores`
