//! Exercise 08 · async · (being written)
//!
//! Lesson: `cargo run -p lesson-async`
