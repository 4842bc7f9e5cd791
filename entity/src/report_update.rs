use crate::enums::*;
use sea_orm::entity::prelude::*;

/// One step of a report's history: a status change or a follow-up note (same status).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub actor_id: Option<i32>,
    pub actor_role: ReportRole,
    pub from_status: Option<ReportStatus>,
    pub to_status: ReportStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
