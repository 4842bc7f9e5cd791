//! Agencies (OPD), sectors (bidang urusan) and the catalogue of standard activities (kamus usulan).
use async_graphql::InputObject;
use entity::{
    activity, agency,
    enums::{RegionLevel, Role},
    region, sector,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use validator::Validate;

use super::{audit, find, validate};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
};

/// The catalogue (agencies, sectors, standard activities) serves the whole installation: its
/// administrators and the planners of a whole city or regency (or above) edit it, not a
/// planner appointed for a kecamatan or kelurahan.
async fn require_catalogue_editor(conn: &impl ConnectionTrait, actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        return Ok(());
    }
    let planned: Vec<i32> = actor
        .grants
        .iter()
        .filter(|g| g.role == Role::Planner)
        .filter_map(|g| g.region_id)
        .collect();
    let citywide = !planned.is_empty()
        && region::Entity::find()
            .filter(region::Column::Id.is_in(planned))
            .filter(
                region::Column::Level.is_in([RegionLevel::Provinsi, RegionLevel::KabupatenKota]),
            )
            .count(conn)
            .await?
            > 0;
    if citywide {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only administrators and planners of a whole city or regency edit the catalogue",
        ))
    }
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateAgencyInput {
    #[validate(length(min = 1, max = 32))]
    pub code: String,
    #[validate(length(min = 2, max = 200))]
    pub name: String,
    #[validate(length(max = 40))]
    pub abbreviation: Option<String>,
}

pub async fn create_agency(
    db: &Db,
    actor: &Actor,
    input: CreateAgencyInput,
) -> AppResult<agency::Model> {
    require_catalogue_editor(db.reader(), actor).await?;
    validate(&input)?;
    let txn = db.begin().await?;
    let created = agency::ActiveModel {
        code: Set(input.code),
        name: Set(input.name),
        abbreviation: Set(input.abbreviation),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "agency.create",
        "agency",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateSectorInput {
    #[validate(length(min = 1, max = 32))]
    pub code: String,
    #[validate(length(min = 2, max = 200))]
    pub name: String,
}

pub async fn create_sector(
    db: &Db,
    actor: &Actor,
    input: CreateSectorInput,
) -> AppResult<sector::Model> {
    require_catalogue_editor(db.reader(), actor).await?;
    validate(&input)?;
    let txn = db.begin().await?;
    let created = sector::ActiveModel {
        code: Set(input.code),
        name: Set(input.name),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "sector.create",
        "sector",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateActivityInput {
    #[validate(length(min = 1, max = 32))]
    pub code: String,
    #[validate(length(min = 3, max = 300))]
    pub name: String,
    pub sector_id: i32,
    pub agency_id: Option<i32>,
    #[validate(length(min = 1, max = 40))]
    pub unit: String,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    pub unit_cost: i64,
    pub physical: bool,
}

pub async fn create_activity(
    db: &Db,
    actor: &Actor,
    input: CreateActivityInput,
) -> AppResult<activity::Model> {
    require_catalogue_editor(db.reader(), actor).await?;
    validate(&input)?;
    let txn = db.begin().await?;
    find::<sector::Entity>(&txn, input.sector_id, "sector").await?;
    if let Some(agency_id) = input.agency_id {
        find::<agency::Entity>(&txn, agency_id, "agency").await?;
    }
    let created = activity::ActiveModel {
        code: Set(input.code),
        name: Set(input.name),
        sector_id: Set(input.sector_id),
        agency_id: Set(input.agency_id),
        unit: Set(input.unit),
        unit_cost: Set(input.unit_cost),
        physical: Set(input.physical),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "activity.create",
        "activity",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn agencies(db: &Db) -> AppResult<Vec<agency::Model>> {
    Ok(agency::Entity::find()
        .order_by_asc(agency::Column::Code)
        .all(db.reader())
        .await?)
}

pub async fn sectors(db: &Db) -> AppResult<Vec<sector::Model>> {
    Ok(sector::Entity::find()
        .order_by_asc(sector::Column::Code)
        .all(db.reader())
        .await?)
}

pub async fn activities(db: &Db) -> AppResult<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .order_by_asc(activity::Column::Code)
        .all(db.reader())
        .await?)
}
