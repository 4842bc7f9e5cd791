//! SeaORM entities of Musrenbang. Relations are resolved by id in the service layer (and
//! batched by DataLoaders in the API), so the entities declare none.
pub mod enums;

pub mod account;
pub mod activity;
pub mod agency;
pub mod agenda_item;
pub mod audit_log;
pub mod auth_token;
pub mod ballot;
pub mod chat_message;
pub mod comment;
pub mod cycle;
pub mod event;
pub mod event_stream;
pub mod forum;
pub mod idempotency_key;
pub mod implementation_update;
pub mod live_session;
pub mod mail_outbox;
pub mod media_file;
pub mod notification;
pub mod notification_preference;
pub mod password_reset;
pub mod poll_answer;
pub mod priority_entry;
pub mod proposal;
pub mod proposal_attachment;
pub mod proposal_status_change;
pub mod recommendation;
pub mod region;
pub mod registration_request;
pub mod role_grant;
pub mod round_decision;
pub mod round_participation;
pub mod round_proposal;
pub mod round_ranking;
pub mod sector;
pub mod session_attendance;
pub mod session_mute;
pub mod session_poll;
pub mod speaker_request;
pub mod stage;
pub mod tally_snapshot;
pub mod voting_round;

pub use sea_orm;
