//! Getting back into an account and changing how one signs in: a password reset by e-mailed
//! link or by a code a moderator hands over in the hall (for residents without e-mail), and
//! changes of password, e-mail and phone. Each is audited without the secrets or contact
//! details themselves; a new password signs the account out elsewhere.
use async_graphql::SimpleObject;
use chrono::{DateTime, Duration, Utc};
use entity::{account, auth_token, password_reset, role_grant};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::json;

use super::{
    access,
    accounts::{self, SignedIn},
    audit, find, mail_outbox, now,
    throttle::{self, ClientAddr},
};
use crate::{
    auth,
    config::RateLimits,
    db::{Db, Txn},
    domain::access::Actor,
    error::{AppError, AppResult},
    mail::{Mail, Mailer},
};

const LINK_LIFETIME: Duration = Duration::hours(1);
const CODE_LIFETIME: Duration = Duration::hours(24);
/// Letters and digits that cannot be misread when a code is read out or copied by hand.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 12;

/// Where mails come from and where their links point.
pub struct Outgoing<'a> {
    pub mailer: &'a Mailer,
    pub public_url: &'a str,
}

/// Someone asks for a reset link. The answer is the same whether or not the address belongs
/// to an account; only an existing (not erased) account gets a mail.
pub async fn request_reset(
    db: &Db,
    limits: &RateLimits,
    outgoing: Outgoing<'_>,
    client: ClientAddr,
    email: &str,
) -> AppResult<()> {
    let email = email.trim().to_lowercase();
    if email.len() > 254 {
        return Err(AppError::field("email", "length", "at most 254 characters"));
    }
    throttle::take(
        db,
        &throttle::key("reset-request", &[&client.0.to_string()]),
        limits.reset_request_per_address,
    )
    .await?;
    throttle::take(
        db,
        &throttle::key("reset-request-email", &[&email]),
        limits.reset_request_per_email,
    )
    .await?;
    let Some(person) = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .filter(account::Column::ErasedAt.is_null())
        .one(db.reader())
        .await?
    else {
        return Ok(());
    };
    let (token, hash) = auth::new_token();
    let txn = db.begin().await?;
    store_reset(&txn, person.id, hash, "email", None, LINK_LIFETIME).await?;
    audit::record::<(), ()>(
        &txn,
        None,
        "account.password_reset_mailed",
        "account",
        Some(person.id),
        None,
        None,
    )
    .await?;
    // Through the durable outbox: the mail leaves after the commit, retried while the mail
    // server is away, and the answer waits for neither.
    mail_outbox::enqueue(
        &txn,
        "password_reset",
        Mail {
            to: email,
            subject: "Atur ulang kata sandi Musrenbang / Reset your Musrenbang password".into(),
            body: format!(
            "Seseorang (semoga Anda) meminta pengaturan ulang kata sandi akun Musrenbang Anda.\n\
             Buka tautan ini dalam 1 jam untuk membuat kata sandi baru:\n\n\
             {url}/atur-sandi?token={token}\n\n\
             Tautan hanya berlaku sekali. Jika Anda tidak memintanya, abaikan e-mail ini:\n\
             kata sandi Anda tidak berubah.\n\n\
             Someone (hopefully you) asked to reset your Musrenbang password. Open the link\n\
             above within 1 hour to choose a new one; it works once. If it was not you,\n\
             ignore this mail: your password has not changed.\n",
            url = outgoing.public_url
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn store_reset(
    txn: &Txn,
    account_id: i32,
    token_hash: String,
    channel: &str,
    issued_by: Option<i32>,
    lifetime: Duration,
) -> AppResult<password_reset::Model> {
    Ok(password_reset::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(token_hash),
        channel: Set(channel.to_owned()),
        issued_by: Set(issued_by),
        created_at: Set(now()),
        expires_at: Set(now() + lifetime),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

#[derive(Debug, Clone, SimpleObject)]
pub struct PasswordResetCode {
    /// To hand to the person (e.g. written down); shown once.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

fn new_code() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut code = String::with_capacity(CODE_LENGTH + 2);
    for i in 0..CODE_LENGTH {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        // Rejection sampling keeps every letter equally likely.
        let limit = 256 - 256 % CODE_ALPHABET.len() as u32;
        let value = loop {
            let byte = OsRng.next_u32() & 0xff;
            if byte < limit {
                break byte;
            }
        };
        code.push(CODE_ALPHABET[value as usize % CODE_ALPHABET.len()] as char);
    }
    code
}

/// A token as typed or pasted: an e-mailed token is hex, a code is read case- and
/// dash-insensitively.
fn normalized(token: &str) -> String {
    let token = token.trim();
    if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        token.to_ascii_lowercase()
    } else {
        token
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }
}

/// A moderator (or other staff whose area covers the person) who has checked the person in
/// the hall hands them a single-use code. Staff accounts get codes from administrators only:
/// a moderator must not be able to take over a planner's or administrator's account.
pub async fn issue_code(db: &Db, actor: &Actor, account_id: i32) -> AppResult<PasswordResetCode> {
    let txn = db.begin().await?;
    let person = find::<account::Entity>(&txn, account_id, "account").await?;
    if person.erased_at.is_some() {
        return Err(AppError::precondition("this account was erased"));
    }
    access::require_staff_of_resident(&txn, actor, &person).await?;
    let staff_roles = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(person.id))
        .filter(role_grant::Column::Role.ne(entity::enums::Role::Resident))
        .count(&txn)
        .await?;
    if staff_roles > 0 && !actor.is_admin() {
        return Err(AppError::forbidden(
            "only an administrator may reset the password of a staff account",
        ));
    }
    if person.id == actor.id() {
        return Err(AppError::forbidden(
            "change your own password with your current one",
        ));
    }
    let code = new_code();
    let stored = store_reset(
        &txn,
        person.id,
        auth::token_hash(&normalized(&code)),
        "code",
        Some(actor.id()),
        CODE_LIFETIME,
    )
    .await?;
    audit::record::<(), ()>(
        &txn,
        Some(actor.id()),
        "account.password_reset_code",
        "account",
        Some(person.id),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(PasswordResetCode {
        code,
        expires_at: stored.expires_at,
    })
}

fn bad_token() -> AppError {
    AppError::field(
        "token",
        "invalid",
        "this link or code is unknown, already used or expired: ask for a new one",
    )
}

/// A new password with an e-mailed token or a handed-over code: the token is used up in the
/// same transaction that sets the password, every session of the account ends, and the person
/// is signed in afresh.
pub async fn reset_password(
    db: &Db,
    limits: &RateLimits,
    client: ClientAddr,
    token: &str,
    new_password: String,
) -> AppResult<SignedIn> {
    if token.len() > 200 {
        return Err(bad_token());
    }
    accounts::check_password_length("newPassword", &new_password)?;
    throttle::take(
        db,
        &throttle::key("reset-attempt", &[&client.0.to_string()]),
        limits.reset_attempt_per_address,
    )
    .await?;
    let hash = auth::token_hash(&normalized(token));
    let Some(reset) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(&hash))
        .one(db.reader())
        .await?
    else {
        return Err(bad_token());
    };
    if reset.used_at.is_some() || reset.expires_at <= now() {
        return Err(bad_token());
    }
    let person = find::<account::Entity>(db.reader(), reset.account_id, "account").await?;
    accounts::require_strong_password(
        "newPassword",
        &new_password,
        &[&person.name, person.email.as_deref().unwrap_or("")],
    )?;
    let password_hash = auth::hash_password(new_password).await?;
    let txn = db.begin().await?;
    // Used once: of two requests racing with the same token, one updates the row.
    let taken = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now()))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(bad_token());
    }
    // Other outstanding links and codes of the account end too.
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now()))
        .filter(password_reset::Column::AccountId.eq(person.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let mut active = person.clone().into_active_model();
    active.password_hash = Set(password_hash);
    let person = active.update(&txn).await?;
    sign_out_everywhere(&txn, person.id, None).await?;
    audit::record::<(), serde_json::Value>(
        &txn,
        Some(person.id),
        "account.password_reset",
        "account",
        Some(person.id),
        None,
        Some(&json!({ "channel": reset.channel })),
    )
    .await?;
    let token = accounts::issue_token(&txn, person.id).await?;
    txn.commit().await?;
    Ok(SignedIn {
        token,
        account: person,
    })
}

/// Revokes the account's sessions (all, or all but `keep`) and closes its sockets.
pub(crate) async fn sign_out_everywhere(
    txn: &Txn,
    account_id: i32,
    keep: Option<&str>,
) -> AppResult<()> {
    let mut revoke = auth_token::Entity::update_many()
        .col_expr(auth_token::Column::RevokedAt, Expr::value(now()))
        .filter(auth_token::Column::AccountId.eq(account_id))
        .filter(auth_token::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        revoke = revoke.filter(auth_token::Column::TokenHash.ne(auth::token_hash(keep)));
    }
    revoke.exec(txn).await?;
    txn.credentials_changed(account_id).await?;
    Ok(())
}

async fn require_current_password(actor: &Actor, field: &str, password: String) -> AppResult<()> {
    accounts::check_password_length(field, &password)?;
    if auth::verify_password(password, actor.account.password_hash.clone()).await? {
        Ok(())
    } else {
        Err(AppError::field(
            field,
            "wrong",
            "this is not your current password",
        ))
    }
}

/// A signed-in person changes their password; every other session of the account ends.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    current_token: Option<&str>,
    current_password: String,
    new_password: String,
) -> AppResult<()> {
    accounts::check_password_length("newPassword", &new_password)?;
    require_current_password(actor, "currentPassword", current_password).await?;
    accounts::require_strong_password(
        "newPassword",
        &new_password,
        &[
            &actor.account.name,
            actor.account.email.as_deref().unwrap_or(""),
        ],
    )?;
    let password_hash = auth::hash_password(new_password).await?;
    let txn = db.begin().await?;
    let mut active = find::<account::Entity>(&txn, actor.id(), "account")
        .await?
        .into_active_model();
    active.password_hash = Set(password_hash);
    active.update(&txn).await?;
    sign_out_everywhere(&txn, actor.id(), current_token).await?;
    audit::record::<(), ()>(
        &txn,
        Some(actor.id()),
        "account.password_change",
        "account",
        Some(actor.id()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Which contact detail a person changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Email,
    Phone,
}

/// A signed-in person changes (or removes) their e-mail or phone, confirming with their
/// password. An account keeps at least one of the two. The audit says which changed, not to
/// what.
pub async fn change_contact(
    db: &Db,
    actor: &Actor,
    password: String,
    contact: Contact,
    value: Option<String>,
) -> AppResult<account::Model> {
    let field = match contact {
        Contact::Email => "email",
        Contact::Phone => "phone",
    };
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let value = match (contact, value) {
        (_, None) => None,
        (Contact::Email, Some(email)) => {
            if email.len() > 254 || !validator::ValidateEmail::validate_email(&email) {
                return Err(AppError::field(
                    "email",
                    "email",
                    "must be an email address",
                ));
            }
            Some(email.to_lowercase())
        }
        (Contact::Phone, Some(phone)) => {
            Some(accounts::normalize_phone(&phone).ok_or_else(|| {
                AppError::field(
                    "phone",
                    "phone",
                    "must be an Indonesian mobile number such as 0812 3456 7890",
                )
            })?)
        }
    };
    require_current_password(actor, "password", password).await?;
    let txn = db.begin().await?;
    let current = find::<account::Entity>(&txn, actor.id(), "account").await?;
    let other = match contact {
        Contact::Email => current.phone.as_ref(),
        Contact::Phone => current.email.as_ref(),
    };
    if value.is_none() && other.is_none() {
        return Err(AppError::field(
            field,
            "required",
            "keep an email address or a phone number to sign in with",
        ));
    }
    if let Some(value) = &value {
        let column = match contact {
            Contact::Email => account::Column::Email,
            Contact::Phone => account::Column::Phone,
        };
        let taken = account::Entity::find()
            .filter(column.eq(value))
            .filter(account::Column::Id.ne(actor.id()))
            .count(&txn)
            .await?;
        if taken > 0 {
            return Err(AppError::field(
                field,
                "unique",
                "another account already uses this; sign in with it or choose another",
            ));
        }
    }
    let mut active = current.into_active_model();
    match contact {
        Contact::Email => active.email = Set(value),
        Contact::Phone => active.phone = Set(value),
    }
    let updated = active.update(&txn).await?;
    audit::record::<(), serde_json::Value>(
        &txn,
        Some(actor.id()),
        match contact {
            Contact::Email => "account.email_change",
            Contact::Phone => "account.phone_change",
        },
        "account",
        Some(actor.id()),
        None,
        Some(&json!({ "field": field })),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
