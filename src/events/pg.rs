//! Several instances on one PostgreSQL database: `NOTIFY` inside the writing transaction
//! (delivered by PostgreSQL at commit), one `LISTEN` connection per instance. Notifications
//! carry only the stream and the sequence; listeners read the rows from the table.
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr, Statement};
use sqlx::postgres::PgListener;

use super::Hub;

/// The PostgreSQL channel of the event bus.
pub const CHANNEL: &str = "musrenbang_events";

pub(crate) async fn notify(conn: &impl ConnectionTrait, payload: &str) -> Result<(), DbErr> {
    conn.execute(Statement::from_sql_and_values(
        conn.get_database_backend(),
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// `forum:12 7` → an event; `tally:3` → a changed tally; `account:5` → changed credentials.
fn dispatch(hub: &Hub, payload: &str) {
    if let Some(round) = payload.strip_prefix("tally:") {
        if let Ok(round) = round.trim().parse() {
            hub.tally_changed(round);
        }
    } else if let Some(account) = payload.strip_prefix("account:") {
        if let Ok(account) = account.trim().parse() {
            hub.credentials_changed(account);
        }
    } else if let Some((stream, sequence)) = payload.split_once(' ') {
        if let Ok(sequence) = sequence.trim().parse() {
            hub.remote_event(stream, sequence);
        }
    }
}

/// Runs for the life of the process: listens, and after every (re)connection catches up the
/// followed streams from the table, since notifications sent while disconnected are lost.
pub(crate) async fn listen(hub: Hub) {
    let pool = hub.reader().get_postgres_connection_pool().clone();
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        let mut listener = match connected {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, "LISTEN {CHANNEL} failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        hub.resync_all();
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => dispatch(&hub, notification.payload()),
                Ok(None) => break,
                Err(err) => {
                    tracing::warn!(error = %err, "the LISTEN connection failed");
                    break;
                }
            }
        }
    }
}
