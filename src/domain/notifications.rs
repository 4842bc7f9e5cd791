//! Notifications: what happened to a resident's proposals, comments and forums, told to the
//! person in the app and, as each person chooses per kind, by e-mail at once or in a daily
//! digest. A notification is written in the transaction of what it reports; its mail is
//! written from it by the mail worker (`render_queued_mails`, `send_digests`) into the
//! durable outbox (`mail_outbox`), so a mail server that is away delays mails but loses none
//! and slows no request.
use std::collections::HashMap;

use async_graphql::SimpleObject;
use chrono::{DateTime, Duration, Utc};
use entity::{
    account,
    enums::{NotificationDelivery, NotificationKind, NotificationMailState},
    forum, notification, notification_preference, proposal,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use super::{
    access::Actor,
    find,
    live_events::{self, LiveEventData, NotificationAdded},
    mail_outbox, now, regions,
};
use crate::{
    db::{Db, Txn},
    error::{AppError, AppResult},
    events::StreamKey,
    mail::Mail,
};

/// What a notification says, for the app to phrase in the reader's language (and the mail in
/// Bahasa Indonesia). Which fields are set depends on the kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
#[graphql(name = "NotificationDetails")]
pub struct Details {
    pub proposal_code: Option<String>,
    pub proposal_title: Option<String>,
    /// Status before and after (as the API spells `ProposalStatus`).
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// The forum level the proposal is at (`ForumLevel`), when it moved up.
    pub level: Option<String>,
    /// The reason given (returned for revision, rejected, a decision's note).
    pub note: Option<String>,
    pub forum_name: Option<String>,
    /// The round or session's title.
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    /// Who wrote the comment.
    pub author_name: Option<String>,
    /// The comment's first words.
    pub excerpt: Option<String>,
    /// The session's decision (`ItemDecision`) or the implementation's status.
    pub outcome: Option<String>,
    /// The report (complaint, aspiration) a notice is about.
    pub report_id: Option<i32>,
    pub report_title: Option<String>,
}

/// One notification for the one person who may read it.
pub struct Notice {
    pub kind: NotificationKind,
    pub proposal_id: Option<i32>,
    pub forum_id: Option<i32>,
    pub details: Details,
}

/// How a person hears of `kind` without having chosen: what concerns their own proposal or
/// comment comes by mail at once; what concerns the whole forum comes in the daily digest.
pub fn default_delivery(kind: NotificationKind) -> NotificationDelivery {
    match kind {
        NotificationKind::ProposalStatus
        | NotificationKind::CommentReply
        | NotificationKind::SessionDecision
        | NotificationKind::ImplementationUpdate
        | NotificationKind::ReportStatus => NotificationDelivery::Email,
        NotificationKind::RoundOpened | NotificationKind::SessionScheduled => {
            NotificationDelivery::Digest
        }
    }
}

async fn deliveries(
    conn: &impl ConnectionTrait,
    accounts: &[i32],
    kind: NotificationKind,
) -> AppResult<HashMap<i32, NotificationDelivery>> {
    let mut chosen: HashMap<i32, NotificationDelivery> = HashMap::new();
    for chunk in accounts.chunks(500) {
        for row in notification_preference::Entity::find()
            .filter(notification_preference::Column::Kind.eq(kind))
            .filter(notification_preference::Column::AccountId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            chosen.insert(row.account_id, row.delivery);
        }
    }
    Ok(accounts
        .iter()
        .map(|id| {
            (
                *id,
                chosen.get(id).copied().unwrap_or(default_delivery(kind)),
            )
        })
        .collect())
}

/// Writes `notice` for each of `recipients` (never for the actor, who knows what they did),
/// inside the caller's transaction. Each person who follows live hears of it after the commit.
pub async fn notify(
    txn: &Txn,
    actor: Option<&Actor>,
    recipients: &[i32],
    notice: Notice,
) -> AppResult<()> {
    let mut recipients: Vec<i32> = recipients
        .iter()
        .copied()
        .filter(|id| Some(*id) != actor.map(Actor::id))
        .collect();
    recipients.sort_unstable();
    recipients.dedup();
    if recipients.is_empty() {
        return Ok(());
    }
    let deliveries = deliveries(txn, &recipients, notice.kind).await?;
    let data = serde_json::to_string(&notice.details)
        .map_err(|err| AppError::internal("notification details cannot be written", err))?;
    let at = now();
    // One live event per person would cost a stream each for a forum-wide notice; those are
    // read at the next load (the header also re-reads the count now and then).
    let live = recipients.len() <= LIVE_RECIPIENTS;
    for account_id in recipients {
        let delivery = deliveries[&account_id];
        if delivery == NotificationDelivery::Off {
            continue;
        }
        let mail_state = match delivery {
            NotificationDelivery::Email => NotificationMailState::Queued,
            NotificationDelivery::Digest => NotificationMailState::Digest,
            _ => NotificationMailState::NoMail,
        };
        let created = notification::ActiveModel {
            account_id: Set(account_id),
            kind: Set(notice.kind),
            proposal_id: Set(notice.proposal_id),
            forum_id: Set(notice.forum_id),
            data: Set(data.clone()),
            created_at: Set(at),
            read_at: Set(None),
            mail_state: Set(mail_state),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if live {
            live_events::publish(
                txn,
                StreamKey::Inbox(account_id),
                Some(created.id),
                None,
                LiveEventData::NotificationAdded(NotificationAdded {
                    notification_id: created.id,
                }),
            )
            .await?;
        }
    }
    Ok(())
}

/// Notices for more people than this are not pushed live one by one.
const LIVE_RECIPIENTS: usize = 50;

/// The people a forum-wide notice is for: accounts whose home is in the forum's region.
pub async fn forum_audience(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
) -> AppResult<Vec<i32>> {
    let region = find::<entity::region::Entity>(conn, forum.region_id, "region").await?;
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::HomeRegionId.in_subquery(regions::subtree_ids(&region)))
        .filter(account::Column::ErasedAt.is_null())
        .into_tuple::<i32>()
        .all(conn)
        .await?)
}

/// The details every proposal notice carries.
pub fn about_proposal(proposal: &proposal::Model) -> Details {
    Details {
        proposal_code: Some(proposal.code.clone()),
        proposal_title: Some(proposal.title.clone()),
        ..Details::default()
    }
}

pub fn details_of(row: &notification::Model) -> AppResult<Details> {
    serde_json::from_str(&row.data)
        .map_err(|err| AppError::internal("a notification cannot be read", err))
}

/// The person's notifications, newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    unread_only: bool,
    before: Option<i32>,
    limit: u64,
) -> AppResult<Vec<notification::Model>> {
    let mut query = notification::Entity::find()
        .filter(notification::Column::AccountId.eq(actor.id()))
        .order_by_desc(notification::Column::Id)
        .limit(limit.clamp(1, 100));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(before) = before {
        query = query.filter(notification::Column::Id.lt(before));
    }
    Ok(query.all(db.reader()).await?)
}

/// One of the person's notifications; someone else's is not found.
pub async fn own(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
) -> AppResult<notification::Model> {
    notification::Entity::find_by_id(id)
        .filter(notification::Column::AccountId.eq(actor.id()))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("notification"))
}

pub async fn unread_count(db: &Db, actor: &Actor) -> AppResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(actor.id()))
        .filter(notification::Column::ReadAt.is_null())
        .count(db.reader())
        .await?)
}

/// Marks the given notifications (all, without ids) as read; returns how many changed.
pub async fn mark_read(db: &Db, actor: &Actor, ids: Option<Vec<i32>>) -> AppResult<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now()))
        .filter(notification::Column::AccountId.eq(actor.id()))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        if ids.len() > 500 {
            return Err(AppError::field("ids", "length", "at most 500 at a time"));
        }
        update = update.filter(notification::Column::Id.is_in(ids));
    }
    Ok(update.exec(db.writer()).await?.rows_affected)
}

/// A person's choice for each kind (the default where they made none).
pub async fn preferences(
    db: &Db,
    actor: &Actor,
) -> AppResult<Vec<(NotificationKind, NotificationDelivery)>> {
    use sea_orm::Iterable;
    let chosen: HashMap<NotificationKind, NotificationDelivery> =
        notification_preference::Entity::find()
            .filter(notification_preference::Column::AccountId.eq(actor.id()))
            .all(db.reader())
            .await?
            .into_iter()
            .map(|p| (p.kind, p.delivery))
            .collect();
    Ok(NotificationKind::iter()
        .map(|kind| {
            (
                kind,
                chosen.get(&kind).copied().unwrap_or(default_delivery(kind)),
            )
        })
        .collect())
}

pub async fn set_preference(
    db: &Db,
    actor: &Actor,
    kind: NotificationKind,
    delivery: NotificationDelivery,
) -> AppResult<()> {
    let txn = db.begin().await?;
    store_preference(&txn, actor.id(), kind, delivery).await?;
    txn.commit().await?;
    Ok(())
}

async fn store_preference(
    txn: &Txn,
    account_id: i32,
    kind: NotificationKind,
    delivery: NotificationDelivery,
) -> AppResult<()> {
    notification_preference::Entity::delete_many()
        .filter(notification_preference::Column::AccountId.eq(account_id))
        .filter(notification_preference::Column::Kind.eq(kind))
        .exec(txn)
        .await?;
    notification_preference::ActiveModel {
        account_id: Set(account_id),
        kind: Set(kind),
        delivery: Set(delivery),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The unsubscribe link's secret for an account, made the first time a mail needs it.
async fn unsubscribe_token(txn: &Txn, person: &account::Model) -> AppResult<String> {
    if let Some(token) = &person.unsubscribe_token {
        return Ok(token.clone());
    }
    let (token, _) = crate::auth::new_token();
    let mut row: account::ActiveModel = person.clone().into();
    row.unsubscribe_token = Set(Some(token.clone()));
    row.update(txn).await?;
    Ok(token)
}

/// Follows an unsubscribe link: no more mail of any kind (the app keeps showing them). Returns
/// whether the link was valid. Needs no sign-in: the link is the proof.
pub async fn unsubscribe(db: &Db, token: &str) -> AppResult<bool> {
    if token.is_empty() || token.len() > 64 {
        return Ok(false);
    }
    let txn = db.begin().await?;
    let Some(person) = account::Entity::find()
        .filter(account::Column::UnsubscribeToken.eq(token))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    use sea_orm::Iterable;
    for kind in NotificationKind::iter() {
        let delivery = deliveries(&txn, &[person.id], kind).await?[&person.id];
        if matches!(
            delivery,
            NotificationDelivery::Email | NotificationDelivery::Digest
        ) {
            store_preference(&txn, person.id, kind, NotificationDelivery::InApp).await?;
        }
    }
    notification::Entity::update_many()
        .col_expr(
            notification::Column::MailState,
            Expr::value(NotificationMailState::NoMail),
        )
        .filter(notification::Column::AccountId.eq(person.id))
        .filter(
            notification::Column::MailState
                .is_in([NotificationMailState::Queued, NotificationMailState::Digest]),
        )
        .exec(&txn)
        .await?;
    super::audit::record::<(), ()>(
        &txn,
        Some(person.id),
        "notifications.unsubscribe",
        "account",
        Some(person.id),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// One line saying what happened, in Bahasa Indonesia (mails, and the app's fallback).
pub fn summary(kind: NotificationKind, d: &Details) -> String {
    let proposal = match (&d.proposal_code, &d.proposal_title) {
        (Some(code), Some(title)) => format!("Usulan {code} \u{201c}{title}\u{201d}"),
        _ => "Usulan Anda".to_owned(),
    };
    let reason = d
        .note
        .as_deref()
        .map(|n| format!(" Alasan: {n}"))
        .unwrap_or_default();
    match kind {
        NotificationKind::ProposalStatus => format!(
            "{proposal} kini berstatus {}.{reason}",
            status_label(d.to_status.as_deref().unwrap_or_default())
        ),
        NotificationKind::CommentReply => format!(
            "{} menanggapi di {proposal}: \u{201c}{}\u{201d}",
            d.author_name.as_deref().unwrap_or("Seseorang"),
            d.excerpt.as_deref().unwrap_or_default()
        ),
        NotificationKind::SessionDecision => format!(
            "Forum memutuskan {proposal}: {}.{reason}",
            d.outcome
                .as_deref()
                .map(decision_label)
                .unwrap_or("diputuskan")
        ),
        NotificationKind::RoundOpened => format!(
            "Pemungutan suara \u{201c}{}\u{201d} dibuka di {}.",
            d.title.as_deref().unwrap_or_default(),
            d.forum_name.as_deref().unwrap_or("forum Anda")
        ),
        NotificationKind::SessionScheduled => format!(
            "Sidang \u{201c}{}\u{201d} {} dijadwalkan {}.",
            d.title.as_deref().unwrap_or_default(),
            d.forum_name.as_deref().unwrap_or_default(),
            d.starts_at
                .map(|at| {
                    let local = regions::TimeZone::Wib.local(at);
                    format!(
                        "{} {} pukul {} WIB",
                        super::format::hari(chrono::Datelike::weekday(&local)),
                        super::format::tanggal(local),
                        local.format("%H.%M")
                    )
                })
                .unwrap_or_default()
        ),
        NotificationKind::ImplementationUpdate => format!(
            "Pelaksanaan {proposal}: {}.",
            d.outcome
                .as_deref()
                .map(implementation_label)
                .unwrap_or("diperbarui")
        ),
        NotificationKind::ReportStatus => {
            let report = d
                .report_title
                .as_deref()
                .map(|title| format!("Laporan \u{201c}{title}\u{201d}"))
                .unwrap_or_else(|| "Laporan Anda".to_owned());
            let note = d
                .note
                .as_deref()
                .map(|n| format!(" Catatan: {n}"))
                .unwrap_or_default();
            if d.from_status == d.to_status {
                format!("{report} mendapat tindak lanjut.{note}")
            } else {
                format!(
                    "{report} kini {}.{note}",
                    report_status_label(d.to_status.as_deref().unwrap_or_default())
                )
            }
        }
    }
}

fn report_status_label(status: &str) -> &str {
    match status {
        "SUBMITTED" => "diterima",
        "VERIFIED" => "terverifikasi",
        "REJECTED" => "ditolak",
        "DISPOSED" => "diteruskan ke perangkat daerah",
        "IN_PROGRESS" => "sedang ditindaklanjuti",
        "ANSWERED" => "dijawab: mohon terima atau sanggah",
        "REOPENED" => "dibuka kembali",
        "CLOSED" => "selesai",
        "MERGED" => "digabungkan dengan laporan yang sama",
        other => other,
    }
}

fn status_label(status: &str) -> &str {
    match status {
        "SUBMITTED" => "diajukan",
        "RETURNED" => "dikembalikan untuk perbaikan",
        "VERIFIED" => "terverifikasi",
        "FORWARDED" => "diteruskan ke forum berikutnya",
        "REJECTED" => "ditolak",
        "MERGED" => "digabungkan dengan usulan lain",
        "RESERVE" => "cadangan",
        "ACCEPTED" => "diterima",
        "NOT_ACCEPTED" => "tidak diterima",
        "WITHDRAWN" => "dibatalkan",
        other => other,
    }
}

fn decision_label(decision: &str) -> &str {
    match decision {
        "ACCEPTED" => "diterima",
        "REJECTED" => "ditolak",
        "DEFERRED" => "ditunda",
        "MERGED" => "digabungkan",
        other => other,
    }
}

fn implementation_label(status: &str) -> &str {
    match status {
        "PLANNED" => "direncanakan",
        "IN_PROGRESS" => "sedang dikerjakan",
        "DONE" => "selesai",
        other => other,
    }
}

fn link_of(public_url: &str, row: &notification::Model) -> String {
    if row.kind == NotificationKind::ReportStatus {
        if let Some(report) = serde_json::from_str::<Details>(&row.data)
            .ok()
            .and_then(|d| d.report_id)
        {
            return format!("{public_url}/laporan/{report}");
        }
    }
    match (row.proposal_id, row.forum_id) {
        (Some(proposal), _) => format!("{public_url}/usulan/{proposal}"),
        (None, Some(forum)) => format!("{public_url}/forum/{forum}"),
        _ => format!("{public_url}/notifikasi"),
    }
}

fn footer(public_url: &str, token: &str) -> String {
    format!(
        "\n--\nAtur pemberitahuan: {public_url}/notifikasi\n\
         Berhenti menerima e-mail / Unsubscribe: {public_url}/berhenti-langganan?token={token}\n"
    )
}

/// Writes the mail of every notification waiting for one into the outbox; returns how many.
/// Safe on several instances at once: a notification is taken by moving its state.
pub async fn render_queued_mails(db: &Db, public_url: &str) -> AppResult<usize> {
    let queued = notification::Entity::find()
        .filter(notification::Column::MailState.eq(NotificationMailState::Queued))
        .order_by_asc(notification::Column::Id)
        .limit(50)
        .all(db.reader())
        .await?;
    let mut written = 0;
    for row in queued {
        let txn = db.begin().await?;
        let taken = notification::Entity::update_many()
            .col_expr(
                notification::Column::MailState,
                Expr::value(NotificationMailState::Mailed),
            )
            .filter(notification::Column::Id.eq(row.id))
            .filter(notification::Column::MailState.eq(NotificationMailState::Queued))
            .exec(&txn)
            .await?;
        let person = find::<account::Entity>(&txn, row.account_id, "account").await?;
        if taken.rows_affected == 1 {
            if let (Some(email), None) = (&person.email, person.erased_at) {
                let details = details_of(&row)?;
                let line = summary(row.kind, &details);
                let token = unsubscribe_token(&txn, &person).await?;
                let body = format!(
                    "Halo {name},\n\n{line}\n\nLihat: {link}\n{footer}",
                    name = person.name,
                    link = link_of(public_url, &row),
                    footer = footer(public_url, &token),
                );
                mail_outbox::enqueue(
                    &txn,
                    "notification",
                    Mail {
                        to: email.clone(),
                        subject: format!("[Musrenbang] {}", truncate(&line, 90)),
                        body,
                    },
                )
                .await?;
                written += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(written)
}

/// The last digest time at or before `at`: `hour` o'clock WIB (UTC+7) today or yesterday.
pub fn digest_cutoff(at: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let offset = Duration::hours(7);
    let local = at + offset;
    let today = local
        .date_naive()
        .and_hms_opt(hour.min(23), 0, 0)
        .map(|t| t.and_utc() - offset)
        .unwrap_or(at);
    if today <= at {
        today
    } else {
        today - Duration::days(1)
    }
}

/// Sends each person one mail with their digest notifications written before the last digest
/// time (`hour` o'clock WIB); returns how many mails went to the outbox.
pub async fn send_digests(
    db: &Db,
    public_url: &str,
    at: DateTime<Utc>,
    hour: u32,
) -> AppResult<usize> {
    let cutoff = digest_cutoff(at, hour);
    let people: Vec<i32> = notification::Entity::find()
        .select_only()
        .column(notification::Column::AccountId)
        .distinct()
        .filter(notification::Column::MailState.eq(NotificationMailState::Digest))
        .filter(notification::Column::CreatedAt.lte(cutoff))
        .limit(200)
        .into_tuple()
        .all(db.reader())
        .await?;
    let mut written = 0;
    for account_id in people {
        let txn = db.begin().await?;
        let rows = notification::Entity::find()
            .filter(notification::Column::AccountId.eq(account_id))
            .filter(notification::Column::MailState.eq(NotificationMailState::Digest))
            .filter(notification::Column::CreatedAt.lte(cutoff))
            .order_by_asc(notification::Column::Id)
            .all(&txn)
            .await?;
        let taken = notification::Entity::update_many()
            .col_expr(
                notification::Column::MailState,
                Expr::value(NotificationMailState::Mailed),
            )
            .filter(notification::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .filter(notification::Column::MailState.eq(NotificationMailState::Digest))
            .exec(&txn)
            .await?;
        let person = find::<account::Entity>(&txn, account_id, "account").await?;
        if taken.rows_affected == rows.len() as u64 && !rows.is_empty() {
            if let (Some(email), None) = (&person.email, person.erased_at) {
                let mut lines = String::new();
                for row in &rows {
                    let details = details_of(row)?;
                    lines.push_str(&format!(
                        "- {}\n  {}\n",
                        summary(row.kind, &details),
                        link_of(public_url, row)
                    ));
                }
                let token = unsubscribe_token(&txn, &person).await?;
                mail_outbox::enqueue(
                    &txn,
                    "digest",
                    Mail {
                        to: email.clone(),
                        subject: format!(
                            "[Musrenbang] Ringkasan harian: {} pemberitahuan",
                            rows.len()
                        ),
                        body: format!(
                            "Halo {name},\n\nIni yang terjadi sejak ringkasan terakhir:\n\n{lines}{footer}",
                            name = person.name,
                            footer = footer(public_url, &token),
                        ),
                    },
                )
                .await?;
                written += 1;
            }
            txn.commit().await?;
        } else {
            // Another instance took some of them: leave it to that one.
            txn.rollback().await?;
        }
    }
    Ok(written)
}

fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(chars.saturating_sub(1)).collect();
        format!("{cut}\u{2026}")
    }
}

/// The first words of a comment, for a notice.
pub fn excerpt(text: &str) -> String {
    truncate(text.trim(), 140)
}

/// The mail worker of this instance: notification mails and digests into the outbox, the
/// outbox to the mail server. Every step is safe on several instances at once.
pub fn start_mail_worker(
    db: Db,
    mailer: crate::mail::Mailer,
    public_url: String,
    digest_hour: u32,
) {
    tokio::spawn(async move {
        let mut tick: u64 = 0;
        loop {
            if let Err(err) = render_queued_mails(&db, &public_url).await {
                tracing::warn!(error = ?err, "writing notification mails failed");
            }
            if tick.is_multiple_of(60) {
                if let Err(err) = send_digests(&db, &public_url, now(), digest_hour).await {
                    tracing::warn!(error = ?err, "writing digests failed");
                }
                if let Err(err) = mail_outbox::prune_sent(&db).await {
                    tracing::warn!(error = ?err, "pruning sent mails failed");
                }
            }
            if let Err(err) = mail_outbox::deliver_due(&db, &mailer).await {
                tracing::warn!(error = ?err, "delivering mails failed");
            }
            tick = tick.wrapping_add(1);
            tokio::time::sleep(mail_outbox::POLL).await;
        }
    });
}
