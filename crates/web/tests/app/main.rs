//! The integration suite: the whole application in process, on a fresh database per test.
//! SQLite by default; PostgreSQL when RELAIS_TEST_DATABASE_URL is set.

mod common;

mod access;
mod accounts;
mod admin;
mod api;
mod auth;
mod backoffice;
mod baseline;
mod calendar;
mod canned;
mod cases;
mod catalogue;
mod collaboration;
mod duplicates;
mod filing_for_someone;
mod import;
mod jobs;
mod knowledge;
mod mail;
mod oidc;
mod operations;
mod people;
mod portal;
mod records;
mod schema;
mod search;
mod services;
mod tenancy;
