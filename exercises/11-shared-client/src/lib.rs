//! Exercise 11 · async · (being written)
//!
//! Lesson: `cargo run -p lesson-async`
