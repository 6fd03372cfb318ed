//! Exercise 28: a solution (being written).
