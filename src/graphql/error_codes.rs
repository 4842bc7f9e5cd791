//! Every error a client receives carries `extensions.code`: our own errors set it from
//! `AppError`, and this extension gives one to the errors async-graphql raises by itself (a
//! syntax error, an unknown field, a depth limit, a variable of the wrong type), so the web app
//! can translate every error by its code alone.
use std::sync::Arc;

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe},
    ErrorExtensionValues, Response, ServerError, Value,
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

fn with_codes(mut response: Response) -> Response {
    for error in &mut response.errors {
        if error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let code = code_of(error);
        error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default)
            .set("code", Value::from(code));
    }
    response
}

fn code_of(error: &ServerError) -> &'static str {
    if error.message.starts_with("Invalid value") || error.message.starts_with("Failed to parse") {
        // A value (usually a variable) that cannot be read as its type: the caller's input.
        "BAD_USER_INPUT"
    } else if error.path.is_empty() {
        // Refused before any resolver ran. The parser's messages point at the text (" --> 1:13").
        if error.message.trim_start().starts_with("-->") {
            PARSE_FAILED
        } else {
            VALIDATION_FAILED
        }
    } else {
        "INTERNAL_SERVER_ERROR"
    }
}
