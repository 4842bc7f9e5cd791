//! The fast path of `sessionEvents` and `forumActivity` over WebSocket. With thousands of
//! subscribers to one session, running the GraphQL executor once per subscriber and event
//! costs more than the event itself; but every subscriber that selected the same fields gets
//! the very same payload. So when a subscription document is of the simple, common shape
//!
//! ```graphql
//! subscription($s: Int!, $since: Int) { sessionEvents(sessionId: $s, since: $since) { sequence kind data } }
//! ```
//!
//! (one root field, scalar fields of `LiveEvent` with optional aliases, arguments as literals or
//! declared variables; no fragments or directives), the WebSocket loop serves it here: the
//! payload is rendered once per event and shape and shared. Anything else, including every
//! case that would be an error, goes to async-graphql as usual. The output is the same.
use std::{
    collections::hash_map::DefaultHasher,
    hash::{Hash, Hasher},
    sync::Arc,
};

use async_graphql::{
    parser::{
        parse_query,
        types::{DocumentOperations, OperationType, Selection, Type},
    },
    Value as ConstValue,
};
use serde_json::Value as Json;

use crate::events::{Event, StreamKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Sequence,
    Stream,
    Kind,
    At,
    ActorId,
    SubjectId,
    Data,
    Typename,
}

impl Field {
    fn by_name(name: &str) -> Option<Field> {
        Some(match name {
            "sequence" => Self::Sequence,
            "stream" => Self::Stream,
            "kind" => Self::Kind,
            "at" => Self::At,
            "actorId" => Self::ActorId,
            "subjectId" => Self::SubjectId,
            "data" => Self::Data,
            "__typename" => Self::Typename,
            _ => return None,
        })
    }
}

/// A subscription the fast path serves.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub stream: StreamKey,
    pub since: Option<i64>,
    /// The root field's response key (its alias or name).
    root: String,
    fields: Vec<(String, Field)>,
    /// Identifies the payload's shape (root key and fields).
    shape: u64,
}

/// A declared variable: name, type, default.
type Declared = (String, Type, Option<ConstValue>);

/// An argument's value, a literal or a declared variable of type `Int`, as an integer or null.
/// `required`: the argument is non-null, so a variable must be too (or have a default).
fn int_argument(value: ConstValue, required: bool) -> Option<Option<i64>> {
    match value {
        ConstValue::Null if !required => Some(None),
        ConstValue::Number(n) => n.as_i64().map(Some),
        _ => None,
    }
}

/// Resolves the variables in an argument, checking their declarations.
fn resolve<V>(
    value: V,
    resolve_with: impl FnOnce(
        V,
        &mut dyn FnMut(&str) -> Result<ConstValue, ()>,
    ) -> Result<ConstValue, ()>,
    variables: &Json,
    declared: &[Declared],
    required: bool,
    used: &mut Vec<String>,
) -> Option<ConstValue> {
    let mut lookup = |name: &str| -> Result<ConstValue, ()> {
        let (_, ty, default) = declared.iter().find(|(n, _, _)| n == name).ok_or(())?;
        if ty.base.to_string() != "Int"
            || (required && ty.nullable && !matches!(default, Some(ConstValue::Number(_))))
        {
            return Err(());
        }
        used.push(name.to_owned());
        match variables.get(name) {
            Some(Json::Null) | None => match default {
                Some(value) => Ok(value.clone()),
                None if ty.nullable => Ok(ConstValue::Null),
                None => Err(()),
            },
            Some(Json::Number(n)) => n.as_i64().map(|n| ConstValue::Number(n.into())).ok_or(()),
            Some(_) => Err(()),
        }
    };
    resolve_with(value, &mut lookup).ok()
}

/// The plan of a `subscribe` payload (`{query, variables, operationName}`), if the fast path
/// can serve it.
pub(crate) fn plan(payload: &Json) -> Option<Plan> {
    let query = payload.get("query")?.as_str()?;
    if query.len() > 4096 {
        return None;
    }
    let variables = payload
        .get("variables")
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or(Json::Object(Default::default()));
    if !variables.is_object() || payload.get("extensions").is_some_and(|e| !e.is_null()) {
        return None;
    }
    let document = parse_query(query).ok()?;
    if !document.fragments.is_empty() {
        return None;
    }
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => operation,
        DocumentOperations::Multiple(_) => return None,
    };
    if let Some(name) = payload.get("operationName").filter(|n| !n.is_null()) {
        name.as_str()?;
    }
    let operation = &operation.node;
    if operation.ty != OperationType::Subscription || !operation.directives.is_empty() {
        return None;
    }
    let mut declared = Vec::new();
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        if !definition.directives.is_empty() {
            return None;
        }
        let default = definition.default_value.as_ref().map(|v| v.node.clone());
        declared.push((
            definition.name.node.to_string(),
            definition.var_type.node.clone(),
            default,
        ));
    }
    let [root] = operation.selection_set.node.items.as_slice() else {
        return None;
    };
    let Selection::Field(root) = &root.node else {
        return None;
    };
    let root = &root.node;
    if !root.directives.is_empty() {
        return None;
    }
    let (id_argument, make): (&str, fn(i32) -> StreamKey) = match root.name.node.as_str() {
        "sessionEvents" => ("sessionId", StreamKey::Session),
        "forumActivity" => ("forumId", StreamKey::Forum),
        _ => return None,
    };
    let mut used = Vec::new();
    let (mut id, mut since, mut seen) = (None, None, Vec::new());
    for (name, value) in &root.arguments {
        let name = name.node.as_str();
        if seen.contains(&name) {
            return None;
        }
        seen.push(name);
        let required = name == id_argument;
        let constant = resolve(
            value.node.clone(),
            |v, lookup| v.into_const_with(|name| lookup(name.as_str())),
            &variables,
            &declared,
            required,
            &mut used,
        )?;
        let value = int_argument(constant, required)?;
        match name {
            n if n == id_argument => id = Some(i32::try_from(value?).ok()?),
            "since" => since = value,
            _ => return None,
        }
    }
    let id = id?;
    if since.is_some_and(|s| s < 0) {
        return None;
    }
    // Every declared variable must be used (as GraphQL validation demands).
    if declared.iter().any(|(name, _, _)| !used.contains(name)) {
        return None;
    }
    let mut fields: Vec<(String, Field)> = Vec::new();
    for item in &root.selection_set.node.items {
        let Selection::Field(field) = &item.node else {
            return None;
        };
        let field = &field.node;
        if !field.directives.is_empty()
            || !field.arguments.is_empty()
            || !field.selection_set.node.items.is_empty()
        {
            return None;
        }
        let kind = Field::by_name(field.name.node.as_str())?;
        let key = field
            .alias
            .as_ref()
            .map_or(field.name.node.as_str(), |a| a.node.as_str())
            .to_owned();
        match fields.iter().find(|(k, _)| *k == key) {
            Some((_, existing)) if *existing == kind => {}
            Some(_) => return None,
            None => fields.push((key, kind)),
        }
    }
    if fields.is_empty() {
        return None;
    }
    let root_key = root
        .alias
        .as_ref()
        .map_or(root.name.node.as_str(), |a| a.node.as_str())
        .to_owned();
    let mut hasher = DefaultHasher::new();
    (&root_key, &fields).hash(&mut hasher);
    Some(Plan {
        stream: make(id),
        since,
        root: root_key,
        fields,
        shape: hasher.finish(),
    })
}

fn push_json(out: &mut String, value: &(impl serde::Serialize + ?Sized)) {
    out.push_str(&serde_json::to_string(value).unwrap_or_else(|_| "null".into()));
}

fn render(event: &Event, plan: &Plan) -> String {
    let mut out = String::with_capacity(128 + event.data.to_string().len());
    out.push_str("{\"data\":{");
    push_json(&mut out, &plan.root);
    out.push_str(":{");
    for (index, (key, field)) in plan.fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_json(&mut out, key);
        out.push(':');
        match field {
            Field::Sequence => out.push_str(&event.sequence.to_string()),
            Field::Stream => push_json(&mut out, &*event.stream),
            Field::Kind => push_json(&mut out, &crate::events::enum_name(event.kind)),
            Field::At => push_json(&mut out, &event.at.to_rfc3339()),
            Field::ActorId => push_json(&mut out, &event.actor_id),
            Field::SubjectId => push_json(&mut out, &event.subject_id),
            Field::Data => push_json(&mut out, &event.data),
            Field::Typename => out.push_str("\"LiveEvent\""),
        }
    }
    out.push_str("}}}");
    out
}

impl Plan {
    pub(crate) fn root_key(&self) -> &str {
        &self.root
    }
}

/// The `{"data": …}` payload of `event` for `plan`, rendered once per shape.
pub(crate) fn rendered_payload(event: &Event, plan: &Plan) -> Arc<str> {
    event
        .rendered
        .get_or_render(plan.shape, || render(event, plan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload(query: &str, variables: Json) -> Json {
        json!({ "query": query, "variables": variables })
    }

    #[test]
    fn simple_subscriptions_take_the_fast_path() {
        let plan = plan(&payload("subscription($s: Int!, $since: Int) { sessionEvents(sessionId: $s, since: $since) { sequence kind data } }", json!({ "s": 5 }))).unwrap();
        assert_eq!((plan.stream, plan.since), (StreamKey::Session(5), None));
        let plan = plan_of("subscription { feed: forumActivity(forumId: 12, since: 3) { n: sequence __typename } }");
        assert_eq!(
            (plan.stream, plan.since, plan.root.as_str()),
            (StreamKey::Forum(12), Some(3), "feed")
        );
    }

    fn plan_of(query: &str) -> Plan {
        plan(&payload(query, json!({}))).unwrap()
    }

    #[test]
    fn anything_else_goes_to_the_executor() {
        for query in [
            "subscription { sessionEvents(sessionId: 1) { ... on LiveEvent { sequence } } }",
            "subscription { sessionEvents(sessionId: 1) { sequence @include(if: true) } }",
            "subscription { sessionEvents(sessionId: 1) { sequence unknown } }",
            "subscription { sessionEvents(sessionId: 1, since: -1) { sequence } }",
            "subscription { sessionEvents(sessionId: 1, sessionId: 2) { sequence } }",
            "subscription { votingTally(roundId: 1) { ballots } }",
            "subscription($unused: Int) { sessionEvents(sessionId: 1) { sequence } }",
            "subscription($s: String) { sessionEvents(sessionId: $s) { sequence } }",
            "subscription { sessionEvents(sessionId: $undeclared) { sequence } }",
            "subscription { a: sessionEvents(sessionId: 1) { sequence } b: sessionEvents(sessionId: 2) { sequence } }",
            "subscription { sessionEvents(sessionId: 1) { x: sequence x: kind } }",
            "query { sessionEvents(sessionId: 1) { sequence } }",
            "subscription { sessionEvents(sessionId: 1) { sequence",
        ] {
            assert!(plan(&payload(query, json!({}))).is_none(), "{query}");
        }
        let missing = payload(
            "subscription($s: Int!) { sessionEvents(sessionId: $s) { sequence } }",
            json!({}),
        );
        assert!(plan(&missing).is_none());
        let wrong_type = payload(
            "subscription($s: Int!) { sessionEvents(sessionId: $s) { sequence } }",
            json!({ "s": "5" }),
        );
        assert!(plan(&wrong_type).is_none());
    }

    #[test]
    fn rendering_matches_the_executor_output_shape() {
        let event = Event {
            stream: "session:5".into(),
            sequence: 7,
            kind: entity::enums::EventKind::ChatMessage,
            subject_id: Some(3),
            actor_id: None,
            data: json!({ "body": "Halo \"semua\"" }),
            at: chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
                .unwrap()
                .into(),
            rendered: crate::events::Renderings::default(),
        };
        let plan = plan_of("subscription { sessionEvents(sessionId: 5) { sequence kind k: kind actorId subjectId data at stream __typename } }");
        let text = rendered_payload(&event, &plan);
        let value: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            json!({ "data": { "sessionEvents": { "sequence": 7, "kind": "CHAT_MESSAGE", "k": "CHAT_MESSAGE", "actorId": null, "subjectId": 3,
                "data": { "body": "Halo \"semua\"" }, "at": "2026-11-23T10:00:00+00:00", "stream": "session:5", "__typename": "LiveEvent" } } })
        );
        assert!(
            Arc::ptr_eq(&text, &rendered_payload(&event, &plan)),
            "rendered once"
        );
    }
}
