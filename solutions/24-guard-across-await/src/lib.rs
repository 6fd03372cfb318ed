//! Exercise 24: a solution (being written).
