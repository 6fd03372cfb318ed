//! Exercise 10: a solution (being written).
