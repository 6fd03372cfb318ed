//! Exercise 19 · timeouts · (being written)
//!
//! Lesson: `cargo run -p lesson-timeouts`
