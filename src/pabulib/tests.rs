use num_bigint::BigInt;
use num_rational::BigRational;

use super::*;

const META: &str = "META\nkey;value\ndescription;Test\ncountry;Nowhere\nunit;Town\ninstance;2024\n\
num_projects;3\nnum_votes;2\nbudget;1000.50\nvote_type;approval\nrule;greedy\n\
date_begin;01.01.2024\ndate_end;02.01.2024\n";

const PROJECTS: &str =
    "PROJECTS\nproject_id;cost;name\n1;400;Park\n2;600.25;\"Road; \"\"big\"\"\"\n10;100;None\n";

fn file(votes: &str) -> String {
    format!("{META}{PROJECTS}{votes}")
}

fn ratio(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn error_of(text: &str) -> PbError {
    parse(text).expect_err("the text is broken")
}

#[test]
fn parses_a_small_file() {
    let e = parse(&file(
        "VOTES\nvoter_id;vote;age\nv1;1,2;30\nv2;10,1,1;None\n",
    ))
    .unwrap();
    assert_eq!(e.budget, ratio(2001, 2));
    assert_eq!(e.vote_type, VoteType::Approval);
    assert_eq!(e.projects[1].cost, ratio(2401, 4));
    assert_eq!(
        e.projects[1].fields,
        vec![Some("Road; \"big\"".to_string())]
    );
    assert_eq!(e.projects[2].fields, vec![None]);
    assert_eq!(e.project_fields, vec!["name".to_string()]);
    assert_eq!(e.vote_fields, vec!["age".to_string()]);
    assert_eq!(e.votes[0].projects, vec![0, 1]);
    // A project listed twice counts once.
    assert_eq!(e.votes[1].projects, vec![2, 0]);
    assert_eq!(e.votes[1].fields, vec![None]);
    assert_eq!(e.meta_value("rule").as_deref(), Some("greedy"));
    assert_eq!(e.meta_value("num_votes").as_deref(), Some("2"));
}

#[test]
fn accepts_crlf_bom_blank_lines_and_spaces() {
    let text = file("VOTES\nvoter_id;vote\nv1; 1 , 2 \n\nv2;\n").replace('\n', "\r\n");
    let e = parse(&format!("\u{feff}{text}")).unwrap();
    assert_eq!(e.votes[0].projects, vec![0, 1]);
    assert!(e.votes[1].projects.is_empty());
}

#[test]
fn cumulative_ballots_keep_the_last_points_of_a_repeated_project() {
    let text = file("VOTES\nvoter_id;vote;points\nv1;1,2,1;3,1,5\nv2;10;2\n")
        .replace("vote_type;approval", "vote_type;cumulative");
    let e = parse(&text).unwrap();
    assert_eq!(e.votes[0].projects, vec![0, 1]);
    assert_eq!(e.votes[0].points, vec![ratio(5, 1), ratio(1, 1)]);
}

#[test]
fn ordinal_ballots_keep_the_first_position_of_a_repeated_project() {
    let text = file("VOTES\nvoter_id;vote\nv1;2,1,2,10\nv2;1\n")
        .replace("vote_type;approval", "vote_type;ordinal");
    assert_eq!(parse(&text).unwrap().votes[0].projects, vec![1, 0, 2]);
}

#[test]
fn reports_unknown_projects_with_their_line() {
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\nv2;1,7\n"));
    assert_eq!(e.line, 22);
    assert!(e.message.contains("unknown project '7'"), "{e}");
}

#[test]
fn reports_wrong_column_counts() {
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1;extra\nv2;1\n"));
    assert_eq!(e.line, 21);
    assert!(e.message.contains("expected 2 fields"), "{e}");
}

#[test]
fn reports_bad_numbers() {
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\nv2;1\n").replace("600.25", "6OO"));
    assert_eq!(e.line, 17);
    assert!(e.message.contains("'6OO'"), "{e}");
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\nv2;1\n").replace("1000.50", "lots"));
    assert_eq!(e.line, 9);
}

#[test]
fn reports_missing_sections_and_keys() {
    let e = error_of(&format!("{META}{PROJECTS}"));
    assert!(e.message.contains("VOTES section is missing"), "{e}");
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\nv2;1\n").replace("rule;greedy\n", ""));
    assert_eq!(e.line, 1);
    assert!(e.message.contains("'rule'"), "{e}");
    let e = error_of("PROJECTS\nproject_id;cost\n");
    assert!(e.message.contains("META"), "{e}");
    let e = error_of(&file("VOTES\nvoter;vote\nv1;1\nv2;1\n"));
    assert!(e.message.contains("'voter_id'"), "{e}");
}

#[test]
fn reports_inconsistencies() {
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\n"));
    assert!(e.message.contains("num_votes is 2"), "{e}");
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\nv1;2\n"));
    assert_eq!(e.line, 22);
    assert!(e.message.contains("appears twice"), "{e}");
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;1\nv2;1\n").replace("\n10;100", "\n1;100"));
    assert!(e.message.contains("listed twice"), "{e}");
    let text = file("VOTES\nvoter_id;vote;points\nv1;1,2;3\nv2;10;2\n")
        .replace("vote_type;approval", "vote_type;cumulative");
    assert!(error_of(&text).message.contains("2 projects but 1 points"));
    let e = error_of(&file("VOTES\nvoter_id;vote\nv1;\"1\nv2;1\n"));
    assert!(e.message.contains("never closed"), "{e}");
}

#[test]
fn written_text_parses_back_to_the_same_election() {
    let text = file("VOTES\nvoter_id;vote;age\nv1;1,2;30\n\"v;2\";10;\"a\"\"b\"\n");
    let e = parse(&text).unwrap();
    let written = write(&e);
    assert_eq!(parse(&written).unwrap(), e);
    assert!(written.contains("budget;1000.5\n"), "{written}");
    assert!(written.contains("\"v;2\""), "{written}");
}

#[test]
fn multi_line_quoted_fields_keep_line_numbers_right() {
    let text = file("VOTES\nvoter_id;vote;note\nv1;1;\"two\nlines\"\nv2;9;x\n");
    let e = error_of(&text);
    assert_eq!(e.line, 23);
}

#[test]
fn converts_to_a_weighted_instance() {
    let e = parse(&file("VOTES\nvoter_id;vote\nv1;1,2\nv2;1,2\n")).unwrap();
    let instance = e.to_instance();
    assert_eq!(instance.ballots.len(), 1);
    assert_eq!(instance.ballots[0].weight, 2);
    assert_eq!(instance.budget, e.budget);
}
