pub use sea_orm_migration::prelude::*;

mod m20261123_000001_planning_core;
mod m20261123_000002_voting;
mod m20261123_000003_realtime;
mod m20261123_000004_escalation;
mod m20261201_000005_ballot_secrecy;
mod m20261202_000006_rate_limits;
mod m20261202_000007_round_rankings;
mod m20261202_000008_personal_data;
mod m20261202_000009_notifications;
mod m20261203_000010_registration_requests;
mod m20261203_000011_idempotency_keys;
mod m20261203_000012_media_files;
mod m20261204_000013_reports;
mod m20261204_000014_attachment_targets;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_planning_core::Migration),
            Box::new(m20261123_000002_voting::Migration),
            Box::new(m20261123_000003_realtime::Migration),
            Box::new(m20261123_000004_escalation::Migration),
            Box::new(m20261201_000005_ballot_secrecy::Migration),
            Box::new(m20261202_000006_rate_limits::Migration),
            Box::new(m20261202_000007_round_rankings::Migration),
            Box::new(m20261202_000008_personal_data::Migration),
            Box::new(m20261202_000009_notifications::Migration),
            Box::new(m20261203_000010_registration_requests::Migration),
            Box::new(m20261203_000011_idempotency_keys::Migration),
            Box::new(m20261203_000012_media_files::Migration),
            Box::new(m20261204_000013_reports::Migration),
            Box::new(m20261204_000014_attachment_targets::Migration),
        ]
    }
}
