//! The Method of Equal Shares, exactly as the reference computes it.
//!
//! Every voter starts with the same budget. In each round the project that its supporters can
//! buy at the lowest rate ρ is bought; supporter i pays min(money left, ρ × satisfaction).
//!
//! Exactness without slowness rests on three observations:
//! * voters with equal remaining money are interchangeable, so money is tracked per *class* of
//!   equal amounts (a few hundred classes instead of ~100,000 voters);
//! * all amounts are kept as integers over one shared denominator, so comparing two amounts is
//!   a plain integer comparison;
//! * a project's rate never decreases as money is spent, so a rate computed in an earlier round
//!   is a lower bound and most projects need not be re-evaluated (as in the reference).

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::arith::{gcd_u128, mod_u128, Frac};
use super::greedy::{self, Density};
use super::hashing::FxHashMap;
use super::prepare::{Money, Profile};
use super::{Decision, Reason};

/// Which member of the equal-shares family to compute.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Variant {
    /// Satisfaction is the project's cost (rather than the ballot's value for it).
    cost_satisfaction: bool,
    /// Raise the voters' budget by one currency unit per run until the outcome is exhaustive.
    add1: bool,
    /// Fill what is left of the budget greedily afterwards.
    complete: bool,
}

impl Variant {
    pub fn plain(cost_satisfaction: bool) -> Variant {
        Variant {
            cost_satisfaction,
            add1: false,
            complete: false,
        }
    }

    pub fn add1(complete: bool) -> Variant {
        Variant {
            cost_satisfaction: true,
            add1: true,
            complete,
        }
    }
}

pub(crate) fn run(ids: &[&str], money: &Money, profile: &Profile, variant: Variant) -> Decision {
    let engine = Engine::new(ids, money, profile, variant.cost_satisfaction);
    let (mut selection, raise) = if variant.add1 {
        engine.add1()
    } else {
        (engine.run(&BigInt::zero()), 0)
    };
    let mut reasons = vec![Reason::NoSupport; ids.len()];
    let mut taken = vec![false; ids.len()];
    for &p in &selection {
        reasons[p] = Reason::Selected;
        taken[p] = true;
    }
    for &p in &engine.candidates {
        if !taken[p] {
            reasons[p] = if money.costs[p] > money.budget {
                Reason::CostExceedsBudget
            } else {
                Reason::SupportersShareRanOut
            };
        }
    }
    let density = if variant.cost_satisfaction {
        Density::Votes
    } else {
        Density::PerCost
    };
    let greedy_order = greedy::order(ids, money, profile, density);
    if variant.complete {
        let spent = selection
            .iter()
            .fold(BigInt::zero(), |sum, &p| sum + &money.costs[p]);
        let mut remaining = &money.budget - spent;
        greedy::fill(
            &greedy_order,
            money,
            &mut taken,
            &mut remaining,
            &Reason::AddedByGreedyCompletion,
            &mut selection,
            &mut reasons,
        );
    }
    let mut rank_order: Vec<usize> = selection.clone();
    let mut ranked = vec![false; ids.len()];
    for &p in &rank_order {
        ranked[p] = true;
    }
    rank_order.extend(greedy_order.into_iter().filter(|&p| !ranked[p]));
    let budget_per_voter = (profile.total_weight > 0).then(|| {
        money.to_currency(&money.budget) / BigRational::from_integer(profile.total_weight.into())
            + BigRational::from_integer(raise.into())
    });
    Decision {
        rank_order,
        selection,
        reasons,
        budget_per_voter,
    }
}

/// Money of the supporters of one project gathered by class: `weight` voters each holding the
/// class's amount and getting satisfaction `sat` from the project.
#[derive(Clone, Copy, Debug)]
struct Entry {
    class: u32,
    sat: u64,
    weight: u64,
}

/// Remaining money of every voter group, as integer numerators over the common denominator
/// `denominator`. Groups with equal money share a class; class 0 holds the groups with no money
/// left.
struct Wallets {
    denominator: BigInt,
    amount: Vec<BigInt>,
    /// Number of groups per class.
    members: Vec<u32>,
    /// Classes with members (other than class 0) by increasing amount.
    ascending: Vec<u32>,
    /// Position of each live class in `ascending`, so sorting supporters by money is sorting
    /// small integers.
    rank: Vec<u32>,
    class_of_group: Vec<u32>,
}

const BROKE: u32 = 0;

/// Reusable buffers for gathering a project's supporters.
#[derive(Default)]
struct Scratch {
    weight_per_class: Vec<u64>,
    touched: Vec<u32>,
    entries: Vec<Entry>,
    numbers: Numbers,
}

/// Big integers reused across computations so that the hot loops do not allocate.
#[derive(Default)]
struct Numbers {
    need: BigInt,
    product: BigInt,
    limit: BigInt,
}

struct Engine<'a> {
    ids: &'a [&'a str],
    money: &'a Money,
    voters: u64,
    group_weights: &'a [u64],
    /// Per project: (group, satisfaction) for every group with positive satisfaction.
    supporters: Vec<Vec<(u32, u64)>>,
    /// Every satisfaction is 1, which allows a faster gathering path.
    unit_satisfaction: bool,
    /// ρ proper = (price per unit of satisfaction as computed) ÷ this factor; the cost under
    /// cost satisfaction (computed with satisfaction 1), otherwise 1.
    rate_divisor: Vec<BigInt>,
    initial_rate: Vec<Option<Frac>>,
    /// Projects with support and a positive cost.
    candidates: Vec<usize>,
    /// Free projects with support, bought before anything else.
    free: Vec<usize>,
}

impl<'a> Engine<'a> {
    fn new(
        ids: &'a [&'a str],
        money: &'a Money,
        profile: &'a Profile,
        cost_satisfaction: bool,
    ) -> Engine<'a> {
        let projects = ids.len();
        let mut supporters: Vec<Vec<(u32, u64)>> = vec![Vec::new(); projects];
        let mut unit_satisfaction = true;
        for group in 0..profile.group_count() {
            let entries = profile.group(group);
            for &(p, value) in entries {
                // Under cost satisfaction every listed project satisfies in proportion to its
                // cost, which is the same for all its supporters: computing with 1 and dividing
                // the rate by the cost gives the same ρ with small numbers.
                let sat = if cost_satisfaction { 1 } else { value };
                if sat > 0 {
                    unit_satisfaction &= sat == 1;
                    supporters[p as usize].push((group as u32, sat as u64));
                }
            }
        }
        let mut rate_divisor = Vec::with_capacity(projects);
        let mut initial_rate = Vec::with_capacity(projects);
        let mut candidates = Vec::new();
        let mut free = Vec::new();
        for (p, (cost, project_supporters)) in money.costs.iter().zip(&supporters).enumerate() {
            let divisor = if cost_satisfaction {
                cost.clone()
            } else {
                BigInt::one()
            };
            let total: u128 = project_supporters
                .iter()
                .map(|&(g, sat)| profile.weights[g as usize] as u128 * sat as u128)
                .sum();
            let has_support = total > 0 && !(cost_satisfaction && cost.is_zero());
            if has_support && cost.is_positive() {
                candidates.push(p);
                initial_rate.push(Some(Frac::new(cost.clone(), &divisor * total)));
            } else {
                if has_support {
                    free.push(p);
                }
                initial_rate.push(None);
            }
            rate_divisor.push(divisor);
        }
        free.sort_by(|&a, &b| ids[a].cmp(ids[b]));
        Engine {
            ids,
            money,
            voters: profile.total_weight,
            group_weights: &profile.weights,
            supporters,
            unit_satisfaction,
            rate_divisor,
            initial_rate,
            candidates,
            free,
        }
    }

    /// The reference's `equalshares/add1`: rerun with one more currency unit per voter until
    /// the outcome is exhaustive (return it) or over budget (return the previous one).
    fn add1(&self) -> (Vec<usize>, u64) {
        let mut previous = if self.voters == 0 {
            Vec::new()
        } else {
            self.free.clone()
        };
        let mut raise: u64 = 0;
        loop {
            let extra = &self.money.scale * raise;
            let outcome = self.run(&extra);
            let spent = outcome
                .iter()
                .fold(BigInt::zero(), |sum, &p| sum + &self.money.costs[p]);
            if spent > self.money.budget {
                return (previous, raise.saturating_sub(1));
            }
            if self.is_exhaustive(&outcome, &spent) {
                return (outcome, raise);
            }
            previous = outcome;
            raise += 1;
        }
    }

    /// No project that could be bought (supported, not free) fits into what is left.
    fn is_exhaustive(&self, outcome: &[usize], spent: &BigInt) -> bool {
        let mut chosen = vec![false; self.ids.len()];
        for &p in outcome {
            chosen[p] = true;
        }
        self.candidates
            .iter()
            .all(|&p| chosen[p] || spent + &self.money.costs[p] > self.money.budget)
    }

    /// One run of equal shares where every voter starts with budget ÷ voters + `extra`
    /// (`extra` in scaled money units).
    fn run(&self, extra: &BigInt) -> Vec<usize> {
        if self.voters == 0 {
            return Vec::new();
        }
        let mut selection = self.free.clone();
        let mut wallets = Wallets {
            denominator: BigInt::from(self.voters),
            amount: vec![BigInt::zero(), &self.money.budget + extra * self.voters],
            members: vec![0, self.group_weights.len() as u32],
            ascending: vec![1],
            rank: vec![0, 0],
            class_of_group: vec![1; self.group_weights.len()],
        };
        let mut scratch = Scratch::default();
        let mut rate: Vec<Option<Frac>> = self.initial_rate.clone();
        let mut remaining: Vec<usize> = self.candidates.clone();
        let mut unaffordable = vec![false; self.ids.len()];
        while !remaining.is_empty() {
            remaining.sort_by(|&a, &b| {
                let (ra, rb) = (approx(&rate[a]), approx(&rate[b]));
                ra.total_cmp(&rb).then_with(|| self.ids[a].cmp(self.ids[b]))
            });
            let mut best: Option<(usize, BigInt, u128)> = None;
            for &p in &remaining {
                if let Some((b, _, _)) = &best {
                    if let (Some(lower_bound), Some(best_rate)) = (&rate[p], &rate[*b]) {
                        if lower_bound.surely_greater(best_rate) {
                            break;
                        }
                    }
                }
                self.gather(p, &wallets, &mut scratch);
                let Some((need, paying_sat)) = self.price(p, &wallets, &mut scratch) else {
                    unaffordable[p] = true;
                    continue;
                };
                let denominator = &wallets.denominator * paying_sat * &self.rate_divisor[p];
                let this_rate = Frac::new(need.clone(), denominator);
                let better = match &best {
                    None => true,
                    Some((b, _, _)) => match &rate[*b] {
                        Some(best_rate) => match this_rate.cmp_exact(best_rate) {
                            Ordering::Less => true,
                            Ordering::Equal => self.ids[p] < self.ids[*b],
                            Ordering::Greater => false,
                        },
                        None => true,
                    },
                };
                rate[p] = Some(this_rate);
                if better {
                    best = Some((p, need, paying_sat));
                }
            }
            remaining.retain(|&p| !unaffordable[p]);
            let Some((chosen, need, paying_sat)) = best else {
                break;
            };
            self.gather(chosen, &wallets, &mut scratch);
            self.charge(chosen, &need, paying_sat, &mut wallets, &mut scratch);
            selection.push(chosen);
            remaining.retain(|&p| p != chosen);
        }
        selection
    }

    /// Collects the money of `p`'s supporters into `scratch.entries`, sorted by increasing
    /// money per unit of satisfaction. Broke supporters are left out: they pay nothing and
    /// their satisfaction does not lower the rate.
    fn gather(&self, p: usize, wallets: &Wallets, scratch: &mut Scratch) {
        scratch.entries.clear();
        if self.unit_satisfaction {
            if scratch.weight_per_class.len() < wallets.amount.len() {
                scratch.weight_per_class.resize(wallets.amount.len(), 0);
            }
            for &(group, _) in &self.supporters[p] {
                let class = wallets.class_of_group[group as usize];
                if class == BROKE {
                    continue;
                }
                let slot = &mut scratch.weight_per_class[class as usize];
                if *slot == 0 {
                    scratch.touched.push(class);
                }
                *slot += self.group_weights[group as usize];
            }
            // Classes are kept in ascending order, so the supporters' classes come out sorted
            // by a walk over that order; sorting them is cheaper only when they are few.
            let mut take = |class: u32, entries: &mut Vec<Entry>| {
                let weight = std::mem::take(&mut scratch.weight_per_class[class as usize]);
                if weight > 0 {
                    entries.push(Entry {
                        class,
                        sat: 1,
                        weight,
                    });
                }
            };
            if scratch.touched.len() * 16 < wallets.ascending.len() {
                scratch
                    .touched
                    .sort_unstable_by_key(|&c| wallets.rank[c as usize]);
                for &class in &scratch.touched {
                    take(class, &mut scratch.entries);
                }
            } else {
                for &class in &wallets.ascending {
                    take(class, &mut scratch.entries);
                }
            }
            scratch.touched.clear();
        } else {
            for &(group, sat) in &self.supporters[p] {
                let class = wallets.class_of_group[group as usize];
                if class == BROKE {
                    continue;
                }
                scratch.entries.push(Entry {
                    class,
                    sat,
                    weight: self.group_weights[group as usize],
                });
            }
            scratch.entries.sort_unstable_by_key(|e| (e.class, e.sat));
            scratch.entries.dedup_by(|later, kept| {
                let same = later.class == kept.class && later.sat == kept.sat;
                if same {
                    kept.weight += later.weight;
                }
                same
            });
            scratch.entries.sort_by(|a, b| {
                let (ma, mb) = (
                    &wallets.amount[a.class as usize],
                    &wallets.amount[b.class as usize],
                );
                if a.sat == b.sat {
                    wallets.rank[a.class as usize].cmp(&wallets.rank[b.class as usize])
                } else {
                    (ma * b.sat).cmp(&(mb * a.sat))
                }
            });
        }
    }

    /// The price of the project gathered in `scratch`: returns (need, paying satisfaction) such
    /// that the rate per unit of satisfaction is need ÷ (denominator × paying satisfaction), or
    /// None if the supporters cannot afford it.
    fn price(&self, p: usize, wallets: &Wallets, scratch: &mut Scratch) -> Option<(BigInt, u128)> {
        let Numbers {
            need,
            product,
            limit,
        } = &mut scratch.numbers;
        // need = what the supporters not yet found too poor must pay, in units of
        // 1 / denominator; updated in place to avoid allocating in this hot loop.
        need.clone_from(&self.money.costs[p]);
        *need *= &wallets.denominator;
        let mut paying_sat: u128 = scratch
            .entries
            .iter()
            .map(|e| e.weight as u128 * e.sat as u128)
            .sum();
        for entry in &scratch.entries {
            let amount = &wallets.amount[entry.class as usize];
            // The candidate rate need / paying_sat is affordable for this class (and so for all
            // richer ones) if rate × sat ≤ amount.
            limit.clone_from(amount);
            *limit *= paying_sat;
            let affordable = if entry.sat == 1 {
                *need <= *limit
            } else {
                product.clone_from(need);
                *product *= entry.sat;
                *product <= *limit
            };
            if affordable {
                return Some((need.clone(), paying_sat));
            }
            product.clone_from(amount);
            *product *= entry.weight;
            *need -= &*product;
            paying_sat -= entry.weight as u128 * entry.sat as u128;
        }
        None
    }

    /// Buys the project gathered in `scratch` at rate need ÷ (denominator × paying_sat): every
    /// supporter pays min(money, rate × sat). The common denominator is multiplied by
    /// paying_sat ÷ g, with g chosen so that every new amount stays an integer.
    fn charge(
        &self,
        p: usize,
        need: &BigInt,
        paying_sat: u128,
        wallets: &mut Wallets,
        scratch: &mut Scratch,
    ) {
        let left: Vec<BigInt> = scratch
            .entries
            .iter()
            .map(|e| &wallets.amount[e.class as usize] * paying_sat - need * e.sat)
            .collect();
        let sat_gcd = scratch
            .entries
            .iter()
            .zip(&left)
            .filter(|(_, l)| l.is_positive())
            .fold(0u128, |g, (e, _)| gcd_u128(g, e.sat as u128));
        let divisor = if sat_gcd == 0 {
            paying_sat
        } else {
            gcd_u128(paying_sat, mod_u128(&(need * sat_gcd), paying_sat))
        };
        let factor = paying_sat / divisor;
        let first_new = wallets.amount.len() as u32;
        // Old class → new class for the supporters; indexed by class when every satisfaction
        // is 1, by (class, satisfaction) otherwise.
        let mut by_class: Vec<u32> = Vec::new();
        let mut by_class_and_sat: FxHashMap<(u32, u64), u32> = FxHashMap::default();
        if self.unit_satisfaction {
            by_class.resize(wallets.amount.len(), BROKE);
        }
        for (entry, left) in scratch.entries.iter().zip(left) {
            let class = if left.is_positive() {
                let id = wallets.amount.len() as u32;
                debug_assert!((&left % divisor).is_zero());
                wallets.amount.push(left / divisor);
                wallets.members.push(0);
                wallets.rank.push(0);
                id
            } else {
                BROKE
            };
            if self.unit_satisfaction {
                by_class[entry.class as usize] = class;
            } else {
                by_class_and_sat.insert((entry.class, entry.sat), class);
            }
        }
        for &(group, sat) in &self.supporters[p] {
            let old = wallets.class_of_group[group as usize];
            if old == BROKE {
                continue;
            }
            let new = if self.unit_satisfaction {
                by_class[old as usize]
            } else {
                by_class_and_sat[&(old, sat)]
            };
            wallets.members[old as usize] -= 1;
            wallets.members[new as usize] += 1;
            wallets.class_of_group[group as usize] = new;
        }
        // Rescaling by a positive factor keeps the old classes in order, so only the new ones
        // need sorting before the two lists are merged.
        let factor_small = factor.to_u64();
        let mut old_classes = Vec::with_capacity(wallets.ascending.len());
        for &class in &wallets.ascending {
            let c = class as usize;
            if wallets.members[c] == 0 {
                wallets.amount[c] = BigInt::zero();
                continue;
            }
            if factor != 1 {
                match factor_small {
                    Some(f) => wallets.amount[c] *= f,
                    None => wallets.amount[c] *= BigInt::from(factor),
                }
            }
            old_classes.push(class);
        }
        let mut new_classes: Vec<u32> = (first_new..wallets.amount.len() as u32)
            .filter(|&c| wallets.members[c as usize] > 0)
            .collect();
        new_classes
            .sort_unstable_by(|&a, &b| wallets.amount[a as usize].cmp(&wallets.amount[b as usize]));
        let mut ascending = Vec::with_capacity(old_classes.len() + new_classes.len());
        let (mut i, mut j) = (0, 0);
        while i < old_classes.len() || j < new_classes.len() {
            let take_old = j == new_classes.len()
                || (i < old_classes.len()
                    && wallets.amount[old_classes[i] as usize]
                        <= wallets.amount[new_classes[j] as usize]);
            if take_old {
                ascending.push(old_classes[i]);
                i += 1;
            } else {
                ascending.push(new_classes[j]);
                j += 1;
            }
        }
        for (position, &class) in ascending.iter().enumerate() {
            wallets.rank[class as usize] = position as u32;
        }
        wallets.ascending = ascending;
        wallets.denominator *= factor;
    }
}

fn approx(rate: &Option<Frac>) -> f64 {
    rate.as_ref().map_or(f64::INFINITY, |r| r.approx)
}
