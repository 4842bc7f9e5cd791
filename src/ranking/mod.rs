//! Participatory-budgeting rules computed with exact arithmetic.
//!
//! The rules take a neutral [`Instance`] (projects, budget, ballots) and know nothing about any
//! file format. Their semantics follow the reference implementation (pabutools 1.2.3): ties are
//! broken by project id compared as a string, smallest first.

mod arith;
mod greedy;
pub(crate) mod hashing;
mod mes;
mod phragmen;
mod prepare;
pub mod scoring;

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use prepare::{Measure, Money, Profile};

/// How voters express their preferences on a ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BallotKind {
    /// A set of approved projects (also used for choose-1 ballots).
    Approval,
    /// Projects ranked best first.
    Ordinal,
    /// Points distributed over projects.
    Cumulative,
    /// A score per project.
    Scoring,
}

impl fmt::Display for BallotKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BallotKind::Approval => "approval",
            BallotKind::Ordinal => "ordinal",
            BallotKind::Cumulative => "cumulative",
            BallotKind::Scoring => "scoring",
        })
    }
}

/// A project that can be funded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// Identifier; ties between projects are broken by comparing ids as strings.
    pub id: String,
    /// Cost in currency units; must not be negative.
    pub cost: BigRational,
}

/// One ballot, possibly cast by several voters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    /// Indices into [`Instance::projects`]; for ordinal ballots best first. A project listed
    /// twice counts once (ordinal: its first position; points: its last points value).
    pub projects: Vec<usize>,
    /// Points parallel to `projects` for cumulative and scoring ballots; empty otherwise.
    pub points: Vec<BigRational>,
    /// Number of voters who cast exactly this ballot (usually 1).
    pub weight: u64,
}

impl Ballot {
    /// A ballot of one voter without points.
    pub fn new(projects: Vec<usize>) -> Ballot {
        Ballot {
            projects,
            points: Vec::new(),
            weight: 1,
        }
    }
}

/// Everything a rule needs: the budget, the projects and the ballots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Total money available.
    pub budget: BigRational,
    /// Kind of every ballot.
    pub kind: BallotKind,
    /// The projects; ballots refer to them by index.
    pub projects: Vec<Project>,
    /// The ballots.
    pub ballots: Vec<Ballot>,
}

/// The rules this module computes. Names match the reference outcome files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Greedy by number of supporters.
    Greedy,
    /// Greedy by supporters per unit of cost.
    GreedyCard,
    /// Greedy by Borda score per unit of cost (ordinal ballots).
    GreedyBorda,
    /// Greedy by points per unit of cost (cumulative or scoring ballots).
    GreedyPoints,
    /// Method of Equal Shares with cost satisfaction, no completion.
    Mes,
    /// Method of Equal Shares with one unit of satisfaction per supported project.
    MesCard,
    /// Method of Equal Shares with Borda satisfaction (ordinal ballots).
    MesBorda,
    /// Method of Equal Shares with points as satisfaction (cumulative or scoring ballots).
    MesPoints,
    /// `Mes` re-run with each voter's budget raised by one currency unit per run.
    MesAdd1,
    /// `MesAdd1` completed with `Greedy`.
    MesAdd1Greedy,
    /// Sequential Phragmén (approval ballots).
    Phragmen,
}

impl Rule {
    /// Every rule, in a stable order.
    pub const ALL: [Rule; 11] = [
        Rule::Greedy,
        Rule::GreedyCard,
        Rule::GreedyBorda,
        Rule::GreedyPoints,
        Rule::Mes,
        Rule::MesCard,
        Rule::MesBorda,
        Rule::MesPoints,
        Rule::MesAdd1,
        Rule::MesAdd1Greedy,
        Rule::Phragmen,
    ];

    /// The rule's name, e.g. `mes_add1`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Greedy => "greedy",
            Rule::GreedyCard => "greedy_card",
            Rule::GreedyBorda => "greedy_borda",
            Rule::GreedyPoints => "greedy_points",
            Rule::Mes => "mes",
            Rule::MesCard => "mes_card",
            Rule::MesBorda => "mes_borda",
            Rule::MesPoints => "mes_points",
            Rule::MesAdd1 => "mes_add1",
            Rule::MesAdd1Greedy => "mes_add1_greedy",
            Rule::Phragmen => "phragmen",
        }
    }

    /// Whether the rule can be applied to ballots of this kind.
    pub fn accepts(self, kind: BallotKind) -> bool {
        match self {
            Rule::GreedyBorda | Rule::MesBorda => kind == BallotKind::Ordinal,
            Rule::GreedyPoints | Rule::MesPoints => {
                matches!(kind, BallotKind::Cumulative | BallotKind::Scoring)
            }
            Rule::Phragmen => kind == BallotKind::Approval,
            _ => true,
        }
    }

    /// The satisfaction measure behind the rule's support figures.
    fn measure(self) -> Measure {
        match self {
            Rule::GreedyBorda | Rule::MesBorda => Measure::Borda,
            Rule::GreedyPoints | Rule::MesPoints => Measure::Points,
            _ => Measure::Membership,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Rule {
    type Err = RankingError;

    fn from_str(s: &str) -> Result<Rule, RankingError> {
        Rule::ALL
            .into_iter()
            .find(|rule| rule.name() == s)
            .ok_or_else(|| RankingError::UnknownRule(s.to_string()))
    }
}

/// Why a rule could not produce an outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankingError {
    /// No rule has this name.
    UnknownRule(String),
    /// The rule does not apply to this kind of ballot (e.g. Borda on approval ballots).
    WrongBallotKind {
        /// The rule asked for.
        rule: Rule,
        /// The kind of ballots in the instance.
        kind: BallotKind,
    },
    /// The instance is inconsistent (negative cost, unknown project index, ...).
    InvalidInstance(String),
    /// The input of the scoring-matrix rule is invalid.
    InvalidScoring(String),
}

impl fmt::Display for RankingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankingError::UnknownRule(name) => write!(f, "unknown rule '{name}'"),
            RankingError::WrongBallotKind { rule, kind } => {
                write!(f, "rule '{rule}' does not apply to {kind} ballots")
            }
            RankingError::InvalidInstance(message) => write!(f, "invalid instance: {message}"),
            RankingError::InvalidScoring(message) => write!(f, "invalid scoring input: {message}"),
        }
    }
}

impl std::error::Error for RankingError {}

/// The support figure a rule reports for a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Support {
    /// Number of voters whose ballot contains the project.
    Votes(u64),
    /// Total Borda score (a project at position i of a ballot of length L scores L − i − 1).
    Borda(u64),
    /// Total points.
    Points(BigRational),
    /// Assessment score on a 0–100 scale (scoring-matrix rule).
    Score(BigRational),
}

impl Support {
    /// Whether anybody supports the project at all.
    pub fn is_positive(&self) -> bool {
        match self {
            Support::Votes(v) | Support::Borda(v) => *v > 0,
            Support::Points(p) | Support::Score(p) => p.is_positive(),
        }
    }
}

/// Why a project ended up selected or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Chosen by the rule itself.
    Selected,
    /// Chosen when greedy completion filled the budget the main rule left over.
    AddedByGreedyCompletion,
    /// When its turn came, the money left was smaller than its cost.
    DidNotFitRemainingBudget {
        /// Money left when the project was considered.
        remaining: BigRational,
    },
    /// Equal shares: its supporters' remaining money could not pay for it.
    SupportersShareRanOut,
    /// Nobody gains satisfaction from it under the rule's measure (no supporters; or, under cost
    /// satisfaction, a free project).
    NoSupport,
    /// It costs more than the whole budget.
    CostExceedsBudget,
    /// The rule stopped before reaching it (Phragmén stops at the first project that does not fit).
    RuleStopped,
}

/// The result for one project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectOutcome {
    /// Index into [`Instance::projects`].
    pub project: usize,
    /// The project id.
    pub id: String,
    /// Cost of the project.
    pub cost: BigRational,
    /// The rule's support figure for the project.
    pub support: Support,
    /// 1-based position in the order the rule considered the projects.
    pub rank: usize,
    /// Total cost of the selected projects up to and including this one, in rank order.
    pub cumulative_cost: BigRational,
    /// Whether the project is funded.
    pub selected: bool,
    /// Why it is (not) funded.
    pub reason: Reason,
}

/// The full result of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The budget the rule worked with.
    pub budget: BigRational,
    /// Every project, in rank order.
    pub projects: Vec<ProjectOutcome>,
    /// Selected projects (indices into [`Instance::projects`]) in the order they were selected.
    pub main_list: Vec<usize>,
    /// Unselected projects that have some support, in the rule's order.
    pub reserve_list: Vec<usize>,
    /// Total cost of the selected projects.
    pub total_cost: BigRational,
    /// Equal-shares rules: each voter's initial budget in the run that produced the outcome.
    pub budget_per_voter: Option<BigRational>,
}

impl Outcome {
    /// Ids of the selected projects in selection order.
    pub fn selected_ids(&self) -> Vec<&str> {
        self.main_list
            .iter()
            .filter_map(|&index| self.for_project(index))
            .map(|p| p.id.as_str())
            .collect()
    }

    /// The result for the project with this index in the instance.
    pub fn for_project(&self, project: usize) -> Option<&ProjectOutcome> {
        self.projects.iter().find(|p| p.project == project)
    }
}

/// What a rule decided, before it is dressed up as an [`Outcome`].
pub(crate) struct Decision {
    /// Every project exactly once, in the order the rule considered them.
    pub rank_order: Vec<usize>,
    /// Selected projects in selection order.
    pub selection: Vec<usize>,
    /// Reason per project index.
    pub reasons: Vec<Reason>,
    pub budget_per_voter: Option<BigRational>,
}

impl Decision {
    /// Builds the outcome, computing ranks and running totals.
    pub(crate) fn into_outcome(
        self,
        projects: &[Project],
        budget: &BigRational,
        supports: Vec<Support>,
    ) -> Outcome {
        let mut selected = vec![false; projects.len()];
        for &p in &self.selection {
            selected[p] = true;
        }
        let mut supports: Vec<Option<Support>> = supports.into_iter().map(Some).collect();
        let mut reasons: Vec<Option<Reason>> = self.reasons.into_iter().map(Some).collect();
        let mut running = BigRational::zero();
        let mut entries = Vec::with_capacity(projects.len());
        for (position, &p) in self.rank_order.iter().enumerate() {
            if selected[p] {
                running += &projects[p].cost;
            }
            entries.push(ProjectOutcome {
                project: p,
                id: projects[p].id.clone(),
                cost: projects[p].cost.clone(),
                support: supports[p].take().unwrap_or(Support::Votes(0)),
                rank: position + 1,
                cumulative_cost: running.clone(),
                selected: selected[p],
                reason: reasons[p].take().unwrap_or(Reason::NoSupport),
            });
        }
        let reserve_list = entries
            .iter()
            .filter(|e| !e.selected && e.support.is_positive())
            .map(|e| e.project)
            .collect();
        Outcome {
            budget: budget.clone(),
            projects: entries,
            main_list: self.selection,
            reserve_list,
            total_cost: running,
            budget_per_voter: self.budget_per_voter,
        }
    }
}

/// Computes the outcome of `rule` on `instance`.
///
/// Fails when the rule does not fit the ballot kind or the instance is inconsistent.
pub fn select(instance: &Instance, rule: Rule) -> Result<Outcome, RankingError> {
    if !rule.accepts(instance.kind) {
        return Err(RankingError::WrongBallotKind {
            rule,
            kind: instance.kind,
        });
    }
    validate(instance)?;
    let money = Money::new(&instance.projects, &instance.budget);
    let profile = Profile::new(instance, rule.measure())?;
    let ids: Vec<&str> = instance.projects.iter().map(|p| p.id.as_str()).collect();
    let supports = supports_for(&profile, rule.measure());
    let decision = match rule {
        Rule::Greedy => greedy::run(&ids, &money, &profile, greedy::Density::Votes),
        Rule::GreedyCard => greedy::run(&ids, &money, &profile, greedy::Density::PerCost),
        Rule::GreedyBorda | Rule::GreedyPoints => {
            greedy::run(&ids, &money, &profile, greedy::Density::PerCost)
        }
        Rule::Mes => mes::run(&ids, &money, &profile, mes::Variant::plain(true)),
        Rule::MesCard | Rule::MesBorda | Rule::MesPoints => {
            mes::run(&ids, &money, &profile, mes::Variant::plain(false))
        }
        Rule::MesAdd1 => mes::run(&ids, &money, &profile, mes::Variant::add1(false)),
        Rule::MesAdd1Greedy => mes::run(&ids, &money, &profile, mes::Variant::add1(true)),
        Rule::Phragmen => phragmen::run(&ids, &money, &profile),
    };
    Ok(decision.into_outcome(&instance.projects, &instance.budget, supports))
}

fn validate(instance: &Instance) -> Result<(), RankingError> {
    if instance.budget.is_negative() {
        return Err(RankingError::InvalidInstance(
            "the budget is negative".to_string(),
        ));
    }
    if let Some(p) = instance.projects.iter().find(|p| p.cost.is_negative()) {
        return Err(RankingError::InvalidInstance(format!(
            "project '{}' has a negative cost",
            p.id
        )));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(p) = instance
        .projects
        .iter()
        .find(|p| !seen.insert(p.id.as_str()))
    {
        return Err(RankingError::InvalidInstance(format!(
            "project id '{}' appears twice",
            p.id
        )));
    }
    let uses_points = matches!(instance.kind, BallotKind::Cumulative | BallotKind::Scoring);
    for (number, ballot) in instance.ballots.iter().enumerate() {
        if let Some(&p) = ballot
            .projects
            .iter()
            .find(|&&p| p >= instance.projects.len())
        {
            return Err(RankingError::InvalidInstance(format!(
                "ballot {number} refers to project index {p}, but there are only {} projects",
                instance.projects.len()
            )));
        }
        if uses_points && ballot.points.len() != ballot.projects.len() {
            return Err(RankingError::InvalidInstance(format!(
                "ballot {number} lists {} projects but {} points",
                ballot.projects.len(),
                ballot.points.len()
            )));
        }
    }
    Ok(())
}

fn supports_for(profile: &Profile, measure: Measure) -> Vec<Support> {
    let totals = profile.totals();
    totals
        .into_iter()
        .enumerate()
        .map(|(p, total)| match measure {
            Measure::Membership => Support::Votes(profile.votes(p)),
            Measure::Borda => Support::Borda(u64::try_from(total).unwrap_or(u64::MAX)),
            Measure::Points => Support::Points(BigRational::new(
                BigInt::from(total),
                profile.value_scale.clone(),
            )),
        })
        .collect()
}
