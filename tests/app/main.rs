//! Integration tests: the real router on real PostgreSQL, one database each.

mod audit;
mod cli;
mod common;
mod conflicts;
mod dashboard;
mod demo;
mod export;
mod failed_steps;
mod forward_plan;
mod history;
mod import;
mod meetings;
mod open_data;
mod portal;
mod quality;
mod races;
mod review;
mod routes;
mod schema;
mod search;
mod search_syntax;
mod sign_in_limits;
mod site;
mod staff_auth;
mod staff_editor;
mod staff_users;
