//! Exercise 15 · semaphores · (being written)
//!
//! Lesson: `cargo run -p lesson-semaphores`
