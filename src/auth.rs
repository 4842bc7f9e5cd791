//! Passwords, bearer tokens, login throttling and the authenticated actor.
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use argon2::{
    password_hash::{rand_core::OsRng, rand_core::RngCore, PasswordHash, SaltString},
    Argon2, PasswordHasher, PasswordVerifier,
};
use entity::{account, enums::Role, region, role_grant};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Hashes with argon2id off the async runtime: a hash takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
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

/// Failed logins per identifier in a sliding window; past the limit the identifier waits.
pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, key: &str) -> AppResult<()> {
        let failures = self.failures.lock().expect("throttle lock");
        if let Some((count, since)) = failures.get(key) {
            let elapsed = since.elapsed();
            if *count >= self.max_failures && elapsed < self.window {
                return Err(AppError::RateLimited {
                    retry_after_secs: (self.window - elapsed).as_secs().max(1),
                });
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, key: &str) {
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > 100_000 {
            let window = self.window;
            failures.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = failures
            .entry(key.to_owned())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn record_success(&self, key: &str) {
        self.failures.lock().expect("throttle lock").remove(key);
    }
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
