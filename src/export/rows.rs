//! Reads a forum's priority list as export rows, a page at a time: a closed forum's fixed list
//! straight from its priority entries, an open forum's list as it stands, then the proposals the
//! forum rejected during verification.
use std::collections::HashMap;

use entity::{
    activity, agency, cycle,
    enums::{ForumStatus, OutcomeList, PriorityOutcome, ProposalStatus, RegionLevel},
    forum, priority_entry, proposal, proposal_status_change, region,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::table::{Decision, PriorityRow, Standing};
use crate::{
    domain::{escalation, regions::TimeZone},
    error::AppResult,
};

/// Rows read from the database at once: enough to keep queries few, small enough that a page
/// of any scope stays a few megabytes.
const PAGE: u64 = 2_000;

/// A forum with what its export names: region, cycle and the forum its list goes to.
#[derive(Debug, Clone)]
pub struct ForumHeader {
    pub forum: forum::Model,
    pub region_name: String,
    /// The zone the forum's region keeps: the minutes give local dates and times.
    pub time_zone: TimeZone,
    pub cycle: cycle::Model,
    pub parent_forum_name: Option<String>,
}

impl ForumHeader {
    /// Whether the forum's results are published: anyone may read them.
    pub fn published(&self) -> bool {
        matches!(
            self.forum.status,
            ForumStatus::Closed | ForumStatus::Ratified
        )
    }

    /// Whether closing the forum fixed its list in priority entries.
    pub fn fixed(&self) -> bool {
        self.forum.closed_at.is_some()
    }
}

/// The columns of a proposal an export shows: reading only these (not the problem and solution
/// texts) keeps a 100,000-row export a matter of a second or two.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ExportedProposal {
    pub id: i32,
    pub code: String,
    pub title: String,
    pub activity_id: Option<i32>,
    pub region_id: i32,
    pub volume: f64,
    pub unit: String,
    pub estimated_cost: i64,
    pub initial_agency_id: Option<i32>,
    pub final_agency_id: Option<i32>,
}

impl From<&proposal::Model> for ExportedProposal {
    fn from(p: &proposal::Model) -> Self {
        Self {
            id: p.id,
            code: p.code.clone(),
            title: p.title.clone(),
            activity_id: p.activity_id,
            region_id: p.region_id,
            volume: p.volume,
            unit: p.unit.clone(),
            estimated_cost: p.estimated_cost,
            initial_agency_id: p.initial_agency_id,
            final_agency_id: p.final_agency_id,
        }
    }
}

/// Selects exactly the columns of `ExportedProposal` from `proposals`.
fn select_exported<E: EntityTrait>(select: sea_orm::Select<E>) -> sea_orm::Select<E> {
    use proposal::Column;
    select
        .column_as(Column::Id, "id")
        .column_as(Column::Code, "code")
        .column_as(Column::Title, "title")
        .column_as(Column::ActivityId, "activity_id")
        .column_as(Column::RegionId, "region_id")
        .column_as(Column::Volume, "volume")
        .column_as(Column::Unit, "unit")
        .column_as(Column::EstimatedCost, "estimated_cost")
        .column_as(Column::InitialAgencyId, "initial_agency_id")
        .column_as(Column::FinalAgencyId, "final_agency_id")
}

/// A fixed list's entry with its proposal, read in one joined query.
#[derive(Debug, FromQueryResult)]
struct ExportedEntry {
    entry_id: i32,
    rank: i32,
    list: OutcomeList,
    outcome: PriorityOutcome,
    support: String,
    cost: i64,
    note: String,
    #[sea_orm(nested)]
    proposal: ExportedProposal,
}

/// Names looked up by id across a whole export: the catalogue is small, and regions are cached
/// by the proposals' region, so a scope never loads a region twice.
pub struct Lookups {
    activities: HashMap<i32, String>,
    agencies: HashMap<i32, String>,
    /// Region id → the name of the desa/kelurahan it lies in (or its own, above that level).
    locations: HashMap<i32, String>,
}

impl Lookups {
    pub async fn load(conn: &impl ConnectionTrait) -> AppResult<Self> {
        let activities = activity::Entity::find()
            .all(conn)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let agencies = agency::Entity::find()
            .all(conn)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        Ok(Self {
            activities,
            agencies,
            locations: HashMap::new(),
        })
    }

    /// Finds the desa/kelurahan of every region not seen yet, walking up the materialised path.
    async fn locate(
        &mut self,
        conn: &impl ConnectionTrait,
        region_ids: impl Iterator<Item = i32>,
    ) -> AppResult<()> {
        let mut missing: Vec<i32> = region_ids
            .filter(|id| !self.locations.contains_key(id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        let regions = region::Entity::find()
            .filter(region::Column::Id.is_in(missing))
            .all(conn)
            .await?;
        let ancestor_ids: Vec<i32> = regions
            .iter()
            .flat_map(|r| r.path.split('/').filter_map(|s| s.parse().ok()))
            .collect();
        let villages: HashMap<i32, String> = region::Entity::find()
            .filter(region::Column::Id.is_in(ancestor_ids))
            .filter(region::Column::Level.eq(RegionLevel::DesaKelurahan))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        for region in regions {
            let village = region
                .path
                .split('/')
                .filter_map(|s| s.parse::<i32>().ok())
                .find_map(|id| villages.get(&id).cloned());
            self.locations
                .insert(region.id, village.unwrap_or(region.name));
        }
        Ok(())
    }

    fn row(
        &self,
        header: &ForumHeader,
        proposal: &ExportedProposal,
        listed: Listed,
    ) -> PriorityRow {
        PriorityRow {
            forum_id: header.forum.id,
            forum_name: header.forum.name.clone(),
            rank: listed.rank,
            code: proposal.code.clone(),
            title: proposal.title.clone(),
            activity: proposal
                .activity_id
                .and_then(|id| self.activities.get(&id).cloned()),
            location: self
                .locations
                .get(&proposal.region_id)
                .cloned()
                .unwrap_or_default(),
            volume: proposal.volume,
            unit: proposal.unit.clone(),
            cost: listed.cost,
            // The agency the forum settled on; before that, the one the proposer named.
            agency: proposal
                .final_agency_id
                .or(proposal.initial_agency_id)
                .and_then(|id| self.agencies.get(&id).cloned()),
            support: listed.support,
            standing: listed.standing,
            decision: listed.decision,
            note: listed.note,
        }
    }
}

/// What the list says of one proposal.
struct Listed {
    rank: Option<i32>,
    cost: i64,
    support: String,
    standing: Standing,
    decision: Decision,
    note: String,
}

fn standing(list: OutcomeList) -> Standing {
    match list {
        OutcomeList::Main => Standing::Main,
        OutcomeList::Reserve => Standing::Reserve,
        OutcomeList::Out => Standing::Out,
    }
}

fn decision(outcome: PriorityOutcome) -> Decision {
    match outcome {
        PriorityOutcome::Forwarded | PriorityOutcome::Accepted => Decision::Accommodated,
        PriorityOutcome::NotSelected => Decision::NotAccommodated,
        PriorityOutcome::Reserve => Decision::Pending,
    }
}

enum Stage {
    /// The fixed list, after this (rank, entry id): ranks may repeat.
    Fixed {
        after: (i32, i32),
    },
    /// The list as it stands now (one page: an open forum's list is computed whole).
    Draft,
    Rejected,
    Done,
}

/// The rows of one forum, page by page.
pub struct ForumRows<'a> {
    header: &'a ForumHeader,
    stage: Stage,
}

impl<'a> ForumRows<'a> {
    pub fn new(header: &'a ForumHeader) -> Self {
        let stage = if header.fixed() {
            Stage::Fixed { after: (0, 0) }
        } else {
            Stage::Draft
        };
        Self { header, stage }
    }

    /// The next page of rows, or `None` when the forum has no more.
    pub async fn next_page(
        &mut self,
        conn: &impl ConnectionTrait,
        lookups: &mut Lookups,
    ) -> AppResult<Option<Vec<PriorityRow>>> {
        loop {
            let page = match self.stage {
                Stage::Fixed { after } => {
                    let (page, last) = self.fixed_page(conn, lookups, after).await?;
                    self.stage = match last {
                        Some(last) => Stage::Fixed { after: last },
                        None => Stage::Rejected,
                    };
                    page
                }
                Stage::Draft => {
                    self.stage = Stage::Rejected;
                    self.draft_page(conn, lookups).await?
                }
                Stage::Rejected => {
                    self.stage = Stage::Done;
                    self.rejected_page(conn, lookups).await?
                }
                Stage::Done => return Ok(None),
            };
            if !page.is_empty() {
                return Ok(Some(page));
            }
        }
    }

    async fn fixed_page(
        &self,
        conn: &impl ConnectionTrait,
        lookups: &mut Lookups,
        (after_rank, after_id): (i32, i32),
    ) -> AppResult<(Vec<PriorityRow>, Option<(i32, i32)>)> {
        use priority_entry::Column;
        let entries: Vec<ExportedEntry> = select_exported(
            priority_entry::Entity::find()
                .select_only()
                .column_as(Column::Id, "entry_id")
                .column(Column::Rank)
                .column(Column::List)
                .column(Column::Outcome)
                .column(Column::Support)
                .column(Column::Cost)
                .column(Column::Note),
        )
        .join(
            JoinType::InnerJoin,
            priority_entry::Entity::belongs_to(proposal::Entity)
                .from(Column::ProposalId)
                .to(proposal::Column::Id)
                .into(),
        )
        .filter(Column::ForumId.eq(self.header.forum.id))
        .filter(
            Condition::any().add(Column::Rank.gt(after_rank)).add(
                Condition::all()
                    .add(Column::Rank.eq(after_rank))
                    .add(Column::Id.gt(after_id)),
            ),
        )
        .order_by_asc(Column::Rank)
        .order_by_asc(Column::Id)
        .limit(PAGE)
        .into_model()
        .all(conn)
        .await?;
        let next = match entries.last() {
            Some(last) if entries.len() as u64 == PAGE => Some((last.rank, last.entry_id)),
            _ => None,
        };
        lookups
            .locate(conn, entries.iter().map(|e| e.proposal.region_id))
            .await?;
        let rows = entries
            .into_iter()
            .map(|entry| {
                lookups.row(
                    self.header,
                    &entry.proposal,
                    Listed {
                        rank: Some(entry.rank),
                        cost: entry.cost,
                        support: entry.support,
                        standing: standing(entry.list),
                        decision: decision(entry.outcome),
                        note: entry.note,
                    },
                )
            })
            .collect();
        Ok((rows, next))
    }

    async fn draft_page(
        &self,
        conn: &impl ConnectionTrait,
        lookups: &mut Lookups,
    ) -> AppResult<Vec<PriorityRow>> {
        let draft = escalation::draft_list(conn, &self.header.forum, None).await?;
        lookups
            .locate(conn, draft.rows.iter().map(|r| r.proposal.region_id))
            .await?;
        Ok(draft
            .rows
            .into_iter()
            .map(|listed| {
                lookups.row(
                    self.header,
                    &ExportedProposal::from(&listed.proposal),
                    Listed {
                        rank: Some(listed.rank),
                        cost: listed.cost,
                        support: listed.support,
                        standing: standing(listed.list),
                        // Nothing is decided before the forum closes.
                        decision: Decision::Pending,
                        note: listed.note,
                    },
                )
            })
            .collect())
    }

    /// Proposals the forum rejected while verifying, with the note of the rejection; not those
    /// its fixed list already shows (closing records their end as a status change too).
    async fn rejected_page(
        &self,
        conn: &impl ConnectionTrait,
        lookups: &mut Lookups,
    ) -> AppResult<Vec<PriorityRow>> {
        let changes = proposal_status_change::Entity::find()
            .filter(proposal_status_change::Column::ForumId.eq(self.header.forum.id))
            .filter(proposal_status_change::Column::ToStatus.eq(ProposalStatus::Rejected))
            .order_by_asc(proposal_status_change::Column::Id)
            .all(conn)
            .await?;
        let listed: Vec<i32> = changes.iter().map(|c| c.proposal_id).collect();
        let mut seen: std::collections::HashSet<i32> = if listed.is_empty() {
            Default::default()
        } else {
            priority_entry::Entity::find()
                .filter(priority_entry::Column::ForumId.eq(self.header.forum.id))
                .filter(priority_entry::Column::ProposalId.is_in(listed))
                .all(conn)
                .await?
                .into_iter()
                .map(|e| e.proposal_id)
                .collect()
        };
        let changes: Vec<_> = changes
            .into_iter()
            .filter(|c| !seen.contains(&c.proposal_id))
            .collect();
        let proposals = proposals_by_id(conn, changes.iter().map(|c| c.proposal_id)).await?;
        lookups
            .locate(conn, proposals.values().map(|p| p.region_id))
            .await?;
        Ok(changes
            .into_iter()
            .filter(|change| seen.insert(change.proposal_id))
            .filter_map(|change| {
                let proposal = proposals.get(&change.proposal_id)?;
                let reason = change.note.unwrap_or_default();
                Some(lookups.row(
                    self.header,
                    proposal,
                    Listed {
                        rank: None,
                        cost: proposal.estimated_cost,
                        support: String::new(),
                        standing: Standing::RejectedAtVerification,
                        decision: Decision::NotAccommodated,
                        note: if reason.is_empty() {
                            "Ditolak saat verifikasi".to_owned()
                        } else {
                            format!("Ditolak saat verifikasi: {reason}")
                        },
                    },
                ))
            })
            .collect())
    }
}

async fn proposals_by_id(
    conn: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> AppResult<HashMap<i32, ExportedProposal>> {
    let ids: Vec<i32> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(select_exported(proposal::Entity::find().select_only())
        .filter(proposal::Column::Id.is_in(ids))
        .into_model::<ExportedProposal>()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}
