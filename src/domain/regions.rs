//! The region tree (wilayah): provinsi down to RT, with official codes. Each region stores the
//! path of its ancestors' ids so "everything under this kecamatan" is a single prefix match.
use std::collections::HashMap;

use async_graphql::InputObject;
use entity::{enums::RegionLevel, region};
use sea_orm::{
    sea_query::{Expr, Func, Query, SelectStatement},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use validator::Validate;

use super::{access, audit, find, like_pattern, now, validate, Page, Window};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult, FieldError},
};

pub fn path_contains(path: &str, region_id: i32) -> bool {
    path.contains(&format!("/{region_id}/"))
}

/// The ids on a region's path, from the top of the tree down to the region itself.
pub fn path_ids(path: &str) -> Vec<i32> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

/// Whether `region` is `ancestor` itself or lies below it.
pub fn is_within(region: &region::Model, ancestor: &region::Model) -> bool {
    region.path.starts_with(&ancestor.path)
}

/// `SELECT id FROM regions WHERE path LIKE '<root path>%'`: the ids of a subtree.
pub fn subtree_ids(root: &region::Model) -> SelectStatement {
    Query::select()
        .column(region::Column::Id)
        .from(region::Entity)
        .and_where(region::Column::Path.like(format!("{}%", root.path)))
        .to_owned()
}

/// Indonesia's three time zones. Which one a region keeps follows from its official code: the
/// first two digits name the province, and every province lies in one zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZone {
    /// Waktu Indonesia Barat, UTC+7: Sumatra, Java, West and Central Kalimantan.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8: Bali, Nusa Tenggara, the rest of Kalimantan, Sulawesi.
    Wita,
    /// Waktu Indonesia Timur, UTC+9: Maluku and Papua.
    Wit,
}

impl TimeZone {
    /// The zone of a region by its code ("35.73.05" → WIB); WIB when the code names no province.
    pub fn of_code(code: &str) -> Self {
        match code.get(..2).and_then(|p| p.parse::<u8>().ok()) {
            Some(51..=53 | 63..=65 | 71..=76) => Self::Wita,
            Some(81..=82 | 91..=97) => Self::Wit,
            _ => Self::Wib,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Wib => "WIB",
            Self::Wita => "WITA",
            Self::Wit => "WIT",
        }
    }

    pub fn offset(self) -> chrono::FixedOffset {
        const HOUR: i32 = 3600;
        // `east_opt` refuses only offsets of a day or more.
        let offset = match self {
            Self::Wib => chrono::FixedOffset::east_opt(7 * HOUR),
            Self::Wita => chrono::FixedOffset::east_opt(8 * HOUR),
            Self::Wit => chrono::FixedOffset::east_opt(9 * HOUR),
        };
        offset.unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc))
    }

    /// The local time of `at` in this zone.
    pub fn local(self, at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
        at.with_timezone(&self.offset())
    }
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateRegionInput {
    #[validate(length(min = 1, max = 32))]
    pub code: String,
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    pub level: RegionLevel,
    pub parent_id: Option<i32>,
}

/// Administrators create any region; planners create regions below their own.
pub async fn create(db: &Db, actor: &Actor, input: CreateRegionInput) -> AppResult<region::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let parent = match input.parent_id {
        Some(id) => Some(find::<region::Entity>(&txn, id, "parent region").await?),
        None => None,
    };
    match &parent {
        Some(parent) => access::require_planner_for(actor, parent)?,
        None => access::require_admin(actor)?,
    }
    check_level(input.level, parent.as_ref())
        .map_err(|m| AppError::field("level", "hierarchy", m))?;
    let created = insert(&txn, &input.code, &input.name, input.level, parent.as_ref()).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "region.create",
        "region",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

fn check_level(level: RegionLevel, parent: Option<&region::Model>) -> Result<(), String> {
    match parent {
        None if level == RegionLevel::Provinsi || level == RegionLevel::KabupatenKota => Ok(()),
        None => Err(format!("a {level} region needs a parent")),
        Some(parent) if parent.level.child() == Some(level) => Ok(()),
        Some(parent) => Err(format!(
            "a {level} region cannot sit directly under a {} region",
            parent.level
        )),
    }
}

/// Inserts a region under its parent and stores its path; the one way regions are created.
/// It checks no permission: callers are the authorised paths (create, import, demo, benches).
pub async fn insert(
    conn: &impl ConnectionTrait,
    code: &str,
    name: &str,
    level: RegionLevel,
    parent: Option<&region::Model>,
) -> AppResult<region::Model> {
    let existing = region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(conn)
        .await?;
    if existing.is_some() {
        return Err(AppError::field(
            "code",
            "unique",
            format!("region code {code} already exists"),
        ));
    }
    let created = region::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        level: Set(level),
        parent_id: Set(parent.map(|p| p.id)),
        path: Set(String::new()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let path = format!("{}{}/", parent.map_or("/", |p| p.path.as_str()), created.id);
    let mut active = created.into_active_model();
    active.path = Set(path);
    Ok(active.update(conn).await?)
}

#[derive(Debug, Default, Clone)]
pub struct RegionFilter {
    pub parent_id: Option<i32>,
    pub level: Option<RegionLevel>,
    pub within: Option<i32>,
    pub search: Option<String>,
}

pub async fn list(db: &Db, filter: RegionFilter, window: Window) -> AppResult<Page<region::Model>> {
    let conn = db.reader();
    let mut query = region::Entity::find();
    if let Some(parent_id) = filter.parent_id {
        query = query.filter(region::Column::ParentId.eq(parent_id));
    }
    if let Some(level) = filter.level {
        query = query.filter(region::Column::Level.eq(level));
    }
    if let Some(root) = filter.within {
        let root = find::<region::Entity>(conn, root, "region").await?;
        query = query.filter(region::Column::Path.like(format!("{}%", root.path)));
    }
    if let Some(term) = filter.search.as_deref().filter(|t| !t.trim().is_empty()) {
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(region::Column::Name))).like(like_pattern(term)),
        );
    }
    let total = query.clone().count(conn).await?;
    let items = query
        .order_by_asc(region::Column::Code)
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

/// Ancestors from the top of the tree down to (and including) the region.
pub async fn lineage(
    conn: &impl ConnectionTrait,
    region: &region::Model,
) -> AppResult<Vec<region::Model>> {
    let ids = path_ids(&region.path);
    let mut found = region::Entity::find()
        .filter(region::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?;
    found.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(found)
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub renamed: usize,
    pub unchanged: usize,
}

/// Loads official region codes from CSV with the header `code,name[,level][,parent_code]`.
/// Missing parents are taken from the code itself (`35.77.01` is the parent of
/// `35.77.01.1001`) and missing levels from its depth. Rows may come in any order; the whole
/// file is written in one transaction, or nothing is.
pub async fn import_csv(db: &Db, reader: impl std::io::Read) -> AppResult<ImportReport> {
    let rows = parse_region_csv(reader)?;
    let txn = db.begin().await?;
    let mut known: HashMap<String, region::Model> = region::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let mut report = ImportReport::default();
    let mut pending: Vec<&RegionRow> = rows.iter().collect();
    // Parents first: sort by depth so every parent exists before its children.
    pending.sort_by_key(|row| row.level as u8);
    for row in pending {
        if let Some(existing) = known.get(&row.code) {
            if existing.name == row.name {
                report.unchanged += 1;
            } else {
                let mut active = existing.clone().into_active_model();
                active.name = Set(row.name.clone());
                let updated = active.update(&txn).await?;
                known.insert(updated.code.clone(), updated);
                report.renamed += 1;
            }
            continue;
        }
        let parent = match &row.parent_code {
            Some(code) => Some(known.get(code).cloned().ok_or_else(|| {
                AppError::field(
                    "file",
                    "parent",
                    format!(
                        "line {}: parent {code} of {} is neither in the file nor in the database",
                        row.line, row.code
                    ),
                )
            })?),
            None => None,
        };
        check_level(row.level, parent.as_ref())
            .map_err(|m| AppError::field("file", "hierarchy", format!("line {}: {m}", row.line)))?;
        let created = insert(&txn, &row.code, &row.name, row.level, parent.as_ref()).await?;
        known.insert(created.code.clone(), created);
        report.created += 1;
    }
    audit::record(
        &txn,
        None,
        "region.import",
        "region",
        None,
        None::<&()>,
        Some(&serde_json::json!({"created": report.created, "renamed": report.renamed})),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// One checked line of a region CSV file.
#[derive(Debug)]
pub struct RegionRow {
    line: usize,
    code: String,
    name: String,
    level: RegionLevel,
    parent_code: Option<String>,
}

fn level_from_code(code: &str) -> Option<RegionLevel> {
    match code.split('.').count() {
        1 => Some(RegionLevel::Provinsi),
        2 => Some(RegionLevel::KabupatenKota),
        3 => Some(RegionLevel::Kecamatan),
        4 => Some(RegionLevel::DesaKelurahan),
        5 => Some(RegionLevel::Rw),
        6 => Some(RegionLevel::Rt),
        _ => None,
    }
}

/// Reads and checks a region CSV file (see `import_csv`) without touching the database.
pub fn parse_region_csv(reader: impl std::io::Read) -> AppResult<Vec<RegionRow>> {
    let bad =
        |line: usize, msg: String| AppError::field("file", "format", format!("line {line}: {msg}"));
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(reader);
    let headers = csv.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (Some(code_col), Some(name_col)) = (column("code"), column("name")) else {
        return Err(bad(
            1,
            "the header must name the columns code and name (and optionally level, parent_code)"
                .into(),
        ));
    };
    let level_col = column("level");
    let parent_col = column("parent_code");
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, record) in csv.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let field = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(str::to_owned)
                .filter(|v| !v.is_empty())
        };
        let Some(code) = field(Some(code_col)) else {
            errors.push(FieldError::new(
                "file",
                "format",
                format!("line {line}: the code is empty"),
            ));
            continue;
        };
        let Some(name) = field(Some(name_col)) else {
            errors.push(FieldError::new(
                "file",
                "format",
                format!("line {line}: the name of {code} is empty"),
            ));
            continue;
        };
        let level = match field(level_col) {
            Some(text) => text.parse::<RegionLevel>().map_err(|e| bad(line, e))?,
            None => level_from_code(&code)
                .ok_or_else(|| bad(line, format!("cannot tell the level of code {code}")))?,
        };
        let parent_code = field(parent_col)
            .or_else(|| code.rsplit_once('.').map(|(parent, _)| parent.to_owned()));
        rows.push(RegionRow {
            line,
            code,
            name,
            level,
            parent_code,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::TimeZone;

    #[test]
    fn time_zones_follow_the_province_code() {
        assert_eq!(TimeZone::of_code("35.73.05"), TimeZone::Wib); // Kota Malang, Jawa Timur
        assert_eq!(TimeZone::of_code("11.71"), TimeZone::Wib); // Banda Aceh
        assert_eq!(TimeZone::of_code("51.71"), TimeZone::Wita); // Denpasar, Bali
        assert_eq!(TimeZone::of_code("73.71"), TimeZone::Wita); // Makassar
        assert_eq!(TimeZone::of_code("64.72"), TimeZone::Wita); // Samarinda
        assert_eq!(TimeZone::of_code("91.71"), TimeZone::Wit); // Jayapura
        assert_eq!(TimeZone::of_code("81.71"), TimeZone::Wit); // Ambon
        assert_eq!(TimeZone::of_code("X"), TimeZone::Wib);
        let at = "2026-11-23T17:30:00Z".parse().unwrap();
        assert_eq!(
            TimeZone::Wit.local(at).format("%d %H:%M").to_string(),
            "24 02:30"
        );
    }
}
