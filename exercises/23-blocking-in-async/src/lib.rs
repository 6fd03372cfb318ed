//! Exercise 23 · pitfalls · (being written)
//!
//! Lesson: `cargo run -p lesson-pitfalls`
