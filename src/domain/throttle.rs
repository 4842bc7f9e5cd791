//! Rates per client address and per account, kept in the database so that every server
//! instance counts the same attempts. Each attempt is counted by one atomic statement before
//! the work it guards (fixed windows), so concurrent attempts cannot all slip under the limit,
//! and old windows are pruned, so the table stays bounded.
use std::net::{IpAddr, Ipv4Addr};

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sha2::{Digest, Sha256};

use super::now;
use crate::{
    config::Rate,
    db::Db,
    error::{AppError, AppResult},
};

/// The address a request came from (through a trusted proxy: the client it names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl Default for ClientAddr {
    /// A request whose address is unknown (a test harness without one) shares one bucket.
    fn default() -> Self {
        Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }
}

/// A bucket's key: what is limited and for whom. Identifiers are hashed, so a key has a fixed
/// size whatever a client sends and the table holds no email addresses.
pub fn key(what: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest: String = hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{what}:{digest}")
}

/// Counts one attempt in the bucket; past the rate, RATE_LIMITED with the seconds left.
pub async fn take(db: &Db, bucket: &str, rate: Rate) -> AppResult<()> {
    let (attempts, window_start) = count(db, bucket, rate, 1).await?;
    refuse_past(attempts, window_start, rate)
}

/// Refuses if the bucket is already past its rate, without counting.
pub async fn check(db: &Db, bucket: &str, rate: Rate) -> AppResult<()> {
    let (attempts, window_start) = count(db, bucket, rate, 0).await?;
    refuse_past(attempts.saturating_add(1), window_start, rate)
}

fn refuse_past(attempts: i64, window_start: i64, rate: Rate) -> AppResult<()> {
    if attempts <= i64::from(rate.attempts) {
        return Ok(());
    }
    let ends = window_start + i64::from(rate.window_secs);
    Err(AppError::RateLimited {
        retry_after_secs: (ends - now().timestamp()).max(1) as u64,
    })
}

/// Forgets a bucket (e.g. after a successful sign-in).
pub async fn clear(db: &Db, bucket: &str) -> AppResult<()> {
    let backend = db.backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "DELETE FROM rate_limits WHERE bucket = $1",
        _ => "DELETE FROM rate_limits WHERE bucket = ?",
    };
    db.writer()
        .execute(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into()],
        ))
        .await?;
    Ok(())
}

/// Adds `add` attempts to the bucket's current window (a new window if the last one ended) and
/// returns its attempts and start, in one statement.
async fn count(db: &Db, bucket: &str, rate: Rate, add: i64) -> AppResult<(i64, i64)> {
    let backend = db.backend();
    let now = now().timestamp();
    let expired = now - i64::from(rate.window_secs);
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO rate_limits (bucket, window_start, attempts) VALUES ($1, $2, $3) \
             ON CONFLICT (bucket) DO UPDATE SET \
               attempts = CASE WHEN rate_limits.window_start <= $4 THEN $3 \
                               ELSE rate_limits.attempts + $3 END, \
               window_start = CASE WHEN rate_limits.window_start <= $4 THEN $2 \
                                   ELSE rate_limits.window_start END \
             RETURNING attempts, window_start"
        }
        _ => {
            "INSERT INTO rate_limits (bucket, window_start, attempts) VALUES (?1, ?2, ?3) \
             ON CONFLICT (bucket) DO UPDATE SET \
               attempts = CASE WHEN rate_limits.window_start <= ?4 THEN ?3 \
                               ELSE rate_limits.attempts + ?3 END, \
               window_start = CASE WHEN rate_limits.window_start <= ?4 THEN ?2 \
                                   ELSE rate_limits.window_start END \
             RETURNING attempts, window_start"
        }
    };
    let row = db
        .writer()
        .query_one(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into(), now.into(), add.into(), expired.into()],
        ))
        .await?
        .ok_or_else(|| AppError::invariant("counting an attempt returned nothing"))?;
    Ok((
        row.try_get::<i64>("", "attempts")?,
        row.try_get::<i64>("", "window_start")?,
    ))
}

/// Drops windows that ended more than a day ago (no rate is longer).
pub async fn prune(db: &Db) -> AppResult<u64> {
    let backend = db.backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "DELETE FROM rate_limits WHERE window_start < $1",
        _ => "DELETE FROM rate_limits WHERE window_start < ?",
    };
    let cutoff = now().timestamp() - 24 * 60 * 60;
    Ok(db
        .writer()
        .execute(Statement::from_sql_and_values(
            backend,
            sql,
            [cutoff.into()],
        ))
        .await?
        .rows_affected())
}

/// Counts one action of `what` for the account and for the address it came from; refuses past
/// either rate. (Creating comments, proposals, reports, uploads and chat messages goes through
/// this.)
pub async fn take_action(
    db: &Db,
    what: &str,
    account: Option<(i32, Rate)>,
    client: ClientAddr,
    per_address: Rate,
) -> AppResult<()> {
    if let Some((account_id, rate)) = account {
        take(db, &key(what, &["account", &account_id.to_string()]), rate).await?;
    }
    take(
        db,
        &key(what, &["address", &client.0.to_string()]),
        per_address,
    )
    .await
}
