//! Accounts, sign-in, verification of residents and scoped role grants.
use async_graphql::InputObject;
use chrono::Duration;
use entity::{
    account, auth_token,
    enums::{Role, VerificationStatus},
    forum, region, registration_request, role_grant,
};
use sea_orm::{
    sea_query::Condition, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use validator::{Validate, ValidationError};

use super::{
    access, audit,
    credentials::Outgoing,
    find, mail_outbox, now, regions,
    throttle::{self, ClientAddr},
    validate, Page, Window,
};
use crate::{
    auth,
    config::RateLimits,
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
    mail::Mail,
};

const TOKEN_LIFETIME_DAYS: i64 = 30;

/// Indonesian numbers are written 0812…, +62812… or 62812…; all are stored as +62812….
pub fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_owned()
    } else {
        return None;
    };
    let plausible = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && (8..=13).contains(&national.len())
        && national.starts_with('8');
    plausible.then(|| format!("+62{national}"))
}

pub(crate) fn validate_phone(phone: &str) -> Result<(), ValidationError> {
    normalize_phone(phone).map(|_| ()).ok_or_else(|| {
        let mut err = ValidationError::new("phone");
        err.message = Some("must be an Indonesian mobile number such as 0812 3456 7890".into());
        err
    })
}

#[derive(Debug, Clone, InputObject, Validate)]
pub struct RegisterInput {
    #[validate(length(min = 2, max = 120))]
    pub name: String,
    #[validate(email, length(max = 254))]
    pub email: Option<String>,
    #[validate(custom(function = "validate_phone"))]
    pub phone: Option<String>,
    #[validate(length(min = 8, max = 128))]
    pub password: String,
    pub home_region_id: Option<i32>,
}

/// Creates an administrator (or gives an existing account the role): how a new installation
/// gets its first administrator, from the command line.
pub async fn bootstrap_admin(
    db: &Db,
    name: &str,
    email: &str,
    password: &str,
) -> AppResult<account::Model> {
    let email = email.trim().to_lowercase();
    let existing = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .one(db.reader())
        .await?;
    let account = match existing {
        Some(account) => account,
        None => {
            let input = RegisterInput {
                name: name.to_owned(),
                email: Some(email),
                phone: None,
                password: password.to_owned(),
                home_region_id: None,
            };
            let new = checked_registration(input).await?;
            let txn = db.begin().await?;
            require_unused_contacts(&txn, new.email.as_deref(), None).await?;
            let signed = create_account(&txn, new).await?;
            txn.commit().await?;
            signed.account
        }
    };
    let txn = db.begin().await?;
    let already = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account.id))
        .filter(role_grant::Column::Role.eq(Role::Admin))
        .count(&txn)
        .await?;
    if already == 0 {
        let grant = role_grant::ActiveModel {
            account_id: Set(account.id),
            role: Set(Role::Admin),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            None,
            "role.grant",
            "role_grant",
            Some(grant.id),
            None::<&()>,
            Some(&grant),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(account)
}

pub struct SignedIn {
    pub token: String,
    pub account: account::Model,
}

/// Refuses a password longer than registration accepts, before any hashing.
pub fn check_password_length(field: &str, password: &str) -> AppResult<()> {
    if password.chars().count() > 128 {
        return Err(AppError::field(
            field,
            "length",
            "must be at most 128 characters long",
        ));
    }
    Ok(())
}

/// Refuses a password that is easy to guess: common passwords, dictionary words, keyboard
/// patterns, dates, or the person's own name or email (zxcvbn's estimate below "somewhat
/// guessable", score 2 of 4).
pub fn require_strong_password(field: &str, password: &str, personal: &[&str]) -> AppResult<()> {
    let estimate = zxcvbn::zxcvbn(password, personal);
    if u8::from(estimate.score()) >= 2 {
        return Ok(());
    }
    Err(AppError::field(
        field,
        "weak",
        "this password is easy to guess: use a longer one, e.g. three unrelated words",
    ))
}

/// What registering led to: signed in at once, or (when the server sends mail and an address
/// was given) a link mailed to the address, which must be opened to create the account.
pub enum Registration {
    SignedIn(Box<SignedIn>),
    ConfirmationMailed,
}

/// How long a mailed registration link works.
const CONFIRMATION_LIFETIME: Duration = Duration::hours(24);

/// A resident registers: at most so many accounts per address and hour. When the server sends
/// mail and an address is given, the answer is the same whether or not the address already has
/// an account: the address gets either a confirmation link or a notice that it is registered.
pub async fn register(
    db: &Db,
    limits: &RateLimits,
    outgoing: Outgoing<'_>,
    client: ClientAddr,
    input: RegisterInput,
) -> AppResult<Registration> {
    throttle::take(
        db,
        &throttle::key("register", &[&client.0.to_string()]),
        limits.register_per_address,
    )
    .await?;
    let new = checked_registration(input).await?;
    match new.email.clone() {
        Some(email) if outgoing.mailer.delivers() => {
            throttle::take(
                db,
                &throttle::key("register-email", &[&email]),
                limits.reset_request_per_email,
            )
            .await?;
            request_confirmation(db, &outgoing, new, email).await?;
            Ok(Registration::ConfirmationMailed)
        }
        _ => {
            let txn = db.begin().await?;
            require_unused_contacts(&txn, new.email.as_deref(), new.phone.as_deref()).await?;
            let signed = create_account(&txn, new).await?;
            txn.commit().await?;
            Ok(Registration::SignedIn(Box::new(signed)))
        }
    }
}

/// A registration as it will be stored: contacts normalized, the password hashed.
struct NewAccount {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    password_hash: String,
    home_region_id: Option<i32>,
}

async fn checked_registration(mut input: RegisterInput) -> AppResult<NewAccount> {
    input.email = input
        .email
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    validate(&input)?;
    let email = input.email.as_deref().map(str::to_lowercase);
    let phone = input.phone.as_deref().and_then(normalize_phone);
    if email.is_none() && phone.is_none() {
        return Err(AppError::field(
            "email",
            "required",
            "give an email address or a phone number",
        ));
    }
    require_strong_password(
        "password",
        &input.password,
        &[&input.name, email.as_deref().unwrap_or("")],
    )?;
    Ok(NewAccount {
        name: input.name.trim().to_owned(),
        email,
        phone,
        password_hash: auth::hash_password(input.password).await?,
        home_region_id: input.home_region_id,
    })
}

async fn request_confirmation(
    db: &Db,
    outgoing: &Outgoing<'_>,
    new: NewAccount,
    email: String,
) -> AppResult<()> {
    let txn = db.begin().await?;
    if let Some(region_id) = new.home_region_id {
        find::<region::Entity>(&txn, region_id, "home region").await?;
    }
    let registered = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .count(&txn)
        .await?
        > 0;
    let url = outgoing.public_url;
    let mail = if registered {
        Mail {
            to: email,
            subject:
                "Alamat ini sudah terdaftar di Musrenbang / This address is already registered"
                    .into(),
            body: format!(
                "Seseorang (semoga Anda) mencoba mendaftar di Musrenbang dengan alamat e-mail ini,
                 tetapi alamat ini sudah memiliki akun. Masuk di {url}/masuk, atau jika lupa
                 kata sandi, buat yang baru di {url}/lupa-sandi.
                 Jika bukan Anda, abaikan e-mail ini: akun Anda tidak berubah.

                 Someone (hopefully you) tried to register on Musrenbang with this address, which
                 already has an account. Sign in at {url}/masuk, or choose a new password at
                 {url}/lupa-sandi. If it was not you, ignore this mail: your account is unchanged.
"
            ),
        }
    } else {
        let (token, token_hash) = auth::new_token();
        registration_request::ActiveModel {
            email: Set(email.clone()),
            name: Set(new.name),
            phone: Set(new.phone),
            password_hash: Set(new.password_hash),
            home_region_id: Set(new.home_region_id),
            token_hash: Set(token_hash),
            created_at: Set(now()),
            expires_at: Set(now() + CONFIRMATION_LIFETIME),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Mail {
            to: email,
            subject: "Konfirmasi pendaftaran Musrenbang / Confirm your Musrenbang registration"
                .into(),
            body: format!(
                "Terima kasih telah mendaftar di Musrenbang. Buka tautan ini dalam 24 jam untuk
                 mengaktifkan akun Anda:

                 {url}/konfirmasi-daftar?token={token}

                 Jika Anda tidak mendaftar, abaikan e-mail ini: tidak ada akun yang dibuat.

                 Thank you for registering on Musrenbang. Open the link above within 24 hours to
                 activate your account. If you did not register, ignore this mail: no account
                 has been created.
"
            ),
        }
    };
    mail_outbox::enqueue(&txn, "registration", mail).await?;
    txn.commit().await?;
    Ok(())
}

/// The mailed link is opened: the account is created (the address is now known to be the
/// person's) and signed in. The link works once.
pub async fn confirm_registration(
    db: &Db,
    limits: &RateLimits,
    client: ClientAddr,
    token: &str,
) -> AppResult<SignedIn> {
    throttle::take(
        db,
        &throttle::key("reset-attempt", &[&client.0.to_string()]),
        limits.reset_attempt_per_address,
    )
    .await?;
    let invalid = || {
        AppError::field(
            "token",
            "invalid",
            "this link is unknown, already used or expired: register again",
        )
    };
    let txn = db.begin().await?;
    let request = registration_request::Entity::find()
        .filter(registration_request::Column::TokenHash.eq(auth::token_hash(token.trim())))
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    if request.expires_at <= now() {
        return Err(invalid());
    }
    // Every pending registration of the address ends here, whichever link was opened.
    registration_request::Entity::delete_many()
        .filter(registration_request::Column::Email.eq(&request.email))
        .exec(&txn)
        .await?;
    require_unused_contacts(&txn, Some(&request.email), request.phone.as_deref()).await?;
    let signed = create_account(
        &txn,
        NewAccount {
            name: request.name,
            email: Some(request.email),
            phone: request.phone,
            password_hash: request.password_hash,
            home_region_id: request.home_region_id,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(signed)
}

/// Registrations whose link expired: their name, address and password hash are not kept.
pub async fn prune_expired_registrations(db: &Db) -> AppResult<()> {
    registration_request::Entity::delete_many()
        .filter(registration_request::Column::ExpiresAt.lte(now()))
        .exec(db.writer())
        .await?;
    Ok(())
}

async fn require_unused_contacts(
    conn: &impl ConnectionTrait,
    email: Option<&str>,
    phone: Option<&str>,
) -> AppResult<()> {
    if let Some(email) = email {
        if account::Entity::find()
            .filter(account::Column::Email.eq(email))
            .count(conn)
            .await?
            > 0
        {
            return Err(AppError::field(
                "email",
                "unique",
                "an account with this email already exists",
            ));
        }
    }
    if let Some(phone) = phone {
        if account::Entity::find()
            .filter(account::Column::Phone.eq(phone))
            .count(conn)
            .await?
            > 0
        {
            return Err(AppError::field(
                "phone",
                "unique",
                "an account with this phone number already exists",
            ));
        }
    }
    Ok(())
}

async fn create_account(conn: &impl ConnectionTrait, new: NewAccount) -> AppResult<SignedIn> {
    if let Some(region_id) = new.home_region_id {
        find::<region::Entity>(conn, region_id, "home region").await?;
    }
    let account = account::ActiveModel {
        name: Set(new.name),
        email: Set(new.email),
        phone: Set(new.phone),
        password_hash: Set(new.password_hash),
        home_region_id: Set(new.home_region_id),
        verification: Set(VerificationStatus::Unverified),
        created_at: Set(now()),
        // Made now, so that no background step ever writes to the account row.
        unsubscribe_token: Set(Some(auth::new_token().0)),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    role_grant::ActiveModel {
        account_id: Set(account.id),
        role: Set(Role::Resident),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let token = issue_token(conn, account.id).await?;
    Ok(SignedIn { token, account })
}

pub(crate) async fn issue_token(conn: &impl ConnectionTrait, account_id: i32) -> AppResult<String> {
    let (token, hash) = auth::new_token();
    auth_token::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(hash),
        created_at: Set(now()),
        expires_at: Set(now() + Duration::days(TOKEN_LIFETIME_DAYS)),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// Email or phone plus password. Attempts are counted before any password is checked: per
/// identifier and address (so guessing from one place stops after a few tries, while the owner
/// signing in from elsewhere is not locked out), per address, and wrong passwords per identifier
/// from everywhere (a high ceiling against distributed guessing).
pub async fn login(
    db: &Db,
    limits: &RateLimits,
    client: ClientAddr,
    identifier: &str,
    password: String,
) -> AppResult<SignedIn> {
    // Before any work: no identifier is longer than an email address may be, no password
    // longer than registration accepts.
    if identifier.chars().count() > 320 {
        return Err(AppError::field(
            "identifier",
            "length",
            "must be at most 320 characters long",
        ));
    }
    check_password_length("password", &password)?;
    let identifier = identifier.trim().to_lowercase();
    let phone = if identifier.contains('@') {
        None
    } else {
        normalize_phone(&identifier)
    };
    // Count failures per number, not per spelling: 0812…, +62 812… and (0812) … are one phone.
    let identifier = phone.clone().unwrap_or(identifier);
    let address = client.0.to_string();
    let from_here = throttle::key("login", &[&identifier, &address]);
    let everywhere = throttle::key("login-failures", &[&identifier]);
    throttle::take(db, &from_here, limits.login_per_identifier_and_address).await?;
    throttle::take(
        db,
        &throttle::key("login-address", &[&address]),
        limits.login_per_address,
    )
    .await?;
    throttle::check(db, &everywhere, limits.login_per_identifier).await?;
    let found = if identifier.contains('@') {
        account::Entity::find()
            .filter(account::Column::Email.eq(&identifier))
            .one(db.reader())
            .await?
    } else if let Some(phone) = phone {
        account::Entity::find()
            .filter(account::Column::Phone.eq(phone))
            .one(db.reader())
            .await?
    } else {
        None
    };
    // An unknown identifier costs the same hashing work as a wrong password, so response times
    // do not tell which accounts exist.
    let stored_hash = match &found {
        Some(account) => account.password_hash.clone(),
        None => unknown_account_hash().await?,
    };
    let valid = auth::verify_password(password, stored_hash).await? && found.is_some();
    let Some(account) = found.filter(|_| valid) else {
        // Counting the failure may itself be over the ceiling; the answer stays "wrong".
        let _ = throttle::take(db, &everywhere, limits.login_per_identifier).await;
        return Err(AppError::Unauthenticated);
    };
    throttle::clear(db, &from_here).await?;
    let txn = db.begin().await?;
    let token = issue_token(&txn, account.id).await?;
    txn.commit().await?;
    Ok(SignedIn { token, account })
}

async fn unknown_account_hash() -> AppResult<String> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| auth::hash_password(auth::new_token().0))
        .await
        .cloned()
}

pub async fn logout(db: &Db, token: &str) -> AppResult<()> {
    let txn = db.begin().await?;
    let found = auth_token::Entity::find()
        .filter(auth_token::Column::TokenHash.eq(auth::token_hash(token)))
        .filter(auth_token::Column::RevokedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let account_id = found.account_id;
    let mut active = found.into_active_model();
    active.revoked_at = Set(Some(now()));
    active.update(&txn).await?;
    txn.credentials_changed(account_id).await?;
    txn.commit().await?;
    Ok(())
}

/// The actor a bearer token stands for, if the token is known, unexpired and not revoked.
pub async fn actor_for_token(db: &Db, token: &str) -> AppResult<Option<Actor>> {
    let Some(token) = auth_token::Entity::find()
        .filter(auth_token::Column::TokenHash.eq(auth::token_hash(token)))
        .one(db.reader())
        .await?
    else {
        return Ok(None);
    };
    if token.revoked_at.is_some() || token.expires_at <= now() {
        return Ok(None);
    }
    let Some(account) = account::Entity::find_by_id(token.account_id)
        .one(db.reader())
        .await?
    else {
        return Ok(None);
    };
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account.id))
        .all(db.reader())
        .await?;
    Ok(Some(Actor { account, grants }))
}

pub async fn grants_of(db: &Db, account_id: i32) -> AppResult<Vec<role_grant::Model>> {
    Ok(role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account_id))
        .order_by_asc(role_grant::Column::Id)
        .all(db.reader())
        .await?)
}

#[derive(Debug, Clone, Serialize)]
struct VerificationRecord {
    verification: VerificationStatus,
}

/// A moderator, planner or administrator whose scope covers the resident's home region
/// verifies (or rejects) the resident; only verified residents may vote.
pub async fn set_verification(
    db: &Db,
    actor: &Actor,
    account_id: i32,
    decision: VerificationStatus,
) -> AppResult<account::Model> {
    let txn = db.begin().await?;
    let target = find::<account::Entity>(&txn, account_id, "account").await?;
    access::require_staff_of_resident(&txn, actor, &target).await?;
    if target.verification == decision {
        return Ok(target);
    }
    let before = VerificationRecord {
        verification: target.verification,
    };
    let mut active = target.into_active_model();
    active.verification = Set(decision);
    active.verified_by = Set(Some(actor.id()));
    active.verified_at = Set(Some(now()));
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "account.verify",
        "account",
        Some(account_id),
        Some(&before),
        Some(&VerificationRecord {
            verification: decision,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Clone, InputObject, Serialize)]
pub struct GrantRoleInput {
    pub account_id: i32,
    pub role: Role,
    /// Required for MODERATOR: the forum moderated.
    pub forum_id: Option<i32>,
    /// Required for PLANNER: the region planned for (with its subtree).
    pub region_id: Option<i32>,
    /// Required for AGENCY: the agency (OPD) whose plan items the account reports on.
    pub agency_id: Option<i32>,
}

/// Administrators grant every role; planners appoint moderators of forums in their region.
pub async fn grant_role(
    db: &Db,
    actor: &Actor,
    input: GrantRoleInput,
) -> AppResult<role_grant::Model> {
    let txn = db.begin().await?;
    find::<account::Entity>(&txn, input.account_id, "account").await?;
    let mut agency_id = None;
    let (forum_id, region_id) = match input.role {
        Role::Moderator => {
            let forum_id = input.forum_id.ok_or_else(|| {
                AppError::field("forumId", "required", "a moderator is appointed to a forum")
            })?;
            let forum = find::<forum::Entity>(&txn, forum_id, "forum").await?;
            let region = find::<region::Entity>(&txn, forum.region_id, "region").await?;
            access::require_planner_for(actor, &region)?;
            (Some(forum_id), None)
        }
        Role::Planner => {
            access::require_admin(actor)?;
            let region_id = input.region_id.ok_or_else(|| {
                AppError::field(
                    "regionId",
                    "required",
                    "a planner is appointed for a region",
                )
            })?;
            find::<region::Entity>(&txn, region_id, "region").await?;
            (None, Some(region_id))
        }
        Role::Agency => {
            access::require_admin(actor)?;
            let id = input.agency_id.ok_or_else(|| {
                AppError::field(
                    "agencyId",
                    "required",
                    "agency staff are appointed to an agency",
                )
            })?;
            find::<entity::agency::Entity>(&txn, id, "agency").await?;
            agency_id = Some(id);
            (None, None)
        }
        Role::Admin | Role::Resident => {
            access::require_admin(actor)?;
            (None, None)
        }
    };
    let mut existing = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(input.account_id))
        .filter(role_grant::Column::Role.eq(input.role));
    existing = match forum_id {
        Some(id) => existing.filter(role_grant::Column::ForumId.eq(id)),
        None => existing.filter(role_grant::Column::ForumId.is_null()),
    };
    existing = match region_id {
        Some(id) => existing.filter(role_grant::Column::RegionId.eq(id)),
        None => existing.filter(role_grant::Column::RegionId.is_null()),
    };
    existing = match agency_id {
        Some(id) => existing.filter(role_grant::Column::AgencyId.eq(id)),
        None => existing.filter(role_grant::Column::AgencyId.is_null()),
    };
    if existing.count(&txn).await? > 0 {
        return Err(AppError::Conflict(
            "the account already holds this role".into(),
        ));
    }
    let grant = role_grant::ActiveModel {
        account_id: Set(input.account_id),
        role: Set(input.role),
        forum_id: Set(forum_id),
        region_id: Set(region_id),
        agency_id: Set(agency_id),
        granted_by: Set(Some(actor.id())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "role.grant",
        "role_grant",
        Some(grant.id),
        None::<&()>,
        Some(&grant),
    )
    .await?;
    txn.credentials_changed(grant.account_id).await?;
    txn.commit().await?;
    Ok(grant)
}

pub async fn revoke_role(db: &Db, actor: &Actor, grant_id: i32) -> AppResult<role_grant::Model> {
    let txn = db.begin().await?;
    let grant = find::<role_grant::Entity>(&txn, grant_id, "role grant").await?;
    match (grant.role, grant.forum_id) {
        (Role::Moderator, Some(forum_id)) => {
            let forum = find::<forum::Entity>(&txn, forum_id, "forum").await?;
            let region = find::<region::Entity>(&txn, forum.region_id, "region").await?;
            access::require_planner_for(actor, &region)?;
        }
        _ => access::require_admin(actor)?,
    }
    if grant.role == Role::Admin && grant.account_id == actor.id() {
        return Err(AppError::precondition(
            "administrators cannot revoke their own administrator role",
        ));
    }
    role_grant::Entity::delete_by_id(grant.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "role.revoke",
        "role_grant",
        Some(grant.id),
        Some(&grant),
        None::<&()>,
    )
    .await?;
    txn.credentials_changed(grant.account_id).await?;
    txn.commit().await?;
    Ok(grant)
}

#[derive(Debug, Default, Clone, InputObject)]
pub struct AccountFilter {
    pub verification: Option<VerificationStatus>,
    /// Residents whose home region lies in this region's subtree.
    pub region_id: Option<i32>,
    /// Name, email or phone contains this.
    pub search: Option<String>,
}

/// The residents staff look after (e.g. the verification queue), limited to the actor's scope.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: AccountFilter,
    window: Window,
) -> AppResult<Page<account::Model>> {
    let conn = db.reader();
    let is_staff = actor.is_admin()
        || actor
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::Planner | Role::Moderator));
    if !is_staff {
        return Err(AppError::forbidden(
            "only moderators, planners and administrators may list accounts",
        ));
    }
    let mut query = account::Entity::find();
    if let access::ResidentScope::Regions(scope) = access::resident_scope(conn, actor).await? {
        let mut any = Condition::any();
        for root in &scope {
            any = any.add(account::Column::HomeRegionId.in_subquery(regions::subtree_ids(root)));
        }
        query = query.filter(if scope.is_empty() {
            Condition::all().add(account::Column::Id.eq(-1))
        } else {
            any
        });
    }
    if let Some(root) = filter.region_id {
        let root = find::<region::Entity>(conn, root, "region").await?;
        query =
            query.filter(account::Column::HomeRegionId.in_subquery(regions::subtree_ids(&root)));
    }
    if let Some(status) = filter.verification {
        query = query.filter(account::Column::Verification.eq(status));
    }
    if let Some(term) = filter.search.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = super::like_pattern(term);
        query = query.filter(
            Condition::any()
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(account::Column::Name),
                    ))
                    .like(pattern.clone()),
                )
                .add(account::Column::Email.like(pattern.clone()))
                .add(account::Column::Phone.like(pattern)),
        );
    }
    let total = query.clone().count(conn).await?;
    let items = query
        .order_by_asc(account::Column::Id)
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}
