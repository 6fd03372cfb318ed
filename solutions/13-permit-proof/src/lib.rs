//! Exercise 13: a solution (being written).
