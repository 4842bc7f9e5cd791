//! Reads a forum's priority list as export rows, a page at a time: a closed forum's fixed list
//! straight from its priority entries, an open forum's list as it stands, then the proposals the
//! forum rejected during verification.
use std::collections::HashMap;

use entity::{
    activity, agency, cycle,
    enums::{ForumStatus, OutcomeList, PriorityOutcome, ProposalStatus, RegionLevel},
    forum, priority_entry, proposal, proposal_attachment, proposal_status_change, region, sector,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use serde::Deserialize;

use super::table::{Decision, PriorityRow, Standing};
use crate::{
    domain::{
        escalation,
        regions::{self, TimeZone},
    },
    error::{AppError, AppResult},
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

    /// The forum's status as the documents name it.
    pub fn status_label(&self) -> &'static str {
        match self.forum.status {
            ForumStatus::Draft => "Draf",
            ForumStatus::Scheduled => "Terjadwal",
            ForumStatus::InSession => "Sedang bersidang",
            ForumStatus::Closed => "Ditutup",
            ForumStatus::Ratified => "Disahkan",
        }
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
    pub sector_id: Option<i32>,
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
            sector_id: p.sector_id,
        }
    }
}

/// Selects exactly the columns of `ExportedProposal` from `proposals`.
fn select_exported() -> sea_orm::Select<proposal::Entity> {
    use proposal::Column;
    proposal::Entity::find()
        .select_only()
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
        .column_as(Column::SectorId, "sector_id")
}

/// A fixed list's entry with its proposal: one element of the array `fixed_page_query` builds
/// (serde reads a struct from an array field by field, in this order).
#[derive(Debug, Deserialize)]
struct ExportedEntry {
    entry_id: i32,
    rank: i32,
    list: OutcomeList,
    outcome: PriorityOutcome,
    support: String,
    cost: i64,
    note: String,
    proposal_id: i32,
    code: String,
    title: String,
    activity_id: Option<i32>,
    region_id: i32,
    volume: f64,
    unit: String,
    estimated_cost: i64,
    initial_agency_id: Option<i32>,
    final_agency_id: Option<i32>,
    sector_id: Option<i32>,
}

/// One page of a closed forum's list as a single JSON array, built by the database. A page of
/// 2,000 entries then crosses from the database as one value instead of 34,000 separately
/// allocated ones, which halves the time of a 100,000-row export (`docs/benchmarks.md`).
fn fixed_page_query(
    backend: DbBackend,
    forum_id: i32,
    (after_rank, after_id): (i32, i32),
) -> Statement {
    const COLUMNS: &str = "pe.id, pe.rank, pe.list, pe.outcome, pe.support, pe.cost, pe.note, \
        p.id, p.code, p.title, p.activity_id, p.region_id, p.volume, p.unit, p.estimated_cost, \
        p.initial_agency_id, p.final_agency_id, p.sector_id";
    let page = |p: char| {
        format!(
            "FROM priority_entries pe JOIN proposals p ON p.id = pe.proposal_id \
             WHERE pe.forum_id = {p}1 AND (pe.rank > {p}2 OR (pe.rank = {p}2 AND pe.id > {p}3)) \
             ORDER BY pe.rank, pe.id LIMIT {p}4"
        )
    };
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT COALESCE(json_agg(entry ORDER BY entry_rank, entry_id), '[]')::text FROM \
             (SELECT json_build_array({COLUMNS}) AS entry, pe.rank AS entry_rank, \
             pe.id AS entry_id {}) page",
            page('$')
        ),
        // Concatenated as text: SQLite would re-parse JSON handed between queries.
        _ => format!(
            "SELECT '[' || COALESCE(group_concat(entry, ','), '') || ']' FROM \
             (SELECT json_array({COLUMNS}) AS entry {})",
            page('?')
        ),
    };
    Statement::from_sql_and_values(
        backend,
        sql,
        [
            forum_id.into(),
            after_rank.into(),
            after_id.into(),
            (PAGE as i64).into(),
        ],
    )
}

/// Names looked up by id across a whole export: the catalogue is small, and regions are cached
/// by the proposals' region, so a scope never loads a region twice.
pub struct Lookups {
    activities: HashMap<i32, String>,
    agencies: HashMap<i32, String>,
    sectors: HashMap<i32, String>,
    /// What the links to files start with: the address residents reach the server at.
    link_base: String,
    /// Region id → where it lies: its desa/kelurahan (or its own name, above that level), and
    /// its RT/RW below that.
    locations: HashMap<i32, Location>,
}

#[derive(Debug, Clone, Default)]
struct Location {
    village: String,
    neighbourhood: String,
}

impl Lookups {
    pub async fn load(conn: &impl ConnectionTrait, link_base: &str) -> AppResult<Self> {
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
        let sectors = sector::Entity::find()
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok(Self {
            activities,
            agencies,
            sectors,
            link_base: link_base.trim_end_matches('/').to_owned(),
            locations: HashMap::new(),
        })
    }

    /// Finds the desa/kelurahan and RT/RW of every region not seen yet, from the materialised
    /// path.
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
        let found = region::Entity::find()
            .filter(region::Column::Id.is_in(missing))
            .all(conn)
            .await?;
        let ancestor_ids: Vec<i32> = found
            .iter()
            .flat_map(|r| regions::path_ids(&r.path))
            .collect();
        // The villages and neighbourhoods (RW, RT) on the regions' paths.
        let places: HashMap<i32, region::Model> = region::Entity::find()
            .filter(region::Column::Id.is_in(ancestor_ids))
            .filter(region::Column::Level.is_in([
                RegionLevel::DesaKelurahan,
                RegionLevel::Rw,
                RegionLevel::Rt,
            ]))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        for region in found {
            let on_path: Vec<&region::Model> = regions::path_ids(&region.path)
                .into_iter()
                .filter_map(|id| places.get(&id))
                .collect();
            let village = on_path
                .iter()
                .find(|r| r.level == RegionLevel::DesaKelurahan)
                .map(|r| r.name.clone());
            // Narrowest first, as addresses write it: "RT 03 / RW 02".
            let neighbourhood: Vec<&str> = on_path
                .iter()
                .rev()
                .filter(|r| matches!(r.level, RegionLevel::Rw | RegionLevel::Rt))
                .map(|r| r.name.as_str())
                .collect();
            self.locations.insert(
                region.id,
                Location {
                    village: village.unwrap_or(region.name),
                    neighbourhood: neighbourhood.join(" / "),
                },
            );
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
            proposal_id: proposal.id,
            forum_name: header.forum.name.clone(),
            rank: listed.rank,
            code: proposal.code.clone(),
            title: proposal.title.clone(),
            activity: proposal
                .activity_id
                .and_then(|id| self.activities.get(&id).cloned()),
            sector: proposal
                .sector_id
                .and_then(|id| self.sectors.get(&id).cloned()),
            location: self
                .locations
                .get(&proposal.region_id)
                .map(|l| l.village.clone())
                .unwrap_or_default(),
            neighbourhood: self
                .locations
                .get(&proposal.region_id)
                .map(|l| l.neighbourhood.clone())
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
            attachments: Vec::new(),
        }
    }

    /// The links to each row's own files (not those of its comments or implementation
    /// reports): every proposal an export shows is public, and so are its files.
    async fn link_files(
        &self,
        conn: &impl ConnectionTrait,
        rows: &mut [PriorityRow],
    ) -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut files: HashMap<i32, Vec<String>> = HashMap::new();
        for file in proposal_attachment::Entity::find()
            .filter(
                proposal_attachment::Column::ProposalId.is_in(rows.iter().map(|r| r.proposal_id)),
            )
            .filter(proposal_attachment::Column::CommentId.is_null())
            .filter(proposal_attachment::Column::ImplementationUpdateId.is_null())
            .order_by_asc(proposal_attachment::Column::Id)
            .all(conn)
            .await?
        {
            // Uploaded files are served here; older attachments name an address elsewhere.
            let link = if file.url.starts_with('/') {
                format!("{}{}", self.link_base, file.url)
            } else {
                file.url
            };
            files.entry(file.proposal_id).or_default().push(link);
        }
        for row in rows {
            if let Some(links) = files.remove(&row.proposal_id) {
                row.attachments = links;
            }
        }
        Ok(())
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
                let mut page = page;
                lookups.link_files(conn, &mut page).await?;
                return Ok(Some(page));
            }
        }
    }

    async fn fixed_page(
        &self,
        conn: &impl ConnectionTrait,
        lookups: &mut Lookups,
        after: (i32, i32),
    ) -> AppResult<(Vec<PriorityRow>, Option<(i32, i32)>)> {
        let query = fixed_page_query(conn.get_database_backend(), self.header.forum.id, after);
        let json: String = match conn.query_one(query).await? {
            Some(row) => row.try_get_by_index(0)?,
            None => "[]".to_owned(),
        };
        let mut entries: Vec<ExportedEntry> = serde_json::from_str(&json)
            .map_err(|e| AppError::internal("reading a priority list page", e))?;
        // SQLite aggregates in the subquery's order; sorting again costs nothing and does not
        // rely on it.
        entries.sort_by_key(|e| (e.rank, e.entry_id));
        let next = match entries.last() {
            Some(last) if entries.len() as u64 == PAGE => Some((last.rank, last.entry_id)),
            _ => None,
        };
        lookups
            .locate(conn, entries.iter().map(|e| e.region_id))
            .await?;
        let rows = entries
            .into_iter()
            .map(|e| {
                let proposal = ExportedProposal {
                    id: e.proposal_id,
                    code: e.code,
                    title: e.title,
                    activity_id: e.activity_id,
                    region_id: e.region_id,
                    volume: e.volume,
                    unit: e.unit,
                    estimated_cost: e.estimated_cost,
                    initial_agency_id: e.initial_agency_id,
                    final_agency_id: e.final_agency_id,
                    sector_id: e.sector_id,
                };
                lookups.row(
                    self.header,
                    &proposal,
                    Listed {
                        rank: Some(e.rank),
                        cost: e.cost,
                        support: e.support,
                        standing: standing(e.list),
                        decision: decision(e.outcome),
                        note: e.note,
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
    Ok(select_exported()
        .filter(proposal::Column::Id.is_in(ids))
        .into_model::<ExportedProposal>()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}
