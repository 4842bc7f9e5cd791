//! Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2), so existing civic-issue
//! apps and aggregators can list the report categories, file reports and follow published
//! ones. JSON, and XML as the spec requires. `api_key` is a resident's sign-in token.
use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Form, Router,
};
use chrono::{DateTime, SecondsFormat, Utc};
use entity::enums::ReportPrivacy;

use super::Api;
use crate::{
    domain::{
        accounts,
        complaints::open311::{self, NewRequest, RequestFilter, Service, ServiceRequest},
        throttle::{self, ClientAddr},
    },
    error::AppError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json); anything else is not a resource here.
fn split_format(file: &str) -> Option<(&str, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((stem, Format::Json)),
        "xml" => Some((stem, Format::Xml)),
        _ => None,
    }
}

pub(super) fn routes() -> Router<Api> {
    Router::new()
        .route("/open311/v2/{file}", get(list_get).post(requests_post))
        .route("/open311/v2/services/{file}", get(service_get))
        .route("/open311/v2/requests/{file}", get(request_get))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Values of one element: JSON (a value) and XML (an element's text, or empty).
enum Value {
    Text(String),
    Integer(i64),
    Number(f64),
    Bool(bool),
    Null,
}

impl Value {
    fn json(&self) -> serde_json::Value {
        match self {
            Value::Text(text) => serde_json::Value::String(text.clone()),
            Value::Integer(n) => serde_json::json!(n),
            Value::Number(n) => serde_json::json!(n),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Null => serde_json::Value::Null,
        }
    }

    fn xml(&self) -> String {
        match self {
            Value::Text(text) => escape(text),
            Value::Integer(n) => n.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
        }
    }
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn optional_text(value: Option<String>) -> Value {
    value.map_or(Value::Null, Value::Text)
}

type Record = Vec<(&'static str, Value)>;

/// A list of records as the spec's JSON array or `<root><item>…</item></root>`.
fn render(
    format: Format,
    status: StatusCode,
    root: &str,
    item: &str,
    records: &[Record],
) -> Response {
    match format {
        Format::Json => {
            let array: Vec<serde_json::Value> = records
                .iter()
                .map(|record| {
                    serde_json::Value::Object(
                        record
                            .iter()
                            .map(|(key, value)| ((*key).to_owned(), value.json()))
                            .collect(),
                    )
                })
                .collect();
            (
                status,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                serde_json::Value::Array(array).to_string(),
            )
                .into_response()
        }
        Format::Xml => {
            let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{root}>");
            for record in records {
                out.push_str(&format!("<{item}>"));
                for (key, value) in record {
                    out.push_str(&format!("<{key}>{}</{key}>", value.xml()));
                }
                out.push_str(&format!("</{item}>"));
            }
            out.push_str(&format!("</{root}>\n"));
            (
                status,
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                out,
            )
                .into_response()
        }
    }
}

/// Errors as the spec shapes them: a list of `{code, description}`.
fn error(format: Format, err: AppError) -> Response {
    if matches!(err, AppError::Internal(_)) {
        err.log_cause();
    }
    let status = err.http_status();
    let description = match &err {
        AppError::BadUserInput { fields, .. } if !fields.is_empty() => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.message(),
    };
    render(
        format,
        status,
        "errors",
        "error",
        &[vec![
            ("code", Value::Integer(i64::from(status.as_u16()))),
            ("description", text(description)),
        ]],
    )
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not an Open311 resource").into_response()
}

fn service_record(service: Service) -> Record {
    vec![
        ("service_code", text(service.code)),
        ("service_name", text(service.name)),
        (
            "description",
            text(format!("Ditangani oleh {}", service.agency)),
        ),
        ("metadata", Value::Bool(true)),
        ("type", text("realtime")),
        ("keywords", text("")),
        ("group", text(service.agency)),
    ]
}

fn request_record(public_url: &str, request: ServiceRequest) -> Record {
    vec![
        ("service_request_id", text(request.id.to_string())),
        ("status", text(if request.open { "open" } else { "closed" })),
        ("status_notes", optional_text(request.status_notes)),
        ("service_name", text(request.service_name)),
        ("service_code", text(request.service_code)),
        ("description", text(request.description)),
        (
            "agency_responsible",
            optional_text(request.agency_responsible),
        ),
        ("service_notice", text("")),
        ("requested_datetime", text(stamp(request.requested))),
        ("updated_datetime", text(stamp(request.updated))),
        (
            "expected_datetime",
            optional_text(request.expected.map(stamp)),
        ),
        ("address", text(request.address)),
        ("address_id", text(request.address_id)),
        ("zipcode", Value::Null),
        ("lat", request.lat.map_or(Value::Null, Value::Number)),
        ("long", request.long.map_or(Value::Null, Value::Number)),
        (
            "media_url",
            optional_text(request.media_path.map(|path| format!("{public_url}{path}"))),
        ),
    ]
}

async fn list_get(
    State(api): State<Api>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some((resource, format)) = split_format(&file) else {
        return not_found();
    };
    match resource {
        "services" => match open311::services(&api.state.db).await {
            Ok(services) => render(
                format,
                StatusCode::OK,
                "services",
                "service",
                &services.into_iter().map(service_record).collect::<Vec<_>>(),
            ),
            Err(err) => error(format, err),
        },
        "requests" => {
            let filter = match request_filter(&params) {
                Ok(filter) => filter,
                Err(err) => return error(format, err),
            };
            match open311::requests(&api.state.db, filter).await {
                Ok(requests) => {
                    let url = &api.state.settings.public_url;
                    render(
                        format,
                        StatusCode::OK,
                        "service_requests",
                        "request",
                        &requests
                            .into_iter()
                            .map(|r| request_record(url, r))
                            .collect::<Vec<_>>(),
                    )
                }
                Err(err) => error(format, err),
            }
        }
        _ => not_found(),
    }
}

fn parse_time(
    params: &HashMap<String, String>,
    key: &str,
) -> Result<Option<DateTime<Utc>>, AppError> {
    params
        .get(key)
        .filter(|v| !v.trim().is_empty())
        .map(|value| {
            DateTime::parse_from_rfc3339(value.trim())
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| {
                    AppError::field(
                        key,
                        "format",
                        "a W3C date and time, e.g. 2026-12-01T00:00:00Z",
                    )
                })
        })
        .transpose()
}

fn request_filter(params: &HashMap<String, String>) -> Result<RequestFilter, AppError> {
    let ids = match params.get("service_request_id") {
        Some(list) => list
            .split(',')
            .map(|id| {
                id.trim()
                    .parse()
                    .map_err(|_| AppError::field("service_request_id", "format", "ids are numbers"))
            })
            .collect::<Result<Vec<i32>, _>>()?,
        None => Vec::new(),
    };
    let open = match params.get("status").map(|s| s.trim()) {
        None | Some("") => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(_) => return Err(AppError::field("status", "value", "open or closed")),
    };
    Ok(RequestFilter {
        ids,
        service_code: params
            .get("service_code")
            .cloned()
            .filter(|c| !c.is_empty()),
        start: parse_time(params, "start_date")?,
        end: parse_time(params, "end_date")?,
        open,
    })
}

async fn service_get(State(api): State<Api>, Path(file): Path<String>) -> Response {
    let Some((code, format)) = split_format(&file) else {
        return not_found();
    };
    match open311::service(&api.state.db, code).await {
        Ok(service) => {
            let attributes = "privacy: public | anonymous | secret (anonymous when left out); \
                              region_code: the official code of the area";
            match format {
                Format::Json => (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                    serde_json::json!({
                        "service_code": service.code,
                        "attributes": [
                            {
                                "variable": true, "code": "privacy", "datatype": "singlevaluelist",
                                "required": false, "datatype_description": attributes, "order": 1,
                                "description": "Siapa yang boleh melihat laporan dan pelapornya",
                                "values": [
                                    {"key": "public", "name": "Publik (nama tampil)"},
                                    {"key": "anonymous", "name": "Anonim (laporan publik, pelapor tersembunyi)"},
                                    {"key": "secret", "name": "Rahasia (hanya petugas)"}
                                ]
                            },
                            {
                                "variable": true, "code": "region_code", "datatype": "string",
                                "required": false, "datatype_description": attributes, "order": 2,
                                "description": "Kode wilayah (kelurahan, RW atau RT)"
                            }
                        ]
                    })
                    .to_string(),
                )
                    .into_response(),
                Format::Xml => {
                    let body = format!(
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition>\
                         <service_code>{}</service_code><attributes>\
                         <attribute><variable>true</variable><code>privacy</code>\
                         <datatype>singlevaluelist</datatype><required>false</required>\
                         <datatype_description>{}</datatype_description><order>1</order>\
                         <description>Siapa yang boleh melihat laporan dan pelapornya</description>\
                         <values><value><key>public</key><name>Publik</name></value>\
                         <value><key>anonymous</key><name>Anonim</name></value>\
                         <value><key>secret</key><name>Rahasia</name></value></values></attribute>\
                         <attribute><variable>true</variable><code>region_code</code>\
                         <datatype>string</datatype><required>false</required>\
                         <datatype_description>{}</datatype_description><order>2</order>\
                         <description>Kode wilayah</description></attribute>\
                         </attributes></service_definition>\n",
                        escape(&service.code),
                        escape(attributes),
                        escape(attributes)
                    );
                    (StatusCode::OK, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body)
                        .into_response()
                }
            }
        }
        Err(err) => error(format, err),
    }
}

async fn request_get(State(api): State<Api>, Path(file): Path<String>) -> Response {
    let Some((id, format)) = split_format(&file) else {
        return not_found();
    };
    let Ok(id) = id.parse::<i32>() else {
        return error(format, AppError::NotFound("request"));
    };
    match open311::request(&api.state.db, id).await {
        Ok(request) => render(
            format,
            StatusCode::OK,
            "service_requests",
            "request",
            &[request_record(&api.state.settings.public_url, request)],
        ),
        Err(err) => error(format, err),
    }
}

fn number(params: &HashMap<String, String>, key: &str) -> Result<Option<f64>, AppError> {
    params
        .get(key)
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .map_err(|_| AppError::field(key, "format", "a decimal number"))
        })
        .transpose()
}

async fn requests_post(
    State(api): State<Api>,
    Path(file): Path<String>,
    axum::Extension(client): axum::Extension<ClientAddr>,
    Form(params): Form<HashMap<String, String>>,
) -> Response {
    let Some(("requests", format)) = split_format(&file) else {
        return not_found();
    };
    let result = async {
        let key = params
            .get("api_key")
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .ok_or(AppError::Unauthenticated)?;
        let actor = accounts::actor_for_token(&api.state.db, key)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let privacy = match params.get("attribute[privacy]").map(|p| p.trim()) {
            None | Some("") => None,
            Some(value) => Some(value.parse::<ReportPrivacy>().map_err(|_| {
                AppError::field("attribute[privacy]", "value", "public, anonymous or secret")
            })?),
        };
        let new = NewRequest {
            service_code: params.get("service_code").cloned().unwrap_or_default(),
            description: params.get("description").cloned().unwrap_or_default(),
            lat: number(&params, "lat")?,
            long: number(&params, "long")?,
            address: params.get("address_string").cloned(),
            region_code: params
                .get("attribute[region_code]")
                .or_else(|| params.get("address_id"))
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty()),
            privacy,
        };
        let limits = &api.state.settings.limits;
        throttle::take_action(
            &api.state.db,
            "report",
            Some((actor.id(), limits.report_per_account)),
            client,
            limits.report_per_address,
        )
        .await?;
        open311::file(&api.state.db, &actor, new).await
    }
    .await;
    match result {
        Ok(created) => render(
            format,
            StatusCode::CREATED,
            "service_requests",
            "request",
            &[vec![
                ("service_request_id", text(created.id.to_string())),
                (
                    "service_notice",
                    text("Laporan diterima; diverifikasi dalam 3 hari kerja."),
                ),
                ("account_id", Value::Null),
            ]],
        ),
        Err(err) => error(format, err),
    }
}
