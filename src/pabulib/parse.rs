//! The `.pb` reader: a hand-written byte scanner (fields are borrowed from the input unless
//! quoted), then per-section interpretation with line-numbered errors.

use std::borrow::Cow;
use std::sync::Arc;

use num_rational::BigRational;
use num_traits::Signed;

use super::number::parse_rational;
use super::{Election, PbError, Project, Vote, VoteType, REQUIRED_META};
use crate::ranking::hashing::{FxHashMap, FxHashSet};

/// Splits the input into records of `;`-separated fields with CSV quoting.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// Reads the next record into `fields` and returns the line it starts on, or `None` at the
    /// end of the input.
    fn next_record(&mut self, fields: &mut Vec<Cow<'a, str>>) -> Result<Option<usize>, PbError> {
        fields.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return Ok(None);
        }
        let start_line = self.line;
        loop {
            if bytes.get(self.pos) == Some(&b'"') {
                fields.push(Cow::Owned(self.quoted(start_line)?));
            } else {
                let begin = self.pos;
                self.skip_to_delimiter();
                fields.push(Cow::Borrowed(&self.text[begin..self.pos]));
            }
            match bytes.get(self.pos) {
                Some(b';') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    return Ok(Some(start_line));
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return Ok(Some(start_line));
                }
                _ => return Ok(Some(start_line)),
            }
        }
    }

    fn skip_to_delimiter(&mut self) {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && !matches!(bytes[self.pos], b';' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    /// A field starting with `"`: `""` stands for one quote, and the field may span lines.
    /// Anything between the closing quote and the next delimiter is kept as written, as
    /// Python's csv module does.
    fn quoted(&mut self, start_line: usize) -> Result<String, PbError> {
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let mut value = String::new();
        loop {
            let begin = self.pos;
            let Some(offset) = bytes[begin..].iter().position(|&b| b == b'"') else {
                return Err(PbError::new(start_line, "a quoted field is never closed"));
            };
            let chunk = &self.text[begin..begin + offset];
            self.line += count_line_breaks(chunk);
            value.push_str(chunk);
            self.pos = begin + offset + 1;
            if bytes.get(self.pos) == Some(&b'"') {
                value.push('"');
                self.pos += 1;
            } else {
                break;
            }
        }
        let begin = self.pos;
        self.skip_to_delimiter();
        value.push_str(&self.text[begin..self.pos]);
        Ok(value)
    }
}

fn count_line_breaks(text: &str) -> usize {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Meta,
    Projects,
    Votes,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Meta => "META",
            Section::Projects => "PROJECTS",
            Section::Votes => "VOTES",
        }
    }
}

fn section_title(fields: &[Cow<'_, str>]) -> Option<Section> {
    if fields[1..].iter().any(|f| !f.trim().is_empty()) {
        return None;
    }
    let first = fields[0].trim();
    [Section::Meta, Section::Projects, Section::Votes]
        .into_iter()
        .find(|s| first.eq_ignore_ascii_case(s.title()))
}

fn is_none(value: &str) -> bool {
    value.eq_ignore_ascii_case("none")
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!is_none(value)).then(|| value.to_string())
}

/// Hands out one shared string per distinct value of a column. Most such columns have a
/// handful of values, for which a linear scan beats hashing.
#[derive(Default)]
struct SharedValues<'a> {
    few: Vec<(&'a str, Arc<str>)>,
    many: FxHashMap<&'a str, Arc<str>>,
}

const FEW_VALUES: usize = 8;

impl<'a> SharedValues<'a> {
    // Takes the `Cow` itself: only a borrowed value lives as long as the input and can be a key.
    #[allow(clippy::ptr_arg)]
    fn get(&mut self, value: &Cow<'a, str>) -> Option<Arc<str>> {
        let text: &'a str = match value {
            Cow::Borrowed(text) => text.trim(),
            Cow::Owned(owned) => {
                let trimmed = owned.trim();
                return (!is_none(trimmed)).then(|| Arc::from(trimmed));
            }
        };
        if is_none(text) {
            return None;
        }
        if self.many.is_empty() {
            if let Some((_, shared)) = self.few.iter().find(|(known, _)| *known == text) {
                return Some(shared.clone());
            }
            if self.few.len() < FEW_VALUES {
                let shared: Arc<str> = Arc::from(text);
                self.few.push((text, shared.clone()));
                return Some(shared);
            }
            self.many.extend(self.few.drain(..));
        }
        Some(
            self.many
                .entry(text)
                .or_insert_with(|| Arc::from(text))
                .clone(),
        )
    }
}

/// Finds repeated voter ids. Most ids are plain numbers, which are checked without hashing
/// strings.
#[derive(Default)]
struct VoterIds {
    numbers: FxHashSet<u64>,
    others: FxHashSet<String>,
}

impl VoterIds {
    /// False if the id was seen before.
    fn insert(&mut self, id: &str) -> bool {
        let canonical_number = !id.is_empty()
            && id.len() <= 19
            && id.bytes().all(|b| b.is_ascii_digit())
            && (id.len() == 1 || !id.starts_with('0'));
        if canonical_number {
            let value = id.bytes().fold(0u64, |v, b| v * 10 + (b - b'0') as u64);
            self.numbers.insert(value)
        } else {
            self.others.insert(id.to_string())
        }
    }
}

/// Positions of the columns of a PROJECTS or VOTES header.
struct Columns {
    count: usize,
    /// Position of each required column, in the order asked for.
    required: Vec<usize>,
    /// (position, name) of every other column.
    extra: Vec<(usize, String)>,
}

fn columns(
    header: &[Cow<'_, str>],
    line: usize,
    section: Section,
    required: &[&str],
) -> Result<Columns, PbError> {
    let names: Vec<&str> = header.iter().map(|n| n.trim()).collect();
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(PbError::new(
                line,
                format!(
                    "column '{name}' appears twice in the {} header",
                    section.title()
                ),
            ));
        }
    }
    let mut positions = Vec::with_capacity(required.len());
    for name in required {
        match names.iter().position(|n| n == name) {
            Some(at) => positions.push(at),
            None => {
                return Err(PbError::new(
                    line,
                    format!("the {} header has no '{name}' column", section.title()),
                ))
            }
        }
    }
    let extra = names
        .iter()
        .enumerate()
        .filter(|(i, _)| !positions.contains(i))
        .map(|(i, n)| (i, n.to_string()))
        .collect();
    Ok(Columns {
        count: names.len(),
        required: positions,
        extra,
    })
}

/// The META section: the untyped entries, the typed ones, and the lines of the declared counts
/// (checked once the rows are read).
struct Meta {
    entries: Vec<(String, String)>,
    budget: BigRational,
    vote_type: VoteType,
    num_projects: (usize, usize),
    num_votes: (usize, usize),
}

/// The rows of PROJECTS or VOTES with the names of their extra columns.
struct Rows<T> {
    extra_columns: Vec<String>,
    rows: Vec<T>,
}

/// Parses the text of a `.pb` file (a leading UTF-8 byte-order mark is ignored).
pub fn parse(text: &str) -> Result<Election, PbError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser {
        scanner: Scanner::new(text),
        fields: Vec::with_capacity(16),
    };
    parser.run()
}

struct Parser<'a> {
    scanner: Scanner<'a>,
    fields: Vec<Cow<'a, str>>,
}

impl<'a> Parser<'a> {
    /// Next record that is not a blank line.
    fn next(&mut self) -> Result<Option<usize>, PbError> {
        loop {
            match self.scanner.next_record(&mut self.fields)? {
                None => return Ok(None),
                Some(_) if self.fields.len() == 1 && self.fields[0].trim().is_empty() => {}
                Some(line) => return Ok(Some(line)),
            }
        }
    }

    /// Expects the title of `section` and its header line; returns the header's line.
    fn open(&mut self, section: Section, line: Option<usize>) -> Result<usize, PbError> {
        let Some(line) = line else {
            return Err(PbError::new(
                self.scanner.line,
                format!("the {} section is missing", section.title()),
            ));
        };
        if section_title(&self.fields) != Some(section) {
            return Err(PbError::new(
                line,
                format!(
                    "expected the {} section title, found '{}'",
                    section.title(),
                    self.fields[0].trim()
                ),
            ));
        }
        match self.next()? {
            Some(header_line) if section_title(&self.fields).is_none() => Ok(header_line),
            _ => Err(PbError::new(
                line + 1,
                format!("the {} section has no header line", section.title()),
            )),
        }
    }

    fn check_width(&self, line: usize, expected: usize, section: Section) -> Result<(), PbError> {
        if self.fields.len() != expected {
            return Err(PbError::new(
                line,
                format!(
                    "expected {expected} fields as in the {} header, found {}",
                    section.title(),
                    self.fields.len()
                ),
            ));
        }
        Ok(())
    }

    fn run(&mut self) -> Result<Election, PbError> {
        let first = self.next()?;
        let meta_header_line = self.open(Section::Meta, first)?;
        self.check_width(meta_header_line, 2, Section::Meta)?;
        let (meta, line) = self.meta(first.unwrap_or(1))?;
        let header_line = self.open(Section::Projects, line)?;
        let (projects, line) = self.projects(header_line)?;
        let header_line = self.open(Section::Votes, line)?;
        let votes = self.votes(header_line, &meta, &projects.rows)?;
        let (declared, declared_line) = meta.num_projects;
        if declared != projects.rows.len() {
            return Err(PbError::new(
                declared_line,
                format!(
                    "num_projects is {declared} but PROJECTS lists {}",
                    projects.rows.len()
                ),
            ));
        }
        let (declared, declared_line) = meta.num_votes;
        if declared != votes.rows.len() {
            return Err(PbError::new(
                declared_line,
                format!(
                    "num_votes is {declared} but VOTES lists {}",
                    votes.rows.len()
                ),
            ));
        }
        Ok(Election {
            meta: meta.entries,
            budget: meta.budget,
            vote_type: meta.vote_type,
            project_fields: projects.extra_columns,
            projects: projects.rows,
            vote_fields: votes.extra_columns,
            votes: votes.rows,
        })
    }

    /// Reads META rows up to the next section title, whose line is returned.
    fn meta(&mut self, title_line: usize) -> Result<(Meta, Option<usize>), PbError> {
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut seen: FxHashMap<String, usize> = FxHashMap::default();
        let mut budget = None;
        let mut vote_type = None;
        let mut num_projects = None;
        let mut num_votes = None;
        let next = loop {
            let line = self.next()?;
            let Some(line) = line else { break None };
            if section_title(&self.fields).is_some() {
                break Some(line);
            }
            self.check_width(line, 2, Section::Meta)?;
            let key = self.fields[0].trim().to_string();
            let value = self.fields[1].trim().to_string();
            if key.is_empty() {
                return Err(PbError::new(line, "a META key is empty"));
            }
            if let Some(first) = seen.insert(key.clone(), line) {
                return Err(PbError::new(
                    line,
                    format!("META key '{key}' appears twice (first on line {first})"),
                ));
            }
            match key.as_str() {
                "budget" => {
                    let amount = parse_rational(&value).ok_or_else(|| {
                        PbError::new(line, format!("budget '{value}' is not a number"))
                    })?;
                    if amount.is_negative() {
                        return Err(PbError::new(line, "the budget is negative"));
                    }
                    budget = Some(amount);
                }
                "vote_type" => {
                    vote_type = Some(value.parse().map_err(|m| PbError::new(line, m))?);
                }
                "num_projects" | "num_votes" => {
                    let count: usize = value.parse().map_err(|_| {
                        PbError::new(line, format!("{key} '{value}' is not a whole number"))
                    })?;
                    if key == "num_projects" {
                        num_projects = Some((count, line));
                    } else {
                        num_votes = Some((count, line));
                    }
                }
                _ => entries.push((key, value)),
            }
        };
        if let Some(missing) = REQUIRED_META.iter().find(|k| !seen.contains_key(**k)) {
            return Err(PbError::new(
                title_line,
                format!("META lacks the required key '{missing}'"),
            ));
        }
        let (Some(budget), Some(vote_type), Some(num_projects), Some(num_votes)) =
            (budget, vote_type, num_projects, num_votes)
        else {
            return Err(PbError::new(title_line, "META lacks a required key"));
        };
        let meta = Meta {
            entries,
            budget,
            vote_type,
            num_projects,
            num_votes,
        };
        Ok((meta, next))
    }

    /// Reads PROJECTS rows up to the next section title, whose line is returned.
    fn projects(&mut self, header_line: usize) -> Result<(Rows<Project>, Option<usize>), PbError> {
        let columns = columns(
            &self.fields,
            header_line,
            Section::Projects,
            &["project_id", "cost"],
        )?;
        let (id_at, cost_at) = (columns.required[0], columns.required[1]);
        let mut projects: Vec<Project> = Vec::new();
        let mut lines: FxHashMap<String, usize> = FxHashMap::default();
        let next = loop {
            let Some(line) = self.next()? else { break None };
            if section_title(&self.fields).is_some() {
                break Some(line);
            }
            self.check_width(line, columns.count, Section::Projects)?;
            let id = self.fields[id_at].trim();
            if id.is_empty() || is_none(id) {
                return Err(PbError::new(line, "project_id is missing"));
            }
            let cost_text = self.fields[cost_at].trim();
            if cost_text.is_empty() || is_none(cost_text) {
                return Err(PbError::new(line, format!("project '{id}' has no cost")));
            }
            let cost = parse_rational(cost_text).ok_or_else(|| {
                PbError::new(
                    line,
                    format!("cost '{cost_text}' of project '{id}' is not a number"),
                )
            })?;
            if cost.is_negative() {
                return Err(PbError::new(
                    line,
                    format!("project '{id}' has a negative cost"),
                ));
            }
            if let Some(first) = lines.insert(id.to_string(), line) {
                return Err(PbError::new(
                    line,
                    format!("project '{id}' is listed twice (first on line {first})"),
                ));
            }
            projects.push(Project {
                id: id.to_string(),
                cost,
                fields: columns
                    .extra
                    .iter()
                    .map(|(at, _)| optional(&self.fields[*at]))
                    .collect(),
            });
        };
        let extra_columns = columns.extra.into_iter().map(|(_, name)| name).collect();
        Ok((
            Rows {
                extra_columns,
                rows: projects,
            },
            next,
        ))
    }

    /// Reads the VOTES rows, which must end the file.
    fn votes(
        &mut self,
        header_line: usize,
        meta: &Meta,
        projects: &[Project],
    ) -> Result<Rows<Vote>, PbError> {
        let has_points = meta.vote_type.has_points();
        let required: &[&str] = if has_points {
            &["voter_id", "vote", "points"]
        } else {
            &["voter_id", "vote"]
        };
        let columns = columns(&self.fields, header_line, Section::Votes, required)?;
        let (voter_at, vote_at) = (columns.required[0], columns.required[1]);
        let points_at = columns.required.get(2).copied();
        let index: FxHashMap<&str, usize> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        // Per project, the number (+1) of the last vote that listed it: finds repeats in O(1).
        let mut last_listed: Vec<usize> = vec![0; projects.len()];
        // The declared count is only a hint (it is checked later); the input size bounds it.
        let expected = meta.num_votes.0.min(self.scanner.text.len() / 4);
        let mut votes: Vec<Vote> = Vec::with_capacity(expected);
        let mut voters = VoterIds::default();
        voters.numbers.reserve(expected);
        let mut listed: Vec<usize> = Vec::with_capacity(16);
        let mut shared: Vec<SharedValues<'a>> = columns
            .extra
            .iter()
            .map(|_| SharedValues::default())
            .collect();
        while let Some(line) = self.next()? {
            if let Some(section) = section_title(&self.fields) {
                return Err(PbError::new(
                    line,
                    format!("unexpected {} section after VOTES", section.title()),
                ));
            }
            self.check_width(line, columns.count, Section::Votes)?;
            let voter_id = self.fields[voter_at].trim();
            if voter_id.is_empty() || is_none(voter_id) {
                return Err(PbError::new(line, "voter_id is missing"));
            }
            if !voters.insert(voter_id) {
                return Err(PbError::new(
                    line,
                    format!("voter_id '{voter_id}' appears twice"),
                ));
            }
            let stamp = votes.len() + 1;
            listed.clear();
            let mut repeats = false;
            let vote_text = self.fields[vote_at].trim();
            if !is_none(vote_text) {
                for id in vote_text
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    let Some(&p) = index.get(id) else {
                        return Err(PbError::new(
                            line,
                            format!("the vote of voter '{voter_id}' lists unknown project '{id}'"),
                        ));
                    };
                    repeats |= last_listed[p] == stamp;
                    last_listed[p] = stamp;
                    listed.push(p);
                }
            }
            let mut points: Vec<BigRational> = Vec::new();
            if let Some(points_at) = points_at {
                let points_text = self.fields[points_at].trim();
                if !is_none(points_text) {
                    for value in points_text
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                    {
                        let amount = parse_rational(value).ok_or_else(|| {
                            PbError::new(line, format!("points value '{value}' is not a number"))
                        })?;
                        if meta.vote_type == VoteType::Cumulative && amount.is_negative() {
                            return Err(PbError::new(
                                line,
                                format!("points value '{value}' is negative"),
                            ));
                        }
                        points.push(amount);
                    }
                }
                if points.len() != listed.len() {
                    return Err(PbError::new(
                        line,
                        format!(
                            "the vote of voter '{voter_id}' lists {} projects but {} points",
                            listed.len(),
                            points.len()
                        ),
                    ));
                }
            }
            if repeats {
                merge_repeats(&mut listed, &mut points);
            }
            votes.push(Vote {
                voter_id: voter_id.to_string(),
                projects: listed.clone(),
                points,
                fields: columns
                    .extra
                    .iter()
                    .zip(shared.iter_mut())
                    .map(|((at, _), values)| values.get(&self.fields[*at]))
                    .collect(),
            });
        }
        let extra_columns = columns.extra.into_iter().map(|(_, name)| name).collect();
        Ok(Rows {
            extra_columns,
            rows: votes,
        })
    }
}

/// A project listed twice counts once, at its first position; with points, the last value
/// given to it counts.
fn merge_repeats(listed: &mut Vec<usize>, points: &mut Vec<BigRational>) {
    let mut kept: Vec<usize> = Vec::with_capacity(listed.len());
    let mut kept_points: Vec<BigRational> = Vec::with_capacity(points.len());
    for (i, &p) in listed.iter().enumerate() {
        match kept.iter().position(|&q| q == p) {
            Some(at) => {
                if !points.is_empty() {
                    kept_points[at] = points[i].clone();
                }
            }
            None => {
                kept.push(p);
                if !points.is_empty() {
                    kept_points.push(points[i].clone());
                }
            }
        }
    }
    *listed = kept;
    *points = kept_points;
}
