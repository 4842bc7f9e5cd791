//! Live tallies of voting rounds. Ballots are secret and many, so a tally is not a stream of
//! events: one task per round and process (while someone here watches it) recomputes the
//! totals after a change, at most once per `tally_interval`, and publishes the latest totals
//! through a `watch` channel, so a slow subscriber simply skips to the newest. When the round
//! closes, the task computes the final tally once more, sends it as the last update, and ends.
//! The event bus tells the tasks which rounds changed, on every instance (`TallySignal`).
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entity::voting_round;
use futures_util::{stream, Stream};
use sea_orm::DatabaseConnection;
use tokio::sync::{broadcast::error::RecvError, watch};

use crate::{
    db::Db,
    domain::{
        find, now,
        voting::{self, TallyRow},
    },
    error::{AppError, AppResult},
    events::{Hub, TallySignal},
};

/// The totals of a voting round at one moment.
#[derive(Debug, Clone, SimpleObject)]
pub struct TallyUpdate {
    pub round_id: i32,
    /// Ballots cast so far.
    pub ballots: i64,
    /// Ballots the rows count (see `Tally`).
    pub counted: i64,
    /// No running totals are shown (yet).
    pub withheld: bool,
    pub minimum_ballots: i64,
    pub rows: Vec<TallyRow>,
    /// The round is closed: these are the final totals and the last update.
    #[graphql(name = "final")]
    pub is_final: bool,
    pub computed_at: DateTime<Utc>,
}

struct Watch {
    tx: watch::Sender<Option<Arc<TallyUpdate>>>,
}

/// The rounds someone in this process watches, one recomputing task each.
#[derive(Clone)]
pub struct LiveTallies {
    hub: Hub,
    watched: Arc<Mutex<HashMap<i32, Arc<Watch>>>>,
}

impl LiveTallies {
    pub fn new(db: &Db) -> Self {
        Self {
            hub: db.events().clone(),
            watched: Arc::default(),
        }
    }

    /// Updates of a round's tally: the current totals at once, then after changes (coalesced),
    /// and the final totals last.
    pub fn stream(&self, round_id: i32) -> impl Stream<Item = Arc<TallyUpdate>> + Send + 'static {
        updates(self.receiver(round_id))
    }

    fn receiver(&self, round_id: i32) -> watch::Receiver<Option<Arc<TallyUpdate>>> {
        let mut watched = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(watch) = watched.get(&round_id) {
            return watch.tx.subscribe();
        }
        let (tx, receiver) = watch::channel(None);
        let watch = Arc::new(Watch { tx });
        watched.insert(round_id, watch.clone());
        tokio::spawn(run(self.clone(), round_id, watch));
        receiver
    }

    /// Stops watching a round: when it is final, or when nobody here watches any more.
    fn release(&self, round_id: i32, watch: &Arc<Watch>, finished: bool) -> bool {
        let mut tallies = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        let current = tallies
            .get(&round_id)
            .is_some_and(|w| Arc::ptr_eq(w, watch));
        if current && (finished || watch.tx.receiver_count() == 0) {
            tallies.remove(&round_id);
            return true;
        }
        !current
    }
}

fn updates(
    receiver: watch::Receiver<Option<Arc<TallyUpdate>>>,
) -> impl Stream<Item = Arc<TallyUpdate>> + Send + 'static {
    stream::unfold(
        (receiver, true, false),
        |(mut receiver, first, finished)| async move {
            if finished {
                return None;
            }
            if !first {
                receiver.changed().await.ok()?;
            }
            loop {
                let latest = receiver.borrow_and_update().clone();
                if let Some(update) = latest {
                    let last = update.is_final;
                    return Some((update, (receiver, false, last)));
                }
                receiver.changed().await.ok()?;
            }
        },
    )
}

async fn compute(
    conn: &DatabaseConnection,
    round_id: i32,
    minimum: i64,
) -> AppResult<(TallyUpdate, voting_round::Model)> {
    let computed_at = now();
    let round = find::<voting_round::Entity>(conn, round_id, "voting round").await?;
    let visible = voting::visible_tally(conn, &round, minimum).await?;
    let update = TallyUpdate {
        round_id,
        ballots: visible.ballots,
        counted: visible.counted,
        withheld: visible.withheld,
        minimum_ballots: visible.minimum_ballots,
        rows: visible.rows,
        is_final: voting::is_closed(&round, computed_at),
        computed_at,
    };
    Ok((update, round))
}

async fn run(tallies: LiveTallies, round_id: i32, watch: Arc<Watch>) {
    let hub = &tallies.hub;
    // Subscribed before the first computation: a ballot committed meanwhile is not missed.
    let mut changes = hub.tally_changes();
    let interval = hub.config().tally_interval;
    let mut last_run: Option<tokio::time::Instant> = None;
    let mut previous: Option<(i64, Vec<TallyRow>)> = None;
    // Ballots stored a moment after the close are still counted: the final tally is computed
    // one interval after the round is seen closed.
    let mut seen_closed = false;
    loop {
        if let Some(at) = last_run {
            tokio::time::sleep_until(at + interval).await;
        }
        last_run = Some(tokio::time::Instant::now());
        let (update, round) =
            match compute(hub.reader(), round_id, hub.config().tally_minimum).await {
                Ok(computed) => computed,
                Err(AppError::NotFound(_)) => {
                    tallies.release(round_id, &watch, true);
                    return;
                }
                Err(err) => {
                    tracing::warn!(round_id, error = ?err, "computing a live tally failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
        if update.is_final && !seen_closed {
            seen_closed = true;
            continue;
        }
        let is_final = update.is_final;
        let totals = (update.ballots, update.rows.clone());
        if is_final || previous.as_ref() != Some(&totals) {
            previous = Some(totals);
            watch.tx.send_replace(Some(Arc::new(update)));
        }
        if is_final {
            tallies.release(round_id, &watch, true);
            return;
        }
        let closes_at = tokio::time::Instant::now()
            + (round.closes_at - now()).to_std().unwrap_or(Duration::ZERO);
        loop {
            tokio::select! {
                signal = changes.recv() => match signal {
                    Ok(TallySignal::Round(changed)) if changed != round_id => continue,
                    // This round, every round, or signals missed: recompute.
                    Ok(_) | Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                },
                _ = tokio::time::sleep_until(closes_at) => break,
                _ = watch.tx.closed() => {
                    if tallies.release(round_id, &watch, false) {
                        return;
                    }
                }
            }
        }
    }
}
