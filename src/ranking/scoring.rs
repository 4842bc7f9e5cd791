//! The scoring-matrix rule: assessors score every proposal from 1 to 5 on weighted criteria;
//! proposals are funded by decreasing score while they fit the budget.

use std::collections::HashSet;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::{Decision, Outcome, Project, RankingError, Reason, Support};

/// Whether a high assessment makes a proposal better or worse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// 5 is best.
    Benefit,
    /// 5 is worst (e.g. "implementation risk"); a score s counts as 6 − s.
    Cost,
}

/// One criterion of the matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    /// Display name.
    pub name: String,
    /// Relative weight; must be positive.
    pub weight: BigRational,
    /// Whether high scores are good or bad.
    pub direction: Direction,
}

/// One assessor's scores for one proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Index into [`ScoringInput::proposals`].
    pub proposal: usize,
    /// Scores from 1 to 5, parallel to [`ScoringInput::criteria`].
    pub scores: Vec<u8>,
}

/// Everything the scoring-matrix rule needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoringInput {
    /// Money available.
    pub budget: BigRational,
    /// The proposals; ties in score are broken by id.
    pub proposals: Vec<Project>,
    /// The criteria.
    pub criteria: Vec<Criterion>,
    /// All assessments; a proposal may be assessed by any number of assessors.
    pub assessments: Vec<Assessment>,
}

/// Each proposal's score on a 0–100 scale, or `None` if nobody assessed it.
///
/// Per criterion the assessors' scores are averaged; the weighted average of those means,
/// mapped from 1–5 onto 0–100, is the proposal's score.
pub fn proposal_scores(input: &ScoringInput) -> Result<Vec<Option<BigRational>>, RankingError> {
    validate(input)?;
    let criteria = input.criteria.len();
    let mut sums = vec![vec![0u64; criteria]; input.proposals.len()];
    let mut counts = vec![0u64; input.proposals.len()];
    for assessment in &input.assessments {
        counts[assessment.proposal] += 1;
        for ((sum, &score), criterion) in sums[assessment.proposal]
            .iter_mut()
            .zip(&assessment.scores)
            .zip(&input.criteria)
        {
            *sum += match criterion.direction {
                Direction::Benefit => score as u64,
                Direction::Cost => 6 - score as u64,
            };
        }
    }
    let total_weight: BigRational = input.criteria.iter().map(|c| c.weight.clone()).sum();
    let scale = BigRational::from_integer(BigInt::from(100)) / (total_weight * BigInt::from(4));
    Ok(sums
        .iter()
        .zip(&counts)
        .map(|(sums, &count)| {
            (count > 0).then(|| {
                let count = BigInt::from(count);
                let weighted: BigRational = sums
                    .iter()
                    .zip(&input.criteria)
                    .map(|(&sum, criterion)| {
                        // mean − 1, with mean = sum / count
                        let above_floor =
                            BigRational::new(BigInt::from(sum) - &count, count.clone());
                        above_floor * &criterion.weight
                    })
                    .sum();
                weighted * &scale
            })
        })
        .collect())
}

/// Funds proposals by decreasing score (ties by id), skipping any that no longer fits.
/// Unassessed proposals are not funded.
pub fn select(input: &ScoringInput) -> Result<Outcome, RankingError> {
    let scores = proposal_scores(input)?;
    let mut order: Vec<usize> = (0..input.proposals.len()).collect();
    order.sort_by(|&a, &b| {
        scores[b]
            .cmp(&scores[a])
            .then_with(|| input.proposals[a].id.cmp(&input.proposals[b].id))
    });
    let mut remaining = input.budget.clone();
    let mut selection = Vec::new();
    let mut reasons = vec![Reason::NoSupport; input.proposals.len()];
    for &p in &order {
        let cost = &input.proposals[p].cost;
        if scores[p].is_none() {
            continue;
        }
        if *cost <= remaining {
            remaining -= cost;
            selection.push(p);
            reasons[p] = Reason::Selected;
        } else if *cost > input.budget {
            reasons[p] = Reason::CostExceedsBudget;
        } else {
            reasons[p] = Reason::DidNotFitRemainingBudget {
                remaining: remaining.clone(),
            };
        }
    }
    let supports = scores
        .into_iter()
        .map(|s| Support::Score(s.unwrap_or_else(BigRational::zero)))
        .collect();
    let decision = Decision {
        rank_order: order,
        selection,
        reasons,
        budget_per_voter: None,
    };
    Ok(decision.into_outcome(&input.proposals, &input.budget, supports))
}

fn validate(input: &ScoringInput) -> Result<(), RankingError> {
    let fail = |message: String| Err(RankingError::InvalidScoring(message));
    if input.criteria.is_empty() {
        return fail("there are no criteria".to_string());
    }
    if let Some(c) = input.criteria.iter().find(|c| !c.weight.is_positive()) {
        return fail(format!(
            "criterion '{}' has weight {}, but weights must be positive",
            c.name, c.weight
        ));
    }
    if input.budget.is_negative() {
        return fail("the budget is negative".to_string());
    }
    let mut ids = HashSet::new();
    for p in &input.proposals {
        if p.cost.is_negative() {
            return fail(format!("proposal '{}' has a negative cost", p.id));
        }
        if !ids.insert(p.id.as_str()) {
            return fail(format!("proposal id '{}' appears twice", p.id));
        }
    }
    for (number, a) in input.assessments.iter().enumerate() {
        let Some(proposal) = input.proposals.get(a.proposal) else {
            return fail(format!(
                "assessment {number} refers to proposal index {}, but there are only {} proposals",
                a.proposal,
                input.proposals.len()
            ));
        };
        if a.scores.len() != input.criteria.len() {
            return fail(format!(
                "assessment {number} of proposal '{}' has {} scores for {} criteria",
                proposal.id,
                a.scores.len(),
                input.criteria.len()
            ));
        }
        if let Some(s) = a.scores.iter().find(|s| !(1..=5).contains(*s)) {
            return fail(format!(
                "assessment {number} of proposal '{}' has score {s}, outside 1–5",
                proposal.id
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rational(n: i64) -> BigRational {
        BigRational::from_integer(BigInt::from(n))
    }

    fn proposal(id: &str, cost: i64) -> Project {
        Project {
            id: id.to_string(),
            cost: rational(cost),
        }
    }

    fn input() -> ScoringInput {
        ScoringInput {
            budget: rational(100),
            proposals: vec![proposal("a", 60), proposal("b", 50), proposal("c", 40)],
            criteria: vec![
                Criterion {
                    name: "impact".to_string(),
                    weight: rational(3),
                    direction: Direction::Benefit,
                },
                Criterion {
                    name: "risk".to_string(),
                    weight: rational(1),
                    direction: Direction::Cost,
                },
            ],
            assessments: vec![
                Assessment {
                    proposal: 0,
                    scores: vec![5, 1],
                },
                Assessment {
                    proposal: 0,
                    scores: vec![4, 2],
                },
                Assessment {
                    proposal: 1,
                    scores: vec![5, 1],
                },
                Assessment {
                    proposal: 2,
                    scores: vec![1, 5],
                },
            ],
        }
    }

    #[test]
    fn scores_are_weighted_means_on_a_0_to_100_scale() {
        let scores = proposal_scores(&input()).unwrap();
        // a: impact mean 4.5 → 3.5/4, risk mean 1.5 → counts 4.5 → 3.5/4; weighted = 87.5
        assert_eq!(
            scores[0],
            Some(BigRational::new(BigInt::from(175), BigInt::from(2)))
        );
        assert_eq!(scores[1], Some(rational(100)));
        assert_eq!(scores[2], Some(rational(0)));
    }

    #[test]
    fn selects_by_score_while_it_fits() {
        let outcome = select(&input()).unwrap();
        assert_eq!(outcome.selected_ids(), vec!["b", "c"]);
        let a = outcome.for_project(0).unwrap();
        assert!(!a.selected);
        assert_eq!(
            a.reason,
            Reason::DidNotFitRemainingBudget {
                remaining: rational(50)
            }
        );
        assert_eq!(a.rank, 2);
    }

    #[test]
    fn rejects_bad_input() {
        let mut bad = input();
        bad.assessments[0].scores[0] = 6;
        assert!(matches!(
            proposal_scores(&bad),
            Err(RankingError::InvalidScoring(_))
        ));
        let mut bad = input();
        bad.criteria[1].weight = rational(0);
        assert!(select(&bad).is_err());
        let mut bad = input();
        bad.assessments[0].scores.pop();
        assert!(select(&bad).is_err());
    }
}
