//! Exercise 15: a solution (being written).
