//! Musrenbang: public participation in development planning.
pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod export;
pub mod files;
pub mod graphql;
pub mod mail;
pub mod pabulib;
pub mod ranking;
pub mod server;
pub mod state;
