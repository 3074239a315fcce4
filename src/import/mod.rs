//! Bringing existing notes in.

pub mod notes;
