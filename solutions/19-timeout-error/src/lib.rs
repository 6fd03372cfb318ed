//! Exercise 19: a solution (being written).
