//! Exercise 21: a solution (being written).
