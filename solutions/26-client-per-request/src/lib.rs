//! Exercise 26: a solution (being written).
