//! Exercise 22 · timeouts · (being written)
//!
//! Lesson: `cargo run -p lesson-timeouts`
