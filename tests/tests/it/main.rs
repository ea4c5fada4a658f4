//! End-to-end tests against the real server and real databases. One binary, a module per feature.

mod accounts;
mod addresses;
mod admin;
mod api;
mod boundary;
mod checkout;
mod communes;
mod connections;
mod constraints;
mod escaping;
mod health;
mod import;
mod journeys;
mod migrations;
mod officer;
mod pages;
mod products;
mod search;
mod security;
mod seed;
mod seller;
mod shutdown;
mod sql;
mod storage;
mod throttle;
mod traceability;
