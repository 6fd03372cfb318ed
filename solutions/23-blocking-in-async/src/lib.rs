//! Exercise 23: a solution (being written).
