//! Exercise 20: a solution (being written).
