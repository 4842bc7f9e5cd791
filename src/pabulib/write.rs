//! The `.pb` writer.

use std::fmt::Write as _;

use super::number::format_rational;
use super::{Election, REQUIRED_META};

/// Writes the election as `.pb` text that [`super::parse`] reads back into an equal election.
///
/// The typed META entries (`num_projects`, `num_votes`, `budget`, `vote_type`) are written
/// right after `instance`, as in Pabulib files. Required keys the election lacks are written
/// with the value `None` so that the output is a valid file.
pub fn write(e: &Election) -> String {
    let mut out = String::with_capacity(64 * (e.projects.len() + e.votes.len()) + 1024);
    out.push_str("META\nkey;value\n");
    let typed = [
        ("num_projects", e.projects.len().to_string()),
        ("num_votes", e.votes.len().to_string()),
        ("budget", format_rational(&e.budget)),
        ("vote_type", e.vote_type.as_str().to_string()),
    ];
    let write_typed = |out: &mut String| {
        for (key, value) in &typed {
            row(out, [*key, value.as_str()]);
        }
    };
    let has_key = |key: &str| e.meta.iter().any(|(k, _)| k == key);
    if !has_key("instance") {
        write_typed(&mut out);
    }
    for (key, value) in &e.meta {
        row(&mut out, [key.as_str(), value.as_str()]);
        if key == "instance" {
            write_typed(&mut out);
        }
    }
    for key in REQUIRED_META {
        if !has_key(key) && typed.iter().all(|(k, _)| *k != key) {
            row(&mut out, [key, "None"]);
        }
    }

    out.push_str("PROJECTS\n");
    row(
        &mut out,
        ["project_id", "cost"]
            .into_iter()
            .chain(e.project_fields.iter().map(String::as_str)),
    );
    for p in &e.projects {
        let cost = format_rational(&p.cost);
        row(
            &mut out,
            [p.id.as_str(), cost.as_str()]
                .into_iter()
                .chain(p.fields.iter().map(|f| f.as_deref().unwrap_or("None"))),
        );
    }

    out.push_str("VOTES\n");
    let has_points = e.vote_type.has_points();
    let fixed: &[&str] = if has_points {
        &["voter_id", "vote", "points"]
    } else {
        &["voter_id", "vote"]
    };
    row(
        &mut out,
        fixed
            .iter()
            .copied()
            .chain(e.vote_fields.iter().map(String::as_str)),
    );
    let mut ballot = String::new();
    let mut points = String::new();
    for v in &e.votes {
        ballot.clear();
        for (i, &p) in v.projects.iter().enumerate() {
            if i > 0 {
                ballot.push(',');
            }
            ballot.push_str(e.projects.get(p).map_or("", |p| p.id.as_str()));
        }
        points.clear();
        for (i, value) in v.points.iter().enumerate() {
            if i > 0 {
                points.push(',');
            }
            let _ = write!(points, "{}", format_rational(value));
        }
        let lists: &[&str] = if has_points {
            &[ballot.as_str(), points.as_str()]
        } else {
            &[ballot.as_str()]
        };
        row(
            &mut out,
            std::iter::once(v.voter_id.as_str())
                .chain(lists.iter().copied())
                .chain(v.fields.iter().map(|f| f.as_deref().unwrap_or("None"))),
        );
    }
    out
}

/// Appends one `;`-separated line, quoting fields that contain a delimiter or quote.
fn row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        if field.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}
