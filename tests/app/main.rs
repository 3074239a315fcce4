//! Integration tests: the real router on real PostgreSQL, one database each.

mod cli;
mod common;
mod demo;
mod export;
mod history;
mod import;
mod meetings;
mod review;
mod schema;
mod site;
mod staff_auth;
mod staff_editor;
mod staff_users;
