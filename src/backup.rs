//! Backups an operator can rely on: taken while the server runs, checked before success is
//! reported, and restored only onto a database no server holds open.
//!
//! SQLite: `VACUUM INTO` writes a consistent snapshot of the live file (one read transaction;
//! writers go on meanwhile), compacted, with no trace of deleted rows. PostgreSQL: `pg_dump`'s
//! custom format, restored with `pg_restore` in one transaction. Either way the file is
//! written under a temporary name and renamed into place once complete and checked, so a
//! failed backup never leaves a file that looks like a good one.
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    str::FromStr,
};

use anyhow::{bail, Context};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteLockingMode},
    ConnectOptions, Connection, Row,
};

use crate::db::{Db, SQLITE_BUSY_TIMEOUT};

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    /// Migrations applied in the copied database: the copy's schema version.
    pub migrations: i64,
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// `FILE.partial` beside `file`: where a copy is written before it is renamed into place.
fn partial(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Writes a consistent copy of the database at `url` to `out`, which must not exist.
pub async fn backup(url: &str, out: &Path) -> anyhow::Result<BackupReport> {
    if out.exists() {
        bail!("{} exists already: choose a new file", out.display());
    }
    let staging = partial(out);
    let _ = std::fs::remove_file(&staging);
    let written = if is_sqlite(url) {
        backup_sqlite(url, &staging).await
    } else {
        backup_postgres(url, &staging).await
    };
    let migrations = match written {
        Ok(migrations) => migrations,
        Err(err) => {
            let _ = std::fs::remove_file(&staging);
            return Err(err);
        }
    };
    std::fs::File::open(&staging)?.sync_all()?;
    std::fs::rename(&staging, out)?;
    sync_parent(out);
    Ok(BackupReport {
        path: out.to_owned(),
        bytes: std::fs::metadata(out)?.len(),
        migrations,
    })
}

async fn backup_sqlite(url: &str, staging: &Path) -> anyhow::Result<i64> {
    let options = SqliteConnectOptions::from_str(url)?
        .read_only(true)
        .create_if_missing(false)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    if !options.get_filename().is_file() {
        bail!("no database at {}", options.get_filename().display());
    }
    let mut conn = options.connect().await?;
    sqlx::query("VACUUM INTO ?")
        .bind(staging.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .context("copying the database (VACUUM INTO)")?;
    conn.close().await?;
    check_sqlite_copy(staging).await
}

/// A SQLite file is a Musrenbang database that passes SQLite's integrity check; returns how many
/// migrations it has.
async fn check_sqlite_copy(file: &Path) -> anyhow::Result<i64> {
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    if verdict != "ok" {
        bail!(
            "{} fails SQLite's integrity check: {verdict}",
            file.display()
        );
    }
    let migrations: i64 = sqlx::query_scalar("SELECT count(*) FROM seaql_migrations")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a Musrenbang database", file.display()))?;
    conn.close().await?;
    Ok(migrations)
}

/// Runs one of PostgreSQL's client programs, with a clear word when it is missing.
async fn run_postgres_tool(program: &str, args: &[&std::ffi::OsStr]) -> anyhow::Result<String> {
    let output = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|err| {
            anyhow::anyhow!(
                "cannot run {program} ({err}): install PostgreSQL's client programs \
                 (Debian: postgresql-client) of the server's major version"
            )
        })?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

async fn backup_postgres(url: &str, staging: &Path) -> anyhow::Result<i64> {
    let migrations = postgres_migrations(url).await?;
    run_postgres_tool(
        "pg_dump",
        &[
            "--format=custom".as_ref(),
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            "--file".as_ref(),
            staging.as_os_str(),
            "--dbname".as_ref(),
            url.as_ref(),
        ],
    )
    .await?;
    // The archive's table of contents must list the schema's bookkeeping and the data.
    let contents = run_postgres_tool("pg_restore", &["--list".as_ref(), staging.as_os_str()])
        .await
        .context("reading the backup back")?;
    if !contents.contains("TABLE DATA public seaql_migrations") {
        bail!("the backup does not hold the database's tables");
    }
    Ok(migrations)
}

async fn postgres_migrations(url: &str) -> anyhow::Result<i64> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let count = sqlx::query_scalar("SELECT count(*) FROM seaql_migrations")
        .fetch_one(&mut conn)
        .await
        .context("the database holds no Musrenbang schema")?;
    conn.close().await?;
    Ok(count)
}

/// Puts the backup `file` in place of the database at `url`, then applies migrations newer
/// than the backup. Refuses a database that a server (or anything else) holds open, and one
/// that holds accounts unless `replace`.
pub async fn restore(file: &Path, url: &str, replace: bool) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("no backup at {}", file.display());
    }
    if is_sqlite(url) {
        restore_sqlite(file, url, replace).await?;
    } else {
        restore_postgres(file, url, replace).await?;
    }
    Db::connect(url).await?.migrate().await?;
    Ok(())
}

async fn restore_sqlite(file: &Path, url: &str, replace: bool) -> anyhow::Result<()> {
    check_sqlite_copy(file).await?;
    let target = SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_owned();
    if target.exists() {
        // A connection in exclusive locking mode gets its lock only if no other connection, in
        // this process or another, has the file open.
        let mut conn = SqliteConnectOptions::new()
            .filename(&target)
            .locking_mode(SqliteLockingMode::Exclusive)
            .busy_timeout(std::time::Duration::ZERO)
            .connect()
            .await?;
        let mut holds_accounts = false;
        let locked = async {
            sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
            let table: Option<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'accounts'",
            )
            .fetch_optional(&mut conn)
            .await?;
            if table.is_some() {
                let count: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
                    .fetch_one(&mut conn)
                    .await?;
                holds_accounts = count > 0;
            }
            sqlx::query("ROLLBACK").execute(&mut conn).await?;
            Ok::<(), sqlx::Error>(())
        }
        .await;
        conn.close().await?;
        if locked.is_err() {
            bail!(
                "{} is in use (a server has it open): stop every server on it first",
                target.display()
            );
        }
        if holds_accounts && !replace {
            bail!(
                "{} holds data: pass --replace to put the backup in its place",
                target.display()
            );
        }
    }
    let staging = partial(&target);
    std::fs::copy(file, &staging)
        .with_context(|| format!("copying {} to {}", file.display(), staging.display()))?;
    std::fs::File::open(&staging)?.sync_all()?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&staging, &target)?;
    sync_parent(&target);
    Ok(())
}

async fn restore_postgres(file: &Path, url: &str, replace: bool) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    // A server that has just stopped leaves its backends for a moment: look again briefly.
    // (Autovacuum's workers count not: they give way to the restore.)
    let mut others: i64 = 0;
    for _ in 0..15 {
        others = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
             AND backend_type = 'client backend'",
        )
        .fetch_one(&mut conn)
        .await?;
        if others == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let holds_accounts = match sqlx::query("SELECT count(*) AS n FROM accounts")
        .fetch_one(&mut conn)
        .await
    {
        Ok(row) => row.try_get::<i64, _>("n")? > 0,
        Err(_) => false,
    };
    conn.close().await?;
    if others > 0 {
        bail!("{others} other connections are open on the database: stop every server on it first");
    }
    if holds_accounts && !replace {
        bail!("the database holds data: pass --replace to put the backup in its place");
    }
    run_postgres_tool(
        "pg_restore",
        &[
            "--clean".as_ref(),
            "--if-exists".as_ref(),
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            "--single-transaction".as_ref(),
            "--exit-on-error".as_ref(),
            "--dbname".as_ref(),
            url.as_ref(),
            file.as_os_str(),
        ],
    )
    .await?;
    Ok(())
}

/// Makes a rename durable: the directory entry is written too.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}
