//! Properties every rule must have, checked on small random instances full of ties, free
//! projects, empty ballots and zero points.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

use musrenbang::ranking::{
    self, Ballot, BallotKind, Instance, Outcome, Project, Reason, Rule, Support,
};

fn rational(numer: u32, denom: u32) -> BigRational {
    BigRational::new(BigInt::from(numer), BigInt::from(denom))
}

fn kind() -> impl Strategy<Value = BallotKind> {
    prop_oneof![
        2 => Just(BallotKind::Approval),
        1 => Just(BallotKind::Ordinal),
        1 => Just(BallotKind::Cumulative),
    ]
}

fn ballot(projects: usize, kind: BallotKind) -> impl Strategy<Value = Ballot> {
    let all: Vec<usize> = (0..projects).collect();
    (
        prop::sample::subsequence(all, 0..=projects).prop_shuffle(),
        prop::collection::vec(0u32..4, projects),
        1u64..3,
    )
        .prop_map(move |(listed, points, weight)| Ballot {
            points: if kind == BallotKind::Cumulative {
                points[..listed.len()]
                    .iter()
                    .map(|&p| rational(p, 1))
                    .collect()
            } else {
                Vec::new()
            },
            projects: listed,
            weight,
        })
}

/// Ids are numbers written as strings, so that string order ("10" < "2") matters.
fn instance() -> impl Strategy<Value = Instance> {
    (1usize..7, kind())
        .prop_flat_map(|(projects, kind)| {
            (
                Just(kind),
                prop::sample::subsequence((1..25).collect::<Vec<u32>>(), projects).prop_shuffle(),
                prop::collection::vec((0u32..13, prop::bool::weighted(0.2)), projects),
                (0u32..40, prop::bool::weighted(0.2)),
                prop::collection::vec(ballot(projects, kind), 0..10),
            )
        })
        .prop_map(
            |(kind, ids, costs, (budget, half_budget), ballots)| Instance {
                budget: rational(2 * budget + half_budget as u32, 2),
                kind,
                projects: ids
                    .iter()
                    .zip(costs)
                    .map(|(id, (cost, half))| Project {
                        id: id.to_string(),
                        cost: rational(2 * cost + half as u32, 2),
                    })
                    .collect(),
                ballots,
            },
        )
}

fn rules_for(kind: BallotKind) -> impl Iterator<Item = Rule> {
    Rule::ALL.into_iter().filter(move |rule| rule.accepts(kind))
}

fn select(instance: &Instance, rule: Rule) -> Outcome {
    ranking::select(instance, rule).expect("the rule accepts the instance")
}

/// The outcome keyed by project id, so that outcomes on reordered projects can be compared.
type ById = BTreeMap<String, (bool, Reason, usize, Support, BigRational)>;

fn by_id(outcome: &Outcome) -> (Vec<String>, ById) {
    let selected = outcome
        .selected_ids()
        .into_iter()
        .map(str::to_string)
        .collect();
    let projects = outcome
        .projects
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                (
                    p.selected,
                    p.reason.clone(),
                    p.rank,
                    p.support.clone(),
                    p.cumulative_cost.clone(),
                ),
            )
        })
        .collect();
    (selected, projects)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_rule_exceeds_the_budget(instance in instance()) {
        for rule in rules_for(instance.kind) {
            let outcome = select(&instance, rule);
            let spent: BigRational = outcome
                .main_list
                .iter()
                .map(|&p| instance.projects[p].cost.clone())
                .sum();
            prop_assert!(spent <= instance.budget, "{rule} spends {spent} of {}", instance.budget);
            prop_assert_eq!(&spent, &outcome.total_cost);
            let mut listed = outcome.main_list.clone();
            listed.sort_unstable();
            listed.dedup();
            prop_assert_eq!(listed.len(), outcome.main_list.len(), "{} selects a project twice", rule);
        }
    }

    #[test]
    fn greedy_leaves_out_only_projects_that_do_not_fit(instance in instance()) {
        for rule in rules_for(instance.kind) {
            let greedy_like = matches!(
                rule,
                Rule::Greedy | Rule::GreedyCard | Rule::GreedyBorda | Rule::GreedyPoints
                    | Rule::MesAdd1Greedy
            );
            if !greedy_like {
                continue;
            }
            let outcome = select(&instance, rule);
            let left_over = &instance.budget - &outcome.total_cost;
            for p in outcome.projects.iter().filter(|p| !p.selected) {
                prop_assert!(
                    p.cost > left_over,
                    "{rule} leaves out {} costing {} with {left_over} left", p.id, p.cost
                );
            }
        }
    }

    #[test]
    fn ballot_order_does_not_matter(
        (instance, shuffled) in instance().prop_flat_map(|instance| {
            let ballots = instance.ballots.clone();
            (Just(instance), Just(ballots).prop_shuffle())
        })
    ) {
        let reordered = Instance { ballots: shuffled, ..instance.clone() };
        for rule in rules_for(instance.kind) {
            prop_assert_eq!(select(&instance, rule), select(&reordered, rule), "rule {}", rule);
        }
    }

    #[test]
    fn project_order_does_not_matter(
        (instance, order) in instance().prop_flat_map(|instance| {
            let order: Vec<usize> = (0..instance.projects.len()).collect();
            (Just(instance), Just(order).prop_shuffle())
        })
    ) {
        // order[new position] = old index
        let mut new_index = vec![0; order.len()];
        for (position, &old) in order.iter().enumerate() {
            new_index[old] = position;
        }
        let reordered = Instance {
            projects: order.iter().map(|&old| instance.projects[old].clone()).collect(),
            ballots: instance
                .ballots
                .iter()
                .map(|b| Ballot {
                    projects: b.projects.iter().map(|&p| new_index[p]).collect(),
                    ..b.clone()
                })
                .collect(),
            ..instance.clone()
        };
        for rule in rules_for(instance.kind) {
            prop_assert_eq!(
                by_id(&select(&instance, rule)),
                by_id(&select(&reordered, rule)),
                "rule {}", rule
            );
        }
    }

    #[test]
    fn a_weighted_ballot_counts_as_that_many_voters(instance in instance()) {
        let expanded = Instance {
            ballots: instance
                .ballots
                .iter()
                .flat_map(|b| {
                    std::iter::repeat_n(Ballot { weight: 1, ..b.clone() }, b.weight as usize)
                })
                .collect(),
            ..instance.clone()
        };
        for rule in rules_for(instance.kind) {
            prop_assert_eq!(select(&instance, rule), select(&expanded, rule), "rule {}", rule);
        }
    }
}

#[test]
fn rules_refuse_ballots_they_cannot_read() {
    let instance = Instance {
        budget: rational(10, 1),
        kind: BallotKind::Approval,
        projects: vec![Project {
            id: "a".to_string(),
            cost: rational(5, 1),
        }],
        ballots: vec![Ballot::new(vec![0])],
    };
    for rule in [
        Rule::GreedyBorda,
        Rule::MesBorda,
        Rule::GreedyPoints,
        Rule::MesPoints,
    ] {
        assert!(matches!(
            ranking::select(&instance, rule),
            Err(ranking::RankingError::WrongBallotKind { .. })
        ));
    }
    let ordinal = Instance {
        kind: BallotKind::Ordinal,
        ..instance.clone()
    };
    assert!(ranking::select(&ordinal, Rule::Phragmen).is_err());
    assert!(ranking::select(&ordinal, Rule::MesBorda).is_ok());
}

#[test]
fn rule_names_round_trip() {
    for rule in Rule::ALL {
        assert_eq!(rule.to_string().parse::<Rule>(), Ok(rule));
    }
    assert!("nope".parse::<Rule>().is_err());
}

#[test]
fn outcome_explains_every_project() {
    // Budget 10; a (6, 3 votes), b (5, 2 votes), c (4, 1 vote), d (20, 1 vote), e (1, no votes).
    let project = |id: &str, cost: u32| Project {
        id: id.to_string(),
        cost: rational(cost, 1),
    };
    let instance = Instance {
        budget: rational(10, 1),
        kind: BallotKind::Approval,
        projects: vec![
            project("a", 6),
            project("b", 5),
            project("c", 4),
            project("d", 20),
            project("e", 1),
        ],
        ballots: vec![
            Ballot::new(vec![0, 1]),
            Ballot::new(vec![0, 1, 3]),
            Ballot::new(vec![0, 2]),
        ],
    };
    let outcome = select(&instance, Rule::Greedy);
    assert_eq!(outcome.selected_ids(), vec!["a", "c"]);
    let reasons: Vec<(&str, &Reason)> = outcome
        .projects
        .iter()
        .map(|p| (p.id.as_str(), &p.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("a", &Reason::Selected),
            (
                "b",
                &Reason::DidNotFitRemainingBudget {
                    remaining: rational(4, 1)
                }
            ),
            ("c", &Reason::Selected),
            ("d", &Reason::CostExceedsBudget),
            (
                "e",
                &Reason::DidNotFitRemainingBudget {
                    remaining: rational(0, 1)
                }
            ),
        ]
    );
    assert_eq!(outcome.projects[2].cumulative_cost, rational(10, 1));
    assert_eq!(outcome.projects[0].support, Support::Votes(3));
    assert_eq!(outcome.reserve_list, vec![1, 3]);

    let outcome = select(&instance, Rule::Mes);
    let reason = |id: &str| {
        outcome
            .projects
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.reason.clone())
    };
    assert_eq!(reason("e"), Some(Reason::NoSupport));
    assert_eq!(reason("d"), Some(Reason::CostExceedsBudget));
    assert!(outcome.budget_per_voter.is_some());

    let outcome = select(&instance, Rule::MesAdd1Greedy);
    assert!(outcome
        .projects
        .iter()
        .all(|p| !p.selected
            || matches!(p.reason, Reason::Selected | Reason::AddedByGreedyCompletion)));
}
