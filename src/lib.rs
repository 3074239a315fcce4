//! `scrutiny`: the official records of a Police and Crime Commissioner's
//! scrutiny meetings, written by OPCC staff, decided by the PCC and read by
//! the public.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod cluster;
pub mod config;
pub mod database;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod mail;
pub mod sample;
pub mod serve;
pub mod verify;
pub mod web;

pub use web::{AppState, app};
