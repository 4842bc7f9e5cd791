//! Sequential Phragmén, exactly as the reference computes it.
//!
//! Every voter carries a load. The next project is the one minimising (sum of its supporters'
//! loads + cost) ÷ supporters; its supporters' loads all become that value. The rule stops at
//! the first chosen project (or tied candidate) that does not fit.
//!
//! A voter's load is always the value fixed when the last project they support was bought, so
//! each voter group only records *which* purchase set its load, and each project keeps the sum
//! of its supporters' loads as one integer over a shared denominator.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::Zero;

use super::arith::{gcd_u128, mod_u128};
use super::greedy::{self, Density};
use super::prepare::{Money, Profile};
use super::{Decision, Reason};

pub(crate) fn run(ids: &[&str], money: &Money, profile: &Profile) -> Decision {
    let projects = ids.len();
    let mut supporters: Vec<Vec<u32>> = vec![Vec::new(); projects];
    for group in 0..profile.group_count() {
        let entries = profile.group(group);
        for &(p, _) in entries {
            supporters[p as usize].push(group as u32);
        }
    }
    let score: Vec<u128> = (0..projects).map(|p| profile.votes(p) as u128).collect();

    let mut remaining: Vec<usize> = (0..projects)
        .filter(|&p| money.costs[p] <= money.budget)
        .collect();
    let mut is_remaining = vec![false; projects];
    for &p in &remaining {
        is_remaining[p] = true;
    }
    // Loads are numerators over `denominator`; `levels[k]` is the load set by purchase k
    // (level 0 is the initial load 0).
    let mut denominator = BigInt::from(1);
    let mut levels: Vec<BigInt> = vec![BigInt::zero()];
    let mut level_of_group: Vec<u32> = vec![0; profile.group_count()];
    let mut load_sum: Vec<BigInt> = vec![BigInt::zero(); projects];
    // Scratch: voters moved away from each (project, old level) pair during one purchase.
    let mut moved: Vec<Vec<(u32, u64)>> = vec![Vec::new(); projects];

    let mut spent = BigInt::zero();
    let mut selection = Vec::new();
    let mut stopped = false;
    while !remaining.is_empty() {
        // The value of p is (load_sum + cost × denominator) / (score × denominator); the
        // denominator is shared, so comparing numerator / score is enough.
        let numerator = |p: usize| &load_sum[p] + &money.costs[p] * &denominator;
        let mut tied: Vec<usize> = Vec::new();
        let mut best: Option<(BigInt, u128)> = None;
        for &p in &remaining {
            if score[p] == 0 {
                continue;
            }
            let value = numerator(p);
            let order = match &best {
                None => Ordering::Less,
                Some((best_value, best_score)) => {
                    (&value * *best_score).cmp(&(best_value * score[p]))
                }
            };
            match order {
                Ordering::Less => {
                    best = Some((value, score[p]));
                    tied.clear();
                    tied.push(p);
                }
                Ordering::Equal => tied.push(p),
                Ordering::Greater => {}
            }
        }
        if best.is_none() {
            // Only unsupported projects are left: their value is infinite and they all tie.
            tied = remaining.clone();
        }
        if tied
            .iter()
            .any(|&p| &spent + &money.costs[p] > money.budget)
        {
            stopped = true;
            break;
        }
        let chosen = tied
            .iter()
            .copied()
            .min_by(|&a, &b| ids[a].cmp(ids[b]))
            .unwrap_or(remaining[0]);
        remaining.retain(|&p| p != chosen);
        is_remaining[chosen] = false;
        spent += &money.costs[chosen];
        selection.push(chosen);
        let Some((value, chosen_score)) = best else {
            continue;
        };
        // New load = value / (chosen_score × denominator). Rescale everything so that it is an
        // integer over the new denominator.
        let divisor = gcd_u128(chosen_score, mod_u128(&value, chosen_score));
        let factor = chosen_score / divisor;
        if factor != 1 {
            let factor = BigInt::from(factor);
            denominator *= &factor;
            for level in levels.iter_mut() {
                *level *= &factor;
            }
            for &p in &remaining {
                load_sum[p] *= &factor;
            }
        }
        let new_level = levels.len() as u32;
        levels.push(value / divisor);
        let mut touched: Vec<usize> = Vec::new();
        for &group in &supporters[chosen] {
            let old_level = level_of_group[group as usize];
            let weight = profile.weights[group as usize];
            for &(q, _) in profile.group(group as usize) {
                let q = q as usize;
                if !is_remaining[q] {
                    continue;
                }
                if moved[q].is_empty() {
                    touched.push(q);
                }
                match moved[q].iter_mut().find(|(level, _)| *level == old_level) {
                    Some(entry) => entry.1 += weight,
                    None => moved[q].push((old_level, weight)),
                }
            }
            level_of_group[group as usize] = new_level;
        }
        let new_load = &levels[new_level as usize];
        for q in touched {
            for (old_level, weight) in moved[q].drain(..) {
                let rise = new_load - &levels[old_level as usize];
                load_sum[q] += rise * weight;
            }
        }
    }

    let mut reasons = vec![Reason::NoSupport; projects];
    let mut ranked = vec![false; projects];
    for &p in &selection {
        reasons[p] = Reason::Selected;
        ranked[p] = true;
    }
    for p in 0..projects {
        if ranked[p] {
            continue;
        }
        if money.costs[p] > money.budget {
            reasons[p] = Reason::CostExceedsBudget;
        } else if score[p] > 0 && stopped {
            reasons[p] = Reason::RuleStopped;
        }
    }
    let mut rank_order = selection.clone();
    rank_order.extend(
        greedy::order(ids, money, profile, Density::Votes)
            .into_iter()
            .filter(|&p| !ranked[p]),
    );
    Decision {
        rank_order,
        selection,
        reasons,
        budget_per_voter: None,
    }
}
