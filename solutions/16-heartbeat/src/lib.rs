//! Exercise 16: a solution (being written).
