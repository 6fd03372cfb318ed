//! Exercise 02: a solution (being written).
