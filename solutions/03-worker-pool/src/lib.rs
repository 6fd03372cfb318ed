//! Exercise 03: a solution (being written).
