use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A resident's report between forums. The reporter is never exposed directly: the API
/// decides per viewer (`domain::complaints::access`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: ReportKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub category_id: i32,
    pub region_id: i32,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: String,
    pub privacy: ReportPrivacy,
    pub share_identity_with_agency: bool,
    pub reporter_id: i32,
    pub status: ReportStatus,
    pub agency_id: Option<i32>,
    pub rejection_reason: Option<RejectionReason>,
    pub merged_into_id: Option<i32>,
    pub proposal_id: Option<i32>,
    pub escalation_level: i32,
    pub escalated_at: Option<DateTimeUtc>,
    pub disputed: bool,
    pub verify_due_at: DateTimeUtc,
    pub verified_at: Option<DateTimeUtc>,
    pub disposed_at: Option<DateTimeUtc>,
    pub follow_up_due_at: Option<DateTimeUtc>,
    pub first_follow_up_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
