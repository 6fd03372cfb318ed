//! Exercise 09 · async · (being written)
//!
//! Lesson: `cargo run -p lesson-async`
