//! Live sessions and the event log in the schema: thin resolvers over `domain::sessions` and
//! `realtime`. Merged into the `Query` and `Mutation` roots.
use std::sync::Arc;

use async_graphql::{dataloader::DataLoader, Context, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::{
    account, agenda_item, chat_message,
    enums::{EventKind, Gender, HandStatus, ItemDecision, PollKind, SessionStatus},
    forum, live_session, proposal, session_attendance, session_mute, session_poll, speaker_request,
};

use super::{
    actor, db,
    loaders::ById,
    signed_in,
    types::{Account, Forum, Proposal},
};
use crate::{
    domain::access::Actor,
    domain::{
        self,
        sessions::{
            self, agenda, attendance, chat,
            minutes::SessionMinutes,
            polls::{self, PollResults},
            speakers, Step,
        },
        throttle::{self, ClientAddr},
    },
    events::{self, Event, StreamKey},
};

async fn by_id<E: sea_orm::EntityTrait>(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> Result<Option<E::Model>>
where
    E::Model: Clone + Send + Sync,
{
    match id {
        Some(id) => Ok(ctx
            .data_unchecked::<DataLoader<ById<E>>>()
            .load_one(id)
            .await?),
        None => Ok(None),
    }
}

/// One event of a forum's or a session's stream.
pub struct LiveEvent(pub Arc<Event>);

#[Object]
impl LiveEvent {
    /// The event's number in its stream: 1, 2, 3, … in commit order, without gaps. A client
    /// that reconnects subscribes with `since` set to the last number it saw.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }
    /// `forum:ID` or `session:ID`.
    async fn stream(&self) -> &str {
        &self.0.stream
    }
    async fn kind(&self) -> EventKind {
        self.0.kind
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Who caused it.
    async fn actor_id(&self) -> Option<i32> {
        self.0.actor_id
    }
    /// The record it is about (proposal, comment, session, agenda item, message, …).
    async fn subject_id(&self) -> Option<i32> {
        self.0.subject_id
    }
    /// The details, by kind (camelCase keys; enum values as the API spells them).
    async fn data(&self) -> Json<&serde_json::Value> {
        Json(&self.0.data)
    }
}

pub struct LiveSession(pub live_session::Model);

#[Object]
impl LiveSession {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn forum_id(&self) -> i32 {
        self.0.forum_id
    }
    async fn forum(&self, ctx: &Context<'_>) -> Result<Option<Forum>> {
        Ok(by_id::<forum::Entity>(ctx, Some(self.0.forum_id))
            .await?
            .map(Forum))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }
    async fn status(&self) -> SessionStatus {
        self.0.status
    }
    async fn opened_at(&self) -> Option<DateTime<Utc>> {
        self.0.opened_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    async fn current_item(&self, ctx: &Context<'_>) -> Result<Option<AgendaItem>> {
        Ok(by_id::<agenda_item::Entity>(ctx, self.0.current_item_id)
            .await?
            .map(AgendaItem))
    }
    async fn agenda(&self, ctx: &Context<'_>) -> Result<Vec<AgendaItem>> {
        Ok(agenda::items(db(ctx).reader(), self.0.id)
            .await?
            .into_iter()
            .map(AgendaItem)
            .collect())
    }
    /// The attendance list (daftar hadir), in order of arrival: for the forum's staff only
    /// (null with FORBIDDEN for anyone else; everyone sees `attendanceCounts`).
    async fn attendance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<session_attendance::Model>>> {
        Ok(Some(
            attendance::staff_list(db(ctx), actor(ctx), self.0.id).await?,
        ))
    }
    /// How many are present (by gender) and how many guests wait, for everyone.
    async fn attendance_counts(&self, ctx: &Context<'_>) -> Result<attendance::AttendanceCounts> {
        Ok(attendance::counts(db(ctx).reader(), self.0.id).await?)
    }
    /// The latest chat messages, oldest first.
    async fn chat(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 500))] last: i32,
    ) -> Result<Vec<ChatMessage>> {
        let staff = sessions::is_moderator(db(ctx), actor(ctx), &self.0).await?;
        let messages = chat::messages(db(ctx).reader(), self.0.id, last as u64).await?;
        Ok(messages
            .into_iter()
            .map(|m| ChatMessage {
                model: m,
                staff_view: staff,
            })
            .collect())
    }
    /// Who has the floor (first) and the raised hands in order.
    async fn speaker_queue(&self, ctx: &Context<'_>) -> Result<Vec<SpeakerRequest>> {
        Ok(speakers::queue(db(ctx).reader(), self.0.id)
            .await?
            .into_iter()
            .map(SpeakerRequest)
            .collect())
    }
    async fn polls(&self, ctx: &Context<'_>) -> Result<Vec<Poll>> {
        Ok(polls::of_session(db(ctx).reader(), self.0.id)
            .await?
            .into_iter()
            .map(Poll)
            .collect())
    }
    /// The minutes (berita acara), once the session is closed.
    async fn minutes(&self) -> Result<Option<SessionMinutes>> {
        match &self.0.minutes {
            Some(text) => Ok(Some(serde_json::from_str(text).map_err(|e| {
                crate::error::AppError::internal("reading stored minutes", e)
            })?)),
            None => Ok(None),
        }
    }
    /// The last event of the session's stream: load this view, then subscribe to
    /// `sessionEvents(since: lastSequence)`.
    async fn last_sequence(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(events::last_sequence(db(ctx).reader(), StreamKey::Session(self.0.id)).await?)
    }
    async fn viewer_is_moderator(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(sessions::is_moderator(db(ctx), actor(ctx), &self.0).await?)
    }
    /// The viewer's place on the attendance list: present, awaiting a moderator, or refused.
    async fn viewer_attendance_status(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<entity::enums::AttendanceStatus>> {
        match actor(ctx) {
            Some(viewer) => Ok(
                attendance::entry_of(db(ctx).reader(), self.0.id, viewer.id())
                    .await?
                    .map(|e| e.status),
            ),
            None => Ok(None),
        }
    }
    async fn viewer_checked_in(&self, ctx: &Context<'_>) -> Result<bool> {
        match actor(ctx) {
            Some(viewer) => Ok(
                attendance::entry_of(db(ctx).reader(), self.0.id, viewer.id())
                    .await?
                    .is_some(),
            ),
            None => Ok(false),
        }
    }
    /// Until when a moderator muted the viewer in the chat, if now.
    async fn viewer_muted_until(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        match actor(ctx) {
            Some(viewer) => Ok(chat::muted_until(db(ctx).reader(), self.0.id, viewer.id()).await?),
            None => Ok(None),
        }
    }
}

pub struct AgendaItem(pub agenda_item::Model);

#[Object]
impl AgendaItem {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn session_id(&self) -> i32 {
        self.0.session_id
    }
    async fn position(&self) -> i32 {
        self.0.position
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn proposal_id(&self) -> Option<i32> {
        self.0.proposal_id
    }
    /// The proposal discussed; none for a free topic.
    async fn proposal(&self, ctx: &Context<'_>) -> Result<Option<Proposal>> {
        Ok(by_id::<proposal::Entity>(ctx, self.0.proposal_id)
            .await?
            .map(Proposal))
    }
    async fn time_box_minutes(&self) -> Option<i32> {
        self.0.time_box_minutes
    }
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
    /// When the time box runs out.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        agenda::ends_at(&self.0)
    }
    async fn decision(&self) -> Option<ItemDecision> {
        self.0.decision
    }
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    async fn merged_into_id(&self) -> Option<i32> {
        self.0.merged_into_id
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}

pub struct ChatMessage {
    model: chat_message::Model,
    /// The viewer moderates the session and may read hidden text.
    staff_view: bool,
}

#[Object]
impl ChatMessage {
    async fn id(&self) -> i32 {
        self.model.id
    }
    async fn session_id(&self) -> i32 {
        self.model.session_id
    }
    async fn author_id(&self) -> i32 {
        self.model.author_id
    }
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        Ok(by_id::<account::Entity>(ctx, Some(self.model.author_id))
            .await?
            .map(Account::from))
    }
    async fn reply_to_id(&self) -> Option<i32> {
        self.model.reply_to_id
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn hidden(&self) -> bool {
        self.model.hidden_at.is_some()
    }
    async fn hidden_reason(&self) -> Option<&str> {
        self.model.hidden_reason.as_deref()
    }
    /// A hidden message's text is shown only to the moderators.
    async fn body(&self) -> Option<&str> {
        (self.model.hidden_at.is_none() || self.staff_view).then_some(self.model.body.as_str())
    }
}

pub struct SpeakerRequest(pub speaker_request::Model);

#[Object]
impl SpeakerRequest {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn account_id(&self) -> i32 {
        self.0.account_id
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        Ok(by_id::<account::Entity>(ctx, Some(self.0.account_id))
            .await?
            .map(Account::from))
    }
    async fn status(&self) -> HandStatus {
        self.0.status
    }
    async fn raised_at(&self) -> DateTime<Utc> {
        self.0.raised_at
    }
    async fn floor_at(&self) -> Option<DateTime<Utc>> {
        self.0.floor_at
    }
    async fn floor_seconds(&self) -> Option<i32> {
        self.0.floor_seconds
    }
    /// When the speaking time runs out.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        speakers::floor_ends_at(&self.0)
    }
}

pub struct Poll(pub session_poll::Model);

#[Object]
impl Poll {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn session_id(&self) -> i32 {
        self.0.session_id
    }
    async fn agenda_item_id(&self) -> Option<i32> {
        self.0.agenda_item_id
    }
    async fn question(&self) -> &str {
        &self.0.question
    }
    async fn kind(&self) -> PollKind {
        self.0.kind
    }
    async fn options(&self) -> Result<Vec<String>> {
        Ok(polls::options_of(&self.0)?)
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    async fn is_open(&self) -> bool {
        self.0.closed_at.is_none()
    }
    async fn results(&self, ctx: &Context<'_>) -> Result<PollResults> {
        Ok(polls::results(db(ctx).reader(), &self.0).await?)
    }
    /// The viewer's answer (an option index) while the poll is open; not kept after it.
    async fn my_answer(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        match actor(ctx) {
            Some(viewer) => Ok(polls::my_answer(db(ctx).reader(), &self.0, viewer.id()).await?),
            None => Ok(None),
        }
    }
}

fn events(list: Vec<Arc<Event>>) -> Vec<LiveEvent> {
    list.into_iter().map(LiveEvent).collect()
}

#[derive(Default)]
pub struct LiveQuery;

#[Object]
impl LiveQuery {
    async fn live_session(&self, ctx: &Context<'_>, id: i32) -> Result<LiveSession> {
        Ok(LiveSession(sessions::get(db(ctx), id).await?))
    }

    /// The live sessions of a forum, by start time.
    async fn live_sessions(&self, ctx: &Context<'_>, forum_id: i32) -> Result<Vec<LiveSession>> {
        Ok(sessions::of_forum(db(ctx), forum_id)
            .await?
            .into_iter()
            .map(LiveSession)
            .collect())
    }

    /// A forum's activity after `since`, oldest first (the same events `forumActivity` streams).
    async fn forum_events(
        &self,
        ctx: &Context<'_>,
        forum_id: i32,
        #[graphql(default = 0)] since: i64,
        #[graphql(default = 100, validator(minimum = 1, maximum = 500))] first: i32,
    ) -> Result<Vec<LiveEvent>> {
        domain::find::<forum::Entity>(db(ctx).reader(), forum_id, "forum").await?;
        Ok(events(
            events::load(
                db(ctx).reader(),
                &StreamKey::Forum(forum_id).to_string(),
                since,
                None,
                first as u64,
            )
            .await?,
        ))
    }

    /// The last sequence number of a forum's activity (0 before any).
    async fn forum_event_sequence(&self, ctx: &Context<'_>, forum_id: i32) -> Result<i64> {
        Ok(events::last_sequence(db(ctx).reader(), StreamKey::Forum(forum_id)).await?)
    }

    /// A live session's events after `since`, oldest first.
    async fn session_events(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        #[graphql(default = 0)] since: i64,
        #[graphql(default = 100, validator(minimum = 1, maximum = 500))] first: i32,
    ) -> Result<Vec<LiveEvent>> {
        sessions::get(db(ctx), session_id).await?;
        Ok(events(
            events::load(
                db(ctx).reader(),
                &StreamKey::Session(session_id).to_string(),
                since,
                None,
                first as u64,
            )
            .await?,
        ))
    }
}

#[derive(Default)]
pub struct LiveMutation;

fn me<'a>(ctx: &Context<'a>) -> Result<&'a Actor> {
    Ok(signed_in(ctx)?)
}

#[Object]
impl LiveMutation {
    /// A moderator schedules a live session of the forum (a place, an online link, or both).
    async fn schedule_session(
        &self,
        ctx: &Context<'_>,
        input: sessions::ScheduleSessionInput,
    ) -> Result<LiveSession> {
        Ok(LiveSession(
            sessions::schedule(db(ctx), me(ctx)?, input).await?,
        ))
    }
    async fn open_session(&self, ctx: &Context<'_>, session_id: i32) -> Result<LiveSession> {
        Ok(LiveSession(
            sessions::step(db(ctx), me(ctx)?, session_id, Step::Open).await?,
        ))
    }
    async fn pause_session(&self, ctx: &Context<'_>, session_id: i32) -> Result<LiveSession> {
        Ok(LiveSession(
            sessions::step(db(ctx), me(ctx)?, session_id, Step::Pause).await?,
        ))
    }
    async fn resume_session(&self, ctx: &Context<'_>, session_id: i32) -> Result<LiveSession> {
        Ok(LiveSession(
            sessions::step(db(ctx), me(ctx)?, session_id, Step::Resume).await?,
        ))
    }
    /// Closes the session: the floor and open polls end, and the minutes are assembled.
    async fn close_session(&self, ctx: &Context<'_>, session_id: i32) -> Result<LiveSession> {
        Ok(LiveSession(
            sessions::step(db(ctx), me(ctx)?, session_id, Step::Close).await?,
        ))
    }

    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: agenda::AgendaItemInput,
    ) -> Result<AgendaItem> {
        Ok(AgendaItem(agenda::add(db(ctx), me(ctx)?, input).await?))
    }
    /// Moves an item to a 1-based position; returns the agenda.
    async fn move_agenda_item(
        &self,
        ctx: &Context<'_>,
        item_id: i32,
        position: i32,
    ) -> Result<Vec<AgendaItem>> {
        Ok(agenda::move_to(db(ctx), me(ctx)?, item_id, position)
            .await?
            .into_iter()
            .map(AgendaItem)
            .collect())
    }
    async fn remove_agenda_item(&self, ctx: &Context<'_>, item_id: i32) -> Result<Vec<AgendaItem>> {
        Ok(agenda::remove(db(ctx), me(ctx)?, item_id)
            .await?
            .into_iter()
            .map(AgendaItem)
            .collect())
    }
    /// Makes an item the current one (its time box starts), or none.
    async fn set_current_item(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        item_id: Option<i32>,
    ) -> Result<LiveSession> {
        Ok(LiveSession(
            agenda::set_current(db(ctx), me(ctx)?, session_id, item_id).await?,
        ))
    }
    /// Records the decision on an item; a proposal's status follows the workflow.
    async fn decide_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: agenda::DecideItemInput,
    ) -> Result<AgendaItem> {
        Ok(AgendaItem(agenda::decide(db(ctx), me(ctx)?, input).await?))
    }

    /// The signed-in person checks in online: present at once if they may vote in the forum
    /// (or run it), otherwise a guest awaiting a moderator's `decideAttendance`.
    async fn check_in(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        role_or_institution: Option<String>,
        gender: Option<Gender>,
    ) -> Result<session_attendance::Model> {
        Ok(
            attendance::check_in(db(ctx), me(ctx)?, session_id, role_or_institution, gender)
                .await?,
        )
    }
    /// A moderator lets a guest take part (`approve: true`) or not.
    async fn decide_attendance(
        &self,
        ctx: &Context<'_>,
        attendance_id: i32,
        approve: bool,
    ) -> Result<session_attendance::Model> {
        Ok(attendance::decide(db(ctx), me(ctx)?, attendance_id, approve).await?)
    }
    /// The moderator marks someone present in the hall.
    async fn mark_present(
        &self,
        ctx: &Context<'_>,
        input: attendance::MarkPresentInput,
    ) -> Result<session_attendance::Model> {
        Ok(attendance::mark_present(db(ctx), me(ctx)?, input).await?)
    }

    /// Participants write in the session's chat (five messages per ten seconds).
    async fn send_chat_message(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        body: String,
        reply_to_id: Option<i32>,
    ) -> Result<ChatMessage> {
        let state = ctx.data_unchecked::<crate::state::AppState>();
        // Per participant the chat's own rate holds (five in ten seconds); per address, this.
        throttle::take_action(
            db(ctx),
            "chat",
            None,
            ctx.data_opt::<ClientAddr>().copied().unwrap_or_default(),
            state.settings.limits.chat_per_address,
        )
        .await?;
        let message = chat::send(db(ctx), me(ctx)?, session_id, &body, reply_to_id).await?;
        Ok(ChatMessage {
            model: message,
            staff_view: false,
        })
    }
    /// Hides a message from the public with a reason; the text is kept for the record.
    async fn hide_chat_message(
        &self,
        ctx: &Context<'_>,
        message_id: i32,
        reason: String,
    ) -> Result<ChatMessage> {
        let message = chat::hide(db(ctx), me(ctx)?, message_id, &reason).await?;
        Ok(ChatMessage {
            model: message,
            staff_view: true,
        })
    }
    /// Mutes a participant in the chat for some minutes (0 lifts the mute).
    async fn mute_participant(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        account_id: i32,
        minutes: i32,
        reason: Option<String>,
    ) -> Result<session_mute::Model> {
        Ok(chat::mute(db(ctx), me(ctx)?, session_id, account_id, minutes, reason).await?)
    }

    async fn raise_hand(&self, ctx: &Context<'_>, session_id: i32) -> Result<SpeakerRequest> {
        Ok(SpeakerRequest(
            speakers::raise_hand(db(ctx), me(ctx)?, session_id).await?,
        ))
    }
    /// Lowers the viewer's hand, or (moderators) someone else's.
    async fn lower_hand(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        account_id: Option<i32>,
    ) -> Result<SpeakerRequest> {
        Ok(SpeakerRequest(
            speakers::lower_hand(db(ctx), me(ctx)?, session_id, account_id).await?,
        ))
    }
    /// Gives the floor (for `seconds`, default 180) to someone, or to the next raised hand.
    async fn give_floor(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        account_id: Option<i32>,
        seconds: Option<i32>,
    ) -> Result<Option<SpeakerRequest>> {
        Ok(
            speakers::give_floor(db(ctx), me(ctx)?, session_id, account_id, seconds)
                .await?
                .map(SpeakerRequest),
        )
    }
    /// Ends the current turn and gives the floor to the next raised hand (null if none).
    async fn next_speaker(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
        seconds: Option<i32>,
    ) -> Result<Option<SpeakerRequest>> {
        Ok(
            speakers::give_floor(db(ctx), me(ctx)?, session_id, None, seconds)
                .await?
                .map(SpeakerRequest),
        )
    }
    /// Ends the current turn.
    async fn end_floor(
        &self,
        ctx: &Context<'_>,
        session_id: i32,
    ) -> Result<Option<SpeakerRequest>> {
        Ok(speakers::end_floor(db(ctx), me(ctx)?, session_id)
            .await?
            .map(SpeakerRequest))
    }

    /// Opens a poll on the current agenda item.
    async fn open_poll(&self, ctx: &Context<'_>, input: polls::OpenPollInput) -> Result<Poll> {
        Ok(Poll(polls::open(db(ctx), me(ctx)?, input).await?))
    }
    /// Answers a poll once, by the option's index.
    async fn answer_poll(&self, ctx: &Context<'_>, poll_id: i32, choice: i32) -> Result<Poll> {
        Ok(Poll(
            polls::answer(db(ctx), me(ctx)?, poll_id, choice).await?,
        ))
    }
    async fn close_poll(&self, ctx: &Context<'_>, poll_id: i32) -> Result<Poll> {
        Ok(Poll(polls::close(db(ctx), me(ctx)?, poll_id).await?))
    }
}
