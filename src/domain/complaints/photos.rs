//! Photos of reports: the reporter's (of the problem) and the agency's (of the answer),
//! checked and re-encoded like every upload (`media::prepare`: no metadata survives, so a
//! photo cannot give an anonymous reporter away by its GPS position or camera serial), and
//! served only to those who may see the report.
use entity::{enums::ReportStatus, report, report_photo, report_update};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{find_visible, workflow};
use crate::{
    db::Db,
    domain::{
        access::{self, Actor},
        find, media, now,
    },
    error::{AppError, AppResult},
};

/// Photos per report.
pub const MAX_PER_REPORT: u64 = 8;

/// The report, when `actor` may add a photo to it now: the reporter until it is closed, the
/// agency while it holds or answers it, the coordinators while it is open.
async fn may_add_photo(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    report_id: i32,
) -> AppResult<(report::Model, bool)> {
    let (target, standing) = find_visible(conn, Some(actor), report_id).await?;
    let open = !workflow::is_final(target.status);
    let by_agency = standing.agency
        && (workflow::with_agency(target.status) || target.status == ReportStatus::Answered);
    if !(open && (standing.reporter || standing.coordinator || by_agency)) {
        return Err(AppError::forbidden(
            "only the reporter, the coordinators or the agency handling an open report add photos",
        ));
    }
    let already = report_photo::Entity::find()
        .filter(report_photo::Column::ReportId.eq(target.id))
        .count(conn)
        .await?;
    if already >= MAX_PER_REPORT {
        return Err(AppError::field(
            "file",
            "count",
            "a report carries at most 8 photos",
        ));
    }
    Ok((target, by_agency && !standing.reporter))
}

pub async fn upload(
    db: &Db,
    actor: &Actor,
    report_id: i32,
    bytes: Vec<u8>,
) -> AppResult<report_photo::Model> {
    may_add_photo(db.reader(), actor, report_id).await?;
    let prepared = tokio::task::spawn_blocking(move || media::prepare(&bytes))
        .await
        .map_err(|err| AppError::internal("preparing an upload failed", err))??;
    let txn = db.begin().await?;
    let (target, by_agency) = may_add_photo(&txn, actor, report_id).await?;
    // The agency's photos belong to its latest step (the answer, usually).
    let update_id = if by_agency {
        report_update::Entity::find()
            .filter(report_update::Column::ReportId.eq(target.id))
            .order_by_desc(report_update::Column::Id)
            .one(&txn)
            .await?
            .map(|u| u.id)
    } else {
        None
    };
    let files = db.files();
    let (bytes, bytes_file) = files.place(prepared.bytes);
    let (thumbnail, thumbnail_file) = match prepared.thumbnail.map(|t| files.place(t)) {
        Some((held, file)) => (Some(held), file),
        None => (None, None),
    };
    let created = report_photo::ActiveModel {
        report_id: Set(target.id),
        update_id: Set(update_id),
        uploaded_by: Set(actor.id()),
        content_type: Set(prepared.content_type.to_owned()),
        bytes: Set(bytes),
        thumbnail: Set(thumbnail),
        width: Set(prepared.width.and_then(|w| i32::try_from(w).ok())),
        height: Set(prepared.height.and_then(|h| i32::try_from(h).ok())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(file) = bytes_file {
        files
            .write(&crate::files::key("report-photo", created.id, false), file)
            .await?;
    }
    if let Some(file) = thumbnail_file {
        files
            .write(&crate::files::key("report-photo", created.id, true), file)
            .await?;
    }
    // Whoever follows the report reads it again (an answer's photos arrive after the answer).
    super::publish(&txn, &target, Some(target.status), None, None, false).await?;
    txn.commit().await?;
    Ok(created)
}

/// A report's photos without their bytes' weight mattering (lists are short).
pub async fn of_report(
    conn: &impl ConnectionTrait,
    report_id: i32,
) -> AppResult<Vec<report_photo::Model>> {
    Ok(report_photo::Entity::find()
        .filter(report_photo::Column::ReportId.eq(report_id))
        .order_by_asc(report_photo::Column::Id)
        .all(conn)
        .await?)
}

pub async fn serve(
    db: &Db,
    actor: Option<&Actor>,
    photo_id: i32,
    thumbnail: bool,
) -> AppResult<media::Served> {
    let conn = db.reader();
    let photo = find::<report_photo::Entity>(conn, photo_id, "file").await?;
    let target = find::<report::Entity>(conn, photo.report_id, "file").await?;
    let public = access::is_report_published(&target);
    if !public {
        find_visible(conn, actor, target.id)
            .await
            .map_err(|err| match err {
                AppError::NotFound(_) => AppError::NotFound("file"),
                other => other,
            })?;
    }
    let (content_type, bytes) = match (thumbnail, photo.thumbnail) {
        (true, Some(thumb)) => (
            "image/jpeg".to_owned(),
            db.files()
                .get(&crate::files::key("report-photo", photo.id, true), thumb)
                .await?,
        ),
        _ => (
            photo.content_type,
            db.files()
                .get(
                    &crate::files::key("report-photo", photo.id, false),
                    photo.bytes,
                )
                .await?,
        ),
    };
    Ok(media::Served {
        content_type,
        bytes,
        public,
    })
}
