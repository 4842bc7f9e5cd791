//! Pabulib `.pb` files in and out: a closed round published as open data, and a real
//! election loaded as a forum with its proposals and anonymous ballots.
use chrono::{NaiveDate, TimeZone};
use entity::{
    account, ballot, cycle,
    enums::{
        BallotMethod, CycleStatus, ForumLevel, ForumStatus, ProposalStatus, ProposerType,
        RegionLevel, SelectionLimit, VerificationStatus,
    },
    forum, proposal, round_proposal, voting_round,
};
use num_traits::ToPrimitive;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{
    find, now,
    outcome::{load_round, money, selection_budget},
    voting,
};
use crate::{
    auth,
    db::Db,
    error::{AppError, AppResult},
    pabulib::{self, Election, Project, Vote, VoteType},
};

/// A closed round as a Pabulib `.pb` file: open data with anonymous voter ids, which any
/// implementation of the rules can tally again.
pub async fn export_pb(db: &Db, round_id: i32) -> AppResult<String> {
    let conn = db.reader();
    let round = find::<voting_round::Entity>(conn, round_id, "voting round").await?;
    if !voting::is_closed(&round, now()) {
        return Err(AppError::precondition(
            "ballots are published when the round closes",
        ));
    }
    let forum = find::<forum::Entity>(conn, round.forum_id, "forum").await?;
    let (proposals, projects, ballots) = load_round(conn, &round).await?;
    let budget = selection_budget(&forum, projects.iter().map(|(_, cost)| *cost));
    let vote_type = match round.method {
        BallotMethod::Approval | BallotMethod::Knapsack => VoteType::Approval,
        BallotMethod::ChooseOne => VoteType::ChooseOne,
        BallotMethod::Cumulative => VoteType::Cumulative,
        BallotMethod::Ranking => VoteType::Ordinal,
    };
    let closed = round.closed_at.unwrap_or(round.closes_at);
    let mut meta = vec![
        (
            "description".to_owned(),
            format!("{} — {}", forum.name, round.title),
        ),
        ("country".to_owned(), "Indonesia".to_owned()),
        ("unit".to_owned(), forum.name.clone()),
        ("instance".to_owned(), round.title.clone()),
        ("rule".to_owned(), round.rule.clone()),
        (
            "date_begin".to_owned(),
            round.opens_at.format("%d.%m.%Y").to_string(),
        ),
        ("date_end".to_owned(), closed.format("%d.%m.%Y").to_string()),
        ("currency".to_owned(), "IDR".to_owned()),
        ("language".to_owned(), "id".to_owned()),
    ];
    match round.method {
        BallotMethod::Approval => meta.push((
            "max_length".to_owned(),
            round.max_choices.unwrap_or_default().to_string(),
        )),
        BallotMethod::Knapsack => meta.push((
            "max_sum_cost".to_owned(),
            round.cost_limit.unwrap_or_default().to_string(),
        )),
        BallotMethod::Ranking => meta.push((
            "max_length".to_owned(),
            round.max_choices.unwrap_or_default().to_string(),
        )),
        BallotMethod::Cumulative => {
            meta.push((
                "max_sum_points".to_owned(),
                round.points_budget.unwrap_or_default().to_string(),
            ));
            meta.push((
                "max_points".to_owned(),
                round
                    .max_points_per_proposal
                    .unwrap_or_default()
                    .to_string(),
            ));
        }
        BallotMethod::ChooseOne => {}
    }
    let election = Election {
        meta,
        budget: money(budget),
        vote_type,
        project_fields: vec!["name".to_owned()],
        projects: proposals
            .iter()
            .zip(&projects)
            .map(|(p, (code, cost))| Project {
                id: code.clone(),
                cost: money(*cost),
                fields: vec![Some(p.title.clone())],
            })
            .collect(),
        vote_fields: Vec::new(),
        votes: ballots
            .iter()
            .enumerate()
            .map(|(i, choices)| {
                let mut ordered = choices.clone();
                if round.method == BallotMethod::Ranking {
                    ordered.sort_by_key(|(_, position)| *position);
                }
                Vote {
                    voter_id: (i + 1).to_string(),
                    projects: ordered.iter().map(|(index, _)| *index).collect(),
                    points: if round.method == BallotMethod::Cumulative {
                        ordered.iter().map(|(_, p)| money(i64::from(*p))).collect()
                    } else {
                        Vec::new()
                    },
                    fields: Vec::new(),
                }
            })
            .collect(),
    };
    Ok(pabulib::write(&election))
}

/// What `import_pb` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedElection {
    pub forum_id: i32,
    pub round_id: i32,
    pub proposals: usize,
    pub ballots: usize,
}

const IMPORTER_EMAIL: &str = "impor-pabulib@musrenbang.local";

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn pb_date(text: Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = NaiveDate::parse_from_str(text?.trim(), "%d.%m.%Y").ok()?;
    chrono::Utc
        .from_local_datetime(&date.and_hms_opt(12, 0, 0)?)
        .single()
}

/// The rule a round of this method uses for an election's declared rule.
fn rule_for(method: BallotMethod, declared: Option<&str>) -> &'static str {
    match (method, declared.unwrap_or_default()) {
        (BallotMethod::Cumulative, _) => "greedy_points",
        (BallotMethod::Ranking, _) => "greedy_borda",
        (_, rule) if rule.starts_with("equalshares") => "mes_add1",
        _ => "greedy",
    }
}

/// Loads an election as a closed forum of its own (a region, a cycle, a forum, verified
/// proposals and one closed round with the anonymous ballots), in one transaction.
/// Costs are whole Rupiah in this product, so fractional costs are rounded to the nearest unit
/// and a fractional budget is rounded down.
pub async fn import_pb(db: &Db, election: &Election) -> AppResult<ImportedElection> {
    let method =
        match election.vote_type {
            VoteType::Approval => BallotMethod::Approval,
            VoteType::ChooseOne => BallotMethod::ChooseOne,
            VoteType::Cumulative => BallotMethod::Cumulative,
            VoteType::Ordinal => BallotMethod::Ranking,
            VoteType::Scoring => return Err(AppError::precondition(
                "scoring ballots cannot be imported: no ballot method of this product takes them",
            )),
        };
    let meta = |key: &str| {
        election
            .meta_value(key)
            .filter(|v| !v.trim().is_empty() && v != "None")
    };
    let unit = meta("unit").unwrap_or_else(|| "Pabulib".to_owned());
    let instance = meta("instance").unwrap_or_default();
    let closes = pb_date(meta("date_end")).unwrap_or_else(now);
    let opens = pb_date(meta("date_begin")).unwrap_or(closes);
    let importer_hash = auth::hash_password(auth::new_token().0).await?;

    let txn = db.begin().await?;
    let importer = match account::Entity::find()
        .filter(account::Column::Email.eq(IMPORTER_EMAIL))
        .one(&txn)
        .await?
    {
        Some(found) => found,
        None => {
            account::ActiveModel {
                name: Set("Impor Pabulib".into()),
                email: Set(Some(IMPORTER_EMAIL.into())),
                password_hash: Set(importer_hash),
                verification: Set(VerificationStatus::Unverified),
                created_at: Set(now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let tag = &auth::new_token().0[..10];
    let place = super::regions::insert(
        &txn,
        &format!("PB-{tag}"),
        &clip(&format!("{unit} (Pabulib)"), 200),
        RegionLevel::KabupatenKota,
        None,
    )
    .await?;
    let cycle = cycle::ActiveModel {
        plan_year: Set(closes.format("%Y").to_string().parse().unwrap_or(2000)),
        name: Set(clip(
            &meta("description").unwrap_or_else(|| unit.clone()),
            200,
        )),
        region_id: Set(place.id),
        status: Set(CycleStatus::Closed),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let budget = election
        .budget
        .floor()
        .to_integer()
        .to_i64()
        .ok_or_else(|| AppError::field("file", "budget", "the budget is too large"))?;
    let forum = forum::ActiveModel {
        cycle_id: Set(cycle.id),
        level: Set(ForumLevel::KabupatenKota),
        region_id: Set(place.id),
        name: Set(clip(&format!("{unit} {instance}"), 200)),
        status: Set(ForumStatus::Closed),
        budget_ceiling: Set(Some(budget)),
        selection_limit: Set(SelectionLimit::Budget),
        tolerance_percent: Set(0),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Codes keep the file's id order as strings, so ties are broken as the file's rules break them.
    let mut order: Vec<usize> = (0..election.projects.len()).collect();
    order.sort_by(|a, b| election.projects[*a].id.cmp(&election.projects[*b].id));
    let name_column = election.project_fields.iter().position(|f| f == "name");
    let mut proposal_ids = vec![0; election.projects.len()];
    let mut costs = vec![0i64; election.projects.len()];
    for (rank, &index) in order.iter().enumerate() {
        let project = &election.projects[index];
        let cost = project.cost.round().to_integer().to_i64().ok_or_else(|| {
            AppError::field(
                "file",
                "cost",
                format!("project {} costs too much", project.id),
            )
        })?;
        let name = name_column
            .and_then(|c| project.fields.get(c).cloned().flatten())
            .unwrap_or_else(|| format!("Proyek {}", project.id));
        let created = proposal::ActiveModel {
            code: Set(format!("PB{}-{:05}", forum.id, rank + 1)),
            cycle_id: Set(cycle.id),
            forum_id: Set(forum.id),
            level: Set(ForumLevel::KabupatenKota),
            status: Set(ProposalStatus::Verified),
            title: Set(clip(&format!("{name} [{}]", project.id), 200)),
            problem: Set(format!(
                "Diimpor dari Pabulib: {}",
                meta("description").unwrap_or_default()
            )),
            solution: Set(format!("Proyek {} dari {unit} {instance}", project.id)),
            physical: Set(false),
            region_id: Set(place.id),
            address: Set(clip(&unit, 300)),
            volume: Set(1.0),
            unit: Set("paket".into()),
            estimated_cost: Set(cost),
            beneficiaries: Set(0),
            proposer_type: Set(ProposerType::CommunityGroup),
            proposer_id: Set(importer.id),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        proposal_ids[index] = created.id;
        costs[index] = cost;
    }
    let longest = election
        .votes
        .iter()
        .map(|v| v.projects.len())
        .max()
        .unwrap_or(1) as i32;
    let meta_number = |key: &str| {
        meta(key)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|v| v as i32)
    };
    let most_points = election
        .votes
        .iter()
        .map(|v| {
            v.points
                .iter()
                .filter_map(|p| p.round().to_integer().to_i32())
                .sum::<i32>()
        })
        .max()
        .unwrap_or(1);
    let round = voting_round::ActiveModel {
        forum_id: Set(forum.id),
        title: Set(clip(&format!("Pabulib: {unit} {instance}"), 200)),
        method: Set(method),
        max_choices: Set(
            matches!(method, BallotMethod::Approval | BallotMethod::Ranking)
                .then(|| meta_number("max_length").unwrap_or(longest).max(longest)),
        ),
        points_budget: Set((method == BallotMethod::Cumulative).then(|| {
            meta_number("max_sum_points")
                .unwrap_or(most_points)
                .max(most_points)
        })),
        max_points_per_proposal: Set((method == BallotMethod::Cumulative)
            .then(|| meta_number("max_points").unwrap_or(most_points))),
        cost_limit: Set(None),
        rule: Set(rule_for(method, meta("rule").as_deref()).to_owned()),
        opens_at: Set(opens),
        closes_at: Set(closes.max(opens)),
        closed_at: Set(Some(closes.max(opens))),
        live_tally: Set(false),
        // Open data has no voters to cut from their ballots.
        sealed_at: Set(Some(now())),
        created_by: Set(importer.id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    round_proposal::Entity::insert_many((0..election.projects.len()).map(|i| {
        round_proposal::ActiveModel {
            round_id: Set(round.id),
            proposal_id: Set(proposal_ids[i]),
            cost: Set(costs[i]),
            ..Default::default()
        }
    }))
    .exec(&txn)
    .await?;
    for chunk in election.votes.chunks(500) {
        let rows = chunk.iter().map(|vote| {
            let choices: Vec<(i32, i32)> = vote
                .projects
                .iter()
                .enumerate()
                .map(|(position, &index)| {
                    let points = match method {
                        BallotMethod::Ranking => position as i32 + 1,
                        BallotMethod::Cumulative => vote
                            .points
                            .get(position)
                            .and_then(|p| p.round().to_integer().to_i32())
                            .unwrap_or(0),
                        _ => 1,
                    };
                    (proposal_ids[index], points)
                })
                .collect();
            voting::encode_choices(&choices).map(|choices| ballot::ActiveModel {
                round_id: Set(round.id),
                voter_id: Set(None),
                choices: Set(choices),
                cast_at: Set(None),
                ..Default::default()
            })
        });
        if chunk.is_empty() {
            continue;
        }
        let rows = rows.collect::<AppResult<Vec<_>>>()?;
        ballot::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(ImportedElection {
        forum_id: forum.id,
        round_id: round.id,
        proposals: election.projects.len(),
        ballots: election.votes.len(),
    })
}
