//! Photos and documents uploaded with a proposal (the GraphQL multipart request): the type is
//! read from the bytes, photos are re-encoded without their metadata (the phone's GPS position
//! above all) and scaled down, and files go only to those who may see the proposal.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const UPLOAD: &str = "mutation($p: Int!, $f: Upload!) {
    uploadAttachment(proposalId: $p, kind: PHOTO, file: $f) { id url contentType sizeBytes fileName } }";

/// Where the test's fake EXIF block says the photo was taken.
const GPS_MARK: &str = "GPSLatitude=-7.971234;GPSLongitude=112.621567";

/// A camera-sized JPEG with an EXIF block (APP1) carrying a position.
fn camera_photo() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(2400, 1800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 90)
        .encode_image(&picture)
        .unwrap();
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(GPS_MARK.as_bytes());
    let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE1, length[0], length[1]];
    photo.extend_from_slice(&exif);
    photo.extend_from_slice(&encoded[2..]);
    photo
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    proposal: i32,
    name: &str,
    bytes: Vec<u8>,
) -> Value {
    upload_with(app, token, UPLOAD, json!({ "p": proposal }), name, bytes).await
}

/// A multipart request of `query`, whose variable `f` is the file.
async fn upload_with(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
    name: &str,
    bytes: Vec<u8>,
) -> Value {
    let mut variables = variables;
    variables["f"] = Value::Null;
    let operations = json!({ "query": query, "variables": variables });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("Accept", "application/json")
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn fetch(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn photos_are_stripped_scaled_and_private_while_drafted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Santoso").await;
    let proposal = world.draft(&app, &ani, json!({})).await;
    let original = camera_photo();
    assert!(String::from_utf8_lossy(&original).contains(GPS_MARK));

    let uploaded = upload(
        &app,
        ani.token(),
        proposal,
        "IMG_2041.JPG",
        original.clone(),
    )
    .await;
    let attachment = ok(&uploaded)["uploadAttachment"].clone();
    assert_eq!(attachment["contentType"], "image/jpeg");
    assert_eq!(attachment["fileName"], "IMG_2041.jpg");
    let url = attachment["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/media/{}", id(&attachment["id"])));

    // The proposer sees it (privately cached): re-encoded, no metadata, at most 1600 px.
    let own = fetch(&app, ani.token(), &url).await;
    assert_eq!(own.status(), 200);
    assert_eq!(own.headers()["content-type"], "image/jpeg");
    assert_eq!(own.headers()["cache-control"], "private, max-age=3600");
    let stored = own.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&stored);
    assert!(
        !text.contains("GPSLatitude") && !text.contains("Exif"),
        "metadata kept"
    );
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 1200));
    assert!(stored.len() < original.len());
    let thumb = fetch(&app, ani.token(), &format!("{url}/thumb")).await;
    assert_eq!(thumb.status(), 200);
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!(thumb.width().max(thumb.height()), 320);

    // A draft's photo is nobody else's.
    assert_eq!(fetch(&app, None, &url).await.status(), 404);
    assert_eq!(fetch(&app, budi.token(), &url).await.status(), 404);
    assert_code(
        &upload(&app, budi.token(), proposal, "x.jpg", camera_photo()).await,
        "NOT_FOUND",
    );
    assert_code(
        &upload(&app, None, proposal, "x.jpg", camera_photo()).await,
        "UNAUTHENTICATED",
    );

    // The type comes from the bytes: text named .jpg is refused, a PDF is kept as sent.
    let before = app.snapshot().await;
    let fake = upload(
        &app,
        ani.token(),
        proposal,
        "foto.jpg",
        b"not a photo at all".to_vec(),
    )
    .await;
    assert_field_code(&fake, "file", "type");
    let broken = upload(
        &app,
        ani.token(),
        proposal,
        "foto.jpg",
        vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2],
    )
    .await;
    assert_field_code(&broken, "file", "unreadable");
    assert_eq!(
        app.snapshot().await,
        before,
        "a refused upload stores nothing"
    );
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let document = upload(&app, ani.token(), proposal, "RAB.pdf", pdf.clone()).await;
    let document = ok(&document)["uploadAttachment"].clone();
    assert_eq!(document["contentType"], "application/pdf");
    let served = fetch(&app, ani.token(), document["url"].as_str().unwrap()).await;
    assert!(served.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    assert_eq!(served.bytes().await.unwrap().to_vec(), pdf);

    // Submitted, the proposal is public and so are its files.
    world
        .transition(&app, &ani, proposal, "SUBMITTED", None)
        .await;
    let public = fetch(&app, None, &url).await;
    assert_eq!(public.status(), 200);
    assert_eq!(public.headers()["cache-control"], "public, max-age=86400");
    let listed = app
        .gql(
            "query($id: Int!) { proposal(id: $id) { attachments { url } } }",
            json!({ "id": proposal }),
            None,
        )
        .await;
    let urls: Vec<&str> = ok(&listed)["proposal"]["attachments"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["url"].as_str()).collect())
        .unwrap_or_default();
    assert!(urls.contains(&url.as_str()), "{listed}");
    // Once submitted, the proposer no longer adds files (staff may).
    assert_code(
        &upload(&app, ani.token(), proposal, "lagi.jpg", camera_photo()).await,
        "FORBIDDEN",
    );
}

/// Each upload costs the server a decode: one account's uploads are rated, and the refused one
/// writes nothing.
async fn uploads_are_rate_limited(backend: Backend) {
    let mut settings = roomy_settings();
    settings.limits.upload_per_account = musrenbang::config::Rate::new(2, 3600);
    let app = TestApp::spawn_with(backend, settings).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let proposal = world.draft(&app, &ani, json!({})).await;
    let small = || {
        let picture = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&picture)
            .unwrap();
        out
    };
    for name in ["satu.jpg", "dua.jpg"] {
        ok(&upload(&app, ani.token(), proposal, name, small()).await);
    }
    let third = upload(&app, ani.token(), proposal, "tiga.jpg", small()).await;
    assert_code(&third, "RATE_LIMITED");
    let listed = app
        .gql(
            "query($id: Int!) { proposal(id: $id) { attachments { id } } }",
            json!({ "id": proposal }),
            ani.token(),
        )
        .await;
    assert_eq!(
        ok(&listed)["proposal"]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

fn small_photo() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut encoded = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut encoded, image::ImageFormat::Png)
        .unwrap();
    encoded.into_inner()
}

const COMMENT_PHOTO: &str = "mutation($c: Int!, $f: Upload!) {
    uploadCommentPhoto(commentId: $c, file: $f) { id url contentType } }";
const IMPLEMENTATION_PHOTO: &str = "mutation($u: Int!, $f: Upload!) {
    uploadImplementationPhoto(updateId: $u, file: $f) { id url } }";
const THREAD: &str = "query($id: Int!) { proposal(id: $id) { attachments { id }
    comments { id attachments { id url } } path { implementation { id photoUrl } } } }";

async fn comments_and_implementation_reports_carry_photos(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let ani = w.verified_resident(&app, "Ani Wulandari").await;
    let budi = w.verified_resident(&app, "Budi Santoso").await;
    let moderator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let proposal = w.verified(&app, &ani, json!({})).await;
    let comment = id(&ok(&app
        .gql(
            "mutation($p: Int!) { addComment(proposalId: $p, body: \"Saluran ini juga tersumbat di depan rumah saya.\") { id } }",
            json!({ "p": proposal }),
            budi.token(),
        )
        .await)["addComment"]["id"]);

    // Only the comment's author adds photos to it, at most three.
    assert_code(
        &upload_with(
            &app,
            ani.token(),
            COMMENT_PHOTO,
            json!({ "c": comment }),
            "a.png",
            small_photo(),
        )
        .await,
        "FORBIDDEN",
    );
    assert_code(
        &upload_with(
            &app,
            None,
            COMMENT_PHOTO,
            json!({ "c": comment }),
            "a.png",
            small_photo(),
        )
        .await,
        "UNAUTHENTICATED",
    );
    let mut urls = Vec::new();
    for n in 0..3 {
        let sent = upload_with(
            &app,
            budi.token(),
            COMMENT_PHOTO,
            json!({ "c": comment }),
            &format!("saluran-{n}.png"),
            small_photo(),
        )
        .await;
        let photo = ok(&sent)["uploadCommentPhoto"].clone();
        assert_eq!(photo["contentType"], "image/jpeg", "re-encoded");
        urls.push(photo["url"].as_str().unwrap().to_owned());
    }
    assert_field_code(
        &upload_with(
            &app,
            budi.token(),
            COMMENT_PHOTO,
            json!({ "c": comment }),
            "d.png",
            small_photo(),
        )
        .await,
        "file",
        "count",
    );
    // The photos show with the comment, not among the proposal's own files, for everyone.
    let thread = ok(&app.gql(THREAD, json!({ "id": proposal }), None).await)["proposal"].clone();
    assert_eq!(thread["attachments"], json!([]));
    assert_eq!(
        thread["comments"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(fetch(&app, None, &urls[0]).await.status(), 200);

    // Hidden with the comment: gone for the public, kept for the forum's staff.
    ok(&app
        .gql(
            "mutation($id: Int!) { hideComment(commentId: $id, reason: \"Menyebut nama warga\") { id } }",
            json!({ "id": comment }),
            moderator.token(),
        )
        .await);
    let thread = ok(&app.gql(THREAD, json!({ "id": proposal }), None).await)["proposal"].clone();
    assert_eq!(thread["comments"][0]["attachments"], json!([]));
    assert_eq!(fetch(&app, None, &urls[0]).await.status(), 404);
    assert_eq!(fetch(&app, ani.token(), &urls[0]).await.status(), 404);
    let staff = fetch(&app, moderator.token(), &urls[0]).await;
    assert_eq!(staff.status(), 200);
    assert_eq!(staff.headers()["cache-control"], "private, max-age=3600");
    assert_eq!(
        ok(&app
            .gql(THREAD, json!({ "id": proposal }), moderator.token())
            .await)["proposal"]["comments"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The priority list's export links the proposal's own files, not its comments'.
    let own = upload(
        &app,
        moderator.token(),
        proposal,
        "denah.png",
        small_photo(),
    )
    .await;
    let own_url = ok(&own)["uploadAttachment"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = app
        .client
        .get(format!(
            "{}/export?format=csv&forum={}",
            app.base, w.forum_kelurahan
        ))
        .bearer_auth(moderator.token().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",Lampiran"), "{header}");
    assert!(
        csv.contains(&format!("http://127.0.0.1:8080{own_url}")),
        "{csv}"
    );
    assert!(!csv.contains(&urls[0]), "{csv}");

    // An implementation report's photo, by those who may report it; the first is its photo.
    let accepted = w.verified_at_top(&app, &ani).await;
    w.transition(&app, &w.admin, accepted, "ACCEPTED", None)
        .await;
    let planner = w.planner(&app, "Bappeda Kota Malang", w.city).await;
    let update = id(&ok(&app
        .gql(
            "mutation($input: ReportImplementationInput!) { reportImplementation(input: $input) { id } }",
            json!({ "input": { "proposalId": accepted, "status": "IN_PROGRESS",
                "happenedOn": chrono::Utc::now().date_naive().pred_opt().unwrap().to_string(),
                "note": "Pengerjaan dimulai" } }),
            planner.token(),
        )
        .await)["reportImplementation"]["id"]);
    assert_code(
        &upload_with(
            &app,
            ani.token(),
            IMPLEMENTATION_PHOTO,
            json!({ "u": update }),
            "a.png",
            small_photo(),
        )
        .await,
        "FORBIDDEN",
    );
    let sent = upload_with(
        &app,
        planner.token(),
        IMPLEMENTATION_PHOTO,
        json!({ "u": update }),
        "progres.png",
        small_photo(),
    )
    .await;
    let url = ok(&sent)["uploadImplementationPhoto"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let thread = ok(&app.gql(THREAD, json!({ "id": accepted }), None).await)["proposal"].clone();
    assert_eq!(thread["path"]["implementation"][0]["photoUrl"], json!(url));
    assert_eq!(thread["attachments"], json!([]));
    assert_eq!(fetch(&app, None, &url).await.status(), 200);
}

async fn files_can_live_in_a_shared_directory(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = roomy_settings();
    settings.files = musrenbang::files::FileStore::directory(dir.path()).unwrap();
    let app = TestApp::spawn_with(backend, settings).await;
    let w = World::build(&app).await;
    let ani = w.verified_resident(&app, "Ani Wulandari").await;
    let proposal = w.draft(&app, &ani, json!({})).await;
    let sent = upload(&app, ani.token(), proposal, "IMG_1.JPG", camera_photo()).await;
    let attachment = id(&ok(&sent)["uploadAttachment"]["id"]);
    // The bytes are on disk, the row holds none; the file is served as before.
    let on_disk = std::fs::read(dir.path().join(format!("attachment-{attachment}"))).unwrap();
    assert!(image::load_from_memory(&on_disk).is_ok());
    assert!(dir
        .path()
        .join(format!("attachment-{attachment}-thumb"))
        .exists());
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = entity::media_file::Entity::find()
        .filter(entity::media_file::Column::AttachmentId.eq(attachment))
        .one(app.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert!(row.bytes.is_empty());
    let served = fetch(&app, ani.token(), &format!("/media/{attachment}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), on_disk.as_slice());
    assert_eq!(
        fetch(&app, None, &format!("/media/{attachment}"))
            .await
            .status(),
        404,
        "still a draft's"
    );
}

backend_tests!(
    files_can_live_in_a_shared_directory,
    photos_are_stripped_scaled_and_private_while_drafted,
    uploads_are_rate_limited,
    comments_and_implementation_reports_carry_photos
);
