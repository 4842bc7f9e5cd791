//! Photos and documents residents upload. The type is read from the bytes, never from the
//! name; images are decoded, scaled down and re-encoded as JPEG, which leaves every metadata
//! block (EXIF with the phone's GPS position, above all) behind; a thumbnail is kept for lists.
//! Files live in the database, so every instance serves them, and go only to those who may
//! see the proposal (a draft's photos are its proposer's and staff's) and, for a comment's
//! photo, the comment (a hidden comment's photos are its forum staff's).
use entity::{
    comment, enums::AttachmentKind, forum, implementation_update, media_file, proposal,
    proposal_attachment,
};
use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageFormat};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::{access, find, implementation, now, proposals};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
};

/// The largest file accepted (a phone's camera photo before the web app shrinks it).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Files per proposal (its own, besides those of its comments and implementation reports).
pub const MAX_PER_PROPOSAL: u64 = 12;
/// Photos per comment and per implementation report.
pub const MAX_PER_COMMENT: u64 = 3;
pub const MAX_PER_UPDATE: u64 = 6;
/// A photo goes with its comment: the author adds it while the comment is fresh.
const COMMENT_PHOTO_WINDOW: chrono::Duration = chrono::Duration::hours(24);
/// The longest side of a stored photo, and of its thumbnail.
const PHOTO_SIDE: u32 = 1600;
const THUMBNAIL_SIDE: u32 = 320;
const JPEG_QUALITY: u8 = 82;

/// What the bytes are, by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(Sniffed::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Sniffed::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Sniffed::Webp),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some(Sniffed::Pdf),
        _ => None,
    }
}

/// A file as it will be stored.
#[derive(Debug)]
pub struct Prepared {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

fn jpeg(image: &DynamicImage) -> AppResult<Vec<u8>> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(&image.to_rgb8())
        .map_err(|err| AppError::internal("an image cannot be encoded", err))?;
    Ok(out)
}

fn unreadable() -> AppError {
    AppError::field(
        "file",
        "unreadable",
        "the image cannot be read: send a JPEG, PNG or WebP photo",
    )
}

/// Checks and re-encodes an upload (CPU-bound: run it off the async threads).
pub fn prepare(bytes: &[u8]) -> AppResult<Prepared> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::field("file", "size", "at most 10 MB per file"));
    }
    let format = match sniff(bytes) {
        Some(Sniffed::Pdf) => {
            return Ok(Prepared {
                content_type: "application/pdf",
                bytes: bytes.to_vec(),
                thumbnail: None,
                width: None,
                height: None,
            })
        }
        Some(Sniffed::Jpeg) => ImageFormat::Jpeg,
        Some(Sniffed::Png) => ImageFormat::Png,
        Some(Sniffed::Webp) => ImageFormat::WebP,
        None => {
            return Err(AppError::field(
                "file",
                "type",
                "send a JPEG, PNG or WebP photo, or a PDF document",
            ))
        }
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    // A small file that claims a huge picture would take gigabytes to decode.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| unreadable())?;
    let photo = if decoded.width().max(decoded.height()) > PHOTO_SIDE {
        decoded.thumbnail(PHOTO_SIDE, PHOTO_SIDE)
    } else {
        decoded
    };
    let thumbnail = photo.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    Ok(Prepared {
        content_type: "image/jpeg",
        bytes: jpeg(&photo)?,
        thumbnail: Some(jpeg(&thumbnail)?),
        width: Some(photo.width()),
        height: Some(photo.height()),
    })
}

/// What an uploaded file goes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachTo {
    /// The proposal itself: its proposer (while drafting or revising) or the forum's staff.
    Proposal(i32),
    /// A comment: its author, while it is fresh and not hidden.
    Comment(i32),
    /// An implementation report: whoever may report the implementation.
    ImplementationUpdate(i32),
}

/// Where a file may go once `actor` may put it there: the proposal and what else it names.
struct Destination {
    proposal: proposal::Model,
    comment_id: Option<i32>,
    update: Option<implementation_update::Model>,
}

/// Attaches an uploaded file to a proposal, a comment or an implementation report.
pub async fn upload(
    db: &Db,
    actor: &Actor,
    target: AttachTo,
    kind: AttachmentKind,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<proposal_attachment::Model> {
    let file_name: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    // Refused callers cost no decoding: the checks run first on the reader, and again in the
    // transaction (which is not held while the image is decoded).
    may_add_file(db.reader(), actor, target).await?;
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|err| AppError::internal("preparing an upload failed", err))??;
    let txn = db.begin().await?;
    let destination = may_add_file(&txn, actor, target).await?;
    let stored_name = match (prepared.content_type, file_name.is_empty()) {
        (_, true) => "lampiran".to_owned(),
        ("image/jpeg", false) => match file_name.rsplit_once('.') {
            Some((stem, _)) => format!("{stem}.jpg"),
            None => format!("{file_name}.jpg"),
        },
        _ => file_name,
    };
    let attachment = proposal_attachment::ActiveModel {
        proposal_id: Set(destination.proposal.id),
        kind: Set(kind),
        file_name: Set(stored_name),
        content_type: Set(prepared.content_type.to_owned()),
        size_bytes: Set(i64::try_from(prepared.bytes.len()).unwrap_or(i64::MAX)),
        url: Set(String::new()),
        uploaded_by: Set(actor.id()),
        created_at: Set(now()),
        comment_id: Set(destination.comment_id),
        implementation_update_id: Set(destination.update.as_ref().map(|u| u.id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let files = db.files();
    let (bytes, bytes_file) = files.place(prepared.bytes);
    let (thumbnail, thumbnail_file) = match prepared.thumbnail.map(|t| files.place(t)) {
        Some((held, file)) => (Some(held), file),
        None => (None, None),
    };
    if let Some(file) = bytes_file {
        files
            .write(&crate::files::key("attachment", attachment.id, false), file)
            .await?;
    }
    if let Some(file) = thumbnail_file {
        files
            .write(&crate::files::key("attachment", attachment.id, true), file)
            .await?;
    }
    media_file::ActiveModel {
        attachment_id: Set(attachment.id),
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
    let url = format!("/media/{}", attachment.id);
    // An implementation report shows its first photo where a link to one used to go.
    if let Some(update) = destination.update.filter(|u| u.photo_url.is_none()) {
        let mut shown: implementation_update::ActiveModel = update.into();
        shown.photo_url = Set(Some(url.clone()));
        shown.update(&txn).await?;
    }
    let mut named: proposal_attachment::ActiveModel = attachment.into();
    named.url = Set(url);
    let attachment = named.update(&txn).await?;
    txn.commit().await?;
    Ok(attachment)
}

/// Where the file goes, when `actor` may add it there and there is room for one more.
async fn may_add_file(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    target: AttachTo,
) -> AppResult<Destination> {
    let (destination, already, most, full) = match target {
        AttachTo::Proposal(id) => {
            let target = proposals::find_visible(conn, Some(actor), id).await?;
            let forum = find::<forum::Entity>(conn, target.forum_id, "forum").await?;
            proposals::require_may_attach(conn, actor, &target, &forum).await?;
            let already = proposal_attachment::Entity::find()
                .filter(proposal_attachment::Column::ProposalId.eq(target.id))
                .filter(proposal_attachment::Column::CommentId.is_null())
                .filter(proposal_attachment::Column::ImplementationUpdateId.is_null())
                .count(conn)
                .await?;
            let destination = Destination {
                proposal: target,
                comment_id: None,
                update: None,
            };
            (
                destination,
                already,
                MAX_PER_PROPOSAL,
                "a proposal carries at most 12 files",
            )
        }
        AttachTo::Comment(id) => {
            let comment = find::<comment::Entity>(conn, id, "comment").await?;
            let target = proposals::find_visible(conn, Some(actor), comment.proposal_id).await?;
            if comment.author_id != actor.id() {
                return Err(AppError::forbidden(
                    "only the comment's author adds photos to it",
                ));
            }
            if comment.hidden_at.is_some() || now() - comment.created_at > COMMENT_PHOTO_WINDOW {
                return Err(AppError::precondition(
                    "photos go with a comment while it is new and shown",
                ));
            }
            let already = proposal_attachment::Entity::find()
                .filter(proposal_attachment::Column::CommentId.eq(comment.id))
                .count(conn)
                .await?;
            let destination = Destination {
                proposal: target,
                comment_id: Some(comment.id),
                update: None,
            };
            (
                destination,
                already,
                MAX_PER_COMMENT,
                "a comment carries at most 3 photos",
            )
        }
        AttachTo::ImplementationUpdate(id) => {
            let update =
                find::<implementation_update::Entity>(conn, id, "implementation update").await?;
            let target = find::<proposal::Entity>(conn, update.proposal_id, "proposal").await?;
            if !implementation::may_report(conn, actor, &target).await? {
                return Err(AppError::forbidden(
                    "only the responsible agency or a planner adds photos to its reports",
                ));
            }
            let already = proposal_attachment::Entity::find()
                .filter(proposal_attachment::Column::ImplementationUpdateId.eq(update.id))
                .count(conn)
                .await?;
            let destination = Destination {
                proposal: target,
                comment_id: None,
                update: Some(update),
            };
            (
                destination,
                already,
                MAX_PER_UPDATE,
                "a report carries at most 6 photos",
            )
        }
    };
    if already >= most {
        return Err(AppError::field("file", "count", full));
    }
    Ok(destination)
}

/// An uploaded file for someone who may see its proposal; `public` says whether anyone may
/// (so a cache may keep it).
pub struct Served {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub public: bool,
}

pub async fn serve(
    db: &Db,
    actor: Option<&Actor>,
    attachment_id: i32,
    thumbnail: bool,
) -> AppResult<Served> {
    let conn = db.reader();
    let attachment = find::<proposal_attachment::Entity>(conn, attachment_id, "file").await?;
    // Most files are of public proposals: one check answers for everyone then.
    let public = match proposals::find_visible(conn, None, attachment.proposal_id).await {
        Ok(_) => true,
        Err(AppError::NotFound(_)) => false,
        Err(other) => return Err(other),
    };
    if !public {
        proposals::find_visible(conn, actor, attachment.proposal_id).await?;
    }
    // A hidden comment's photos are hidden with its text.
    let public = match attachment.comment_id {
        Some(comment_id) => {
            let comment = find::<comment::Entity>(conn, comment_id, "file").await?;
            if comment.hidden_at.is_some()
                && !access::may_read_hidden_comment(conn, actor, &comment).await?
            {
                return Err(AppError::NotFound("file"));
            }
            public && comment.hidden_at.is_none()
        }
        None => public,
    };
    let file = media_file::Entity::find()
        .filter(media_file::Column::AttachmentId.eq(attachment.id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("file"))?;
    let (content_type, bytes) = match (thumbnail, file.thumbnail) {
        (true, Some(thumb)) => (
            "image/jpeg".to_owned(),
            db.files()
                .get(&crate::files::key("attachment", attachment.id, true), thumb)
                .await?,
        ),
        _ => (
            file.content_type,
            db.files()
                .get(
                    &crate::files::key("attachment", attachment.id, false),
                    file.bytes,
                )
                .await?,
        ),
    };
    Ok(Served {
        content_type,
        bytes,
        public,
    })
}
