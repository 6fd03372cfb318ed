//! Exercise 11: a solution (being written).
