//! The public dashboard of the complaint channel: per period, how many reports came in, how
//! many were answered on time, how long the first follow-up took, per category, and the
//! satisfaction index per agency. Counts only: no report, reporter or text appears here, so
//! secret reports are counted in the totals, and in a category's or agency's row only when
//! that row holds enough reports that a count does not point at one.
use std::collections::BTreeMap;

use async_graphql::SimpleObject;
use chrono::{NaiveDate, TimeZone as _, Utc};
use entity::{
    agency,
    enums::{ReportPrivacy, ReportStatus},
    report, report_category, satisfaction_survey,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{is_overdue, satisfaction};
use crate::{
    db::Db,
    domain::now,
    error::{AppError, AppResult},
};

#[derive(Debug, Clone, SimpleObject, Serialize)]
#[graphql(name = "ReportAgencyStats")]
pub struct AgencyStats {
    pub agency: agency::Model,
    /// Reports sent to the agency in the period.
    pub received: u64,
    /// Of those, answered (or closed after an answer).
    pub answered: u64,
    /// Whose first follow-up came within the clock.
    pub followed_up_on_time: u64,
    /// `followed_up_on_time / received`, 0–1 (none before any arrived).
    pub on_time_share: Option<f64>,
    /// The median hours from disposition to the first follow-up.
    pub median_hours_to_first_follow_up: Option<f64>,
    /// Past their clock at this moment.
    pub overdue_now: u64,
    pub satisfaction: Option<satisfaction::Index>,
}

#[derive(Debug, Clone, SimpleObject, Serialize)]
#[graphql(name = "ReportCategoryCount")]
pub struct CategoryCount {
    pub category: report_category::Model,
    pub reports: u64,
    pub closed: u64,
}

#[derive(Debug, Clone, SimpleObject, Serialize)]
#[graphql(name = "ReportDashboard")]
pub struct Dashboard {
    pub year: i32,
    pub reports: u64,
    pub closed: u64,
    pub rejected: u64,
    pub overdue_now: u64,
    pub agencies: Vec<AgencyStats>,
    pub categories: Vec<CategoryCount>,
    /// Over every agency's surveys of the period.
    pub satisfaction: Option<satisfaction::Index>,
}

/// Below this many reports, a category's or agency's row leaves secret reports out: a row of
/// one or two would tell that a secret report of its kind (or to that agency) exists.
const SMALL_CELL: usize = 3;

fn without_lone_secrets(rows: Vec<&report::Model>) -> Vec<&report::Model> {
    if rows.len() >= SMALL_CELL {
        rows
    } else {
        rows.into_iter()
            .filter(|r| r.privacy != ReportPrivacy::Secret)
            .collect()
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    let value = if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    };
    Some((value * 10.0).round() / 10.0)
}

fn answers_of(row: &satisfaction_survey::Model) -> [i16; 9] {
    [
        row.requirements,
        row.procedure,
        row.time,
        row.cost,
        row.product,
        row.competence,
        row.conduct,
        row.complaint_handling,
        row.facilities,
    ]
}

/// The period is a calendar year (reports by when they were filed, surveys by when given).
pub async fn dashboard(db: &Db, year: i32) -> AppResult<Dashboard> {
    let conn = db.reader();
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year + 1, 1, 1))
        .and_then(|(a, b)| Some((a.and_hms_opt(0, 0, 0)?, b.and_hms_opt(0, 0, 0)?)))
        .ok_or_else(|| AppError::field("year", "range", "not a year"))?;
    let (from, to) = (
        Utc.from_utc_datetime(&start.0),
        Utc.from_utc_datetime(&start.1),
    );
    let reports = report::Entity::find()
        .filter(report::Column::CreatedAt.gte(from))
        .filter(report::Column::CreatedAt.lt(to))
        .all(conn)
        .await?;
    let surveys = satisfaction_survey::Entity::find()
        .filter(satisfaction_survey::Column::CreatedAt.gte(from))
        .filter(satisfaction_survey::Column::CreatedAt.lt(to))
        .all(conn)
        .await?;
    let agencies: BTreeMap<i32, agency::Model> = agency::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let categories: BTreeMap<i32, report_category::Model> = report_category::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let at = now();
    let mut per_agency: BTreeMap<i32, Vec<&report::Model>> = BTreeMap::new();
    for row in reports.iter().filter(|r| r.disposed_at.is_some()) {
        if let Some(agency) = row.agency_id {
            per_agency.entry(agency).or_default().push(row);
        }
    }
    let per_agency: BTreeMap<i32, Vec<&report::Model>> = per_agency
        .into_iter()
        .map(|(id, rows)| (id, without_lone_secrets(rows)))
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let mut surveys_per_agency: BTreeMap<i32, Vec<[i16; 9]>> = BTreeMap::new();
    for row in &surveys {
        surveys_per_agency
            .entry(row.agency_id)
            .or_default()
            .push(answers_of(row));
    }
    let mut agency_ids: Vec<i32> = per_agency
        .keys()
        .chain(surveys_per_agency.keys())
        .copied()
        .collect();
    agency_ids.sort_unstable();
    agency_ids.dedup();
    let agency_rows = agency_ids
        .into_iter()
        .filter_map(|id| {
            let agency = agencies.get(&id)?.clone();
            let held = per_agency.get(&id).cloned().unwrap_or_default();
            let followed_up_on_time = held
                .iter()
                .filter(|r| {
                    matches!((r.first_follow_up_at, r.follow_up_due_at), (Some(first), Some(due)) if first < due)
                })
                .count() as u64;
            let hours: Vec<f64> = held
                .iter()
                .filter_map(|r| Some((r.first_follow_up_at? - r.disposed_at?).num_minutes() as f64 / 60.0))
                .collect();
            let received = held.len() as u64;
            Some(AgencyStats {
                agency,
                received,
                answered: held.iter().filter(|r| r.answered_at.is_some()).count() as u64,
                followed_up_on_time,
                on_time_share: (received > 0).then(|| followed_up_on_time as f64 / received as f64),
                median_hours_to_first_follow_up: median(hours),
                overdue_now: held.iter().filter(|r| is_overdue(r, at)).count() as u64,
                satisfaction: satisfaction::index(
                    surveys_per_agency.get(&id).map(Vec::as_slice).unwrap_or_default(),
                ),
            })
        })
        .collect();
    let mut per_category: BTreeMap<i32, Vec<&report::Model>> = BTreeMap::new();
    for row in &reports {
        per_category.entry(row.category_id).or_default().push(row);
    }
    let category_rows = per_category
        .into_iter()
        .filter_map(|(id, rows)| {
            let rows = without_lone_secrets(rows);
            if rows.is_empty() {
                return None;
            }
            Some(CategoryCount {
                category: categories.get(&id)?.clone(),
                reports: rows.len() as u64,
                closed: rows
                    .iter()
                    .filter(|r| r.status == ReportStatus::Closed)
                    .count() as u64,
            })
        })
        .collect();
    let all_answers: Vec<[i16; 9]> = surveys.iter().map(answers_of).collect();
    Ok(Dashboard {
        year,
        reports: reports.len() as u64,
        closed: reports
            .iter()
            .filter(|r| r.status == ReportStatus::Closed)
            .count() as u64,
        rejected: reports
            .iter()
            .filter(|r| r.status == ReportStatus::Rejected)
            .count() as u64,
        overdue_now: reports.iter().filter(|r| is_overdue(r, at)).count() as u64,
        agencies: agency_rows,
        categories: category_rows,
        satisfaction: satisfaction::index(&all_answers),
    })
}

/// A decimal with a comma, as spreadsheets in Indonesian settings read it.
fn decimal(value: f64, places: usize) -> String {
    format!("{value:.places$}").replace('.', ",")
}

/// The dashboard as CSV rows per agency, for spreadsheets (`;` as Indonesian settings expect).
pub fn agencies_csv(dashboard: &Dashboard) -> String {
    let mut out = String::from(
        "sep=;\nperangkat_daerah;diterima;dijawab;tindak_lanjut_tepat_waktu;persen_tepat_waktu;median_jam_tindak_lanjut;terlambat_sekarang;ikm;mutu;responden\n",
    );
    let clean = |text: &str| text.replace([';', '\n', '\r', '"'], " ");
    for row in &dashboard.agencies {
        let ikm = row.satisfaction.as_ref();
        out.push_str(&format!(
            "{};{};{};{};{};{};{};{};{};{}\n",
            clean(&row.agency.name),
            row.received,
            row.answered,
            row.followed_up_on_time,
            row.on_time_share
                .map(|s| decimal(s * 100.0, 1))
                .unwrap_or_default(),
            row.median_hours_to_first_follow_up
                .map(|h| decimal(h, 1))
                .unwrap_or_default(),
            row.overdue_now,
            ikm.map(|i| decimal(i.value, 2)).unwrap_or_default(),
            ikm.map(|i| format!("{:?}", i.grade)).unwrap_or_default(),
            ikm.map(|i| i.respondents).unwrap_or(0),
        ));
    }
    out
}
