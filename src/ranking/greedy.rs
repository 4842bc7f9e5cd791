//! Greedy rules: consider projects by decreasing support density, take each that still fits.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::Zero;

use super::prepare::{Money, Profile};
use super::{Decision, Reason};

/// What the projects are sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Density {
    /// Number of supporters. This is the reference's cost-satisfaction density
    /// (supporters × cost ÷ cost), so a free project has density 0.
    Votes,
    /// Total value (supporters, Borda score or points) divided by cost; a free project with
    /// positive total comes first.
    PerCost,
}

enum Key {
    Infinite,
    Finite { num: BigInt, den: BigInt },
    Zero,
}

fn compare_desc(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Infinite, Key::Infinite) | (Key::Zero, Key::Zero) => Ordering::Equal,
        (Key::Infinite, _) | (_, Key::Zero) => Ordering::Less,
        (_, Key::Infinite) | (Key::Zero, _) => Ordering::Greater,
        (Key::Finite { num: n1, den: d1 }, Key::Finite { num: n2, den: d2 }) => {
            (n2 * d1).cmp(&(n1 * d2))
        }
    }
}

/// All projects in the order a greedy rule with this density considers them.
pub(crate) fn order(
    ids: &[&str],
    money: &Money,
    profile: &Profile,
    density: Density,
) -> Vec<usize> {
    let keys: Vec<Key> = (0..ids.len())
        .map(|p| {
            let cost = &money.costs[p];
            match density {
                Density::Votes => {
                    let votes = profile.votes(p);
                    if votes == 0 || cost.is_zero() {
                        Key::Zero
                    } else {
                        Key::Finite {
                            num: BigInt::from(votes),
                            den: BigInt::from(1),
                        }
                    }
                }
                Density::PerCost => {
                    let total = profile.total(p);
                    if total <= 0 {
                        Key::Zero
                    } else if cost.is_zero() {
                        Key::Infinite
                    } else {
                        Key::Finite {
                            num: BigInt::from(total),
                            den: cost.clone(),
                        }
                    }
                }
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| compare_desc(&keys[a], &keys[b]).then_with(|| ids[a].cmp(ids[b])));
    order
}

/// Walks `order`, taking every project not yet taken that fits into `remaining`.
pub(crate) fn fill(
    order: &[usize],
    money: &Money,
    taken: &mut [bool],
    remaining: &mut BigInt,
    pick: &Reason,
    selection: &mut Vec<usize>,
    reasons: &mut [Reason],
) {
    for &p in order {
        if taken[p] {
            continue;
        }
        let cost = &money.costs[p];
        if *cost <= *remaining {
            *remaining -= cost;
            taken[p] = true;
            selection.push(p);
            reasons[p] = pick.clone();
        } else if *cost > money.budget {
            reasons[p] = Reason::CostExceedsBudget;
        } else {
            reasons[p] = Reason::DidNotFitRemainingBudget {
                remaining: money.to_currency(remaining),
            };
        }
    }
}

pub(crate) fn run(ids: &[&str], money: &Money, profile: &Profile, density: Density) -> Decision {
    let rank_order = order(ids, money, profile, density);
    let mut taken = vec![false; ids.len()];
    let mut remaining = money.budget.clone();
    let mut selection = Vec::new();
    let mut reasons = vec![Reason::NoSupport; ids.len()];
    fill(
        &rank_order,
        money,
        &mut taken,
        &mut remaining,
        &Reason::Selected,
        &mut selection,
        &mut reasons,
    );
    Decision {
        rank_order,
        selection,
        reasons,
        budget_per_voter: None,
    }
}
