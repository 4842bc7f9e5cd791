//! A person's rights over their data (UU 27/2022 Pelindungan Data Pribadi): to get everything
//! kept about them, and to erase their account. What they contributed to public planning
//! (proposals, comments) stays as part of the record, under an anonymous name; ballots are
//! already anonymous after the close.
use entity::{
    account, audit_log, auth_token, comment, mail_outbox, notification, notification_preference,
    password_reset, proposal, region, report, report_follower, role_grant, round_participation,
    session_attendance,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set, Statement,
};
use serde_json::{json, Value};

use super::{accounts, audit, credentials, find, now};
use crate::{
    auth,
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
};

/// The name an erased account's contributions appear under.
pub const ERASED_NAME: &str = "Warga (akun dihapus)";

/// Everything kept about the signed-in person, as one JSON document.
pub async fn my_data(db: &Db, actor: &Actor) -> AppResult<Value> {
    let conn = db.reader();
    let me = find::<account::Entity>(conn, actor.id(), "account").await?;
    let home = match me.home_region_id {
        Some(id) => region::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let roles = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(me.id))
        .all(conn)
        .await?;
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::ProposerId.eq(me.id))
        .order_by_asc(proposal::Column::Id)
        .all(conn)
        .await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::AuthorId.eq(me.id))
        .order_by_asc(comment::Column::Id)
        .all(conn)
        .await?;
    let reports = report::Entity::find()
        .filter(report::Column::ReporterId.eq(me.id))
        .order_by_asc(report::Column::Id)
        .all(conn)
        .await?;
    let attendance = session_attendance::Entity::find()
        .filter(session_attendance::Column::AccountId.eq(me.id))
        .order_by_asc(session_attendance::Column::Id)
        .all(conn)
        .await?;
    let participations = round_participation::Entity::find()
        .filter(round_participation::Column::VoterId.eq(me.id))
        .order_by_asc(round_participation::Column::Id)
        .all(conn)
        .await?;
    let sessions = auth_token::Entity::find()
        .filter(auth_token::Column::AccountId.eq(me.id))
        .order_by_asc(auth_token::Column::Id)
        .all(conn)
        .await?;
    let resets = password_reset::Entity::find()
        .filter(password_reset::Column::AccountId.eq(me.id))
        .order_by_asc(password_reset::Column::Id)
        .all(conn)
        .await?;
    let notifications = notification::Entity::find()
        .filter(notification::Column::AccountId.eq(me.id))
        .order_by_asc(notification::Column::Id)
        .all(conn)
        .await?;
    let preferences = notification_preference::Entity::find()
        .filter(notification_preference::Column::AccountId.eq(me.id))
        .all(conn)
        .await?;
    let audit_entries = audit_log::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(audit_log::Column::ActorId.eq(me.id))
                .add(
                    sea_orm::Condition::all()
                        .add(audit_log::Column::EntityType.eq("account"))
                        .add(audit_log::Column::EntityId.eq(me.id)),
                ),
        )
        .order_by_asc(audit_log::Column::Id)
        .all(conn)
        .await?;
    Ok(json!({
        "about": "Semua data yang disimpan Musrenbang tentang Anda / everything Musrenbang keeps about you",
        "exportedAt": now(),
        "account": {
            "id": me.id,
            "name": me.name,
            "email": me.email,
            "phone": me.phone,
            "homeRegion": home.map(|r| json!({ "id": r.id, "code": r.code, "name": r.name })),
            "verification": me.verification,
            "verifiedAt": me.verified_at,
            "createdAt": me.created_at,
        },
        "roles": roles.iter().map(|g| json!({
            "role": g.role, "forumId": g.forum_id, "regionId": g.region_id,
            "agencyId": g.agency_id, "since": g.created_at,
        })).collect::<Vec<_>>(),
        "proposals": proposals.iter().map(|p| json!({
            "id": p.id, "code": p.code, "title": p.title, "status": p.status,
            "anonymousToPublic": p.proposer_anonymous, "createdAt": p.created_at,
        })).collect::<Vec<_>>(),
        "reports": reports.iter().map(|r| json!({
            "id": r.id, "kind": r.kind, "title": r.title, "body": r.body, "address": r.address,
            "privacy": r.privacy, "shareIdentityWithAgency": r.share_identity_with_agency,
            "status": r.status, "createdAt": r.created_at,
        })).collect::<Vec<_>>(),
        "comments": comments.iter().map(|c| json!({
            "id": c.id, "proposalId": c.proposal_id, "body": c.body, "createdAt": c.created_at,
        })).collect::<Vec<_>>(),
        "attendance": attendance.iter().map(|a| json!({
            "sessionId": a.session_id, "name": a.name, "roleOrInstitution": a.role_or_institution,
            "gender": a.gender, "channel": a.channel, "status": a.status,
            "checkedInAt": a.checked_in_at,
        })).collect::<Vec<_>>(),
        // Whether and how one voted, never what: ballots do not name their voters.
        "votes": participations.iter().map(|p| json!({
            "roundId": p.round_id, "channel": p.channel, "receipt": p.receipt,
        })).collect::<Vec<_>>(),
        "signIns": sessions.iter().map(|t| json!({
            "createdAt": t.created_at, "expiresAt": t.expires_at, "revokedAt": t.revoked_at,
        })).collect::<Vec<_>>(),
        "passwordResets": resets.iter().map(|r| json!({
            "channel": r.channel, "createdAt": r.created_at, "usedAt": r.used_at,
        })).collect::<Vec<_>>(),
        "notifications": notifications.iter().map(|n| json!({
            "kind": n.kind, "proposalId": n.proposal_id, "forumId": n.forum_id,
            "details": serde_json::from_str::<Value>(&n.data).unwrap_or(Value::Null),
            "createdAt": n.created_at, "readAt": n.read_at,
        })).collect::<Vec<_>>(),
        "notificationPreferences": preferences.iter().map(|p| json!({
            "kind": p.kind, "delivery": p.delivery,
        })).collect::<Vec<_>>(),
        "auditLog": audit_entries.iter().map(|e| json!({
            "action": e.action, "entityType": e.entity_type, "entityId": e.entity_id,
            "byMe": e.actor_id == Some(me.id), "at": e.created_at,
        })).collect::<Vec<_>>(),
    }))
}

/// A JSON string's text between its quotes, as serde_json writes it into stored documents.
fn json_text(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_owned()
}

/// The free text where people write about themselves and others: proposals, comments, chat,
/// implementation notes, and the stored event history that carries their text.
const FREE_TEXT: [(&str, &str); 14] = [
    ("proposals", "title"),
    ("proposals", "problem"),
    ("proposals", "solution"),
    ("proposals", "address"),
    ("comments", "body"),
    ("comments", "hidden_reason"),
    ("chat_messages", "body"),
    ("implementation_updates", "note"),
    ("reports", "title"),
    ("reports", "body"),
    ("reports", "address"),
    ("report_updates", "note"),
    ("events", "data"),
    ("notifications", "data"),
];

/// Replaces `old` by `new` as a whole JSON string value ("…") in a text column holding JSON.
async fn scrub_json_column(
    conn: &impl ConnectionTrait,
    table: &str,
    column: &str,
    old: &str,
    new: &str,
) -> AppResult<()> {
    let old = format!("\"{}\"", json_text(old));
    let new = format!("\"{}\"", json_text(new));
    scrub_text_column(conn, table, column, &old, &new).await
}

/// Replaces every occurrence of `old` by `new` in a text column.
async fn scrub_text_column(
    conn: &impl ConnectionTrait,
    table: &str,
    column: &str,
    old: &str,
    new: &str,
) -> AppResult<()> {
    let backend = conn.get_database_backend();
    let (a, b, c) = match backend {
        sea_orm::DatabaseBackend::Postgres => ("$1", "$2", "$3"),
        _ => ("?", "?", "?"),
    };
    let sql = format!(
        "UPDATE {table} SET {column} = REPLACE({column}, {a}, {b}) WHERE {column} LIKE {c}"
    );
    let pattern = format!(
        "%{}%",
        old.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => sql,
        _ => format!("{sql} ESCAPE '\\'"),
    };
    conn.execute(Statement::from_sql_and_values(
        backend,
        sql,
        [old.into(), new.into(), pattern.into()],
    ))
    .await?;
    Ok(())
}

/// The person erases their account, confirming with their password: name, e-mail, phone, home
/// region and roles are removed, every session ends, their name leaves attendance lists,
/// minutes, the event history and the audit log; proposals and comments stay under
/// `ERASED_NAME`. The erasure itself is audited without the erased data.
pub async fn erase_account(db: &Db, actor: &Actor, password: String) -> AppResult<()> {
    accounts::check_password_length("password", &password)?;
    if !auth::verify_password(password, actor.account.password_hash.clone()).await? {
        return Err(AppError::field(
            "password",
            "wrong",
            "this is not your current password",
        ));
    }
    let txn = db.begin().await?;
    let me = find::<account::Entity>(&txn, actor.id(), "account").await?;
    let personal: Vec<String> = [Some(me.name.clone()), me.email.clone(), me.phone.clone()]
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
        .collect();
    let mut active = me.clone().into_active_model();
    active.name = Set(ERASED_NAME.to_owned());
    active.email = Set(None);
    active.phone = Set(None);
    active.home_region_id = Set(None);
    active.password_hash = Set("erased".to_owned());
    active.erased_at = Set(Some(now()));
    active.unsubscribe_token = Set(None);
    active.update(&txn).await?;
    role_grant::Entity::delete_many()
        .filter(role_grant::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    session_attendance::Entity::update_many()
        .col_expr(session_attendance::Column::Name, Expr::value(ERASED_NAME))
        .col_expr(
            session_attendance::Column::RoleOrInstitution,
            Expr::value(""),
        )
        .filter(session_attendance::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    for value in &personal {
        let replacement = if Some(value) == Some(&me.name) {
            ERASED_NAME
        } else {
            ""
        };
        scrub_json_column(&txn, "events", "data", value, replacement).await?;
        scrub_json_column(&txn, "audit_log", "before", value, replacement).await?;
        scrub_json_column(&txn, "audit_log", "after", value, replacement).await?;
        scrub_json_column(&txn, "live_sessions", "minutes", value, replacement).await?;
        // Other people's notifications and their mails waiting to leave (a reply's author).
        scrub_json_column(&txn, "notifications", "data", value, replacement).await?;
        scrub_text_column(&txn, "mail_outbox", "body", value, replacement).await?;
        scrub_text_column(&txn, "mail_outbox", "subject", value, replacement).await?;
    }
    // What anyone typed about them: their name, address or number inside free text.
    let mut typed = personal.clone();
    if let Some(national) = me.phone.as_deref().and_then(|p| p.strip_prefix("+62")) {
        typed.push(format!("0{national}"));
    }
    // A very short name would match inside other words; a full name or a contact does not.
    for value in typed.iter().filter(|v| v.chars().count() >= 4) {
        let replacement = if value == &me.name {
            ERASED_NAME
        } else {
            "[dihapus]"
        };
        for (table, column) in FREE_TEXT {
            scrub_text_column(&txn, table, column, value, replacement).await?;
        }
    }
    // They stop following others' reports (their own stay, for the area's sake, unnamed).
    report_follower::Entity::delete_many()
        .filter(report_follower::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    // Their own notifications and choices go, and every mail to them, sent or not.
    notification::Entity::delete_many()
        .filter(notification::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    notification_preference::Entity::delete_many()
        .filter(notification_preference::Column::AccountId.eq(me.id))
        .exec(&txn)
        .await?;
    if let Some(email) = &me.email {
        mail_outbox::Entity::delete_many()
            .filter(mail_outbox::Column::ToAddress.eq(email))
            .exec(&txn)
            .await?;
    }
    credentials::sign_out_everywhere(&txn, me.id, None).await?;
    audit::record::<(), ()>(
        &txn,
        Some(me.id),
        "account.erase",
        "account",
        Some(me.id),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
