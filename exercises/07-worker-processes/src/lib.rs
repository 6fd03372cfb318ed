//! Exercise 07 · processes · (being written)
//!
//! Lesson: `cargo run -p lesson-processes`
