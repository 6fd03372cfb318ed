//! Exercise 16 · blocking · (being written)
//!
//! Lesson: `cargo run -p lesson-blocking`
