//! Exercise 27 · pitfalls · (being written)
//!
//! Lesson: `cargo run -p lesson-pitfalls`
