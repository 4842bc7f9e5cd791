use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The running totals of a live-tally round as last published: they advance only in steps of
/// at least the minimum number of ballots, so no difference of two published totals shows how
/// one person voted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tally_snapshots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i32,
    /// The ballots these totals count.
    pub ballots: i64,
    /// JSON list of the tally rows.
    #[sea_orm(column_type = "Text")]
    pub rows: String,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
