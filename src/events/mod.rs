//! The event bus: the transactional outbox, per-process broadcast, replay, and PostgreSQL
//! LISTEN/NOTIFY between instances. It sits below the domain and depends on `entity` and
//! `error` only; `Db` owns it and hands it to every write transaction.
//!
//! * Every event of a forum or live session is a row of `events`, numbered per stream
//!   (`forum:12`, `session:5`) by a counter row in `event_streams` that the writing transaction
//!   bumps: on PostgreSQL the bump holds the row lock until commit, on SQLite the single writer
//!   serialises it, so sequence order is commit order and there are no gaps.
//! * `publish` is called inside the domain transaction (`Txn`). After the commit the event is
//!   handed to this process's subscribers through one `tokio::sync::broadcast` per stream; on
//!   PostgreSQL the transaction also issues `NOTIFY musrenbang_events, 'forum:12 7'`, and every
//!   instance's listener reads the rows it has not seen from the table (`pg`).
//! * A subscriber replays the table after `since`, then follows the broadcast, skipping what it
//!   has already delivered and reading any gap from the table (`subscribe`). Broadcast buffers
//!   are bounded: a subscriber that falls more than a buffer behind gets `RESYNC_REQUIRED` with
//!   its last sequence and subscribes again with `since`.
//! * Tallies of voting rounds are not events: the bus only signals that a round's ballots
//!   changed (`tally_changes`), on every instance; `domain::voting::live` recomputes them.
//! * Credential changes (signed out, roles changed) are signalled the same way, for the
//!   WebSocket connections acting for the account.
pub mod pg;
pub mod subscribe;
pub mod txn;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, RwLock,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{enums::EventKind, event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::Value as Json;
use tokio::sync::broadcast;

pub use subscribe::subscribe;
pub use txn::Txn;

use crate::error::{AppError, AppResult};

/// Credential changes buffered for WebSocket connections that have not looked yet.
const CREDENTIAL_CHANGES: usize = 256;

/// Tally signals buffered for the live-tally tasks (a task that lags recomputes anyway).
const TALLY_SIGNALS: usize = 1024;

/// A voting round's ballots changed, or (after this instance missed notifications) any may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallySignal {
    Round(i32),
    All,
}

/// Tunables of the realtime layer; tests shorten them.
#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    /// Events buffered per stream and process; a subscriber further behind must resync.
    pub buffer: usize,
    /// Rows read from the event table per query when replaying.
    pub page: u64,
    /// How often the server pings WebSocket clients; three silent intervals close the socket.
    pub keepalive: Duration,
    /// How long a new WebSocket may take to send `connection_init`.
    pub init_timeout: Duration,
    /// How long one message may wait for a client that does not read before it is dropped.
    pub send_timeout: Duration,
    /// Minimum time between two tally updates of a round.
    pub tally_interval: Duration,
    /// Running totals (of rounds and polls) appear only from this many ballots on, and advance
    /// in steps of as many.
    pub tally_minimum: i64,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        Self {
            buffer: 1024,
            page: 500,
            keepalive: Duration::from_secs(15),
            init_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(30),
            tally_interval: Duration::from_millis(250),
            tally_minimum: 10,
        }
    }
}

/// A stream of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKey {
    Forum(i32),
    Session(i32),
    /// One person's notifications.
    Inbox(i32),
    /// One report's status changes, for its reporter, followers and staff.
    Report(i32),
    /// The reports an agency holds, for its staff.
    Agency(i32),
    /// The status changes (ids and statuses only) of the reports filed in a region or below
    /// it, for the coordinators whose scope holds that region: a change is published to the
    /// report's region and each of its ancestors.
    RegionReports(i32),
}

impl fmt::Display for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Forum(id) => write!(f, "forum:{id}"),
            Self::Session(id) => write!(f, "session:{id}"),
            Self::Inbox(id) => write!(f, "inbox:{id}"),
            Self::Report(id) => write!(f, "report:{id}"),
            Self::Agency(id) => write!(f, "agency:{id}"),
            Self::RegionReports(id) => write!(f, "region-reports:{id}"),
        }
    }
}

/// One event as subscribers receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub stream: Arc<str>,
    pub sequence: i64,
    pub kind: EventKind,
    pub subject_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub data: Json,
    pub at: DateTime<Utc>,
    /// Its payload as a transport rendered it, once per shape (the WebSocket fast path).
    pub rendered: Renderings,
}

impl TryFrom<event::Model> for Event {
    type Error = AppError;

    /// Stored data that is not JSON is an error: a replay never sends an event emptied of it.
    fn try_from(row: event::Model) -> AppResult<Self> {
        let data = serde_json::from_str(&row.data)
            .map_err(|err| AppError::internal("a stored event's data cannot be read", err))?;
        Ok(Self {
            stream: row.stream_key.into(),
            sequence: row.sequence,
            kind: row.kind,
            subject_id: row.subject_id,
            actor_id: row.actor_id,
            data,
            at: row.created_at,
            rendered: Renderings::default(),
        })
    }
}

/// Memoised renderings of one event's payload, keyed by the shape of what was asked for. A
/// clone starts empty: renderings belong to the one shared `Arc<Event>`.
#[derive(Default)]
pub struct Renderings(Mutex<Vec<(u64, Arc<str>)>>);

impl Renderings {
    /// At most this many shapes are kept per event; others are rendered each time.
    const KEPT: usize = 16;

    pub fn get_or_render(&self, shape: u64, render: impl FnOnce() -> String) -> Arc<str> {
        let mut cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, rendered)) = cache.iter().find(|(kept, _)| *kept == shape) {
            return rendered.clone();
        }
        let rendered: Arc<str> = render().into();
        if cache.len() < Self::KEPT {
            cache.push((shape, rendered.clone()));
        }
        rendered
    }
}

impl Clone for Renderings {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for Renderings {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Renderings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Renderings")
    }
}

/// The name of an enum value as the GraphQL API spells it (`NOT_ACCEPTED`), for event data.
pub fn enum_name(value: impl fmt::Display) -> String {
    value.to_string().to_uppercase()
}

/// Writes an event inside the caller's transaction; subscribers hear of it after the commit.
pub async fn publish(
    txn: &Txn,
    stream: StreamKey,
    kind: EventKind,
    subject_id: Option<i32>,
    actor_id: Option<i32>,
    data: Json,
) -> AppResult<Arc<Event>> {
    let key = stream.to_string();
    let backend = txn.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO event_streams (stream_key, last_sequence) VALUES ($1, 1) \
             ON CONFLICT (stream_key) DO UPDATE SET last_sequence = event_streams.last_sequence + 1 \
             RETURNING last_sequence"
        }
        _ => {
            "INSERT INTO event_streams (stream_key, last_sequence) VALUES (?, 1) \
             ON CONFLICT (stream_key) DO UPDATE SET last_sequence = last_sequence + 1 \
             RETURNING last_sequence"
        }
    };
    let row = txn
        .query_one(Statement::from_sql_and_values(
            backend,
            sql,
            [key.clone().into()],
        ))
        .await?
        .ok_or_else(|| AppError::invariant("no sequence number allocated"))?;
    let sequence: i64 = row.try_get("", "last_sequence")?;
    let at = Utc::now();
    event::ActiveModel {
        stream_key: Set(key.clone()),
        sequence: Set(sequence),
        kind: Set(kind),
        subject_id: Set(subject_id),
        actor_id: Set(actor_id),
        data: Set(data.to_string()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if backend == DatabaseBackend::Postgres {
        pg::notify(txn, &format!("{key} {sequence}")).await?;
    }
    let event = Arc::new(Event {
        stream: key.into(),
        sequence,
        kind,
        subject_id,
        actor_id,
        data,
        at,
        rendered: Renderings::default(),
    });
    txn.queue(event.clone());
    Ok(event)
}

/// Rewrites the stored data of a stream's events about `subject_id` (e.g. removes the text of
/// a chat message a moderator hid), so replays no longer carry it.
pub async fn redact(
    txn: &Txn,
    stream: StreamKey,
    subject_id: i32,
    kind: EventKind,
    edit: impl Fn(&mut Json) -> AppResult<()>,
) -> AppResult<()> {
    let rows = event::Entity::find()
        .filter(event::Column::StreamKey.eq(stream.to_string()))
        .filter(event::Column::SubjectId.eq(subject_id))
        .filter(event::Column::Kind.eq(kind))
        .all(txn)
        .await?;
    for row in rows {
        let mut data: Json = serde_json::from_str(&row.data)
            .map_err(|err| AppError::internal("a stored event's data cannot be read", err))?;
        edit(&mut data)?;
        let mut active: event::ActiveModel = row.into();
        active.data = Set(data.to_string());
        active.update(txn).await?;
    }
    Ok(())
}

/// The last sequence number of a stream (0 before its first event).
pub async fn last_sequence(conn: &impl ConnectionTrait, stream: StreamKey) -> AppResult<i64> {
    Ok(entity::event_stream::Entity::find_by_id(stream.to_string())
        .one(conn)
        .await?
        .map_or(0, |s| s.last_sequence))
}

/// The retention policy: removes events older than `before`. Their streams keep counting, and a
/// subscriber asking for removed ones gets RESYNC_REQUIRED.
pub async fn prune_events(
    conn: &impl ConnectionTrait,
    before: chrono::DateTime<chrono::Utc>,
) -> AppResult<u64> {
    Ok(event::Entity::delete_many()
        .filter(event::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Events of a stream with `after < sequence <= upto`, oldest first, at most `limit`.
pub async fn load(
    conn: &impl ConnectionTrait,
    stream: &str,
    after: i64,
    upto: Option<i64>,
    limit: u64,
) -> AppResult<Vec<Arc<Event>>> {
    let mut query = event::Entity::find()
        .filter(event::Column::StreamKey.eq(stream))
        .filter(event::Column::Sequence.gt(after));
    if let Some(upto) = upto {
        query = query.filter(event::Column::Sequence.lte(upto));
    }
    let rows = query
        .order_by_asc(event::Column::Sequence)
        .limit(limit)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|row| Event::try_from(row).map(Arc::new))
        .collect()
}

/// This process's side of the bus: the streams and tallies someone here subscribes to.
#[derive(Clone)]
pub struct Hub(Arc<HubInner>);

struct HubInner {
    read: DatabaseConnection,
    config: RwLock<RealtimeConfig>,
    channels: Mutex<HashMap<Arc<str>, Arc<Channel>>>,
    /// Voting rounds whose ballots changed, for the live tallies.
    tallies: broadcast::Sender<TallySignal>,
    /// Accounts whose credentials changed, for the WebSocket connections acting for them.
    credentials: broadcast::Sender<i32>,
    listening: AtomicBool,
}

impl Hub {
    pub(crate) fn new(read: DatabaseConnection) -> Self {
        Self(Arc::new(HubInner {
            read,
            config: RwLock::new(RealtimeConfig::default()),
            channels: Mutex::new(HashMap::new()),
            tallies: broadcast::channel(TALLY_SIGNALS).0,
            credentials: broadcast::channel(CREDENTIAL_CHANGES).0,
            listening: AtomicBool::new(false),
        }))
    }

    pub fn config(&self) -> RealtimeConfig {
        self.0
            .config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Changes the tunables (streams already followed keep their buffer size).
    pub fn configure(&self, change: impl FnOnce(&mut RealtimeConfig)) {
        change(&mut self.0.config.write().unwrap_or_else(|p| p.into_inner()));
    }

    pub fn reader(&self) -> &DatabaseConnection {
        &self.0.read
    }

    /// Starts listening for other instances' events (PostgreSQL only; once per hub).
    pub fn listen_for_other_instances(&self) {
        if self.0.read.get_database_backend() == DatabaseBackend::Postgres
            && !self.0.listening.swap(true, Ordering::SeqCst)
        {
            tokio::spawn(pg::listen(self.clone()));
        }
    }

    /// How many streams this process follows (for tests and metrics).
    pub fn followed_streams(&self) -> usize {
        self.0
            .channels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// Accounts whose credentials change from now on (a receiver that lags has missed some).
    pub fn credential_changes(&self) -> broadcast::Receiver<i32> {
        self.0.credentials.subscribe()
    }

    /// Voting rounds whose ballots change from now on, on any instance.
    pub fn tally_changes(&self) -> broadcast::Receiver<TallySignal> {
        self.0.tallies.subscribe()
    }

    pub(crate) fn credentials_changed(&self, account_id: i32) {
        // No receiver (no WebSocket open) is fine.
        let _ = self.0.credentials.send(account_id);
    }

    pub(crate) fn announce(&self, outbox: txn::Outbox) {
        if !outbox.events.is_empty() {
            let channels = self.0.channels.lock().unwrap_or_else(|p| p.into_inner());
            for event in outbox.events {
                if let Some(channel) = channels.get(&event.stream) {
                    channel.offer(self, event.sequence, Some(event.clone()));
                }
            }
        }
        for round in outbox.tallies {
            self.tally_changed(round);
        }
        for account in outbox.credentials {
            self.credentials_changed(account);
        }
    }

    pub(crate) fn tally_changed(&self, round_id: i32) {
        // No receiver (no live tally watched here) is fine.
        let _ = self.0.tallies.send(TallySignal::Round(round_id));
    }

    /// Another instance committed `sequence` on `stream`.
    pub(crate) fn remote_event(&self, stream: &str, sequence: i64) {
        let channel = self
            .0
            .channels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(stream)
            .cloned();
        if let Some(channel) = channel {
            channel.offer(self, sequence, None);
        }
    }

    /// After the listener (re)connects: catch up every followed stream from the table.
    pub(crate) fn resync_all(&self) {
        let channels: Vec<Arc<Channel>> = self
            .0
            .channels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        let _ = self.0.tallies.send(TallySignal::All);
        if channels.is_empty() {
            return;
        }
        let hub = self.clone();
        tokio::spawn(async move {
            for channel in channels {
                let last = entity::event_stream::Entity::find_by_id(channel.key.to_string())
                    .one(hub.reader())
                    .await;
                if let Ok(Some(stream)) = last {
                    channel.offer(&hub, stream.last_sequence, None);
                }
            }
        });
    }

    /// Joins a stream: the channel and a receiver of everything offered from now on.
    fn join(&self, key: &str) -> (Arc<Channel>, broadcast::Receiver<Arc<Event>>) {
        let mut channels = self.0.channels.lock().unwrap_or_else(|p| p.into_inner());
        let channel = match channels.get(key) {
            Some(channel) => channel.clone(),
            None => {
                let buffer = self.config().buffer.max(1);
                let channel = Arc::new(Channel::new(key.into(), buffer));
                channels.insert(channel.key.clone(), channel.clone());
                channel
            }
        };
        let receiver = channel.tx.subscribe();
        (channel, receiver)
    }

    /// Forgets a stream nobody here follows any more.
    fn leave(&self, key: &str) {
        let mut channels = self.0.channels.lock().unwrap_or_else(|p| p.into_inner());
        if channels
            .get(key)
            .is_some_and(|c| c.tx.receiver_count() == 0)
        {
            channels.remove(key);
        }
    }
}

/// One followed stream in this process: a bounded broadcast fed in sequence order.
struct Channel {
    key: Arc<str>,
    buffer: usize,
    tx: broadcast::Sender<Arc<Event>>,
    state: Mutex<ChannelState>,
}

#[derive(Default)]
struct ChannelState {
    /// The last sequence broadcast (unknown until the first event).
    head: Option<i64>,
    /// The highest sequence known to exist.
    target: i64,
    /// Events that arrived ahead of a missing one.
    pending: BTreeMap<i64, Arc<Event>>,
    /// A task is reading the missing events from the table.
    filling: bool,
}

impl Channel {
    fn new(key: Arc<str>, buffer: usize) -> Self {
        let (tx, _) = broadcast::channel(buffer);
        Self {
            key,
            buffer,
            tx,
            state: Mutex::new(ChannelState::default()),
        }
    }

    /// `sequence` exists (with its event, if this process wrote it). Broadcasts it when it is
    /// the next one; otherwise keeps it and reads what is missing from the table.
    fn offer(self: &Arc<Self>, hub: &Hub, sequence: i64, event: Option<Arc<Event>>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let head = *state.head.get_or_insert(sequence - 1);
        if sequence <= head {
            return;
        }
        if let Some(event) = event {
            state.pending.insert(sequence, event);
        }
        state.target = state.target.max(sequence);
        self.drain(&mut state);
        let limit = 4 * self.buffer.max(1024);
        if state.pending.len() > limit {
            // Something is badly stuck: give up on order here; subscribers read their gaps
            // from the table themselves.
            state.pending.clear();
            state.head = Some(state.target);
        }
        if state.head < Some(state.target) && !state.filling {
            state.filling = true;
            tokio::spawn(fill(self.clone(), hub.clone()));
        }
    }

    fn drain(&self, state: &mut ChannelState) {
        let Some(mut head) = state.head else { return };
        while let Some(event) = state.pending.remove(&(head + 1)) {
            head += 1;
            let _ = self.tx.send(event);
        }
        state.head = Some(head);
    }
}

/// Reads the events a channel is missing from the table and broadcasts them in order.
async fn fill(channel: Arc<Channel>, hub: Hub) {
    // Commits of one process can be announced slightly out of order: give the missing event a
    // moment to arrive by itself before asking the database.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let page = hub.config().page;
    let mut misses = 0;
    loop {
        let (head, target) = {
            let mut state = channel.state.lock().unwrap_or_else(|p| p.into_inner());
            let head = state.head.unwrap_or(0);
            if head >= state.target {
                state.filling = false;
                return;
            }
            (head, state.target)
        };
        match load(hub.reader(), &channel.key, head, Some(target), page).await {
            Ok(events) if !events.is_empty() => {
                misses = 0;
                let mut state = channel.state.lock().unwrap_or_else(|p| p.into_inner());
                for event in events {
                    if Some(event.sequence) > state.head {
                        state.pending.insert(event.sequence, event);
                    }
                }
                channel.drain(&mut state);
            }
            result => {
                if let Err(err) = result {
                    tracing::warn!(stream = %channel.key, error = ?err, "reading missed events failed");
                }
                misses += 1;
                if misses > 50 {
                    let mut state = channel.state.lock().unwrap_or_else(|p| p.into_inner());
                    state.head = Some(state.target);
                    state.pending.clear();
                    state.filling = false;
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}
