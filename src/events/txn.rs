//! The transaction every mutation runs in. It is SeaORM's transaction plus an outbox: events
//! published inside it are announced to this process's subscribers once the commit succeeds
//! (and, on PostgreSQL, to other instances by the `NOTIFY` issued inside the transaction, which
//! PostgreSQL delivers only at commit). A rolled-back transaction announces nothing.
use std::{collections::BTreeSet, future::Future, ops::Deref, pin::Pin, sync::Arc, sync::Mutex};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, ExecResult, QueryResult,
    Statement,
};

use super::{Event, Hub};

#[derive(Default)]
pub(crate) struct Outbox {
    pub events: Vec<Arc<Event>>,
    pub tallies: BTreeSet<i32>,
    /// Accounts whose sign-in or roles changed.
    pub credentials: BTreeSet<i32>,
}

/// A write transaction (see `Db::begin`). Derefs to SeaORM's `DatabaseTransaction`.
pub struct Txn {
    inner: DatabaseTransaction,
    hub: Hub,
    outbox: Mutex<Outbox>,
}

impl Txn {
    pub(crate) fn new(inner: DatabaseTransaction, hub: Hub) -> Self {
        Self {
            inner,
            hub,
            outbox: Mutex::new(Outbox::default()),
        }
    }

    /// Commits, then announces the transaction's events to local subscribers.
    pub async fn commit(self) -> Result<(), DbErr> {
        let Self { inner, hub, outbox } = self;
        inner.commit().await?;
        hub.announce(
            outbox
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.inner.rollback().await
    }

    pub(crate) fn queue(&self, event: Arc<Event>) {
        self.outbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .events
            .push(event);
    }

    /// Marks a voting round's tally as changed: its subscribers get a recomputed tally (after
    /// the commit, coalesced), on every instance.
    pub async fn tally_changed(&self, round_id: i32) -> Result<(), DbErr> {
        self.mark(|o| &mut o.tallies, round_id, "tally").await
    }

    /// Marks an account's credentials as changed (signed out, a role granted or revoked): after
    /// the commit its WebSocket connections, on every instance, are closed, so that a client
    /// reconnects as whoever its token now stands for.
    pub async fn credentials_changed(&self, account_id: i32) -> Result<(), DbErr> {
        self.mark(|o| &mut o.credentials, account_id, "account")
            .await
    }

    /// Adds `id` to one of the outbox's sets; the first time, other instances are told too
    /// (`NOTIFY` "`kind`:`id`", delivered at commit).
    async fn mark(
        &self,
        set: impl FnOnce(&mut Outbox) -> &mut BTreeSet<i32>,
        id: i32,
        kind: &str,
    ) -> Result<(), DbErr> {
        let first = set(&mut self.outbox.lock().unwrap_or_else(|p| p.into_inner())).insert(id);
        if first && self.inner.get_database_backend() == DatabaseBackend::Postgres {
            super::pg::notify(&self.inner, &format!("{kind}:{id}")).await?;
        }
        Ok(())
    }
}

impl Deref for Txn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.inner
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

// `ConnectionTrait` is an `async_trait`; these are its methods written out, delegating to the
// inner transaction, so `&txn` works wherever SeaORM expects a connection.
impl ConnectionTrait for Txn {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.inner.get_database_backend()
    }

    fn execute<'life0, 'async_trait>(
        &'life0 self,
        stmt: Statement,
    ) -> BoxFuture<'async_trait, Result<ExecResult, DbErr>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        self.inner.execute(stmt)
    }

    fn execute_unprepared<'life0, 'life1, 'async_trait>(
        &'life0 self,
        sql: &'life1 str,
    ) -> BoxFuture<'async_trait, Result<ExecResult, DbErr>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        self.inner.execute_unprepared(sql)
    }

    fn query_one<'life0, 'async_trait>(
        &'life0 self,
        stmt: Statement,
    ) -> BoxFuture<'async_trait, Result<Option<QueryResult>, DbErr>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        self.inner.query_one(stmt)
    }

    fn query_all<'life0, 'async_trait>(
        &'life0 self,
        stmt: Statement,
    ) -> BoxFuture<'async_trait, Result<Vec<QueryResult>, DbErr>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        self.inner.query_all(stmt)
    }

    fn support_returning(&self) -> bool {
        self.inner.support_returning()
    }
}
