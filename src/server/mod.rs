//! HTTP: `/graphql` per the GraphQL-over-HTTP specification (and GraphQL over WebSocket for
//! subscriptions, see `ws`), `/export` (files for planners), the probes `/livez`,
//! `/readyz` and `/healthz`, and the web app. `serve` shuts down gracefully: see `Shutdown`.
mod open311;
pub mod web_app;
pub mod ws;

use std::{
    collections::HashMap,
    future::{Future, IntoFuture},
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

use async_graphql::{http::GraphiQLSource, parser::types::OperationType, Value};
use axum::{
    body::Body,
    body::Bytes,
    extract::{
        ws::rejection::WebSocketUpgradeRejection, ws::WebSocketUpgrade, ConnectInfo,
        DefaultBodyLimit, Path, Query, RawQuery, Request, State,
    },
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response},
    routing::get,
    Extension, Router,
};
use tower_http::{
    compression::{
        predicate::{DefaultPredicate, NotForContentType, Predicate},
        CompressionLayer,
    },
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
};

use crate::{
    config::ServerSettings,
    domain::{accounts, throttle::ClientAddr},
    error::AppError,
    export,
    graphql::{build_schema, AppSchema, RequestAuth},
    state::{AppState, Shutdown, SHUTDOWN_DEADLINE},
};

/// The Content-Security-Policy of the web app: its own scripts, styles and API only; images
/// also from the map's tile server, when there is one.
fn content_security_policy(map_tiles: Option<&crate::config::MapTiles>) -> String {
    let tiles = map_tiles
        .and_then(|tiles| tile_origin(&tiles.url_template))
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; \
         img-src 'self' data: blob:{tiles}; connect-src 'self' ws: wss:; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The origin of a tile URL template as a CSP source (`{s}.tile.example.org` becomes
/// `*.tile.example.org`); None for anything that is not plainly an http(s) host.
fn tile_origin(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next()?;
    let mut source = String::new();
    let mut placeholder = false;
    for c in host.chars() {
        match c {
            '{' => placeholder = true,
            '}' => {
                placeholder = false;
                source.push('*');
            }
            _ if placeholder => {}
            c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':') => source.push(c),
            _ => return None,
        }
    }
    // A wildcard only stands for the leftmost labels in a CSP host.
    let wildcard_inside = source.trim_start_matches("*.").contains('*');
    (!source.is_empty() && !placeholder && !wildcard_inside).then(|| format!("{scheme}://{source}"))
}

/// GraphiQL loads its scripts and styles from a CDN and runs inline ones.
const GRAPHIQL_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'unsafe-inline' https://unpkg.com; \
     style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; \
     connect-src 'self' ws: wss:; font-src 'self' data: https://unpkg.com; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// A request that takes longer than this is answered 408 (streamed bodies, such as exports,
/// and WebSockets are not cut: the limit is on the response's start).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves the application on `listener`, telling each request which address it came from,
/// until `stop` resolves; then shuts down gracefully (see `Shutdown`) and returns. The ballot
/// box needs no draining of its own: each ballot in it belongs to a request still in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: Shutdown,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Subscriptions push small messages: send them at once (no Nagle delay).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let begin = shutdown.clone();
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        tokio::select! {
            () = stop => begin.begin(),
            () = begin.begun() => {}
        }
    })
    .into_future();
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => return served,
        () = shutdown.begun() => {}
    }
    tracing::info!("shutting down: finishing requests in flight and closing WebSockets");
    let drained = async {
        let (served, ()) = tokio::join!(server, shutdown.sockets_closed());
        served
    };
    match tokio::time::timeout(SHUTDOWN_DEADLINE, drained).await {
        Ok(served) => served,
        Err(_) => {
            tracing::warn!(
                "requests or WebSockets still open {}s after the shutdown began; stopping anyway",
                SHUTDOWN_DEADLINE.as_secs()
            );
            Ok(())
        }
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
fn client_addr(settings: &ServerSettings, peer: Option<IpAddr>, headers: &HeaderMap) -> ClientAddr {
    let Some(peer) = peer else {
        return ClientAddr::default();
    };
    if !settings.trusted_proxies.contains(&peer) {
        return ClientAddr(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    ClientAddr(
        forwarded
            .into_iter()
            .rev()
            .find(|addr| !settings.trusted_proxies.contains(addr))
            .unwrap_or(peer),
    )
}

async fn with_client_addr(State(api): State<Api>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let client = client_addr(&api.state.settings, peer, request.headers());
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// A GraphQL request without a file.
const MAX_JSON_BODY: usize = 2 * 1024 * 1024;

#[derive(Clone)]
struct Api {
    state: AppState,
    schema: AppSchema,
}

/// The whole HTTP application. The web app comes from `frontend_dir` if it holds one, else
/// from the binary (`web_app`).
pub fn app(state: AppState, frontend_dir: Option<PathBuf>) -> Router {
    let policy = HeaderValue::from_str(&content_security_policy(state.settings.map_tiles.as_ref()))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let schema = build_schema(state.clone());
    let api = Api { state, schema };
    let router = Router::new()
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                // Room for one upload and its form fields; JSON requests stay at 2 MB.
                .layer(DefaultBodyLimit::max(
                    crate::domain::media::MAX_FILE_BYTES + 64 * 1024,
                )),
        )
        .route("/media/{id}", get(media_get))
        .route("/media/{id}/thumb", get(media_thumb_get))
        .route("/media/laporan/{id}", get(report_photo_get))
        .route("/media/laporan/{id}/thumb", get(report_photo_thumb_get))
        .route("/statistik/laporan.csv", get(report_statistics_csv))
        .route("/statistik/laporan.xlsx", get(report_statistics_xlsx))
        .merge(open311::routes())
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/healthz", get(readyz))
        .route("/export", get(export_get))
        .layer(middleware::from_fn_with_state(
            api.clone(),
            with_client_addr,
        ))
        .with_state(api);
    // Gzip or brotli for whatever is text (the API's JSON, the web app, CSV and JSON exports):
    // on a slow link to a village hall the bytes are the wait. Containers that are compressed
    // already (XLSX, ZIP, PDF) and images go as they are.
    let compression = CompressionLayer::new().compress_when(
        DefaultPredicate::new()
            .and(NotForContentType::const_new("application/zip"))
            .and(NotForContentType::const_new(
                "application/vnd.openxmlformats",
            ))
            .and(NotForContentType::const_new("application/pdf")),
    );
    web_app::WebApp::choose(frontend_dir)
        .serve(router)
        .layer(compression)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// How long the readiness probe waits for the database: probes time out after a few seconds,
/// and a late answer is as bad as none.
const READINESS_PING_LIMIT: Duration = Duration::from_millis(800);

/// Liveness: the process serves HTTP. It says nothing of the database, so an orchestrator does
/// not restart every instance while the database is down (they recover by themselves).
async fn livez() -> (
    StatusCode,
    [(header::HeaderName, &'static str); 1],
    &'static str,
) {
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        "{\"status\":\"live\"}",
    )
}

/// Readiness (also `/healthz`): 200 while this instance can serve requests; 503 while its
/// database does not answer within `READINESS_PING_LIMIT` or while it shuts down.
async fn readyz(State(api): State<Api>) -> Response {
    let status = if api.state.shutdown.has_begun() {
        "shutting_down"
    } else if api.state.db.ping(READINESS_PING_LIMIT).await {
        "ready"
    } else {
        "database_unavailable"
    };
    let code = if status == "ready" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::json!({ "status": status }).to_string(),
    )
        .into_response()
}

/// The two response media types of GraphQL over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept`; a client that sends none gets `application/json`,
/// as the specification asks for legacy clients.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    if accept.trim().is_empty() {
        return Some(MediaType::Json);
    }
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            matches!(
                p.trim().replace(' ', "").as_str(),
                "q=0" | "q=0.0" | "q=0.00" | "q=0.000"
            )
        });
        if refused {
            continue;
        }
        match media.as_str() {
            "application/graphql-response+json" | "*/*" | "application/*" => {
                return Some(MediaType::GraphqlResponse)
            }
            "application/json" => return Some(MediaType::Json),
            _ => {}
        }
    }
    None
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn plain_error(status: StatusCode, media: MediaType, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message }] });
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

/// Who the request acts for. A token that cannot be checked (the database fails) is an error,
/// never an anonymous request: the caller must not be told to sign in again.
async fn request_auth(state: &AppState, headers: &HeaderMap) -> Result<RequestAuth, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let actor = match &token {
        Some(token) => accounts::actor_for_token(&state.db, token).await?,
        None => None,
    };
    Ok(RequestAuth::new(actor, token))
}

async fn execute(
    api: &Api,
    client: ClientAddr,
    headers: &HeaderMap,
    media: MediaType,
    request: async_graphql::Request,
) -> Response {
    let auth = match request_auth(&api.state, headers).await {
        Ok(auth) => auth,
        Err(err) => return app_error_response(err),
    };
    let response = api.schema.execute(request.data(auth).data(client)).await;
    // No data and no error tied to a field: the request itself was refused (syntax,
    // validation, limits) and no resolver ran.
    let request_error = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    // The database did not answer: 503 with Retry-After, so that clients and proxies retry
    // (the errors say the same in `extensions`).
    let unavailable = response
        .errors
        .iter()
        .filter(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .is_some_and(|code| *code == Value::from("UNAVAILABLE"))
        })
        .filter_map(|e| match e.extensions.as_ref()?.get("retryAfterSeconds")? {
            Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .max();
    let (status, body) = if unavailable.is_some() {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::to_string(&response).unwrap_or_default(),
        )
    } else if request_error && media == MediaType::GraphqlResponse {
        (
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "errors": response.errors }).to_string(),
        )
    } else {
        (
            StatusCode::OK,
            serde_json::to_string(&response).unwrap_or_default(),
        )
    };
    let mut reply = (status, body).into_response();
    reply.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    if let Some(seconds) = unavailable {
        reply
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    reply
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let mut operations = document.operations.iter();
    let chosen = match &request.operation_name {
        Some(name) => {
            operations.find(|(op_name, _)| op_name.map(|n| n.as_str()) == Some(name.as_str()))
        }
        None => operations.next(),
    };
    chosen.is_some_and(|(_, op)| op.node.ty != OperationType::Query)
}

async fn graphql_get(
    State(api): State<Api>,
    Extension(client): Extension<ClientAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    websocket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Subscriptions: GraphQL over WebSocket on the same path.
    if let Ok(upgrade) = websocket {
        let Some(slot) = api
            .state
            .sockets
            .open(client.0, api.state.settings.sockets_per_address)
        else {
            return app_error_response(AppError::RateLimited {
                retry_after_secs: 10,
            });
        };
        return crate::server::ws::upgrade(
            upgrade,
            &headers,
            api.schema.clone(),
            api.state.db.clone(),
            crate::server::ws::Limits {
                client,
                slot,
                subscriptions: api.state.settings.subscriptions_per_socket,
                shutdown: api.state.shutdown.clone(),
            },
        );
    }
    let raw = query.unwrap_or_default();
    if !raw.split('&').any(|pair| pair.starts_with("query=")) {
        if accepts_html(&headers) && api.state.settings.graphiql {
            let page = GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql")
                .finish();
            return (
                [(
                    header::CONTENT_SECURITY_POLICY,
                    GRAPHIQL_CONTENT_SECURITY_POLICY,
                )],
                Html(page),
            )
                .into_response();
        }
        return plain_error(
            StatusCode::BAD_REQUEST,
            negotiate(&headers).unwrap_or(MediaType::Json),
            "a GET request needs a query parameter",
        );
    }
    let Some(media) = negotiate(&headers) else {
        return plain_error(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "accept application/graphql-response+json or application/json",
        );
    };
    // async-graphql reads the operation's name from `operation_name`; the specification (and
    // every client) sends `operationName`.
    let raw = raw
        .split('&')
        .map(|pair| match pair.strip_prefix("operationName=") {
            Some(name) => format!("operation_name={name}"),
            None => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    let request = match async_graphql::http::parse_query_string(&raw) {
        Ok(request) => request,
        Err(err) => return plain_error(StatusCode::BAD_REQUEST, media, &err.to_string()),
    };
    if is_mutation(&request) {
        let mut reply = plain_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "mutations and subscriptions must be sent with POST",
        );
        reply
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return reply;
    }
    execute(&api, client, &headers, media, request).await
}

async fn graphql_post(
    State(api): State<Api>,
    Extension(client): Extension<ClientAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return plain_error(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "accept application/graphql-response+json or application/json",
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().map(str::trim);
    if essence == Some("multipart/form-data") {
        // The GraphQL multipart request (uploads): one file a request.
        let options = async_graphql::http::MultipartOptions::default()
            .max_file_size(crate::domain::media::MAX_FILE_BYTES)
            .max_num_files(1);
        let request =
            match async_graphql::http::receive_body(Some(content_type), body.as_ref(), options)
                .await
            {
                Ok(request) => request,
                Err(err) => {
                    return plain_error(
                        StatusCode::BAD_REQUEST,
                        media,
                        &format!("the body is not a GraphQL multipart request: {err}"),
                    )
                }
            };
        return execute(&api, client, &headers, media, request).await;
    }
    if essence != Some("application/json") {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "send the request as application/json (or multipart/form-data with a file)",
        );
    }
    if body.len() > MAX_JSON_BODY {
        return plain_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            "a request without a file is at most 2 MB",
        );
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            return plain_error(
                StatusCode::BAD_REQUEST,
                media,
                &format!("the body is not a GraphQL request: {err}"),
            )
        }
    };
    execute(&api, client, &headers, media, request).await
}

fn statistics_year(params: &std::collections::HashMap<String, String>) -> Result<i32, AppError> {
    params
        .get("tahun")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::field("tahun", "range", "a year, e.g. ?tahun=2026"))
}

/// The complaint channel's figures per agency for a year (`?tahun=2026`), as CSV (`;`,
/// decimal commas). Public, as the dashboard is.
async fn report_statistics_csv(
    State(api): State<Api>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let dashboard = match statistics_year(&params) {
        Ok(year) => crate::domain::complaints::dashboard::dashboard(&api.state.db, year).await,
        Err(err) => Err(err),
    };
    match dashboard {
        Ok(dashboard) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"statistik-laporan-{}.csv\"",
                        dashboard.year
                    ),
                ),
            ],
            crate::domain::complaints::dashboard::agencies_csv(&dashboard),
        )
            .into_response(),
        Err(err) => app_error_response(err),
    }
}

/// The same figures as a workbook.
async fn report_statistics_xlsx(
    State(api): State<Api>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let dashboard = match statistics_year(&params) {
        Ok(year) => crate::domain::complaints::dashboard::dashboard(&api.state.db, year).await,
        Err(err) => Err(err),
    };
    let dashboard = match dashboard {
        Ok(dashboard) => dashboard,
        Err(err) => return app_error_response(err),
    };
    let year = dashboard.year;
    let bytes =
        tokio::task::spawn_blocking(move || crate::export::report_statistics::workbook(&dashboard))
            .await
            .map_err(|err| AppError::internal("writing the workbook failed", err))
            .and_then(|written| {
                written.map_err(|err| AppError::internal("writing the workbook failed", err))
            });
    match bytes {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"statistik-laporan-{year}.xlsx\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => app_error_response(err),
    }
}

async fn media_get(state: State<Api>, headers: HeaderMap, id: Path<i32>) -> Response {
    media_response(state, headers, id, MediaOf::Proposal, false).await
}

async fn media_thumb_get(state: State<Api>, headers: HeaderMap, id: Path<i32>) -> Response {
    media_response(state, headers, id, MediaOf::Proposal, true).await
}

async fn report_photo_get(state: State<Api>, headers: HeaderMap, id: Path<i32>) -> Response {
    media_response(state, headers, id, MediaOf::Report, false).await
}

async fn report_photo_thumb_get(state: State<Api>, headers: HeaderMap, id: Path<i32>) -> Response {
    media_response(state, headers, id, MediaOf::Report, true).await
}

#[derive(Clone, Copy)]
enum MediaOf {
    Proposal,
    Report,
}

/// An uploaded file, to those who may see its proposal or report. Files never change once
/// stored, so a public one may be cached for long; a private one stays in the viewer's cache.
async fn media_response(
    State(api): State<Api>,
    headers: HeaderMap,
    Path(id): Path<i32>,
    of: MediaOf,
    thumbnail: bool,
) -> Response {
    let served = async {
        let auth = request_auth(&api.state, &headers).await?;
        let actor = auth.actor.as_ref();
        match of {
            MediaOf::Proposal => {
                crate::domain::media::serve(&api.state.db, actor, id, thumbnail).await
            }
            MediaOf::Report => {
                crate::domain::complaints::photos::serve(&api.state.db, actor, id, thumbnail).await
            }
        }
    }
    .await;
    let served = match served {
        Ok(served) => served,
        Err(err) => return app_error_response(err),
    };
    let cache = if served.public {
        "public, max-age=86400"
    } else {
        "private, max-age=3600"
    };
    let mut response = Response::new(Body::from(served.bytes));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&served.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // A PDF opens in the browser's viewer, never as a page of this origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'"),
    );
    response
}

/// An error of a plain endpoint, shaped as GraphQL errors are: `{"errors": [{"message",
/// "extensions": {"code", …}}]}`, with the matching HTTP status.
fn app_error_response(err: AppError) -> Response {
    let status = err.http_status();
    let retry_after = match &err {
        AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } => {
            Some(*retry_after_secs)
        }
        _ => None,
    };
    let error = async_graphql::Error::from(err);
    let body = serde_json::json!({
        "errors": [{ "message": error.message, "extensions": error.extensions }]
    });
    let mut response = (
        status,
        [(header::CONTENT_TYPE, MediaType::Json.content_type())],
        body.to_string(),
    )
        .into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// `GET /export?format=csv|xlsx|json|pdf|pb&forum=ID` or `&cycle=ID[&level=L][&region=ID]`,
/// with `&sep=semicolon` for CSV as Indonesian spreadsheet settings read it.
/// Refusals answer before the body starts; the file itself is streamed as it is written, and a
/// failure midway aborts the response rather than end it as if complete.
async fn export_get(
    State(api): State<Api>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let prepared = async {
        let auth = request_auth(&api.state, &headers).await?;
        let format: export::Format = params
            .get("format")
            .ok_or_else(|| {
                AppError::field("format", "required", "must be csv, xlsx, json, pdf or pb")
            })?
            .parse()?;
        let scope = export::Scope::from_params(&params)?;
        let separator = export::csv::Separator::from_param(params.get("sep").map(String::as_str))?;
        let mut prepared =
            export::prepare(&api.state.db, auth.actor.as_ref(), false, format, scope).await?;
        prepared.separator = separator;
        prepared.link_base = api.state.settings.public_url.clone();
        Ok::<_, AppError>(prepared)
    }
    .await;
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(err) => return app_error_response(err),
    };
    let content_type = prepared.content_type();
    let disposition = format!("attachment; filename=\"{}\"", prepared.file_name());
    let (mut writer, reader) = tokio::io::duplex(64 * 1024);
    let (finished, outcome) = tokio::sync::oneshot::channel::<bool>();
    let db = api.state.db.clone();
    tokio::spawn(async move {
        let result = export::write(&db, &prepared, &mut writer).await;
        if let Err(err) = &result {
            tracing::error!(error = ?err, "export failed midway");
        }
        let _ = finished.send(result.is_ok());
    });
    use futures_util::StreamExt;
    let failure = futures_util::stream::once(async move {
        match outcome.await {
            Ok(true) => None,
            _ => Some(Err(std::io::Error::other("the export failed"))),
        }
    })
    .filter_map(futures_util::future::ready);
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader).chain(failure));
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_server_is_the_one_image_origin_added() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("https://{s}.tiles.malangkota.go.id:8443/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tiles.malangkota.go.id:8443")
        );
        assert_eq!(tile_origin("javascript:alert(1)"), None);
        assert_eq!(tile_origin("https://a b.org/{z}"), None);
        assert_eq!(tile_origin("https://tiles.{s}.org/{z}"), None);
        assert_eq!(tile_origin("https://x.org;script-src *"), None);
        let policy = content_security_policy(None);
        assert!(policy.contains("img-src 'self' data: blob:;"), "{policy}");
    }
}
