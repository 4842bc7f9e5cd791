//! Passwords (hashed in a bounded number of slots) and bearer tokens. Who the bearer is and
//! what they may do is `domain::access`; rates of attempts are counted in `domain::throttle`.
use std::time::Duration;

use argon2::{
    password_hash::{
        self, rand_core::OsRng, rand_core::RngCore, Output, ParamsString, PasswordHash, SaltString,
    },
    Algorithm, Argon2, Block, Params, Version,
};
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
        .map_err(|e| AppError::internal("hashing slots closed", e))?;
    tokio::task::spawn_blocking(move || {
        use std::sync::atomic::Ordering::Relaxed;
        let running = HASHES_NOW.fetch_add(1, Relaxed) + 1;
        HASHES_MOST.fetch_max(running, Relaxed);
        let result = work();
        HASHES_NOW.fetch_sub(1, Relaxed);
        result
    })
    .await
    .map_err(|e| AppError::internal("a hashing thread failed", e))?
}

/// Argon2 working memory, kept between hashes (one buffer per slot in use): a hash needs
/// 19 MiB, and memory one blocking thread frees is kept by the system allocator for that
/// thread, so allocating it for every hash grows the process by hundreds of megabytes in a
/// login flood.
fn working_memory() -> &'static std::sync::Mutex<Vec<Vec<Block>>> {
    static MEMORY: std::sync::OnceLock<std::sync::Mutex<Vec<Vec<Block>>>> =
        std::sync::OnceLock::new();
    MEMORY.get_or_init(|| std::sync::Mutex::new(Vec::new()))
}

/// Runs `work` with `blocks` blocks of working memory, from the kept buffers when the size is
/// the one new hashes use (older hashes with other parameters get a buffer of their own).
fn with_working_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    let kept_size = Params::default().block_count();
    let memory = || {
        working_memory()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let mut buffer = (blocks == kept_size)
        .then(|| memory().pop())
        .flatten()
        .unwrap_or_else(|| vec![Block::default(); blocks]);
    let result = work(&mut buffer);
    if blocks == kept_size {
        memory().push(buffer);
    }
    result
}

fn hashing_failed(err: impl std::fmt::Display) -> AppError {
    AppError::internal("password hashing failed", err.to_string())
}

/// Hashes with argon2id (the crate's default parameters) off the async runtime, in a hashing
/// slot, as a PHC string.
pub async fn hash_password(password: String) -> AppResult<String> {
    in_hashing_slot(move || {
        let params = Params::default();
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_buffer = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut salt_buffer)
            .map_err(hashing_failed)?;
        let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
        with_working_memory(params.block_count(), |memory| {
            argon2.hash_password_into_with_memory(
                password.as_bytes(),
                salt_bytes,
                &mut output,
                memory,
            )
        })
        .map_err(hashing_failed)?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(hashing_failed)?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&output).map_err(hashing_failed)?),
        };
        Ok(hash.to_string())
    })
    .await
}

/// Whether `password` is the one `hash` (a PHC string) was made from, compared in constant time.
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    in_hashing_slot(move || {
        let unreadable = |err: password_hash::Error| {
            AppError::internal("stored hash unreadable", err.to_string())
        };
        let parsed = PasswordHash::new(&hash).map_err(unreadable)?;
        let algorithm = Algorithm::try_from(parsed.algorithm).map_err(unreadable)?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|e| unreadable(e.into()))?
            .unwrap_or_default();
        let params = Params::try_from(&parsed).map_err(unreadable)?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Err(unreadable(password_hash::Error::PhcStringField));
        };
        let mut salt_buffer = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buffer).map_err(unreadable)?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut output = vec![0u8; expected.len()];
        with_working_memory(params.block_count(), |memory| {
            argon2.hash_password_into_with_memory(
                password.as_bytes(),
                salt_bytes,
                &mut output,
                memory,
            )
        })
        .map_err(hashing_failed)?;
        // `Output`'s equality is constant-time.
        Ok(Output::new(&output).map_err(hashing_failed)? == expected)
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

#[cfg(test)]
mod password_tests {
    use argon2::PasswordHasher;

    use super::*;

    #[tokio::test]
    async fn hashes_verify_with_kept_memory_and_stay_compatible() {
        let hash = hash_password("kopi tubruk pagi".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("kopi tubruk pagi".into(), hash.clone())
            .await
            .unwrap());
        assert!(!verify_password("kopi tubruk sore".into(), hash)
            .await
            .unwrap());
        // Hashes stored before the kept memory (the crate's own encoder) still verify.
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::default()
            .hash_password(b"teh manis", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("teh manis".into(), older.clone())
            .await
            .unwrap());
        assert!(!verify_password("teh tawar".into(), older).await.unwrap());
        // Other parameters get a buffer of their own.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"es jeruk", &salt)
        .unwrap()
        .to_string();
        assert!(verify_password("es jeruk".into(), small).await.unwrap());
    }
}
