//! Photos and documents residents upload. The type is read from the bytes, never from the
//! name; images are decoded, scaled down and re-encoded as JPEG, which leaves every metadata
//! block (EXIF with the phone's GPS position, above all) behind; a thumbnail is kept for lists.
//! Files live in the database, so every instance serves them, and go only to those who may
//! see the proposal (a draft's photos are its proposer's and staff's).
use entity::{enums::AttachmentKind, forum, media_file, proposal_attachment};
use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageFormat};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::{find, now, proposals};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
};

/// The largest file accepted (a phone's camera photo before the web app shrinks it).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Files per proposal.
pub const MAX_PER_PROPOSAL: u64 = 12;
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

/// The proposer (while drafting or revising) or the forum's staff attach an uploaded file.
pub async fn upload(
    db: &Db,
    actor: &Actor,
    proposal_id: i32,
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
    may_add_file(db.reader(), actor, proposal_id).await?;
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|err| AppError::internal("preparing an upload failed", err))??;
    let txn = db.begin().await?;
    let target = may_add_file(&txn, actor, proposal_id).await?;
    let stored_name = match (prepared.content_type, file_name.is_empty()) {
        (_, true) => "lampiran".to_owned(),
        ("image/jpeg", false) => match file_name.rsplit_once('.') {
            Some((stem, _)) => format!("{stem}.jpg"),
            None => format!("{file_name}.jpg"),
        },
        _ => file_name,
    };
    let attachment = proposal_attachment::ActiveModel {
        proposal_id: Set(target.id),
        kind: Set(kind),
        file_name: Set(stored_name),
        content_type: Set(prepared.content_type.to_owned()),
        size_bytes: Set(i64::try_from(prepared.bytes.len()).unwrap_or(i64::MAX)),
        url: Set(String::new()),
        uploaded_by: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    media_file::ActiveModel {
        attachment_id: Set(attachment.id),
        content_type: Set(prepared.content_type.to_owned()),
        bytes: Set(prepared.bytes),
        thumbnail: Set(prepared.thumbnail),
        width: Set(prepared.width.and_then(|w| i32::try_from(w).ok())),
        height: Set(prepared.height.and_then(|h| i32::try_from(h).ok())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let url = format!("/media/{}", attachment.id);
    let mut named: proposal_attachment::ActiveModel = attachment.into();
    named.url = Set(url);
    let attachment = named.update(&txn).await?;
    txn.commit().await?;
    Ok(attachment)
}

/// The proposal, when `actor` may add a file to it and it has room for one more.
async fn may_add_file(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    proposal_id: i32,
) -> AppResult<entity::proposal::Model> {
    let target = proposals::find_visible(conn, Some(actor), proposal_id).await?;
    let forum = find::<forum::Entity>(conn, target.forum_id, "forum").await?;
    proposals::require_may_attach(conn, actor, &target, &forum).await?;
    let already = proposal_attachment::Entity::find()
        .filter(proposal_attachment::Column::ProposalId.eq(target.id))
        .count(conn)
        .await?;
    if already >= MAX_PER_PROPOSAL {
        return Err(AppError::field(
            "file",
            "count",
            "a proposal carries at most 12 files",
        ));
    }
    Ok(target)
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
    let file = media_file::Entity::find()
        .filter(media_file::Column::AttachmentId.eq(attachment.id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("file"))?;
    let (content_type, bytes) = match (thumbnail, file.thumbnail) {
        (true, Some(thumb)) => ("image/jpeg".to_owned(), thumb),
        _ => (file.content_type, file.bytes),
    };
    Ok(Served {
        content_type,
        bytes,
        public,
    })
}
