//! Turns an [`Instance`] into the integer form the rules compute with: money scaled to whole
//! numbers, and identical ballots merged into weighted groups (voters with the same ballot
//! behave identically under every rule here).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive};

use super::arith::lcm_big;
use super::hashing::SliceInterner;
use super::{BallotKind, Instance, Project, RankingError};

/// What a ballot says about a project, as a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    /// 1 for every listed project.
    Membership,
    /// L − i − 1 for position i of an ordinal ballot of length L.
    Borda,
    /// The points given.
    Points,
}

/// All amounts of money multiplied by one common factor so that they are integers. Every rule
/// here is invariant under such scaling.
pub(crate) struct Money {
    /// The factor: currency amount = scaled amount / `scale`.
    pub scale: BigInt,
    pub costs: Vec<BigInt>,
    pub budget: BigInt,
}

impl Money {
    pub fn new(projects: &[Project], budget: &BigRational) -> Money {
        let mut scale = budget.denom().clone();
        for p in projects {
            if !p.cost.denom().is_one() {
                scale = lcm_big(&scale, p.cost.denom());
            }
        }
        let to_scaled = |r: &BigRational| r.numer() * (&scale / r.denom());
        Money {
            costs: projects.iter().map(|p| to_scaled(&p.cost)).collect(),
            budget: to_scaled(budget),
            scale,
        }
    }

    pub fn to_currency(&self, scaled: &BigInt) -> BigRational {
        BigRational::new(scaled.clone(), self.scale.clone())
    }
}

/// Identical ballots merged into groups.
pub(crate) struct Profile {
    /// Number of voters per group.
    pub weights: Vec<u64>,
    /// Per group: (project, value) sorted by project, each project once. Values follow the
    /// measure and may be zero (last place in Borda, zero points) or negative (scores).
    groups: SliceInterner<(u32, i64)>,
    /// Total number of voters, including those with empty ballots.
    pub total_weight: u64,
    /// Points are stored multiplied by this factor so that they are integers.
    pub value_scale: BigInt,
    votes: Vec<u64>,
    totals: Vec<i128>,
}

impl Profile {
    pub fn new(instance: &Instance, measure: Measure) -> Result<Profile, RankingError> {
        let value_scale = if measure == Measure::Points {
            points_scale(instance)
        } else {
            BigInt::one()
        };
        let mut groups = SliceInterner::new();
        let mut weights: Vec<u64> = Vec::new();
        let mut total_weight: u64 = 0;
        let mut buffer: Vec<(u32, i64)> = Vec::new();
        for (number, ballot) in instance.ballots.iter().enumerate() {
            if ballot.weight == 0 {
                continue;
            }
            total_weight = total_weight.checked_add(ballot.weight).ok_or_else(|| {
                RankingError::InvalidInstance("the total number of voters overflows".to_string())
            })?;
            entries(instance, number, measure, &value_scale, &mut buffer)?;
            let (group, new) = groups.intern(&buffer);
            if new {
                weights.push(0);
            }
            weights[group] += ballot.weight;
        }
        let mut votes = vec![0u64; instance.projects.len()];
        let mut totals = vec![0i128; instance.projects.len()];
        for (group, &weight) in weights.iter().enumerate() {
            for &(p, value) in groups.get(group) {
                votes[p as usize] += weight;
                totals[p as usize] =
                    totals[p as usize].saturating_add(weight as i128 * value as i128);
            }
        }
        Ok(Profile {
            weights,
            groups,
            total_weight,
            value_scale,
            votes,
            totals,
        })
    }

    pub fn group_count(&self) -> usize {
        self.weights.len()
    }

    /// The (project, value) entries of one group, sorted by project.
    pub fn group(&self, group: usize) -> &[(u32, i64)] {
        self.groups.get(group)
    }

    /// Number of voters whose ballot lists project `p`.
    pub fn votes(&self, p: usize) -> u64 {
        self.votes[p]
    }

    /// Sum of the values over all voters, per project (in units of `1 / value_scale`).
    pub fn totals(&self) -> Vec<i128> {
        self.totals.clone()
    }

    pub fn total(&self, p: usize) -> i128 {
        self.totals[p]
    }
}

/// Common denominator of all points, so that points become integers.
fn points_scale(instance: &Instance) -> BigInt {
    let mut scale = BigInt::one();
    for ballot in &instance.ballots {
        for points in &ballot.points {
            if !points.denom().is_one() {
                scale = lcm_big(&scale, points.denom());
            }
        }
    }
    scale
}

/// Writes the canonical (project, value) list of one ballot into `list`.
fn entries(
    instance: &Instance,
    number: usize,
    measure: Measure,
    value_scale: &BigInt,
    list: &mut Vec<(u32, i64)>,
) -> Result<(), RankingError> {
    let ballot = &instance.ballots[number];
    list.clear();
    match measure {
        Measure::Membership => {
            list.extend(ballot.projects.iter().map(|&p| (p as u32, 1)));
            list.sort_unstable();
            list.dedup();
        }
        Measure::Borda => {
            // Borda counts positions among distinct projects, each at its first appearance.
            for &p in &ballot.projects {
                if !list.iter().any(|&(q, _)| q == p as u32) {
                    list.push((p as u32, list.len() as i64));
                }
            }
            let length = list.len() as i64;
            for entry in list.iter_mut() {
                entry.1 = length - entry.1 - 1;
            }
            list.sort_unstable();
        }
        Measure::Points => {
            debug_assert!(matches!(
                instance.kind,
                BallotKind::Cumulative | BallotKind::Scoring
            ));
            for (&p, points) in ballot.projects.iter().zip(&ballot.points) {
                let scaled = points.numer() * (value_scale / points.denom());
                let value = scaled.to_i64().ok_or_else(|| {
                    RankingError::InvalidInstance(format!(
                        "ballot {number} gives more points than can be counted"
                    ))
                })?;
                // The last value given to a project counts.
                match list.iter_mut().find(|(q, _)| *q == p as u32) {
                    Some(entry) => entry.1 = value,
                    None => list.push((p as u32, value)),
                }
            }
            list.sort_unstable();
        }
    }
    Ok(())
}
