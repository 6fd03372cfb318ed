//! Exercise 14: a solution (being written).
