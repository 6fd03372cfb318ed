//! Exercise 07: a solution (being written).
