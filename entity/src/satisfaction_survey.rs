use sea_orm::entity::prelude::*;

/// A reporter's answers to the satisfaction survey of Permenpan RB 14/2017 about the agency
/// that handled a closed report: nine elements, each 1 (poor) to 4 (very good). It keeps no
/// account: the index is about the service, not the respondent.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "satisfaction_surveys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub report_id: i32,
    pub agency_id: i32,
    pub requirements: i16,
    pub procedure: i16,
    pub time: i16,
    pub cost: i16,
    pub product: i16,
    pub competence: i16,
    pub conduct: i16,
    pub complaint_handling: i16,
    pub facilities: i16,
    #[sea_orm(column_type = "Text", nullable)]
    pub suggestion: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
