//! The data each kind of event carries: one serde type per kind, the contract between the
//! domain that publishes, the stored replay, and the web app (whose TypeScript types,
//! `frontend/src/lib/generated/events.ts`, are generated from these by a test).
//!
//! Status and decision values are spelled as the GraphQL API spells its enums (`SUBMITTED`),
//! because the web app compares them with query results.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::EventKind;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::sessions::{attendance::AttendanceCounts, polls::PollResults};
use crate::{
    error::{AppError, AppResult},
    events::{self, StreamKey, Txn},
};

fn is_false(value: &bool) -> bool {
    !*value
}

/// A proposal became public or changed status (`from`, `to`), possibly moving to another forum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProposalChange {
    pub proposal_id: i32,
    pub code: String,
    pub title: String,
    pub from: String,
    pub to: String,
    /// The reason given (returned for revision, rejected, …).
    pub note: Option<String>,
    pub forum_id: i32,
    pub level: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub estimated_cost: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CommentAdded {
    pub comment_id: i32,
    pub proposal_id: i32,
    pub proposal_code: String,
    pub parent_id: Option<i32>,
    pub author_id: i32,
    pub author_name: String,
    /// Null once a moderator hid the comment (the stored event is redacted).
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CommentHidden {
    pub comment_id: i32,
    pub proposal_id: i32,
    pub reason: String,
}

/// The forum closed; `outcomes` counts its proposals by where they went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ForumClosed {
    pub forum_id: i32,
    pub outcomes: BTreeMap<String, i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReservePromoted {
    pub forum_id: i32,
    pub proposal_id: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ImplementationReported {
    pub proposal_id: i32,
    pub status: String,
    pub happened_on: NaiveDate,
}

/// A session as its schedule and status events show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionChange {
    pub session_id: i32,
    pub forum_id: i32,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub status: String,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// An agenda item as it is now, without its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AgendaItemState {
    pub position: i32,
    pub title: String,
    pub proposal_id: Option<i32>,
    pub time_box_minutes: Option<i32>,
    pub started_at: Option<DateTime<Utc>>,
    /// When its time box runs out, once it is under way.
    pub ends_at: Option<DateTime<Utc>>,
    pub decision: Option<String>,
    pub decision_note: Option<String>,
    pub merged_into_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AgendaItem {
    pub item_id: i32,
    #[serde(flatten)]
    pub item: AgendaItemState,
}

/// The item under discussion now; `itemId` is null (and nothing else is sent) when none is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CurrentItem {
    pub item_id: Option<i32>,
    // ts-rs cannot flatten an Option: the generator writes this type's declaration itself.
    #[serde(flatten)]
    #[cfg_attr(test, ts(skip))]
    pub item: Option<AgendaItemState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ItemDecided {
    pub item_id: i32,
    #[serde(flatten)]
    pub item: AgendaItemState,
    /// The decided proposal's status after the decision, when the item had one.
    pub proposal_status: Option<String>,
}

/// The agenda's order after an item moved or was removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AgendaOrder {
    pub item_id: i32,
    pub order: Vec<i32>,
}

/// The attendance changed: counts only, never the person's name, account or gender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AttendanceChange {
    pub attendance_id: i32,
    pub channel: String,
    pub status: String,
    pub checked_in_at: DateTime<Utc>,
    /// People present (`counts.present`), for older clients.
    #[cfg_attr(test, ts(type = "number"))]
    pub count: i64,
    pub counts: AttendanceCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub message_id: i32,
    pub author_id: i32,
    pub author_name: String,
    pub reply_to_id: Option<i32>,
    /// Null once a moderator hid the message (the stored event is redacted).
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChatMessageHidden {
    pub message_id: i32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantMuted {
    pub account_id: i32,
    pub name: String,
    /// A time in the past lifts the mute.
    pub until: DateTime<Utc>,
    pub reason: Option<String>,
}

/// One raised hand, waiting or speaking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Speaker {
    pub request_id: i32,
    pub account_id: i32,
    pub name: Option<String>,
    pub status: String,
    pub raised_at: DateTime<Utc>,
    pub floor_at: Option<DateTime<Utc>>,
    pub floor_seconds: Option<i32>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// The speaker queue after a hand went up or down or the floor changed; `requestId` and
/// `accountId` name the request that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpeakerQueue {
    pub speaker: Option<Speaker>,
    pub queue: Vec<Speaker>,
    pub request_id: Option<i32>,
    pub account_id: Option<i32>,
}

/// A poll and its results as anyone may see them (never who answered what).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PollChange {
    pub poll_id: i32,
    pub agenda_item_id: Option<i32>,
    pub question: String,
    pub kind: String,
    pub results: PollResults,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A notification for the inbox's owner (read it with `notifications`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NotificationAdded {
    pub notification_id: i32,
}

/// A report changed status (or got a follow-up or a photo: `from` equals `to`). On the
/// coordinators' queue stream only the ids and statuses are set; the report's own and its
/// agency's streams carry the title and the note too. No event names the reporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReportChange {
    pub report_id: i32,
    pub from: Option<String>,
    pub to: String,
    pub title: Option<String>,
    pub note: Option<String>,
    pub agency_id: Option<i32>,
    /// Set when the change came from the clock: the report is overdue and escalated.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub escalated: bool,
}

macro_rules! live_event_data {
    ($($kind:ident($data:ty)),+ $(,)?) => {
        /// An event's data, by kind: the kind follows from the data, so they cannot disagree.
        #[derive(Debug, Clone, PartialEq)]
        pub enum LiveEventData {
            $($kind($data)),+
        }

        impl LiveEventData {
            pub fn kind(&self) -> EventKind {
                match self {
                    $(Self::$kind(_) => EventKind::$kind),+
                }
            }

            fn to_json(&self) -> serde_json::Result<Json> {
                match self {
                    $(Self::$kind(data) => serde_json::to_value(data)),+
                }
            }

            /// Reads stored data of the given kind; data of another shape is an error.
            pub fn decode(kind: EventKind, data: &Json) -> serde_json::Result<Self> {
                match kind {
                    $(EventKind::$kind => <$data>::deserialize(data).map(Self::$kind)),+
                }
            }

            /// Each kind with the name of its TypeScript type.
            #[cfg(test)]
            fn typescript_names() -> Vec<(EventKind, String)> {
                vec![$((EventKind::$kind, <$data as ts_rs::TS>::name())),+]
            }
        }
    };
}

live_event_data! {
    ProposalSubmitted(ProposalChange),
    ProposalStatusChanged(ProposalChange),
    CommentAdded(CommentAdded),
    CommentHidden(CommentHidden),
    ForumClosed(ForumClosed),
    ReservePromoted(ReservePromoted),
    ImplementationReported(ImplementationReported),
    SessionScheduled(SessionChange),
    SessionStatusChanged(SessionChange),
    AgendaItemAdded(AgendaItem),
    AgendaReordered(AgendaOrder),
    AgendaItemRemoved(AgendaOrder),
    CurrentItemChanged(CurrentItem),
    ItemDecided(ItemDecided),
    AttendeeCheckedIn(AttendanceChange),
    AttendanceDecided(AttendanceChange),
    ChatMessage(ChatMessage),
    ChatMessageHidden(ChatMessageHidden),
    ParticipantMuted(ParticipantMuted),
    HandRaised(SpeakerQueue),
    HandLowered(SpeakerQueue),
    FloorGiven(SpeakerQueue),
    FloorEnded(SpeakerQueue),
    PollOpened(PollChange),
    PollResults(PollChange),
    PollClosed(PollChange),
    NotificationAdded(NotificationAdded),
    ReportStatusChanged(ReportChange),
}

/// Publishes an event inside the caller's transaction; subscribers hear of it after the
/// commit. `actor_id` is left out where naming the actor would tell more than the data does.
pub async fn publish(
    txn: &Txn,
    stream: StreamKey,
    subject_id: Option<i32>,
    actor_id: Option<i32>,
    data: LiveEventData,
) -> AppResult<()> {
    let json = data
        .to_json()
        .map_err(|err| AppError::internal("event data cannot be written", err))?;
    events::publish(txn, stream, data.kind(), subject_id, actor_id, json).await?;
    Ok(())
}

/// Rewrites the stored events of `kind` about `subject_id` on a stream (e.g. removes the text
/// of a comment a moderator hid), so replays no longer carry it.
pub async fn redact(
    txn: &Txn,
    stream: StreamKey,
    kind: EventKind,
    subject_id: i32,
    edit: impl Fn(&mut LiveEventData),
) -> AppResult<()> {
    events::redact(txn, stream, subject_id, kind, |stored| {
        let mut data = LiveEventData::decode(kind, stored)
            .map_err(|err| AppError::internal("a stored event cannot be read", err))?;
        edit(&mut data);
        *stored = data
            .to_json()
            .map_err(|err| AppError::internal("event data cannot be written", err))?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ts_rs::TS;

    use super::*;
    use crate::domain::sessions::polls::PollOptionResult;

    /// The TypeScript the web app imports: each data type, and a map from event kind (as the
    /// GraphQL API spells it) to its data.
    fn typescript() -> String {
        let declarations = [
            ProposalChange::decl(),
            CommentAdded::decl(),
            CommentHidden::decl(),
            ForumClosed::decl(),
            ReservePromoted::decl(),
            ImplementationReported::decl(),
            SessionChange::decl(),
            AgendaItemState::decl(),
            AgendaItem::decl(),
            CurrentItem::decl(),
            ItemDecided::decl(),
            AgendaOrder::decl(),
            AttendanceCounts::decl(),
            AttendanceChange::decl(),
            ChatMessage::decl(),
            ChatMessageHidden::decl(),
            ParticipantMuted::decl(),
            Speaker::decl(),
            SpeakerQueue::decl(),
            PollOptionResult::decl(),
            PollResults::decl(),
            PollChange::decl(),
            NotificationAdded::decl(),
            ReportChange::decl(),
        ];
        let mut out = String::from(
            "// Generated from src/domain/live_events.rs by its test; do not edit.\n\
             // Regenerate: UPDATE_EVENT_TYPES=1 cargo test --lib live_events\n\n",
        );
        for declaration in declarations {
            // The item's fields come with an item, and none without (see `CurrentItem`).
            let declaration = if declaration.starts_with("type CurrentItem =") {
                "type CurrentItem = { itemId: number | null } & Partial<AgendaItemState>;"
                    .to_owned()
            } else {
                declaration
            };
            out.push_str("export ");
            out.push_str(&declaration);
            out.push_str("\n\n");
        }
        out.push_str(
            "/** The data of each kind of `LiveEvent`. */\nexport type LiveEventDataByKind = {\n",
        );
        for (kind, name) in LiveEventData::typescript_names() {
            out.push_str(&format!("  {}: {name};\n", events::enum_name(kind)));
        }
        out.push_str("};\n");
        out
    }

    #[test]
    fn the_web_app_has_the_current_event_types() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("frontend/src/lib/generated/events.ts");
        let current = typescript();
        if std::env::var_os("UPDATE_EVENT_TYPES").is_some() {
            std::fs::write(&path, &current).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == current,
            "{} is not current: run UPDATE_EVENT_TYPES=1 cargo test --lib live_events",
            path.display()
        );
    }

    #[test]
    fn data_of_the_wrong_shape_is_an_error_not_a_default() {
        let chat = serde_json::json!({ "messageId": 1 });
        assert!(LiveEventData::decode(EventKind::ChatMessage, &chat).is_err());
        let poll_as_chat =
            serde_json::json!({ "pollId": 1, "question": "?", "kind": "YES_NO_ABSTAIN" });
        assert!(LiveEventData::decode(EventKind::ChatMessage, &poll_as_chat).is_err());
    }

    #[test]
    fn no_current_item_is_sent_as_a_null_id_alone() {
        let none = LiveEventData::CurrentItemChanged(CurrentItem {
            item_id: None,
            item: None,
        });
        assert_eq!(
            none.to_json().unwrap(),
            serde_json::json!({ "itemId": null })
        );
        let decoded =
            LiveEventData::decode(EventKind::CurrentItemChanged, &none.to_json().unwrap());
        assert!(matches!(
            decoded,
            Ok(LiveEventData::CurrentItemChanged(CurrentItem {
                item_id: None,
                ..
            }))
        ));
    }

    #[test]
    fn a_hidden_flag_appears_only_once_set() {
        let mut chat = ChatMessage {
            message_id: 1,
            author_id: 2,
            author_name: "Siti".into(),
            reply_to_id: None,
            body: Some("halo".into()),
            created_at: Utc::now(),
            hidden: false,
        };
        let shown = serde_json::to_value(&chat).unwrap();
        assert!(shown.get("hidden").is_none());
        chat.hidden = true;
        chat.body = None;
        let hidden = serde_json::to_value(&chat).unwrap();
        assert_eq!(hidden["hidden"], true);
        assert_eq!(hidden["body"], Json::Null);
    }
}
