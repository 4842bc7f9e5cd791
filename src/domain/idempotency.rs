//! Writes a client may send twice. The web app's offline queue sends a proposal or comment
//! again when it cannot tell whether the first try arrived, with the same key (made on the
//! phone when the text was written); the retry finds what the first try made. Keys are the
//! sender's own: another account's key finds nothing. They are kept a month.
use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, Set,
};

use super::now;
use crate::{
    db::{Db, Txn},
    error::{AppError, AppResult},
};

/// How long a key finds its write.
const KEEP: chrono::Duration = chrono::Duration::days(30);

/// What a keyed write makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    CreateProposal,
    AddComment,
    FileReport,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::CreateProposal => "create_proposal",
            Operation::AddComment => "add_comment",
            Operation::FileReport => "file_report",
        }
    }
}

/// A key as clients make them: 16 to 64 letters, digits, `-` or `_` (a UUID fits).
pub fn checked(key: Option<String>) -> AppResult<Option<String>> {
    let Some(key) = key else { return Ok(None) };
    let fits = (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !fits {
        return Err(AppError::field(
            "idempotencyKey",
            "format",
            "must be 16 to 64 letters, digits, - or _ (e.g. a UUID)",
        ));
    }
    Ok(Some(key))
}

/// The id of what an earlier write with this key made, if there was one. The same key for
/// another kind of write is refused: it is a client's mistake, not a retry.
pub async fn earlier(
    conn: &impl ConnectionTrait,
    account_id: i32,
    key: &str,
    operation: Operation,
) -> AppResult<Option<i32>> {
    let Some(row) = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::AccountId.eq(account_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if row.operation != operation.name() {
        return Err(AppError::field(
            "idempotencyKey",
            "reused",
            "this key was used for another kind of write: make a new one",
        ));
    }
    Ok(Some(row.result_id))
}

/// The row an earlier write with this key made, if there was one (`earlier`, then the row).
pub async fn earlier_row<E>(
    conn: &impl ConnectionTrait,
    account_id: i32,
    key: &str,
    operation: Operation,
    what: &'static str,
) -> AppResult<Option<E::Model>>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    match earlier(conn, account_id, key, operation).await? {
        Some(id) => Ok(Some(super::find::<E>(conn, id, what).await?)),
        None => Ok(None),
    }
}

/// A keyed create as a client's retry needs it: a retry returns what the first try made
/// before `throttle` counts it; otherwise `throttle`, then `create`, and when two tries raced,
/// the one that lost on the key's unique index returns the winner's row. `create` checks the
/// key again inside its transaction (`earlier_row`) and `remember`s it there.
pub async fn create_once<E>(
    db: &Db,
    account_id: i32,
    key: Option<&str>,
    operation: Operation,
    what: &'static str,
    throttle: impl std::future::Future<Output = AppResult<()>>,
    create: impl std::future::Future<Output = AppResult<E::Model>>,
) -> AppResult<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    if let Some(key) = key {
        if let Some(earlier) =
            earlier_row::<E>(db.reader(), account_id, key, operation, what).await?
        {
            return Ok(earlier);
        }
    }
    throttle.await?;
    match create.await {
        Ok(created) => Ok(created),
        Err(err) => match key {
            Some(key) => earlier_row::<E>(db.writer(), account_id, key, operation, what)
                .await?
                .ok_or(err),
            None => Err(err),
        },
    }
}

/// Remembers what a keyed write made, in its transaction.
pub async fn remember(
    txn: &Txn,
    account_id: i32,
    key: &str,
    operation: Operation,
    result_id: i32,
) -> AppResult<()> {
    idempotency_key::ActiveModel {
        account_id: Set(account_id),
        key: Set(key.to_owned()),
        operation: Set(operation.name().to_owned()),
        result_id: Set(result_id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub async fn prune(db: &Db) -> AppResult<()> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(now() - KEEP))
        .exec(db.writer())
        .await?;
    Ok(())
}
