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
    let operations = json!({ "query": UPLOAD, "variables": { "p": proposal, "f": null } });
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

backend_tests!(
    photos_are_stripped_scaled_and_private_while_drafted,
    uploads_are_rate_limited
);
