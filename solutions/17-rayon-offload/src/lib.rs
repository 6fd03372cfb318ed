//! Exercise 17: a solution (being written).
