//! Small async functions over a connection or a transaction. Each write that
//! touches several rows takes a transaction and writes its audit row in it.

pub mod audit;
pub mod outline;
pub mod public;
pub mod records;

/// The database's own errors, passed up with `?`.
pub type Result<T, E = sqlx::Error> = std::result::Result<T, E>;
