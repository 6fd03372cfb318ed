//! Exercise 24 · pitfalls · (being written)
//!
//! Lesson: `cargo run -p lesson-pitfalls`
