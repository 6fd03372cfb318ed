//! Exercise 12: a solution (being written).
