//! Exercise 20 · timeouts · (being written)
//!
//! Lesson: `cargo run -p lesson-timeouts`
