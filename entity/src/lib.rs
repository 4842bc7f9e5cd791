//! SeaORM entities of Musrenbang. Relations are resolved by id in the service layer (and
//! batched by DataLoaders in the API), so the entities declare none.
pub mod enums;

pub mod account;
pub mod activity;
pub mod agency;
pub mod audit_log;
pub mod auth_token;
pub mod ballot;
pub mod comment;
pub mod cycle;
pub mod forum;
pub mod proposal;
pub mod proposal_attachment;
pub mod proposal_status_change;
pub mod recommendation;
pub mod region;
pub mod role_grant;
pub mod round_decision;
pub mod round_proposal;
pub mod sector;
pub mod stage;
pub mod voting_round;

pub use sea_orm;
