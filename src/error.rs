//! One error type for the whole server, mapped to the small documented set of
//! `extensions.code` values the web app translates (see README, "Error codes").
use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;

/// A problem with one input field, named as the API names it (camelCase).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// Deliberately not `Display`: async-graphql converts any `Display` type into an error without
/// extensions, and every error must carry its code.
#[derive(Debug)]
pub enum AppError {
    Unauthenticated,
    Forbidden(String),
    NotFound(&'static str),
    BadUserInput {
        message: String,
        fields: Vec<FieldError>,
    },
    Conflict(String),
    FailedPrecondition(String),
    RateLimited {
        retry_after_secs: u64,
    },
    /// The database does not answer: come back shortly (never "not signed in").
    Unavailable {
        retry_after_secs: u64,
    },
    /// A subscriber fell too far behind its stream; it subscribes again with `since`.
    ResyncRequired {
        last_sequence: i64,
    },
    /// A fault of the server (a bug, a broken invariant, the database failing unexpectedly):
    /// the client hears only "internal error"; the cause goes to the log once, where the error
    /// becomes a response (`log_cause`).
    Internal(InternalError),
}

pub type AppResult<T> = Result<T, AppError>;

/// What went wrong inside, kept for the log.
#[derive(Debug)]
pub struct InternalError {
    /// What the server was doing ("reading a stored ballot").
    pub context: String,
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.context),
            None => f.write_str(&self.context),
        }
    }
}

impl AppError {
    /// A failure of something the server relies on, with its cause.
    pub fn internal(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self::Internal(InternalError {
            context: context.into(),
            source: Some(source.into()),
        })
    }

    /// A broken invariant: something that cannot happen unless the server has a bug.
    pub fn invariant(context: impl Into<String>) -> Self {
        Self::Internal(InternalError {
            context: context.into(),
            source: None,
        })
    }

    /// Writes an internal error's cause to the log; called once, where an error becomes a
    /// response (GraphQL or a plain endpoint). Other errors are the client's and need no log.
    pub fn log_cause(&self) {
        if let Self::Internal(internal) = self {
            tracing::error!(error = %internal, "internal error");
        }
    }

    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden(reason.into())
    }

    pub fn precondition(reason: impl Into<String>) -> Self {
        Self::FailedPrecondition(reason.into())
    }

    /// A single-field input error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, code, message);
        Self::BadUserInput {
            message: format!("invalid {}: {}", error.field, error.message),
            fields: vec![error],
        }
    }

    pub fn fields(fields: Vec<FieldError>) -> Self {
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        Self::BadUserInput {
            message: format!("invalid input: {}", names.join(", ")),
            fields,
        }
    }

    /// The client-facing message; internal details are logged, never sent.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => "authentication required".into(),
            Self::Forbidden(reason) | Self::Conflict(reason) | Self::FailedPrecondition(reason) => {
                reason.clone()
            }
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadUserInput { message, .. } => message.clone(),
            Self::RateLimited { retry_after_secs } => {
                format!("too many attempts; try again in {retry_after_secs} seconds")
            }
            Self::Unavailable { retry_after_secs } => {
                format!(
                    "the server cannot reach its database; try again in {retry_after_secs} seconds"
                )
            }
            Self::ResyncRequired { last_sequence } => {
                format!(
                    "too far behind the live stream; subscribe again with since: {last_sequence}"
                )
            }
            Self::Internal(_) => "internal error".into(),
        }
    }

    /// The HTTP status of a plain (non-GraphQL) endpoint answering with this error.
    pub fn http_status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadUserInput { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) | Self::FailedPrecondition(_) | Self::ResyncRequired { .. } => {
                StatusCode::CONFLICT
            }
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::FailedPrecondition(_) => "FAILED_PRECONDITION",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Unavailable { .. } => "UNAVAILABLE",
            Self::ResyncRequired { .. } => "RESYNC_REQUIRED",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("a record with the same unique value already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::precondition("a referenced record does not exist")
            }
            _ if database_unreachable(&err) => {
                tracing::warn!(error = %err, "the database does not answer");
                Self::Unavailable {
                    retry_after_secs: 5,
                }
            }
            _ if sqlite_busy(&err) => {
                tracing::warn!(error = %err, "another process held the database's write lock too long");
                Self::Unavailable {
                    retry_after_secs: 2,
                }
            }
            _ => Self::internal("database error", err),
        }
    }
}

/// The runtime error under a query's or statement's failure, if sqlx reported one.
fn sqlx_cause(err: &DbErr) -> Option<&sqlx::Error> {
    match err {
        DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => Some(e),
        _ => None,
    }
}

/// No connection could be had, or the one in use broke (the server went away mid-query).
fn database_unreachable(err: &DbErr) -> bool {
    matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
        || matches!(
            sqlx_cause(err),
            Some(
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
            )
        )
        || sqlx_cause(err)
            .and_then(|e| e.as_database_error())
            .and_then(|e| e.code())
            // PostgreSQL: the server is shutting down or starting up (class 57P).
            .is_some_and(|code| code.starts_with("57P"))
}

/// SQLite's SQLITE_BUSY (5) or SQLITE_LOCKED (6), with their extended codes: the write lock
/// stayed with another process beyond the busy timeout.
fn sqlite_busy(err: &DbErr) -> bool {
    sqlx_cause(err)
        .and_then(|e| e.as_database_error())
        .and_then(|e| e.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        for (field, errs) in errors.field_errors() {
            for err in errs {
                let message = err
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| describe_validation(err));
                fields.push(FieldError::new(&camel_case(&field), &err.code, message));
            }
        }
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::fields(fields)
    }
}

fn describe_validation(err: &validator::ValidationError) -> String {
    let param = |name: &str| err.params.get(name).map(|v| v.to_string());
    match err.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
            (Some(min), None) => format!("must be at least {min} characters long"),
            (None, Some(max)) => format!("must be at most {max} characters long"),
            _ => "has the wrong length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "is out of range".into(),
        },
        "email" => "must be a valid email address".into(),
        other => format!("is invalid ({other})"),
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log_cause();
        let message = err.message();
        let code = err.code();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            match &err {
                AppError::BadUserInput { fields, .. } => {
                    let list: Vec<async_graphql::Value> = fields
                        .iter()
                        .map(|f| {
                            let mut obj = async_graphql::indexmap::IndexMap::new();
                            obj.insert(async_graphql::Name::new("field"), f.field.clone().into());
                            obj.insert(async_graphql::Name::new("code"), f.code.clone().into());
                            obj.insert(
                                async_graphql::Name::new("message"),
                                f.message.clone().into(),
                            );
                            async_graphql::Value::Object(obj)
                        })
                        .collect();
                    ext.set("fields", async_graphql::Value::List(list));
                }
                AppError::RateLimited { retry_after_secs }
                | AppError::Unavailable { retry_after_secs } => {
                    ext.set("retryAfterSeconds", *retry_after_secs);
                }
                AppError::ResyncRequired { last_sequence } => {
                    ext.set("lastSequence", *last_sequence);
                }
                _ => {}
            }
        })
    }
}
