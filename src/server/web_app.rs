//! The web app: built into the binary from `frontend/dist` (so the one file serves everything,
//! started from any directory), or served from a directory given at start (`--frontend-dir`,
//! while developing the web app). Paths that are not files are the app's own routes and get
//! `index.html`; hashed assets are cached for good, the page itself is revalidated.
use std::path::PathBuf;

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
    Router,
};
use tower_http::services::{ServeDir, ServeFile};

#[derive(rust_embed::Embed)]
#[folder = "frontend/dist"]
struct Bundled;

/// Where the web app comes from.
pub enum WebApp {
    Bundled,
    Directory(PathBuf),
    /// Neither holds a built app: a page that says how to build it.
    Missing,
}

impl WebApp {
    /// The directory if it holds a built app, else the bundled app if the binary has one.
    pub fn choose(directory: Option<PathBuf>) -> Self {
        match directory {
            Some(dir) if dir.join("index.html").is_file() => Self::Directory(dir),
            Some(dir) => {
                tracing::warn!(dir = %dir.display(), "no built web app there (index.html); serving the bundled one");
                Self::bundled_or_missing()
            }
            None => Self::bundled_or_missing(),
        }
    }

    fn bundled_or_missing() -> Self {
        if Bundled::get("index.html").is_some() {
            Self::Bundled
        } else {
            Self::Missing
        }
    }

    pub fn serve<S: Clone + Send + Sync + 'static>(self, router: Router<S>) -> Router<S> {
        match self {
            Self::Directory(dir) => {
                let index = dir.join("index.html");
                router.fallback_service(
                    ServeDir::new(dir)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(
                            ServeFile::new(index)
                                .precompressed_br()
                                .precompressed_gzip(),
                        ),
                )
            }
            Self::Bundled => router.fallback(bundled),
            Self::Missing => router.fallback(placeholder),
        }
    }
}

async fn placeholder() -> impl IntoResponse {
    axum::response::Html(include_str!("placeholder.html"))
}

/// Hashed file names (`assets/index-3f2a.js`) change with their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The encodings of the copies `scripts/precompress.mjs` writes, best first.
const PRECOMPRESSED: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

/// Whether the request's `Accept-Encoding` takes `coding` (a `q=0` refuses it).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|list| {
            list.split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                parts
                    .next()
                    .is_some_and(|name| name.eq_ignore_ascii_case(coding))
                    && !parts.any(|p| p.replace(' ', "") == "q=0")
            })
        })
}

async fn bundled(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    let (path, original) = match Bundled::get(path).filter(|_| !path.is_empty()) {
        Some(file) => (path, file),
        // A missing asset is a 404 (a stale page asking for last release's script must not
        // get HTML); any other path is a route of the app.
        None if path.starts_with("assets/") => return StatusCode::NOT_FOUND.into_response(),
        None => match Bundled::get("index.html") {
            Some(file) => ("index.html", file),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    // The smallest copy the client takes, compressed once at build time at the best level.
    let (file, encoding) = PRECOMPRESSED
        .iter()
        .filter(|(coding, _)| accepts(&headers, coding))
        .find_map(|(coding, suffix)| {
            Bundled::get(&format!("{path}{suffix}")).map(|file| (file, Some(*coding)))
        })
        .unwrap_or((original.clone(), None));
    let etag = format!(
        "\"{}\"",
        file.metadata
            .sha256_hash()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let cache = if path.starts_with("assets/") {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(file.data));
        if let Ok(mime) = HeaderValue::from_str(original.metadata.mimetype()) {
            response.headers_mut().insert(header::CONTENT_TYPE, mime);
        }
        if let Some(coding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}
