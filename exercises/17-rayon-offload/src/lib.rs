//! Exercise 17 · blocking · (being written)
//!
//! Lesson: `cargo run -p lesson-blocking`
