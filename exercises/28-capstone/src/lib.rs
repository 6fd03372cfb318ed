//! Exercise 28 · async · (being written)
//!
//! Lesson: `cargo run -p lesson-async`
