//! Exercise 25 · pitfalls · (being written)
//!
//! Lesson: `cargo run -p lesson-pitfalls`
