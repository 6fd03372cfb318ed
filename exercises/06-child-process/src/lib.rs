//! Exercise 06 · processes · (being written)
//!
//! Lesson: `cargo run -p lesson-processes`
