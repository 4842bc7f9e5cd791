//! Exports of forums' results for the annual plan: the priority list (daftar prioritas) with the
//! proposals not agreed, as CSV, Excel or JSON; the minutes (berita acara) as PDF; the anonymous
//! ballots of closed rounds as Pabulib `.pb`. For one forum, every forum of a level under a
//! region in a cycle, or a whole cycle.
//!
//! `prepare` resolves the scope and checks access before a byte is sent, so refusals answer
//! with the usual typed error; `write` then streams the file forum by forum, a page of rows at a
//! time, so a large scope never sits whole in memory.
pub mod csv;
pub mod json;
pub mod pdf;
pub mod report_statistics;
pub mod rows;
pub mod table;
pub mod xlsx;

use std::{
    collections::{hash_map::Entry, HashMap},
    io::Seek,
    str::FromStr,
};

use entity::{
    cycle,
    enums::{ForumLevel, SessionStatus},
    forum, live_session, region, voting_round,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::{
    db::Db,
    domain::access::Actor,
    domain::{
        access, find, now, open_data,
        planning::{self, ForumFilter},
        regions::TimeZone,
        sessions::minutes::{MinutesAttendee, MinutesHeader, MinutesItem},
        voting, Window,
    },
    error::{AppError, AppResult},
};
use rows::{ForumHeader, ForumRows, Lookups};
use table::PriorityRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
    /// The minutes (berita acara) with their annexes.
    Pdf,
    /// Anonymous ballots of the closed voting rounds (Pabulib).
    Pb,
}

impl FromStr for Format {
    type Err = AppError;

    fn from_str(s: &str) -> AppResult<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            "json" => Ok(Self::Json),
            "pdf" => Ok(Self::Pdf),
            "pb" => Ok(Self::Pb),
            _ => Err(AppError::field(
                "format",
                "invalid",
                "must be csv, xlsx, json, pdf or pb",
            )),
        }
    }
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
            Self::Pdf => "pdf",
            Self::Pb => "pb",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Json => "application/json",
            Self::Pdf => "application/pdf",
            Self::Pb => "text/plain; charset=utf-8",
        }
    }
}

/// Which forums an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Forum(i32),
    /// The forums of a cycle, optionally of one level and under one region.
    Cycle {
        cycle_id: i32,
        level: Option<ForumLevel>,
        region_id: Option<i32>,
    },
}

impl Scope {
    /// From the parameters of `GET /export`: `forum=ID`, or `cycle=ID[&level=L][&region=ID]`.
    pub fn from_params(params: &HashMap<String, String>) -> AppResult<Self> {
        let id = |name: &str| -> AppResult<Option<i32>> {
            params
                .get(name)
                .map(|v| {
                    v.trim()
                        .parse::<i32>()
                        .map_err(|_| AppError::field(name, "invalid", "must be a whole number"))
                })
                .transpose()
        };
        let level = params
            .get("level")
            .map(|v| {
                ForumLevel::from_str(&v.trim().to_ascii_lowercase()).map_err(|_| {
                    AppError::field(
                        "level",
                        "invalid",
                        "must be REMBUK_RW, DESA_KELURAHAN, KECAMATAN, FORUM_OPD or KABUPATEN_KOTA",
                    )
                })
            })
            .transpose()?;
        match (id("forum")?, id("cycle")?) {
            (Some(forum), None) => {
                for name in ["level", "region"] {
                    if params.contains_key(name) {
                        return Err(AppError::field(
                            name,
                            "unexpected",
                            "goes with cycle, not with forum",
                        ));
                    }
                }
                Ok(Self::Forum(forum))
            }
            (None, Some(cycle_id)) => Ok(Self::Cycle {
                cycle_id,
                level,
                region_id: id("region")?,
            }),
            (Some(_), Some(_)) => Err(AppError::field(
                "forum",
                "conflict",
                "give either forum or cycle, not both",
            )),
            (None, None) => Err(AppError::field(
                "forum",
                "required",
                "give forum=ID, or cycle=ID (with level and region to narrow it)",
            )),
        }
    }
}

/// One closed voting round to publish as a `.pb` file.
struct RoundFile {
    round: voting_round::Model,
    forum_name: String,
}

/// A checked export: the forums it covers, in order, and what it will be called.
pub struct Export {
    pub format: Format,
    /// The CSV field separator (`sep=semicolon`).
    pub separator: csv::Separator,
    forums: Vec<ForumHeader>,
    rounds: Vec<RoundFile>,
    stem: String,
    /// The address residents reach the server at: links to files begin with it (empty: the
    /// links are paths on the server).
    pub link_base: String,
}

impl Export {
    /// Several minutes or ballot files travel as one ZIP archive.
    fn zipped(&self) -> bool {
        match self.format {
            Format::Pdf => self.forums.len() > 1,
            Format::Pb => self.rounds.len() > 1,
            Format::Csv | Format::Xlsx | Format::Json => false,
        }
    }

    pub fn content_type(&self) -> &'static str {
        if self.zipped() {
            "application/zip"
        } else {
            self.format.content_type()
        }
    }

    /// `daftar-prioritas-<forum>.xlsx`, `berita-acara-<forum>.pdf`, `suara-<forum>-putaran-<id>.pb`.
    pub fn file_name(&self) -> String {
        let extension = if self.zipped() {
            "zip"
        } else {
            self.format.extension()
        };
        match (self.format, self.rounds.as_slice()) {
            (Format::Pb, [only]) => format!(
                "suara-{}-putaran-{}.pb",
                slug(&only.forum_name),
                only.round.id
            ),
            (Format::Pdf, _) => format!("berita-acara-{}.{extension}", self.stem),
            (Format::Pb, _) => format!("suara-{}.{extension}", self.stem),
            _ => format!("daftar-prioritas-{}.{extension}", self.stem),
        }
    }

    /// The number of forums covered.
    pub fn forum_count(&self) -> usize {
        self.forums.len()
    }
}

/// "Musrenbang Kelurahan Oro-oro Dowo" → "musrenbang-kelurahan-oro-oro-dowo".
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "ekspor".to_owned()
    } else {
        slug.to_owned()
    }
}

/// Resolves the scope and checks that `actor` (None: anonymous) may export every forum in it:
/// anyone a forum whose results are published (closed or ratified), its staff any forum.
/// `actor` is ignored when `operator` is set (the command line has no account).
pub async fn prepare(
    db: &Db,
    actor: Option<&Actor>,
    operator: bool,
    format: Format,
    scope: Scope,
) -> AppResult<Export> {
    let conn = db.reader();
    let (forums, stem) = match scope {
        Scope::Forum(id) => {
            let forum = find::<forum::Entity>(conn, id, "forum").await?;
            let stem = slug(&forum.name);
            (vec![forum], stem)
        }
        Scope::Cycle {
            cycle_id,
            level,
            region_id,
        } => {
            let plan = find::<cycle::Entity>(conn, cycle_id, "cycle").await?;
            let mut stem = slug(&plan.name);
            if let Some(level) = level {
                stem = format!("{stem}-{}", slug(level.as_str()));
            }
            if let Some(region_id) = region_id {
                let region = find::<region::Entity>(conn, region_id, "region").await?;
                stem = format!("{stem}-{}", slug(&region.name));
            }
            let filter = ForumFilter {
                cycle_id: Some(cycle_id),
                level,
                region_id,
                ..ForumFilter::default()
            };
            let mut forums = planning::forums(
                db,
                filter,
                Window {
                    offset: 0,
                    limit: u64::from(u32::MAX),
                },
            )
            .await?
            .items;
            forums.sort_by(|a, b| {
                (a.level.order(), &a.name, a.id).cmp(&(b.level.order(), &b.name, b.id))
            });
            (forums, stem)
        }
    };
    let headers = headers_of(conn, forums).await?;
    if !operator {
        for header in &headers {
            if header.published() {
                continue;
            }
            let actor = actor.ok_or(AppError::Unauthenticated)?;
            access::require_forum_staff(conn, actor, &header.forum).await?;
        }
    }
    let mut rounds = Vec::new();
    if format == Format::Pb {
        let at = now();
        for header in &headers {
            let mut closed: Vec<voting_round::Model> = voting::rounds_of(db, header.forum.id)
                .await?
                .into_iter()
                .filter(|r| voting::is_closed(r, at))
                .collect();
            closed.sort_by_key(|r| r.id);
            rounds.extend(closed.into_iter().map(|round| RoundFile {
                round,
                forum_name: header.forum.name.clone(),
            }));
        }
        if rounds.is_empty() {
            return Err(AppError::precondition(
                "no closed voting round in this scope: ballots are published when a round closes",
            ));
        }
    }
    Ok(Export {
        format,
        separator: csv::Separator::default(),
        forums: headers,
        rounds,
        stem,
        link_base: String::new(),
    })
}

async fn headers_of(
    conn: &impl ConnectionTrait,
    forums: Vec<forum::Model>,
) -> AppResult<Vec<ForumHeader>> {
    let mut regions: HashMap<i32, region::Model> = HashMap::new();
    let mut cycles: HashMap<i32, cycle::Model> = HashMap::new();
    let mut names: HashMap<i32, String> = forums.iter().map(|f| (f.id, f.name.clone())).collect();
    let mut headers = Vec::with_capacity(forums.len());
    for forum in forums {
        if let Entry::Vacant(slot) = regions.entry(forum.region_id) {
            slot.insert(find::<region::Entity>(conn, forum.region_id, "region").await?);
        }
        if let Entry::Vacant(slot) = cycles.entry(forum.cycle_id) {
            slot.insert(find::<cycle::Entity>(conn, forum.cycle_id, "cycle").await?);
        }
        let parent_forum_name = match forum.parent_forum_id {
            Some(parent) => {
                if let Entry::Vacant(slot) = names.entry(parent) {
                    slot.insert(find::<forum::Entity>(conn, parent, "forum").await?.name);
                }
                names.get(&parent).cloned()
            }
            None => None,
        };
        let region = &regions[&forum.region_id];
        headers.push(ForumHeader {
            region_name: region.name.clone(),
            time_zone: TimeZone::of_code(&region.code),
            cycle: cycles[&forum.cycle_id].clone(),
            parent_forum_name,
            forum,
        });
    }
    Ok(headers)
}

fn io_error(err: impl std::fmt::Display) -> AppError {
    AppError::internal("export failed", err.to_string())
}

/// What the reader hands the writer: the forum at this index of the export begins, or the next
/// page of its rows.
enum Chunk {
    Forum(usize),
    Rows(Vec<PriorityRow>),
}

/// Reads the forums' rows on a task of its own, a page ahead of the writer: decoding rows and
/// formatting them then run on two cores at once (SQLite also works on a thread of its own).
/// At most two pages wait, so memory stays bounded; when the writer stops (an error, a client
/// gone), the reader stops at its next page.
fn read_ahead(
    conn: &DatabaseConnection,
    export: &Export,
) -> (
    tokio::task::JoinHandle<AppResult<()>>,
    tokio::sync::mpsc::Receiver<Chunk>,
) {
    let (pages, received) = tokio::sync::mpsc::channel(2);
    let (conn, forums, link_base) = (
        conn.clone(),
        export.forums.to_vec(),
        export.link_base.clone(),
    );
    let reader = tokio::spawn(async move {
        let mut lookups = Lookups::load(&conn, &link_base).await?;
        for (index, header) in forums.iter().enumerate() {
            if pages.send(Chunk::Forum(index)).await.is_err() {
                return Ok(());
            }
            let mut rows = ForumRows::new(header);
            while let Some(page) = rows.next_page(&conn, &mut lookups).await? {
                if pages.send(Chunk::Rows(page)).await.is_err() {
                    return Ok(());
                }
            }
        }
        Ok(())
    });
    (reader, received)
}

/// The reader's outcome once the writer has drained it.
async fn finished(reader: tokio::task::JoinHandle<AppResult<()>>) -> AppResult<()> {
    reader.await.map_err(io_error)?
}

/// Writes the export to `out`, forum by forum.
pub async fn write(
    db: &Db,
    export: &Export,
    out: &mut (impl AsyncWrite + Unpin + Send),
) -> AppResult<()> {
    let conn = db.reader();
    match export.format {
        Format::Csv | Format::Json => {
            let (reader, mut pages) = read_ahead(conn, export);
            let written = async {
                let mut buffer = Vec::new();
                let mut first = true;
                match export.format {
                    Format::Csv => csv::header(&mut buffer, export.separator).map_err(io_error)?,
                    _ => json::open(&mut buffer),
                }
                while let Some(chunk) = pages.recv().await {
                    let Chunk::Rows(page) = chunk else { continue };
                    match export.format {
                        Format::Csv => csv::rows(&mut buffer, &page, export.separator),
                        _ => json::rows(&mut buffer, &page, &mut first),
                    }
                    .map_err(io_error)?;
                    out.write_all(&buffer).await.map_err(io_error)?;
                    buffer.clear();
                }
                if export.format == Format::Json {
                    json::close(&mut buffer);
                }
                out.write_all(&buffer).await.map_err(io_error)
            }
            .await;
            // The reader must not wait for a writer that has stopped.
            drop(pages);
            // A failed read ends the pages early: its error explains the short file.
            finished(reader).await?;
            written?;
        }
        Format::Xlsx => {
            let (reader, mut pages) = read_ahead(conn, export);
            let book = async {
                let mut book = if export.forums.len() > 1 {
                    xlsx::XlsxBook::with_summary().map_err(io_error)?
                } else {
                    xlsx::XlsxBook::new()
                };
                let exported_on = crate::domain::format::tanggal(
                    export
                        .forums
                        .first()
                        .map_or(TimeZone::Wib, |h| h.time_zone)
                        .local(crate::domain::now()),
                );
                // The rows go to the sheets' temporary files as they come (small buffered
                // writes); zipping the finished workbook is the heavy part and runs off the
                // async threads.
                while let Some(chunk) = pages.recv().await {
                    match chunk {
                        Chunk::Forum(index) => {
                            let header = &export.forums[index];
                            book.start_sheet(&xlsx::SheetTitle {
                                forum_name: &header.forum.name,
                                cycle_name: &header.cycle.name,
                                region_name: &header.region_name,
                                budget_ceiling: header.forum.budget_ceiling,
                                status: header.status_label(),
                                exported_on: &exported_on,
                            })
                        }
                        Chunk::Rows(page) => book.rows(&page),
                    }
                    .map_err(io_error)?;
                }
                Ok::<_, AppError>(book)
            }
            .await;
            drop(pages);
            finished(reader).await?;
            let book = book?;
            let file = tokio::task::spawn_blocking(move || -> AppResult<std::fs::File> {
                let mut file = tempfile::tempfile().map_err(io_error)?;
                book.save(&mut file).map_err(io_error)?;
                Ok(file)
            })
            .await
            .map_err(io_error)??;
            send_file(file, out).await?;
        }
        Format::Pdf if !export.zipped() => {
            for header in &export.forums {
                let document = pdf::render(&minutes_of(db, header).await?);
                out.write_all(&document).await.map_err(io_error)?;
            }
        }
        Format::Pb if !export.zipped() => {
            for file in &export.rounds {
                let text = open_data::export_pb(db, file.round.id).await?;
                out.write_all(text.as_bytes()).await.map_err(io_error)?;
            }
        }
        Format::Pdf | Format::Pb => {
            // Each member is made whole (one forum's minutes, one round's ballots) and added to
            // an archive spooled to a temporary file, then sent.
            let options = zip::write::SimpleFileOptions::default();
            let mut archive = zip::ZipWriter::new(tempfile::tempfile().map_err(io_error)?);
            let mut names = std::collections::HashSet::new();
            if export.format == Format::Pdf {
                for header in &export.forums {
                    let document = pdf::render(&minutes_of(db, header).await?);
                    let name = unique_member(
                        &mut names,
                        &format!("berita-acara-{}", slug(&header.forum.name)),
                        "pdf",
                    );
                    archive.start_file(name, options).map_err(io_error)?;
                    std::io::Write::write_all(&mut archive, &document).map_err(io_error)?;
                }
            } else {
                for file in &export.rounds {
                    let text = open_data::export_pb(db, file.round.id).await?;
                    let name = format!(
                        "suara-{}-putaran-{}.pb",
                        slug(&file.forum_name),
                        file.round.id
                    );
                    archive.start_file(name, options).map_err(io_error)?;
                    std::io::Write::write_all(&mut archive, text.as_bytes()).map_err(io_error)?;
                }
            }
            let file = archive.finish().map_err(io_error)?;
            send_file(file, out).await?;
        }
    }
    out.flush().await.map_err(io_error)
}

fn unique_member(
    names: &mut std::collections::HashSet<String>,
    stem: &str,
    extension: &str,
) -> String {
    let mut name = format!("{stem}.{extension}");
    let mut n = 2;
    while !names.insert(name.clone()) {
        name = format!("{stem}-{n}.{extension}");
        n += 1;
    }
    name
}

async fn send_file(
    mut file: std::fs::File,
    out: &mut (impl AsyncWrite + Unpin + Send),
) -> AppResult<()> {
    file.rewind().map_err(io_error)?;
    let mut file = tokio::fs::File::from_std(file);
    tokio::io::copy(&mut file, out).await.map_err(io_error)?;
    Ok(())
}

/// The part of a session's stored minutes the berita acara takes: older minutes may differ in
/// the rest.
#[derive(Deserialize)]
struct RecordedMinutes {
    number: String,
    header: MinutesHeader,
    attendance: Vec<MinutesAttendee>,
    #[serde(default)]
    agenda: Vec<MinutesItem>,
}

/// The minutes of the forum's latest closed live session, if one was recorded.
async fn recorded_minutes(
    conn: &impl ConnectionTrait,
    forum_id: i32,
) -> AppResult<Option<RecordedMinutes>> {
    let sessions = live_session::Entity::find()
        .filter(live_session::Column::ForumId.eq(forum_id))
        .filter(live_session::Column::Status.eq(SessionStatus::Closed))
        .filter(live_session::Column::Minutes.is_not_null())
        .order_by_desc(live_session::Column::ClosedAt)
        .order_by_desc(live_session::Column::Id)
        .all(conn)
        .await?;
    Ok(sessions.into_iter().find_map(|session| {
        let parsed = serde_json::from_str(session.minutes.as_deref()?);
        if let Err(err) = &parsed {
            tracing::warn!(session = session.id, error = %err, "stored minutes unreadable");
        }
        parsed.ok()
    }))
}

/// Everything the berita acara of one forum says.
async fn minutes_of(db: &Db, header: &ForumHeader) -> AppResult<pdf::Minutes> {
    let conn = db.reader();
    // The minutes print no links.
    let mut lookups = Lookups::load(conn, "").await?;
    let mut rows: Vec<PriorityRow> = Vec::new();
    let mut pages = ForumRows::new(header);
    while let Some(page) = pages.next_page(conn, &mut lookups).await? {
        rows.extend(page);
    }
    let recorded = recorded_minutes(conn, header.forum.id).await?;
    let zone = header.time_zone;
    let held_at = zone.local(
        recorded
            .as_ref()
            .map(|m| m.header.opened_at.unwrap_or(m.header.starts_at))
            .or(header.forum.closed_at)
            .unwrap_or_else(now),
    );
    let attendance = recorded.as_ref().map(|m| {
        m.attendance
            .iter()
            .map(|person| pdf::Attendee {
                name: person.name.clone(),
                role_or_institution: person.role_or_institution.clone(),
                gender: match person.gender {
                    Some(entity::enums::Gender::Male) => "L".to_owned(),
                    Some(entity::enums::Gender::Female) => "P".to_owned(),
                    None => String::new(),
                },
                time: format!(
                    "{} {}",
                    zone.local(person.checked_in_at).format("%H:%M"),
                    zone.label()
                ),
            })
            .collect()
    });
    Ok(pdf::Minutes {
        number: recorded.as_ref().map_or_else(
            || format!("BA/{}/{}", header.forum.id, held_at.format("%Y")),
            |m| m.number.clone(),
        ),
        forum_name: header.forum.name.clone(),
        region_name: header.region_name.clone(),
        cycle_name: header.cycle.name.clone(),
        plan_year: header.cycle.plan_year,
        parent_forum_name: header.parent_forum_name.clone(),
        fixed: header.fixed(),
        held_at,
        place: recorded.as_ref().and_then(|m| m.header.place.clone()),
        chair: recorded.as_ref().map(|m| m.header.chair.clone()),
        attendance,
        rows,
        agenda: recorded
            .as_ref()
            .map(|m| m.agenda.iter().map(agenda_record).collect()),
    })
}

/// An agenda item of the stored session minutes, as the berita acara writes it.
fn agenda_record(item: &MinutesItem) -> pdf::AgendaRecord {
    use entity::enums::{ItemDecision, PollKind};
    let decision = item.decision.map(|d| {
        match d {
            ItemDecision::Accepted => "diterima",
            ItemDecision::Rejected => "ditolak",
            ItemDecision::Deferred => "ditunda",
            ItemDecision::Merged => "digabungkan",
        }
        .to_owned()
    });
    let note = match (&item.merged_into_code, &item.note) {
        (Some(code), Some(note)) => Some(format!("Digabung ke {code}. {note}")),
        (Some(code), None) => Some(format!("Digabung ke {code}.")),
        (None, note) => note.clone(),
    };
    let polls = item
        .polls
        .iter()
        .map(|poll| {
            let label = |raw: &str| match (poll.kind, raw) {
                (PollKind::YesNoAbstain, "YES") => "Setuju".to_owned(),
                (PollKind::YesNoAbstain, "NO") => "Tidak setuju".to_owned(),
                (PollKind::YesNoAbstain, "ABSTAIN") => "Abstain".to_owned(),
                (_, other) => other.to_owned(),
            };
            let results = if poll.results.withheld {
                format!(
                    "{} jawaban (terlalu sedikit untuk diumumkan)",
                    poll.results.answers
                )
            } else {
                let options: Vec<String> = poll
                    .results
                    .options
                    .iter()
                    .map(|o| format!("{} {}", label(&o.label), o.votes))
                    .collect();
                format!("{} (jumlah {})", options.join(", "), poll.results.total)
            };
            format!("{}: {results}", poll.question)
        })
        .collect();
    pdf::AgendaRecord {
        title: item.title.clone(),
        proposal_code: item.proposal_code.clone(),
        decision,
        note,
        polls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn field_of(err: AppError) -> String {
        match err {
            AppError::BadUserInput { fields, .. } => fields[0].field.clone(),
            other => panic!("expected BAD_USER_INPUT, got {}", other.code()),
        }
    }

    #[test]
    fn scopes_from_parameters() {
        assert_eq!(
            Scope::from_params(&params(&[("forum", "7")])).unwrap(),
            Scope::Forum(7)
        );
        assert_eq!(
            Scope::from_params(&params(&[
                ("cycle", "2"),
                ("level", "KECAMATAN"),
                ("region", "5")
            ]))
            .unwrap(),
            Scope::Cycle {
                cycle_id: 2,
                level: Some(ForumLevel::Kecamatan),
                region_id: Some(5)
            }
        );
        let bad =
            |pairs: &[(&str, &str)]| field_of(Scope::from_params(&params(pairs)).unwrap_err());
        assert_eq!(bad(&[("forum", "x")]), "forum");
        assert_eq!(bad(&[]), "forum");
        assert_eq!(bad(&[("cycle", "1"), ("level", "DUSUN")]), "level");
        assert_eq!(bad(&[("cycle", "1"), ("region", "-")]), "region");
        assert_eq!(bad(&[("forum", "1"), ("region", "2")]), "region");
        assert_eq!(field_of(Format::from_str("docx").unwrap_err()), "format");
    }

    #[test]
    fn slugs_are_ascii_and_dashed() {
        assert_eq!(
            slug("Musrenbang Kelurahan Oro-oro Dowo"),
            "musrenbang-kelurahan-oro-oro-dowo"
        );
        assert_eq!(slug("  Kota Malang: 2027! "), "kota-malang-2027");
        assert_eq!(slug("—"), "ekspor");
    }
}
