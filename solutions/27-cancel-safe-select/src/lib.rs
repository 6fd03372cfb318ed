//! Exercise 27: a solution (being written).
