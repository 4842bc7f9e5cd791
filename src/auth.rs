//! Passwords (hashed in a bounded number of slots), bearer tokens and the authenticated actor.
//! Rates of attempts are counted in `domain::throttle`.
use std::time::Duration;

use argon2::{
    password_hash::{rand_core::OsRng, rand_core::RngCore, PasswordHash, SaltString},
    Argon2, PasswordHasher, PasswordVerifier,
};
use entity::{account, enums::Role, region, role_grant};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Each argon2 hash takes tens of milliseconds of CPU and 19 MiB of memory: only this many run
/// at once (about the core count), whoever asks.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(hashing_slot_count()))
}

/// How many hashes may run at once.
pub fn hashing_slot_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(2)
}

static HASHES_NOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static HASHES_MOST: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The most hashes that ran at once in this process (a check that the slots hold).
pub fn most_hashes_at_once() -> usize {
    HASHES_MOST.load(std::sync::atomic::Ordering::Relaxed)
}

/// How long a caller waits for a hashing slot before being told to come back.
const HASHING_WAIT: Duration = Duration::from_secs(3);

/// Runs `work` (an argon2 computation) in a hashing slot on a blocking thread; when every slot
/// stays busy past `HASHING_WAIT`, the caller gets RATE_LIMITED instead of a queue that grows
/// with the attack.
async fn in_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let _slot = tokio::time::timeout(HASHING_WAIT, hashing_slots().acquire())
        .await
        .map_err(|_| AppError::RateLimited {
            retry_after_secs: 2,
        })?
        .map_err(|e| AppError::Internal(format!("hashing slots closed: {e}")))?;
    tokio::task::spawn_blocking(move || {
        use std::sync::atomic::Ordering::Relaxed;
        let running = HASHES_NOW.fetch_add(1, Relaxed) + 1;
        HASHES_MOST.fetch_max(running, Relaxed);
        let result = work();
        HASHES_NOW.fetch_sub(1, Relaxed);
        result
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Hashes with argon2id off the async runtime, in a hashing slot.
pub async fn hash_password(password: String) -> AppResult<String> {
    in_hashing_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
    })
    .await
}

pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    in_hashing_slot(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// A fresh random bearer token and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The account behind a request, with its role grants.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: account::Model,
    pub grants: Vec<role_grant::Model>,
}

impl Actor {
    pub fn id(&self) -> i32 {
        self.account.id
    }

    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Admin)
    }

    pub fn moderates(&self, forum_id: i32) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Moderator && g.forum_id == Some(forum_id))
    }

    /// A planner of a region plans for its whole subtree.
    /// Staff of the agency (OPD), who report the implementation of its plan items.
    pub fn works_for(&self, agency_id: i32) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Agency && g.agency_id == Some(agency_id))
    }

    pub fn plans_for(&self, region: &region::Model) -> bool {
        self.grants.iter().any(|g| {
            g.role == Role::Planner
                && g.region_id
                    .is_some_and(|id| crate::domain::regions::path_contains(&region.path, id))
        })
    }

    pub fn is_planner(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Planner)
    }

    pub fn is_verified(&self) -> bool {
        self.account.verification == entity::enums::VerificationStatus::Verified
    }
}

/// Every resolver that needs a signed-in caller goes through this.
pub fn require(actor: Option<&Actor>) -> AppResult<&Actor> {
    actor.ok_or(AppError::Unauthenticated)
}
