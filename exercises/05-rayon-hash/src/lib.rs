//! Exercise 05 · processes · (being written)
//!
//! Lesson: `cargo run -p lesson-processes`
