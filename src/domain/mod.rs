//! The rules of the product, one module per capability. Resolvers and the CLI call these; they
//! never touch entities themselves.
pub mod access;
pub mod accounts;
pub mod audit;
pub mod ballot_box;
pub mod carry_over;
pub mod catalogue;
pub mod comments;
pub mod complaints;
pub mod credentials;
pub mod escalation;
pub mod format;
pub mod housekeeping;
pub mod idempotency;
pub mod implementation;
pub mod live_events;
pub mod mail_outbox;
pub mod media;
pub mod notifications;
pub mod open_data;
pub mod outcome;
pub mod paper_ballots;
pub mod personal_data;
pub mod planning;
pub mod proposal_path;
pub mod proposals;
pub mod regions;
pub mod sealing;
pub mod sessions;
pub mod throttle;
pub mod voting;
pub mod workflow;

use sea_orm::{ConnectionTrait, EntityTrait, PrimaryKeyTrait};
use validator::Validate;

use crate::error::{AppError, AppResult};

/// Loads one row by id or answers NOT_FOUND naming what was missing.
pub async fn find<E>(
    conn: &impl ConnectionTrait,
    id: i32,
    what: &'static str,
) -> AppResult<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    E::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound(what))
}

/// Runs the `validator` rules of an input, turning failures into per-field errors.
pub fn validate(input: &impl Validate) -> AppResult<()> {
    input.validate().map_err(AppError::from)
}

/// A link the web app may render for everyone: an http(s) address with a host, and nothing
/// else (no `javascript:`, `data:` or protocol-relative `//host` links).
pub fn http_url(url: &str) -> Result<(), validator::ValidationError> {
    let parsed = url::Url::parse(url.trim()).ok();
    let fine = parsed.is_some_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    });
    if fine {
        Ok(())
    } else {
        let mut err = validator::ValidationError::new("url");
        err.message = Some("must be an http(s) address".into());
        Err(err)
    }
}

/// A window into a list: rows skipped and rows wanted.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub offset: u64,
    pub limit: u64,
}

/// One page of a list with the size of the whole list.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// `%term%` for a case-insensitive LIKE on a lower()ed column, with LIKE wildcards escaped.
/// The escape character is named explicitly: SQLite has no default one.
pub fn like_pattern(term: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = term
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
