//! Exercise 21 · timeouts · (being written)
//!
//! Lesson: `cargo run -p lesson-timeouts`
