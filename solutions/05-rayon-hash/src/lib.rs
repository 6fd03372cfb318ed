//! Exercise 05: a solution (being written).
