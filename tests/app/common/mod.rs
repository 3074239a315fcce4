//! The test harness: one PostgreSQL per test run, one database per test,
//! the real router (`server`); people using it (`visitor`); the records
//! they start from (`fixtures`).

mod fixtures;
mod server;
pub mod smtp;
mod visitor;

pub use fixtures::*;
pub use server::{TestApp, answer};
pub use visitor::*;
