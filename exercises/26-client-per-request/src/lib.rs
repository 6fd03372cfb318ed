//! Exercise 26 · pitfalls · (being written)
//!
//! Lesson: `cargo run -p lesson-pitfalls`
