//! Exercise 02 · threads · (being written)
//!
//! Lesson: `cargo run -p lesson-threads`
