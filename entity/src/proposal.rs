use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub cycle_id: i32,
    pub forum_id: i32,
    pub level: ForumLevel,
    pub status: ProposalStatus,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub problem: String,
    #[sea_orm(column_type = "Text")]
    pub solution: String,
    pub sector_id: Option<i32>,
    pub physical: bool,
    pub activity_id: Option<i32>,
    pub region_id: i32,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub volume: f64,
    pub unit: String,
    /// Rupiah.
    pub estimated_cost: i64,
    pub beneficiaries: i32,
    pub proposer_type: ProposerType,
    pub proposer_id: i32,
    /// The proposer stays anonymous to the public (shown as "Warga <kelurahan>").
    pub proposer_anonymous: bool,
    pub initial_agency_id: Option<i32>,
    pub final_agency_id: Option<i32>,
    pub merged_into_id: Option<i32>,
    /// The unselected proposal of an earlier cycle this one continues.
    pub carried_over_from_id: Option<i32>,
    /// For proposals accepted into the plan: how far the agency has carried it out.
    pub implementation_status: Option<ImplementationStatus>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
