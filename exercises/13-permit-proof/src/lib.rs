//! Exercise 13 · semaphores · (being written)
//!
//! Lesson: `cargo run -p lesson-semaphores`
