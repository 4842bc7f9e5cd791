//! The services every request reaches, shared by the HTTP layer, the WebSocket transport and
//! the GraphQL resolvers: the database and its event bus, the ballot box, live tallies, the
//! settings, and the process's graceful stop.
use std::{
    collections::HashMap,
    future::Future,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::{
    config::ServerSettings,
    db::Db,
    domain::{ballot_box::BallotBox, voting::live::LiveTallies},
};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub ballot_box: BallotBox,
    pub live_tallies: LiveTallies,
    pub settings: Arc<ServerSettings>,
    /// Open WebSocket connections per client address, in this process.
    pub sockets: Arc<SocketCounts>,
    pub shutdown: Shutdown,
}

/// A graceful stop. When it begins, the listener stops accepting, readiness answers 503,
/// every WebSocket is closed with 1001 ("going away": clients reconnect, to another instance
/// behind a load balancer, and resume with `since`), and in-flight requests run to their end
/// (a ballot is answered once it is committed). `serve` returns when all of that is done or
/// `SHUTDOWN_DEADLINE` has passed.
#[derive(Clone, Default)]
pub struct Shutdown {
    begun: tokio_util::sync::CancellationToken,
    sockets: tokio_util::task::TaskTracker,
}

/// How long in-flight requests and closing sockets may take once a shutdown begins; below the
/// 30 s an orchestrator (systemd, Kubernetes) waits after SIGTERM before it kills.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(20);

impl Shutdown {
    pub fn begin(&self) {
        self.begun.cancel();
    }

    pub fn has_begun(&self) -> bool {
        self.begun.is_cancelled()
    }

    /// Resolves once the shutdown has begun.
    pub async fn begun(&self) {
        self.begun.cancelled().await
    }

    /// Runs a WebSocket connection so that `serve` waits for its close.
    pub fn track_socket<F>(&self, connection: F) -> impl Future<Output = ()> + Send + 'static
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.sockets.track_future(connection)
    }

    pub(crate) async fn sockets_closed(&self) {
        self.sockets.close();
        self.sockets.wait().await
    }
}

impl AppState {
    pub fn new(db: Db) -> Self {
        Self::with_settings(db, ServerSettings::default())
    }

    pub fn with_settings(db: Db, settings: ServerSettings) -> Self {
        let db = db.with_files(settings.files.clone());
        // Events written by other instances on the same PostgreSQL database reach this one's
        // subscribers.
        db.events().listen_for_other_instances();
        // Rounds whose time is up are sealed (voters cut from their ballots) within a second;
        // old events and rate-limit windows are removed.
        crate::domain::housekeeping::start(
            db.clone(),
            crate::domain::housekeeping::Retention {
                events: Duration::from_secs(u64::from(settings.event_retention_days) * 86_400),
            },
        );
        // Notification mails and digests go to the outbox, and the outbox to the mail server.
        crate::domain::notifications::start_mail_worker(
            db.clone(),
            settings.mailer.clone(),
            settings.public_url.clone(),
            settings.digest_hour,
        );
        Self {
            ballot_box: BallotBox::start(db.clone()),
            live_tallies: LiveTallies::new(&db),
            db,
            settings: Arc::new(settings),
            sockets: Arc::default(),
            shutdown: Shutdown::default(),
        }
    }
}

/// WebSocket connections per address; a connection holds a `SocketSlot` while it lives.
#[derive(Default)]
pub struct SocketCounts(Mutex<HashMap<IpAddr, usize>>);

impl SocketCounts {
    /// A slot for one more connection from `addr`, unless it holds `limit` already.
    pub fn open(self: &Arc<Self>, addr: IpAddr, limit: usize) -> Option<SocketSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(addr).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            counts: self.clone(),
            addr,
        })
    }
}

pub struct SocketSlot {
    counts: Arc<SocketCounts>,
    addr: IpAddr,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(&self.addr) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.addr);
            }
        }
    }
}
