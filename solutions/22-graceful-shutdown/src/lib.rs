//! Exercise 22: a solution (being written).
