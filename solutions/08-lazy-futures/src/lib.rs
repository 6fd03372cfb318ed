//! Exercise 08: a solution (being written).
