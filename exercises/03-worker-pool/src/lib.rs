//! Exercise 03 · threads · (being written)
//!
//! Lesson: `cargo run -p lesson-threads`
