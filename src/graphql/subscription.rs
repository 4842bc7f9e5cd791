//! Subscriptions, over WebSocket on `/graphql` (see `server::ws`).
use std::sync::Arc;

use async_graphql::{Context, Result, Subscription};
use futures_util::{Stream, StreamExt};

use super::{actor, db, live::LiveEvent, state};
use crate::{
    domain::{access, voting, voting::live::TallyUpdate},
    error::AppError,
    events::{self, StreamKey},
};

pub struct SubscriptionRoot;

fn check_since(since: Option<i64>) -> Result<()> {
    if since.is_some_and(|s| s < 0) {
        return Err(AppError::field("since", "range", "must be 0 or more").into());
    }
    Ok(())
}

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// The running totals of a voting round: at once, then after ballots (a few updates a
    /// second at most), and the final totals last (`final: true`), when the round closes.
    /// Shows what the `tally` query shows: steps of a live tally, or the turnout only.
    async fn voting_tally(
        &self,
        ctx: &Context<'_>,
        round_id: i32,
    ) -> Result<impl Stream<Item = Arc<TallyUpdate>>> {
        voting::tally(db(ctx), round_id).await?;
        Ok(state(ctx).live_tallies.stream(round_id))
    }

    /// A forum's activity: proposals submitted and changing status, comments added and hidden,
    /// live sessions scheduled, opened and closed. With `since`, first every event after that
    /// sequence number, then live ones: no gap, no duplicate. Ends with `RESYNC_REQUIRED`
    /// (`extensions.lastSequence`) if the client falls too far behind.
    async fn forum_activity(
        &self,
        ctx: &Context<'_>,
        forum_id: i32,
        since: Option<i64>,
    ) -> Result<impl Stream<Item = Result<LiveEvent>>> {
        check_since(since)?;
        let stream = StreamKey::Forum(forum_id);
        access::authorize_stream(db(ctx).reader(), actor(ctx), stream).await?;
        Ok(events::subscribe(db(ctx).events(), stream, since)
            .map(|item| item.map(LiveEvent).map_err(Into::into)))
    }

    /// Everything in a live session: status, agenda and current item, decisions, attendance,
    /// chat, speaker queue, polls. `since` as for `forumActivity`.
    async fn session_events(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        since: Option<i64>,
    ) -> Result<impl Stream<Item = Result<LiveEvent>>> {
        check_since(since)?;
        let stream = StreamKey::Session(session_id);
        access::authorize_stream(db(ctx).reader(), actor(ctx), stream).await?;
        Ok(events::subscribe(db(ctx).events(), stream, since)
            .map(|item| item.map(LiveEvent).map_err(Into::into)))
    }

    /// The signed-in person's new notifications (`NOTIFICATION_ADDED`, with the id to read
    /// with `notifications`). `since` as for `forumActivity`. Nobody else's.
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        since: Option<i64>,
    ) -> Result<impl Stream<Item = Result<LiveEvent>>> {
        check_since(since)?;
        let me = actor(ctx).ok_or(AppError::Unauthenticated)?;
        let stream = StreamKey::Inbox(me.id());
        access::authorize_stream(db(ctx).reader(), actor(ctx), stream).await?;
        Ok(events::subscribe(db(ctx).events(), stream, since)
            .map(|item| item.map(LiveEvent).map_err(Into::into)))
    }

    /// A report's status changes and follow-ups (`REPORT_STATUS_CHANGED`), for those who may
    /// see the report. `since` as for `forumActivity`.
    async fn report_events(
        &self,
        ctx: &Context<'_>,
        report_id: i32,
        since: Option<i64>,
    ) -> Result<impl Stream<Item = Result<LiveEvent>>> {
        check_since(since)?;
        let stream = StreamKey::Report(report_id);
        access::authorize_stream(db(ctx).reader(), actor(ctx), stream).await?;
        Ok(events::subscribe(db(ctx).events(), stream, since)
            .map(|item| item.map(LiveEvent).map_err(Into::into)))
    }

    /// The changes of the reports an agency holds, for its staff (its queue, live).
    async fn agency_reports(
        &self,
        ctx: &Context<'_>,
        agency_id: i32,
        since: Option<i64>,
    ) -> Result<impl Stream<Item = Result<LiveEvent>>> {
        check_since(since)?;
        let stream = StreamKey::Agency(agency_id);
        access::authorize_stream(db(ctx).reader(), actor(ctx), stream).await?;
        Ok(events::subscribe(db(ctx).events(), stream, since)
            .map(|item| item.map(LiveEvent).map_err(Into::into)))
    }

    /// Status changes of the reports in the caller's area as staff, ids and statuses only
    /// (read the report itself for the rest, as far as one may). `regionId` narrows it to one
    /// region within that area, and then `since` replays as for `forumActivity`; without it,
    /// the whole area, live only.
    async fn report_queue(
        &self,
        ctx: &Context<'_>,
        region_id: Option<i32>,
        since: Option<i64>,
    ) -> Result<impl Stream<Item = Result<LiveEvent>>> {
        check_since(since)?;
        let streams = match region_id {
            Some(id) => {
                let stream = StreamKey::RegionReports(id);
                access::authorize_stream(db(ctx).reader(), actor(ctx), stream).await?;
                vec![stream]
            }
            None if since.is_some() => {
                return Err(AppError::field(
                    "since",
                    "needs_region",
                    "a replay follows one region: give regionId",
                )
                .into())
            }
            None => access::report_queue_regions(db(ctx).reader(), actor(ctx))
                .await?
                .into_iter()
                .map(StreamKey::RegionReports)
                .collect(),
        };
        let hub = db(ctx).events();
        Ok(futures_util::stream::select_all(
            streams
                .into_iter()
                .map(|stream| events::subscribe(hub, stream, since).boxed()),
        )
        .map(|item| item.map(LiveEvent).map_err(Into::into)))
    }
}
