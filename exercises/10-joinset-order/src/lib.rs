//! Exercise 10 · async · (being written)
//!
//! Lesson: `cargo run -p lesson-async`
