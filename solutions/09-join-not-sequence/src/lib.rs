//! Exercise 09: a solution (being written).
