//! Exercise 25: a solution (being written).
