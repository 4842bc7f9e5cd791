//! The GraphQL schema: thin resolvers over `crate::domain`.
mod complaints;
mod error_codes;
pub mod limits;
mod live;
mod loaders;
mod mutation;
mod query;
mod subscription;
mod types;

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Schema};
use entity::{
    account, activity, agency, comment, cycle, forum, proposal, proposal_attachment,
    proposal_status_change, recommendation, region, sector, stage,
};

pub use live::{LiveEvent, LiveMutation, LiveQuery};
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use subscription::SubscriptionRoot;

use crate::{
    db::Db,
    domain::access::Actor,
    domain::{throttle::ClientAddr, Window},
    error::AppError,
    state::AppState,
};

/// The query root: the planning core (`QueryRoot`) and the live sessions (`LiveQuery`).
#[derive(MergedObject)]
pub struct Query(QueryRoot, LiveQuery, complaints::ReportQuery);

/// The mutation root: the planning core and the live sessions.
#[derive(MergedObject)]
pub struct Mutation(MutationRoot, LiveMutation, complaints::ReportMutation);

pub type AppSchema = Schema<Query, Mutation, SubscriptionRoot>;

/// Who is asking, attached to every request by the HTTP layer (and to a WebSocket connection).
#[derive(Clone, Default)]
pub struct RequestAuth {
    pub actor: Option<Actor>,
    pub token: Option<String>,
    /// The residents the actor looks after, read once when a field first needs it.
    pub resident_scope: Arc<tokio::sync::OnceCell<crate::domain::access::ResidentScope>>,
}

impl RequestAuth {
    pub fn new(actor: Option<Actor>, token: Option<String>) -> Self {
        Self {
            actor,
            token,
            resident_scope: Arc::default(),
        }
    }
}

/// Whether the caller may see `person`'s personal data (`access::may_see_personal_data`).
async fn may_see_personal_data(
    ctx: &Context<'_>,
    person: &entity::account::Model,
) -> async_graphql::Result<bool> {
    let Some(auth) = ctx.data_opt::<RequestAuth>() else {
        return Ok(false);
    };
    let Some(viewer) = auth.actor.as_ref() else {
        return Ok(false);
    };
    if viewer.id() == person.id {
        return Ok(true);
    }
    let scope = viewer_scope(ctx, auth, viewer).await?;
    let home = types::load::<entity::region::Entity>(ctx, person.home_region_id).await?;
    Ok(crate::domain::access::may_see_personal_data(
        viewer,
        scope,
        person,
        home.as_ref(),
    ))
}

/// The residents `viewer` looks after (`access::resident_scope`), read once per request.
async fn viewer_scope<'a>(
    ctx: &Context<'_>,
    auth: &'a RequestAuth,
    viewer: &Actor,
) -> async_graphql::Result<&'a crate::domain::access::ResidentScope> {
    Ok(auth
        .resident_scope
        .get_or_try_init(|| crate::domain::access::resident_scope(db(ctx).reader(), viewer))
        .await?)
}

/// The schema in GraphQL's own language (SDL): `musrenbang schema` prints it, and the web
/// app's TypeScript types are generated from the copy in `frontend/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        Query(QueryRoot, LiveQuery, complaints::ReportQuery),
        Mutation(MutationRoot, LiveMutation, complaints::ReportMutation),
        SubscriptionRoot,
    )
    .finish()
    .sdl()
}

pub fn build_schema(state: AppState) -> AppSchema {
    let db = state.db.clone();
    let builder = Schema::build(
        Query(QueryRoot, LiveQuery, complaints::ReportQuery),
        Mutation(MutationRoot, LiveMutation, complaints::ReportMutation),
        SubscriptionRoot,
    )
    .data(loaders::by_id::<region::Entity>(&db))
    .data(loaders::by_id::<agency::Entity>(&db))
    .data(loaders::by_id::<sector::Entity>(&db))
    .data(loaders::by_id::<activity::Entity>(&db))
    .data(loaders::by_id::<account::Entity>(&db))
    .data(loaders::by_id::<cycle::Entity>(&db))
    .data(loaders::by_id::<forum::Entity>(&db))
    .data(loaders::by_id::<proposal::Entity>(&db))
    .data(loaders::by_id::<entity::agenda_item::Entity>(&db))
    .data(loaders::by_id::<entity::report_category::Entity>(&db))
    .data(loaders::has_many::<comment::Entity>(
        &db,
        comment::Column::ProposalId,
    ))
    .data(loaders::has_many::<proposal_attachment::Entity>(
        &db,
        proposal_attachment::Column::ProposalId,
    ))
    .data(loaders::has_many::<proposal_status_change::Entity>(
        &db,
        proposal_status_change::Column::ProposalId,
    ))
    .data(loaders::has_many::<recommendation::Entity>(
        &db,
        recommendation::Column::ProposalId,
    ))
    .data(loaders::has_many::<stage::Entity>(
        &db,
        stage::Column::CycleId,
    ))
    .data(state.clone())
    .extension(error_codes::ErrorCodes)
    .extension(limits::DocumentLimits)
    .limit_recursive_depth(32)
    .limit_directives(20)
    .limit_depth(12)
    .limit_complexity(5000);
    if state.settings.introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

fn db<'a>(ctx: &Context<'a>) -> &'a Db {
    &state(ctx).db
}

fn actor<'a>(ctx: &Context<'a>) -> Option<&'a Actor> {
    ctx.data_opt::<RequestAuth>()
        .and_then(|auth| auth.actor.as_ref())
}

/// The address the request came from (see `server::client_addr`).
fn client(ctx: &Context<'_>) -> ClientAddr {
    ctx.data_opt::<ClientAddr>().copied().unwrap_or_default()
}

fn signed_in<'a>(ctx: &Context<'a>) -> Result<&'a Actor, AppError> {
    crate::domain::access::require_signed_in(actor(ctx))
}

/// The file of a GraphQL multipart request, with its name, after counting it against the
/// uploader's rate (each upload costs a decode). At most one byte over the limit is read, so
/// an oversized file is refused by `media::prepare` without being held whole.
async fn received_upload(
    ctx: &Context<'_>,
    me: &Actor,
    file: &async_graphql::Upload,
) -> Result<(String, Vec<u8>), AppError> {
    use std::io::Read;
    let limits = &state(ctx).settings.limits;
    crate::domain::throttle::take_action(
        db(ctx),
        "upload",
        Some((me.id(), limits.upload_per_account)),
        client(ctx),
        limits.upload_per_address,
    )
    .await?;
    let upload = file.value(ctx).map_err(|_| {
        AppError::field("file", "required", "send the file in the multipart request")
    })?;
    let name = upload.filename.clone();
    let mut bytes = Vec::new();
    upload
        .into_read()
        .take(crate::domain::media::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| AppError::internal("an upload cannot be read", err))?;
    Ok((name, bytes))
}

const DEFAULT_PAGE: i32 = 20;
const MAX_PAGE: i32 = 100;

/// Decodes Relay-style `first`/`after` into a window of rows.
fn window(first: Option<i32>, after: Option<String>) -> Result<Window, AppError> {
    let limit = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&limit) {
        return Err(AppError::field(
            "first",
            "range",
            format!("must be between 0 and {MAX_PAGE}"),
        ));
    }
    let offset = match after {
        Some(cursor) => {
            types::decode_cursor(&cursor).ok_or_else(|| {
                AppError::field("after", "cursor", "is not a cursor this API gave out")
            })? + 1
        }
        None => 0,
    };
    Ok(Window {
        offset,
        limit: limit as u64,
    })
}
