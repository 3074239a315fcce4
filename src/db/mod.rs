//! Small async functions over a connection or a transaction. Each write that
//! touches several rows takes a transaction and writes its audit row in it.

pub mod accounts;
pub mod actions;
pub mod audit;
pub mod dashboard;
pub mod documents;
pub mod forward_plan;
pub mod meetings;
pub mod outline;
pub mod public;
pub mod questions;
pub mod records;
pub mod sessions;
pub mod workflow;

/// The database's own errors, passed up with `?`.
pub type Result<T, E = sqlx::Error> = std::result::Result<T, E>;
