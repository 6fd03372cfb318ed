//! Exercise 18: a solution (being written).
