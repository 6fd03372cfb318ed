//! Exercise 06: a solution (being written).
