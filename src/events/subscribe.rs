//! One subscriber of one stream: the table after `since`, then live events, each exactly once
//! and in order.
use std::{collections::VecDeque, sync::Arc};

use futures_util::{stream, Stream};
use tokio::sync::broadcast::{self, error::RecvError};

use super::{load, Event, Hub, StreamKey};
use crate::error::{AppError, AppResult};

/// Membership of a stream's broadcast; leaving drops the stream when nobody else here follows
/// it.
struct Membership {
    hub: Hub,
    key: Arc<str>,
    receiver: Option<broadcast::Receiver<Arc<Event>>>,
}

impl Drop for Membership {
    fn drop(&mut self) {
        drop(self.receiver.take());
        self.hub.leave(&self.key);
    }
}

struct Subscriber {
    membership: Membership,
    /// The last sequence delivered (or `since`); None: live only, from the next event.
    last: Option<i64>,
    /// Rows read from the table, not yet delivered.
    backlog: VecDeque<Arc<Event>>,
    /// The table may hold more rows after `last` than the backlog.
    reading: bool,
    page: u64,
    finished: bool,
}

/// Events of `stream` with a sequence above `since` (all past ones first), then live ones.
/// Without `since`, only events committed from now on. Ends with `RESYNC_REQUIRED` if the
/// subscriber falls more than the buffer behind.
pub fn subscribe(
    hub: &Hub,
    stream: StreamKey,
    since: Option<i64>,
) -> impl Stream<Item = AppResult<Arc<Event>>> + Send + 'static {
    let hub = hub.clone();
    let key: Arc<str> = stream.to_string().into();
    // Join before reading the table: whatever commits after the read is then in the broadcast.
    let (_, receiver) = hub.join(&key);
    let page = hub.config().page.max(1);
    let subscriber = Subscriber {
        membership: Membership {
            hub,
            key,
            receiver: Some(receiver),
        },
        last: since,
        backlog: VecDeque::new(),
        reading: since.is_some(),
        page,
        finished: false,
    };
    stream::unfold(subscriber, |mut sub| async move {
        let item = sub.next().await?;
        Some((item, sub))
    })
}

impl Subscriber {
    async fn next(&mut self) -> Option<AppResult<Arc<Event>>> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(event) = self.backlog.pop_front() {
                if self.last.is_some_and(|last| event.sequence <= last) {
                    continue;
                }
                self.last = Some(event.sequence);
                return Some(Ok(event));
            }
            if self.reading {
                let hub = &self.membership.hub;
                match load(
                    hub.reader(),
                    &self.membership.key,
                    self.last.unwrap_or(0),
                    None,
                    self.page,
                )
                .await
                {
                    Ok(rows) => {
                        let after = self.last.unwrap_or(0);
                        // Sequences have no gaps: a missing one was removed by the retention
                        // policy, and the subscriber must load the current state afresh.
                        if let Some(first) = rows.first().filter(|e| e.sequence > after + 1) {
                            self.finished = true;
                            return Some(Err(AppError::ResyncRequired {
                                last_sequence: first.sequence - 1,
                            }));
                        }
                        self.reading = rows.len() as u64 >= self.page;
                        self.backlog.extend(rows);
                        continue;
                    }
                    Err(err) => {
                        self.finished = true;
                        return Some(Err(err));
                    }
                }
            }
            let receiver = self.membership.receiver.as_mut()?;
            match receiver.recv().await {
                Ok(event) => match self.last {
                    Some(last) if event.sequence <= last => continue,
                    Some(last) if event.sequence > last + 1 => {
                        // A gap (a race at joining, or an instance's event announced late):
                        // the table has everything up to this event.
                        self.reading = true;
                        continue;
                    }
                    _ => {
                        self.last = Some(event.sequence);
                        return Some(Ok(event));
                    }
                },
                Err(RecvError::Lagged(_)) => {
                    self.finished = true;
                    return Some(Err(AppError::ResyncRequired {
                        last_sequence: self.last.unwrap_or(0),
                    }));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
