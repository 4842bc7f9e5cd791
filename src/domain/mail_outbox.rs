//! The durable outbox of mails. A mail is written in the transaction that causes it, so it
//! exists exactly when what it reports happened; a worker on every instance delivers due mails
//! after the commit, retrying with a growing delay while the mail server is away. No request
//! waits for the mail server, and a failed delivery loses nothing.
//!
//! Delivery is at least once: a worker takes a mail by moving its next attempt forward (a
//! lease), so two instances never send it at once; an instance that dies while sending leaves
//! it to another after the lease.
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::mail_outbox;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::now;
use crate::{
    db::{Db, Txn},
    error::AppResult,
    mail::{Mail, Mailer},
};

/// How long a worker holds a mail it took before another may try it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// Mails taken per pass.
const BATCH: u64 = 20;
/// Sent mails are kept (without their text) this long, for the operator's log.
const KEEP_SENT: chrono::Duration = chrono::Duration::days(30);

/// The delay before the next attempt after `attempts` failed ones: 30 s, doubling, at most 6 h.
pub fn retry_delay(attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    chrono::Duration::seconds((30_i64 << exponent).min(6 * 3600))
}

/// Puts a mail in the outbox inside the caller's transaction.
pub async fn enqueue(txn: &Txn, purpose: &str, mail: Mail) -> AppResult<()> {
    let at = now();
    mail_outbox::ActiveModel {
        purpose: Set(purpose.to_owned()),
        to_address: Set(mail.to),
        subject: Set(mail.subject),
        body: Set(mail.body),
        created_at: Set(at),
        attempts: Set(0),
        next_attempt_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Takes the mail for this worker if nobody else took it since it was read.
async fn take(
    conn: &impl ConnectionTrait,
    mail: &mail_outbox::Model,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let taken = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(at + LEASE))
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .filter(mail_outbox::Column::Id.eq(mail.id))
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::NextAttemptAt.eq(mail.next_attempt_at))
        .exec(conn)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Delivers the mails that are due; returns how many left. Safe on several instances at once.
pub async fn deliver_due(db: &Db, mailer: &Mailer) -> AppResult<usize> {
    let at = now();
    let due = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::NextAttemptAt.lte(at))
        .order_by_asc(mail_outbox::Column::NextAttemptAt)
        .order_by_asc(mail_outbox::Column::Id)
        .limit(BATCH)
        .all(db.reader())
        .await?;
    let mut sent = 0;
    for mail in due {
        if !take(db.writer(), &mail, at).await? {
            continue;
        }
        let attempts = mail.attempts + 1;
        let outcome = mailer
            .send(Mail {
                to: mail.to_address.clone(),
                subject: mail.subject.clone(),
                body: mail.body.clone(),
            })
            .await;
        let mut row: mail_outbox::ActiveModel = mail.into();
        match outcome {
            Ok(()) => {
                sent += 1;
                row.sent_at = Set(Some(now()));
                // The text may hold a single-use link; it must not outlive the delivery.
                row.body = Set(String::new());
                row.last_error = Set(None);
            }
            Err(err) => {
                tracing::warn!(error = %err, attempts, "a mail could not be delivered; it will be retried");
                row.next_attempt_at = Set(now() + retry_delay(attempts));
                row.last_error = Set(Some(err.to_string()));
            }
        }
        row.update(db.writer()).await?;
    }
    Ok(sent)
}

/// Removes sent mails older than `KEEP_SENT`.
pub async fn prune_sent(db: &Db) -> AppResult<u64> {
    Ok(mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::SentAt.lt(now() - KEEP_SENT))
        .exec(db.writer())
        .await?
        .rows_affected)
}

/// Mails not yet delivered, for the operator's readiness report and for tests.
pub async fn pending(conn: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .count(conn)
        .await?)
}

/// How often the worker looks for due mails.
pub const POLL: Duration = Duration::from_secs(1);
