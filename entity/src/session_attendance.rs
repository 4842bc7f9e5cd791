use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of the attendance list (daftar hadir).
#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[sea_orm(table_name = "session_attendance")]
#[graphql(name = "Attendance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    /// None for people marked present without an account.
    pub account_id: Option<i32>,
    pub name: String,
    pub role_or_institution: String,
    pub gender: Option<Gender>,
    pub channel: AttendanceChannel,
    pub checked_in_at: DateTimeUtc,
    /// The moderator who marked the person present.
    pub recorded_by: Option<i32>,
    pub status: AttendanceStatus,
    /// The moderator who let a guest in or not.
    pub decided_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
