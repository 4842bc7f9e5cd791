//! Every error a client receives carries `extensions.code`: our own errors set it from
//! `AppError`, and this extension gives one to the errors async-graphql raises by itself (a
//! syntax error, an unknown field, a depth limit, a variable of the wrong type), so the web app
//! can translate every error by its code alone.
use std::sync::Arc;

use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextSubscribe,
        NextValidation,
    },
    parser::types::ExecutableDocument,
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use futures_util::{stream::BoxStream, StreamExt};

pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| {
                    let code = if is_invalid_argument_value(&error) {
                        "BAD_USER_INPUT"
                    } else {
                        VALIDATION_FAILED
                    };
                    with_code(error, code)
                })
                .collect()
        })
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        with_codes(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(with_codes).boxed()
    }
}

/// Gives `error` the code unless it has one (our own errors and the depth limits set theirs).
fn with_code(mut error: ServerError, code: &'static str) -> ServerError {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", Value::from(code));
    }
    error
}

/// async-graphql reports a value that does not fit its argument's type (usually a variable
/// the caller sent) through the same validation phase as an unknown field, and tells them
/// apart only in the message of its `ArgumentsOfCorrectType` rule: the caller's input, not a
/// wrong query. The one place a message is read.
fn is_invalid_argument_value(error: &ServerError) -> bool {
    error.message.starts_with("Invalid value for argument")
}

/// Errors still without a code are async-graphql's own: without a path, the request was
/// refused before any resolver ran (an operation the document does not hold, say); with one,
/// an argument's value it could not read (`InputValueError`, the caller's input) or a fault.
fn with_codes(mut response: Response) -> Response {
    for error in std::mem::take(&mut response.errors) {
        let code = if error.path.is_empty() {
            VALIDATION_FAILED
        } else if error.message.starts_with("Failed to parse")
            || error.message.starts_with("Expected input type")
        {
            "BAD_USER_INPUT"
        } else {
            "INTERNAL_SERVER_ERROR"
        };
        response.errors.push(with_code(error, code));
    }
    response
}
