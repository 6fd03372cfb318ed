//! Lesson: async pitfalls.
