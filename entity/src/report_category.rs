use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A kind of problem residents report, routed to the agency responsible for it, with its
/// service clocks in working days.
#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[sea_orm(table_name = "report_categories")]
#[graphql(name = "ReportCategory")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub agency_id: i32,
    /// Working days the coordinators have to verify a report.
    pub verify_days: i32,
    /// Working days the agency has for its first follow-up after disposition.
    pub follow_up_days: i32,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
