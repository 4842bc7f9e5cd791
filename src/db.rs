//! Database access. SQLite gets exactly one writer connection (so write transactions never
//! race each other into "database is locked") beside a small pool of readers; PostgreSQL uses
//! one pool for both. Each `Db` carries the process's event bus, which `begin` hands to every
//! write transaction so events published in it reach subscribers after the commit.
//!
//! Faults: a PostgreSQL that does not answer fails a request within `POSTGRES_ACQUIRE_TIMEOUT`
//! (UNAVAILABLE, never a hang); on SQLite a write transaction takes the file's write lock when
//! it begins, waiting up to `SQLITE_BUSY_TIMEOUT` for another process (an operator's command on
//! the live file) to finish, instead of failing halfway.
use std::{str::FromStr, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    DatabaseBackend, DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector,
    TransactionTrait,
};
use sqlx::{
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

pub use crate::events::Txn;
use crate::{
    error::{AppError, AppResult},
    events::Hub,
};

#[derive(Clone)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
    hub: Hub,
    files: crate::files::FileStore,
}

/// How long a request waits for a PostgreSQL connection before it answers UNAVAILABLE: a
/// database that is down is reported at once; a busy pool hands connections over in
/// milliseconds.
pub const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a SQLite write waits for another process holding the file's write lock.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// A statement that writes nothing but needs the write lock: run first in each SQLite write
/// transaction, it makes the transaction an IMMEDIATE one (sea-orm begins them DEFERRED). A
/// deferred transaction that has read before another process committed cannot upgrade to a
/// writer and fails at once ("database is locked"), whatever the busy timeout.
const SQLITE_TAKE_WRITE_LOCK: &str = "UPDATE seaql_migrations SET version = version WHERE 0";

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: an acknowledged write survives a power cut, not only a crash.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                // Deleted rows are overwritten, not left in free pages: sealing a round must
                // leave nothing of the voter → ballot link in the file.
                .pragma("secure_delete", "ON")
                .foreign_keys(true);
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                // Mutations queue for the one writer; the wait covers another process's lock.
                .acquire_timeout(SQLITE_BUSY_TIMEOUT * 2)
                .connect_with(options.clone())
                .await?;
            let readers = SqlitePoolOptions::new()
                .max_connections(8)
                // Rows cross from SQLite's worker thread to the caller through this buffer;
                // a deep one lets both run without waking each other for every row (large
                // exports read 2,000 rows a page).
                .connect_with(options.read_only(true).row_buffer_size(1024))
                .await?;
            let read = SqlxSqliteConnector::from_sqlx_sqlite_pool(readers);
            Ok(Self {
                hub: Hub::new(read.clone()),
                read,
                write: SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
                files: Default::default(),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
                .connect(url)
                .await?;
            let conn = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
            Ok(Self {
                hub: Hub::new(conn.clone()),
                read: conn.clone(),
                write: conn,
                files: Default::default(),
            })
        } else {
            anyhow::bail!("unsupported DATABASE_URL '{url}': use sqlite:// or postgres://")
        }
    }

    /// Applies pending migrations. On a fresh SQLite file the read-only pool opened before the
    /// schema existed still works, since SQLite reads the schema per statement.
    pub async fn migrate(&self) -> Result<(), sea_orm::DbErr> {
        Migrator::up(&self.write, None).await
    }

    pub fn reader(&self) -> &DatabaseConnection {
        &self.read
    }

    pub fn writer(&self) -> &DatabaseConnection {
        &self.write
    }

    pub fn backend(&self) -> DatabaseBackend {
        sea_orm::ConnectionTrait::get_database_backend(&self.write)
    }

    /// Starts the transaction every mutation runs in: all of it is written, or none; events
    /// published in it are announced after the commit.
    pub async fn begin(&self) -> AppResult<Txn> {
        let inner = self.write.begin().await.map_err(AppError::from)?;
        if self.backend() == DatabaseBackend::Sqlite {
            sea_orm::ConnectionTrait::execute_unprepared(&inner, SQLITE_TAKE_WRITE_LOCK)
                .await
                .map_err(AppError::from)?;
        }
        Ok(Txn::new(inner, self.hub.clone()))
    }

    /// The event bus of this process (subscriptions, live tallies, their tunables).
    pub fn events(&self) -> &Hub {
        &self.hub
    }

    /// Where uploaded files' bytes are kept (`files::FileStore`).
    pub fn files(&self) -> &crate::files::FileStore {
        &self.files
    }

    pub fn with_files(mut self, files: crate::files::FileStore) -> Self {
        self.files = files;
        self
    }

    /// SQLite: copies the write-ahead log into the database file and empties it, so that old
    /// versions of rows (e.g. ballots before their round was sealed) do not linger there. Best
    /// effort: a busy log is emptied at a later checkpoint.
    pub async fn checkpoint(&self) {
        if self.backend() == DatabaseBackend::Sqlite {
            if let Err(err) = sea_orm::ConnectionTrait::execute_unprepared(
                &self.write,
                "PRAGMA wal_checkpoint(TRUNCATE)",
            )
            .await
            {
                tracing::warn!(error = %err, "checkpointing the write-ahead log failed");
            }
        }
    }

    /// Whether the database answers within `limit` (a health probe must not wait for the
    /// pool's own timeout).
    pub async fn ping(&self, limit: Duration) -> bool {
        matches!(
            tokio::time::timeout(limit, self.read.ping()).await,
            Ok(Ok(()))
        )
    }

    /// Closes the pools: connections end cleanly (PostgreSQL sees a client leave, SQLite
    /// checkpoints) rather than being cut when the process exits.
    pub async fn close(&self) {
        self.checkpoint().await;
        for conn in [&self.write, &self.read] {
            if let Err(err) = conn.close_by_ref().await {
                tracing::warn!(error = %err, "closing the database pool failed");
            }
        }
    }
}
