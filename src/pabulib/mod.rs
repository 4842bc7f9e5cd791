//! Reading and writing Pabulib `.pb` files.
//!
//! A file has three sections, `META`, `PROJECTS` and `VOTES`, each a title line, a header line
//! and `;`-separated rows with CSV quoting. Numbers are read exactly as rationals. Every META
//! entry and every extra project or vote column is kept, so [`write`] reproduces the election.

mod number;
mod parse;
mod write;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use num_rational::BigRational;

use crate::ranking;
use crate::ranking::hashing::{FxHashMap, SliceInterner};
use std::collections::hash_map::Entry;

pub use parse::parse;
pub use write::write;

/// A problem in a `.pb` file, with the 1-based line it was found on (0 when the file could not
/// be read at all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PbError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl PbError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> PbError {
        PbError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for PbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for PbError {}

/// The ballot format of an election (META `vote_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VoteType {
    /// Any number of approved projects.
    Approval,
    /// Projects ranked best first.
    Ordinal,
    /// Points distributed over projects.
    Cumulative,
    /// A score per project.
    Scoring,
    /// Exactly one approved project.
    ChooseOne,
}

impl VoteType {
    /// The name used in `.pb` files.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteType::Approval => "approval",
            VoteType::Ordinal => "ordinal",
            VoteType::Cumulative => "cumulative",
            VoteType::Scoring => "scoring",
            VoteType::ChooseOne => "choose-1",
        }
    }

    /// Whether ballots carry a `points` list.
    pub fn has_points(self) -> bool {
        matches!(self, VoteType::Cumulative | VoteType::Scoring)
    }

    /// The ballot kind the rules see.
    pub fn ballot_kind(self) -> ranking::BallotKind {
        match self {
            VoteType::Approval | VoteType::ChooseOne => ranking::BallotKind::Approval,
            VoteType::Ordinal => ranking::BallotKind::Ordinal,
            VoteType::Cumulative => ranking::BallotKind::Cumulative,
            VoteType::Scoring => ranking::BallotKind::Scoring,
        }
    }
}

impl fmt::Display for VoteType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VoteType {
    type Err = String;

    fn from_str(s: &str) -> Result<VoteType, String> {
        [
            VoteType::Approval,
            VoteType::Ordinal,
            VoteType::Cumulative,
            VoteType::Scoring,
            VoteType::ChooseOne,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| {
            format!(
                "unknown vote_type '{s}' (expected approval, ordinal, cumulative, scoring or choose-1)"
            )
        })
    }
}

/// A project row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// `project_id`.
    pub id: String,
    /// `cost`, exact.
    pub cost: BigRational,
    /// Values of the extra columns, parallel to [`Election::project_fields`]; `None` for `None`.
    pub fields: Vec<Option<String>>,
}

/// A vote row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    /// `voter_id`.
    pub voter_id: String,
    /// Indices into [`Election::projects`], in ballot order (ordinal: best first), each once.
    pub projects: Vec<usize>,
    /// Points parallel to `projects` for cumulative and scoring elections; empty otherwise.
    pub points: Vec<BigRational>,
    /// Values of the extra columns, parallel to [`Election::vote_fields`]; `None` for `None`.
    /// Shared strings: such columns (age, sex, district, ...) repeat the same few values over
    /// many thousands of votes, and sharing them keeps parsing fast.
    pub fields: Vec<Option<Arc<str>>>,
}

/// A whole `.pb` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Election {
    /// META entries in file order, except `budget`, `vote_type`, `num_projects` and
    /// `num_votes`, which are held by the typed fields and the row counts.
    pub meta: Vec<(String, String)>,
    /// META `budget`, exact.
    pub budget: BigRational,
    /// META `vote_type`.
    pub vote_type: VoteType,
    /// Names of the PROJECTS columns other than `project_id` and `cost`, in file order.
    pub project_fields: Vec<String>,
    /// The projects in file order.
    pub projects: Vec<Project>,
    /// Names of the VOTES columns other than `voter_id`, `vote` and (cumulative, scoring)
    /// `points`, in file order.
    pub vote_fields: Vec<String>,
    /// The votes in file order.
    pub votes: Vec<Vote>,
}

/// META keys every file must have.
pub const REQUIRED_META: [&str; 11] = [
    "description",
    "country",
    "unit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
];

impl Election {
    /// The value of a META key, including the typed ones (`budget`, `vote_type`, ...).
    pub fn meta_value(&self, key: &str) -> Option<String> {
        match key {
            "budget" => Some(number::format_rational(&self.budget)),
            "vote_type" => Some(self.vote_type.as_str().to_string()),
            "num_projects" => Some(self.projects.len().to_string()),
            "num_votes" => Some(self.votes.len().to_string()),
            _ => self
                .meta
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
        }
    }

    /// Index of the project with this id.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }

    /// The election as input for the rules. Identical votes become one ballot whose weight is
    /// their number, which makes every rule faster without changing any outcome.
    pub fn to_instance(&self) -> ranking::Instance {
        let mut ballots: Vec<ranking::Ballot> = Vec::new();
        if self.vote_type.has_points() {
            let mut index: FxHashMap<(&[usize], &[BigRational]), usize> = FxHashMap::default();
            for v in &self.votes {
                match index.entry((&v.projects, &v.points)) {
                    Entry::Occupied(e) => ballots[*e.get()].weight += 1,
                    Entry::Vacant(e) => {
                        e.insert(ballots.len());
                        ballots.push(ranking::Ballot {
                            projects: v.projects.clone(),
                            points: v.points.clone(),
                            weight: 1,
                        });
                    }
                }
            }
        } else {
            let mut distinct = SliceInterner::new();
            let mut buffer: Vec<u32> = Vec::new();
            for v in &self.votes {
                buffer.clear();
                buffer.extend(v.projects.iter().map(|&p| p as u32));
                let (id, new) = distinct.intern(&buffer);
                if new {
                    ballots.push(ranking::Ballot::new(v.projects.clone()));
                } else {
                    ballots[id].weight += 1;
                }
            }
        }
        ranking::Instance {
            budget: self.budget.clone(),
            kind: self.vote_type.ballot_kind(),
            projects: self
                .projects
                .iter()
                .map(|p| ranking::Project {
                    id: p.id.clone(),
                    cost: p.cost.clone(),
                })
                .collect(),
            ballots,
        }
    }
}

/// Reads and parses a `.pb` file. I/O problems are reported as line 0.
pub fn read_file(path: &std::path::Path) -> Result<Election, PbError> {
    let bytes = std::fs::read(path)
        .map_err(|e| PbError::new(0, format!("cannot read {}: {e}", path.display())))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            return Err(PbError::new(line, "the file is not valid UTF-8"));
        }
    };
    parse(text)
}

#[cfg(test)]
mod tests;
