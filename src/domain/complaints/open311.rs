//! The complaint channel as Open311 GeoReport v2 sees it: services are the report
//! categories, service requests are published reports (never secret ones, never a reporter's
//! name). `server::open311` renders these as JSON or XML.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    agency,
    enums::{ReportKind, ReportPrivacy, ReportStatus},
    region, report, report_category, report_photo, report_update,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{running_deadline, workflow, FileReportInput};
use crate::{
    db::Db,
    domain::{
        access::{self, Actor},
        find,
    },
    error::{AppError, AppResult},
};

/// A service (category) as Open311 lists it.
pub struct Service {
    pub code: String,
    pub name: String,
    pub agency: String,
}

pub async fn services(db: &Db) -> AppResult<Vec<Service>> {
    let conn = db.reader();
    let categories = super::categories(conn).await?;
    let agencies = agency::Entity::find().all(conn).await?;
    Ok(categories
        .into_iter()
        .map(|c| Service {
            agency: agencies
                .iter()
                .find(|a| a.id == c.agency_id)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            code: c.code,
            name: c.name,
        })
        .collect())
}

pub async fn service(db: &Db, code: &str) -> AppResult<Service> {
    services(db)
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or(AppError::NotFound("service"))
}

/// A published report as a service request.
pub struct ServiceRequest {
    pub id: i32,
    pub open: bool,
    pub status_notes: Option<String>,
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub requested: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub expected: Option<DateTime<Utc>>,
    pub address: String,
    pub address_id: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    /// The path of its first photo (`/media/laporan/…`).
    pub media_path: Option<String>,
}

/// The spec's filters of `GET requests`.
#[derive(Debug, Default)]
pub struct RequestFilter {
    pub ids: Vec<i32>,
    pub service_code: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub open: Option<bool>,
}

/// What the spec allows at most per response, and the window it suggests by default.
const MOST: u64 = 1000;
const DEFAULT_DAYS: i64 = 90;

async fn describe(db: &Db, rows: Vec<report::Model>) -> AppResult<Vec<ServiceRequest>> {
    let conn = db.reader();
    let categories = report_category::Entity::find().all(conn).await?;
    let agencies = agency::Entity::find().all(conn).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let region_codes: HashMap<i32, String> = region::Entity::find()
        .filter(region::Column::Id.is_in(rows.iter().map(|r| r.region_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
        .collect();
    // In id order, so the last note and the first photo of each report win.
    let mut last_notes: HashMap<i32, String> = HashMap::new();
    for update in report_update::Entity::find()
        .filter(report_update::Column::ReportId.is_in(ids.clone()))
        .filter(report_update::Column::Note.is_not_null())
        .order_by_asc(report_update::Column::Id)
        .all(conn)
        .await?
    {
        if let Some(note) = update.note {
            last_notes.insert(update.report_id, note);
        }
    }
    let mut first_photos: HashMap<i32, i32> = HashMap::new();
    for photo in report_photo::Entity::find()
        .filter(report_photo::Column::ReportId.is_in(ids))
        .order_by_asc(report_photo::Column::Id)
        .all(conn)
        .await?
    {
        first_photos.entry(photo.report_id).or_insert(photo.id);
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let category = categories.iter().find(|c| c.id == row.category_id);
        let last_note = last_notes.remove(&row.id);
        let photo = first_photos.get(&row.id);
        out.push(ServiceRequest {
            id: row.id,
            open: !workflow::is_final(row.status),
            status_notes: last_note,
            service_code: category.map(|c| c.code.clone()).unwrap_or_default(),
            service_name: category.map(|c| c.name.clone()).unwrap_or_default(),
            description: row.body.clone(),
            agency_responsible: row
                .agency_id
                .and_then(|id| agencies.iter().find(|a| a.id == id))
                .map(|a| a.name.clone()),
            requested: row.created_at,
            updated: row.updated_at,
            expected: running_deadline(&row),
            address: row.address.clone(),
            address_id: region_codes
                .get(&row.region_id)
                .cloned()
                .unwrap_or_default(),
            lat: row.latitude,
            long: row.longitude,
            media_path: photo.map(|id| format!("/media/laporan/{id}")),
        });
    }
    Ok(out)
}

pub async fn requests(db: &Db, filter: RequestFilter) -> AppResult<Vec<ServiceRequest>> {
    let mut query = report::Entity::find()
        .filter(report::Column::Privacy.ne(ReportPrivacy::Secret))
        .filter(report::Column::VerifiedAt.is_not_null())
        .filter(report::Column::Status.ne(ReportStatus::Rejected));
    if filter.ids.is_empty() {
        let end = filter.end.unwrap_or_else(crate::domain::now);
        let start = filter
            .start
            .unwrap_or(end - chrono::Duration::days(DEFAULT_DAYS));
        query = query
            .filter(report::Column::CreatedAt.gte(start))
            .filter(report::Column::CreatedAt.lte(end));
    } else {
        query = query.filter(report::Column::Id.is_in(filter.ids.clone()));
    }
    if let Some(code) = &filter.service_code {
        let category = report_category::Entity::find()
            .filter(report_category::Column::Code.eq(code.as_str()))
            .one(db.reader())
            .await?;
        let Some(category) = category else {
            return Ok(Vec::new());
        };
        query = query.filter(report::Column::CategoryId.eq(category.id));
    }
    if let Some(open) = filter.open {
        let finals = [
            ReportStatus::Rejected,
            ReportStatus::Closed,
            ReportStatus::Merged,
        ];
        query = if open {
            query.filter(report::Column::Status.is_not_in(finals))
        } else {
            query.filter(report::Column::Status.is_in(finals))
        };
    }
    let rows = query
        .order_by_desc(report::Column::CreatedAt)
        .limit(MOST)
        .all(db.reader())
        .await?;
    describe(db, rows).await
}

/// One request by id: a report that is not published is as absent as one that does not exist.
pub async fn request(db: &Db, id: i32) -> AppResult<ServiceRequest> {
    let row = find::<report::Entity>(db.reader(), id, "request").await?;
    if !access::is_report_published(&row) {
        return Err(AppError::NotFound("request"));
    }
    describe(db, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound("request"))
}

/// A request as an Open311 client posts it.
pub struct NewRequest {
    pub service_code: String,
    pub description: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub address: Option<String>,
    /// The region's official code (`address_id`, or `attribute[region_code]`).
    pub region_code: Option<String>,
    pub privacy: Option<ReportPrivacy>,
}

/// Files a request for the resident whose token was the `api_key`. The area is the region
/// named, or the resident's home.
pub async fn file(db: &Db, actor: &Actor, new: NewRequest) -> AppResult<report::Model> {
    let conn = db.reader();
    let category = report_category::Entity::find()
        .filter(report_category::Column::Code.eq(new.service_code.as_str()))
        .filter(report_category::Column::Active.eq(true))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::field("service_code", "unknown", "no such service"))?;
    let region_id = match &new.region_code {
        Some(code) => {
            region::Entity::find()
                .filter(region::Column::Code.eq(code.as_str()))
                .one(conn)
                .await?
                .ok_or_else(|| AppError::field("address_id", "unknown", "no region has this code"))?
                .id
        }
        None => actor.account.home_region_id.ok_or_else(|| {
            AppError::field(
                "address_id",
                "required",
                "name the region (its official code) of the request",
            )
        })?,
    };
    let description = new.description.trim().to_owned();
    let title: String = description
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect();
    let address = new
        .address
        .map(|a| a.trim().to_owned())
        .filter(|a| a.chars().count() >= 3)
        .or_else(|| {
            new.lat
                .zip(new.long)
                .map(|(lat, long)| format!("{lat:.6}, {long:.6}"))
        })
        .unwrap_or_else(|| "(tanpa alamat)".to_owned());
    super::file(
        db,
        actor,
        FileReportInput {
            kind: ReportKind::Complaint,
            title,
            body: description,
            category_id: category.id,
            region_id,
            address,
            latitude: new.lat,
            longitude: new.long,
            privacy: new.privacy.unwrap_or(ReportPrivacy::Anonymous),
            share_identity_with_agency: false,
        },
        None,
    )
    .await
}
