//! Exercise 18 · blocking · (being written)
//!
//! Lesson: `cargo run -p lesson-blocking`
