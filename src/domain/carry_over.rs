//! Carry-over: a proposal that did not make it this year continues into the next cycle in one
//! action, linked to the original, without retyping (residents' most common complaint).
use async_graphql::InputObject;
use entity::{
    cycle,
    enums::{CycleStatus, ForumStatus, ProposalStatus},
    forum, proposal, proposal_attachment, region,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::{access, audit, find, now, planning, proposals, regions};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
};

#[derive(Debug, Clone, InputObject)]
pub struct CarryOverInput {
    pub proposal_id: i32,
    /// The later cycle to continue in.
    pub cycle_id: i32,
}

/// Whether a proposal's path this cycle has ended without it being selected.
pub fn may_carry_over(source: &proposal::Model, forum: &forum::Model) -> bool {
    match source.status {
        ProposalStatus::Rejected | ProposalStatus::NotAccepted => true,
        // A reserve proposal is still in play until its forum closes.
        ProposalStatus::Reserve => {
            matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified)
        }
        _ => false,
    }
}

/// Copies the proposal into the entry forum of the later cycle that covers its location, as
/// submitted, with its attachments; the proposer stays the proposer.
pub async fn carry_over(
    db: &Db,
    actor: &Actor,
    input: CarryOverInput,
) -> AppResult<proposal::Model> {
    let txn = db.begin().await?;
    let source = find::<proposal::Entity>(&txn, input.proposal_id, "proposal").await?;
    let source_forum = find::<forum::Entity>(&txn, source.forum_id, "forum").await?;
    if source.proposer_id != actor.id()
        && !access::is_forum_staff(&txn, actor, &source_forum).await?
    {
        return Err(AppError::forbidden(
            "only the proposer or the forum's staff may carry a proposal over",
        ));
    }
    if !may_carry_over(&source, &source_forum) {
        return Err(AppError::precondition(format!(
            "a {} proposal is still in play or was accepted; only one not selected can be carried over",
            source.status
        )));
    }
    if let Some(existing) = proposal::Entity::find()
        .filter(proposal::Column::CarriedOverFromId.eq(source.id))
        .one(&txn)
        .await?
    {
        return Err(AppError::Conflict(format!(
            "already carried over as {}",
            existing.code
        )));
    }
    let source_cycle = find::<cycle::Entity>(&txn, source.cycle_id, "cycle").await?;
    let target_cycle = find::<cycle::Entity>(&txn, input.cycle_id, "cycle").await?;
    if target_cycle.plan_year <= source_cycle.plan_year {
        return Err(AppError::field(
            "cycleId",
            "later",
            format!(
                "choose a cycle after {} (plan year {})",
                source_cycle.name, source_cycle.plan_year
            ),
        ));
    }
    if target_cycle.status != CycleStatus::Active {
        return Err(AppError::precondition(format!(
            "{} is not open for proposals",
            target_cycle.name
        )));
    }
    let place = find::<region::Entity>(&txn, source.region_id, "region").await?;
    let forum = entry_forum(&txn, &target_cycle, &place).await?;
    planning::require_stage_open(&txn, &forum).await?;

    let at = now();
    let mut copy = source.clone().into_active_model().reset_all();
    copy.id = sea_orm::ActiveValue::NotSet;
    copy.cycle_id = Set(target_cycle.id);
    copy.forum_id = Set(forum.id);
    copy.level = Set(forum.level);
    copy.status = Set(ProposalStatus::Draft);
    copy.merged_into_id = Set(None);
    copy.carried_over_from_id = Set(Some(source.id));
    copy.implementation_status = Set(None);
    copy.final_agency_id = Set(source.final_agency_id.or(source.initial_agency_id));
    copy.created_at = Set(at);
    copy.updated_at = Set(at);
    let draft = proposals::insert_draft(&txn, copy, source.proposer_id).await?;
    let attachments = proposal_attachment::Entity::find()
        .filter(proposal_attachment::Column::ProposalId.eq(source.id))
        // The proposal's own files; those of its comments and implementation stay behind.
        .filter(proposal_attachment::Column::CommentId.is_null())
        .filter(proposal_attachment::Column::ImplementationUpdateId.is_null())
        .all(&txn)
        .await?;
    for attachment in attachments {
        let mut copy = attachment.into_active_model().reset_all();
        copy.id = sea_orm::ActiveValue::NotSet;
        copy.proposal_id = Set(draft.id);
        copy.insert(&txn).await?;
    }
    let carried = proposals::apply_status(
        &txn,
        actor,
        draft,
        ProposalStatus::Submitted,
        None,
        Some(format!(
            "Dilanjutkan dari usulan {} ({})",
            source.code, source_cycle.name
        )),
    )
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "proposal.carry_over",
        "proposal",
        Some(carried.id),
        Some(&source),
        Some(&carried),
    )
    .await?;
    txn.commit().await?;
    Ok(carried)
}

/// The proposal that continues this one in a later cycle, if any.
pub async fn continuation(db: &Db, proposal_id: i32) -> AppResult<Option<proposal::Model>> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::CarriedOverFromId.eq(proposal_id))
        .one(db.reader())
        .await?)
}

/// The lowest open forum of the cycle whose region contains the place.
async fn entry_forum(
    conn: &impl sea_orm::ConnectionTrait,
    cycle: &cycle::Model,
    place: &region::Model,
) -> AppResult<forum::Model> {
    let forums = forum::Entity::find()
        .filter(forum::Column::CycleId.eq(cycle.id))
        .filter(forum::Column::Status.is_not_in([ForumStatus::Closed, ForumStatus::Ratified]))
        .all(conn)
        .await?;
    let mut covering = Vec::new();
    for forum in forums {
        if forum.agency_id.is_none() && regions::path_contains(&place.path, forum.region_id) {
            covering.push(forum);
        }
    }
    covering
        .into_iter()
        .min_by_key(|f| (f.level.order(), f.id))
        .ok_or_else(|| {
            AppError::precondition(format!(
                "{} has no open forum for {}",
                cycle.name, place.name
            ))
        })
}
