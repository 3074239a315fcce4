//! Integration tests: the real router on real PostgreSQL, one database each.

mod cli;
mod common;
mod demo;
mod every_field;
mod export;
mod forward_plan;
mod history;
mod import;
mod meetings;
mod open_data;
mod portal;
mod quality;
mod review;
mod schema;
mod search;
mod site;
mod staff_auth;
mod staff_editor;
mod staff_users;
