//! GraphQL over WebSocket on `/graphql`: `graphql-transport-ws` (graphql-ws, Apollo, urql) and
//! the legacy `graphql-ws` (subscriptions-transport-ws). async-graphql runs the protocol; this
//! loop adds what it leaves out:
//!
//! * the token comes in the `connection_init` payload (`{"token": "…"}`, or `authToken`, or
//!   `Authorization: Bearer …`); a token that is not valid closes the socket with 4403;
//!   no `connection_init` within `init_timeout` closes it with 4408; when the account signs
//!   out or its roles change, its connections are closed with 4403 (clients reconnect and
//!   act as whoever their token now stands for);
//! * keep-alive: every `keepalive` the server sends `{"type":"ping"}` (graphql-transport-ws;
//!   clients answer `pong`) or `{"type":"ka"}` and a WebSocket ping frame (legacy); a client
//!   silent for three intervals is closed with 3008;
//! * a client that does not read: each message may wait `send_timeout` for it, then the
//!   socket is closed with 4008 (its subscriptions resume with `since` after reconnecting).
//!   Nothing else waits for it: streams are broadcasts with bounded buffers;
//! * a shutdown (deploy, SIGTERM) closes every socket with 1001, going away; a database that
//!   does not answer while the token is checked closes it with 1013, try again later (clients
//!   reconnect after both and resume with `since`);
//! * `sessionEvents` and `forumActivity` subscriptions of the common simple shape are served
//!   by the fast path (`fast`), which renders each event once for all its subscribers.
pub mod fast;

use std::{
    collections::HashSet,
    str::FromStr,
    sync::{Arc, OnceLock},
    task::Poll,
    time::{Duration, Instant},
};

use async_graphql::{
    http::{WebSocketProtocols, WsMessage},
    Data,
};
use axum::{
    body::Bytes,
    extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use futures_util::{future, stream, stream::BoxStream, StreamExt};
use serde_json::Value;
use tokio::sync::{broadcast, mpsc};

use crate::{
    db::Db,
    domain::{
        access::{self, Actor},
        accounts,
        throttle::ClientAddr,
    },
    error::AppError,
    graphql::{AppSchema, RequestAuth},
    state::{Shutdown, SocketSlot},
};

/// The token is not valid (graphql-transport-ws: Forbidden).
pub const CLOSE_FORBIDDEN: u16 = 4403;
/// No `connection_init` in time (graphql-transport-ws).
pub const CLOSE_INIT_TIMEOUT: u16 = 4408;
/// The client answered no keep-alive ping for three intervals.
pub const CLOSE_KEEPALIVE_TIMEOUT: u16 = 3008;
/// The client did not read its messages: reconnect and resubscribe with `since`.
pub const CLOSE_SLOW_CONSUMER: u16 = 4008;
/// The server could not check the token.
pub const CLOSE_INTERNAL: u16 = 1011;
/// The server is shutting down (RFC 6455: going away).
pub const CLOSE_GOING_AWAY: u16 = 1001;
/// The database did not answer while the token was checked (RFC 6455: try again later).
pub const CLOSE_TRY_AGAIN_LATER: u16 = 1013;

/// Answers a WebSocket upgrade of `GET /graphql`.
/// What one connection may hold: its address's slot (released when it ends) and at most
/// `subscriptions` subscriptions at once.
pub struct Limits {
    pub client: ClientAddr,
    pub slot: SocketSlot,
    pub subscriptions: usize,
    pub shutdown: Shutdown,
}

pub fn upgrade(
    upgrade: WebSocketUpgrade,
    headers: &HeaderMap,
    schema: AppSchema,
    db: Db,
    limits: Limits,
) -> Response {
    let protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        });
    let Some(protocol) = protocol else {
        return (
            StatusCode::BAD_REQUEST,
            "use the WebSocket subprotocol graphql-transport-ws or graphql-ws",
        )
            .into_response();
    };
    upgrade
        .protocols([protocol.sec_websocket_protocol()])
        // Small buffers: thousands of mostly idle sockets. Messages are written at once.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        .on_upgrade(move |socket| {
            let shutdown = limits.shutdown.clone();
            shutdown.track_socket(serve(socket, schema, db, protocol, limits))
        })
}

fn close_frame(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// The token of a `connection_init` payload, if it names one.
fn token_of(payload: &Value) -> Option<String> {
    let raw = ["token", "authToken", "Authorization", "authorization"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(Value::as_str))?;
    let token = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .unwrap_or(raw)
        .trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// Who the connection acts for: anonymous without a token; an error code for a bad token.
async fn authenticate(db: &Db, payload: &Value) -> Result<RequestAuth, u16> {
    let Some(token) = token_of(payload) else {
        return Ok(RequestAuth::default());
    };
    match accounts::actor_for_token(db, &token).await {
        Ok(Some(actor)) => Ok(RequestAuth::new(Some(actor), Some(token))),
        Ok(None) => Err(CLOSE_FORBIDDEN),
        Err(AppError::Unavailable { .. }) => Err(CLOSE_TRY_AGAIN_LATER),
        Err(_) => Err(CLOSE_INTERNAL),
    }
}

/// The payload of a `connection_init` message, or None for any other message.
fn connection_init(message: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(message).ok()?;
    if value.get("type").and_then(Value::as_str) != Some("connection_init") {
        return None;
    }
    Some(
        value
            .get("payload")
            .cloned()
            .filter(|p| !p.is_null())
            .unwrap_or_else(|| Value::Object(Default::default())),
    )
}

/// Whether a message is the protocol's keep-alive (`ping` or `pong`).
fn is_ping(message: &[u8]) -> bool {
    serde_json::from_slice::<Value>(message)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .is_some_and(|kind| kind == "ping" || kind == "pong")
}

/// Milliseconds since `started` of the last frame heard from the client.
struct Heard {
    started: Instant,
    at: u64,
}

impl Heard {
    fn now(&mut self) {
        self.at = self.started.elapsed().as_millis() as u64;
    }

    fn silence(&self) -> Duration {
        self.started
            .elapsed()
            .saturating_sub(Duration::from_millis(self.at))
    }
}

/// Client messages waiting for async-graphql; a client that floods faster is closed.
const INPUT_BUFFER: usize = 64;

/// The next text or binary message of the client (None when the socket ends).
async fn next_message(socket: &mut WebSocket, heard: &mut Heard) -> Option<Bytes> {
    loop {
        let frame = socket.next().await?.ok()?;
        heard.now();
        match frame {
            Message::Text(_) | Message::Binary(_) => return Some(frame.into_data()),
            Message::Close(_) => return None,
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
}

/// Sends one message, waiting at most `limit` for a client that does not read.
async fn send(socket: &mut WebSocket, message: Message, limit: Duration) -> Result<(), Failure> {
    match tokio::time::timeout(limit, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Failure::Gone),
        Err(_) => Err(Failure::TooSlow),
    }
}

enum Failure {
    Gone,
    TooSlow,
}

enum Output {
    /// From async-graphql; None when it ends the connection.
    Graphql(Option<WsMessage>),
    /// From the fast subscription at this index; None when it completed.
    Fast(usize, Option<String>),
}

type FastStreams = Vec<(String, BoxStream<'static, String>)>;

fn next_output<'a>(
    connection: &'a mut BoxStream<'static, WsMessage>,
    fast: &'a mut FastStreams,
) -> impl std::future::Future<Output = Output> + 'a {
    future::poll_fn(move |cx| {
        for (index, (_, stream)) in fast.iter_mut().enumerate() {
            if let Poll::Ready(item) = stream.poll_next_unpin(cx) {
                return Poll::Ready(Output::Fast(index, item));
            }
        }
        connection.poll_next_unpin(cx).map(Output::Graphql)
    })
}

/// The `{"data": null, "errors": […]}` payload of an error ending a fast subscription, as the
/// executor would write it.
fn error_payload(root: &str, err: AppError) -> String {
    let error = async_graphql::Error::from(err);
    serde_json::json!({ "data": null, "errors": [{ "message": error.message, "path": [root], "extensions": error.extensions }] }).to_string()
}

/// A fast subscription (see `fast`): each event's shared payload, framed for this client.
fn fast_stream(
    db: &Db,
    plan: fast::Plan,
    id: &str,
    protocol: WebSocketProtocols,
) -> BoxStream<'static, String> {
    let next = match protocol {
        WebSocketProtocols::GraphQLWS => "next",
        WebSocketProtocols::SubscriptionsTransportWS => "data",
    };
    let prefix = format!(r#"{{"id":{},"type":"{next}","payload":"#, Value::from(id));
    let root = plan.root_key().to_owned();
    crate::events::subscribe(db.events(), plan.stream, plan.since)
        .map(move |item| {
            let payload = match item {
                Ok(event) => fast::rendered_payload(&event, &plan),
                Err(err) => error_payload(&root, err).into(),
            };
            let mut text = String::with_capacity(prefix.len() + payload.len() + 1);
            text.push_str(&prefix);
            text.push_str(&payload);
            text.push('}');
            text
        })
        .boxed()
}

/// The id of a subscription that a server message ends (`complete` or `error`), if it does.
/// Only short messages can: data messages are not parsed.
fn ended_subscription(text: &str) -> Option<String> {
    if text.len() > 4096 || !(text.contains("complete") || text.contains("error")) {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    let kind = value.get("type").and_then(Value::as_str)?;
    if !matches!(kind, "complete" | "error") {
        return None;
    }
    value.get("id").and_then(Value::as_str).map(str::to_owned)
}

/// The refusal of a subscription past the connection's limit, as the protocol sends errors.
fn too_many_subscriptions(protocol: WebSocketProtocols, id: &str, limit: usize) -> String {
    let error = async_graphql::Error::from(AppError::RateLimited {
        retry_after_secs: 1,
    });
    let payload = serde_json::json!([{
        "message": format!("at most {limit} subscriptions run on one connection: end one first"),
        "extensions": error.extensions,
    }]);
    let message = match protocol {
        WebSocketProtocols::GraphQLWS => {
            serde_json::json!({ "id": id, "type": "error", "payload": payload })
        }
        WebSocketProtocols::SubscriptionsTransportWS => {
            serde_json::json!({ "id": id, "type": "error", "payload": payload[0] })
        }
    };
    message.to_string()
}

/// What the connection's loop attends to next.
enum Step {
    Output(Output),
    Frame(Option<Result<Message, axum::Error>>),
    Tick,
    CredentialsChanged,
    ShuttingDown,
}

async fn serve(
    mut socket: WebSocket,
    schema: AppSchema,
    db: Db,
    protocol: WebSocketProtocols,
    limits: Limits,
) {
    let _slot = limits.slot;
    let config = db.events().config();
    let limit = config.send_timeout;
    let mut heard = Heard {
        started: Instant::now(),
        at: 0,
    };

    // `connection_init` must arrive in time, whatever comes before it (pings are let through
    // unanswered; anything else closes the socket); its token is checked here, so that a bad
    // one closes the socket with the protocol's code.
    let deadline = tokio::time::Instant::now() + config.init_timeout;
    let shutdown = limits.shutdown;
    let going_away = || close_frame(CLOSE_GOING_AWAY, "Server shutting down: reconnect");
    let first = match tokio::time::timeout_at(deadline, async {
        loop {
            let message = tokio::select! {
                message = next_message(&mut socket, &mut heard) => message?,
                () = shutdown.begun() => return Some(Err(CLOSE_GOING_AWAY)),
            };
            if connection_init(&message).is_some() {
                return Some(Ok(message));
            }
            if !is_ping(&message) {
                return Some(Err(4401));
            }
        }
    })
    .await
    {
        Ok(Some(Ok(first))) => first,
        Ok(Some(Err(CLOSE_GOING_AWAY))) => {
            let _ = send(&mut socket, going_away(), limit).await;
            return;
        }
        Ok(Some(Err(_))) => {
            let _ = send(&mut socket, close_frame(4401, "Unauthorized"), limit).await;
            return;
        }
        Ok(None) => return,
        Err(_) => {
            let _ = send(
                &mut socket,
                close_frame(CLOSE_INIT_TIMEOUT, "Connection initialisation timeout"),
                limit,
            )
            .await;
            return;
        }
    };
    // Followed from before the token is checked, so a sign-out racing the check is not missed.
    let mut credential_changes = db.events().credential_changes();
    let mut checked = None;
    if let Some(payload) = connection_init(&first) {
        match authenticate(&db, &payload).await {
            Ok(auth) => checked = Some(auth),
            Err(code) => {
                let reason = match code {
                    CLOSE_FORBIDDEN => "Forbidden",
                    CLOSE_TRY_AGAIN_LATER => "Try again later",
                    _ => "Internal error",
                };
                if protocol == WebSocketProtocols::SubscriptionsTransportWS {
                    let error = serde_json::json!({ "type": "connection_error", "payload": { "message": reason } });
                    let _ = send(&mut socket, Message::Text(error.to_string().into()), limit).await;
                }
                let _ = send(&mut socket, close_frame(code, reason), limit).await;
                return;
            }
        }
    }
    // async-graphql runs the protocol on what the client sends, except the subscriptions the
    // fast path serves.
    let (to_graphql, from_client) = mpsc::channel::<Bytes>(INPUT_BUFFER);
    let input = stream::once(future::ready(first))
        .chain(stream::unfold(from_client, |mut rx| async move {
            rx.recv().await.map(|m| (m, rx))
        }));
    // The account this connection acts for; its sign-out or a change of its roles closes it.
    let mut signed_in = checked
        .as_ref()
        .and_then(|auth: &RequestAuth| auth.actor.as_ref())
        .map(|actor| actor.id());
    // Who the connection acts for once initialised, for the fast path's stream check.
    let connection_actor: Arc<OnceLock<Option<Actor>>> = Arc::default();
    let init_actor = connection_actor.clone();
    let init_db = db.clone();
    let mut connection = async_graphql::http::WebSocket::new(schema, input, protocol)
        .on_connection_init(move |payload| async move {
            let auth = match checked {
                Some(auth) => auth,
                None => authenticate(&init_db, &payload)
                    .await
                    .map_err(|_| async_graphql::Error::new("Forbidden"))?,
            };
            let _ = init_actor.set(auth.actor.clone());
            let mut data = Data::default();
            data.insert(auth);
            data.insert(limits.client);
            Ok(data)
        })
        .boxed();
    let mut fast: FastStreams = Vec::new();
    // Subscriptions the client started and neither side ended yet.
    let mut open: HashSet<String> = HashSet::new();
    let mut acknowledged = false;
    let (start, stop) = match protocol {
        WebSocketProtocols::GraphQLWS => ("subscribe", "complete"),
        WebSocketProtocols::SubscriptionsTransportWS => ("start", "stop"),
    };

    let keepalive = config.keepalive.max(Duration::from_millis(10));
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let step = tokio::select! {
            biased;
            () = shutdown.begun() => Step::ShuttingDown,
            change = credential_changes.recv(), if signed_in.is_some() => match change {
                Ok(account) if Some(account) != signed_in => continue,
                // Ours, or possibly among those missed while lagging.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => Step::CredentialsChanged,
                Err(broadcast::error::RecvError::Closed) => {
                    signed_in = None;
                    continue;
                }
            },
            output = next_output(&mut connection, &mut fast) => Step::Output(output),
            frame = socket.next() => Step::Frame(frame),
            _ = ticker.tick() => Step::Tick,
        };
        let sent = match step {
            Step::ShuttingDown => {
                let _ = send(&mut socket, going_away(), Duration::from_secs(1)).await;
                break;
            }
            Step::CredentialsChanged => {
                let closing = close_frame(
                    CLOSE_FORBIDDEN,
                    "Credentials changed: connect again with a valid token",
                );
                let _ = send(&mut socket, closing, Duration::from_secs(1)).await;
                break;
            }
            Step::Output(Output::Graphql(None)) => break,
            Step::Output(Output::Graphql(Some(WsMessage::Text(text)))) => {
                acknowledged |= text.contains(r#""type":"connection_ack""#);
                if let Some(id) = ended_subscription(&text) {
                    open.remove(&id);
                }
                send(&mut socket, Message::Text(text.into()), limit).await
            }
            Step::Output(Output::Graphql(Some(WsMessage::Close(code, reason)))) => {
                let _ = send(&mut socket, close_frame(code, &reason), limit).await;
                break;
            }
            Step::Output(Output::Fast(_, Some(text))) => {
                send(&mut socket, Message::Text(text.into()), limit).await
            }
            Step::Output(Output::Fast(index, None)) => {
                let (id, _) = fast.swap_remove(index);
                open.remove(&id);
                let complete = serde_json::json!({ "type": "complete", "id": id });
                send(
                    &mut socket,
                    Message::Text(complete.to_string().into()),
                    limit,
                )
                .await
            }
            // A frame from the client.
            Step::Frame(frame) => {
                let Some(Ok(frame)) = frame else { break };
                heard.now();
                let message = match frame {
                    Message::Text(_) | Message::Binary(_) => frame.into_data(),
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                let parsed: Option<Value> = serde_json::from_slice(&message).ok();
                let kind = parsed
                    .as_ref()
                    .and_then(|m| m.get("type"))
                    .and_then(Value::as_str);
                let id = parsed
                    .as_ref()
                    .and_then(|m| m.get("id"))
                    .and_then(Value::as_str);
                if let (true, Some(id)) = (kind == Some(start), id) {
                    if !open.contains(id) && open.len() >= limits.subscriptions {
                        let refusal = too_many_subscriptions(protocol, id, limits.subscriptions);
                        match send(&mut socket, Message::Text(refusal.into()), limit).await {
                            Ok(()) => continue,
                            Err(_) => break,
                        }
                    }
                    open.insert(id.to_owned());
                }
                if let (true, Some(id)) = (acknowledged && kind == Some(start), id) {
                    let plan = parsed
                        .as_ref()
                        .and_then(|m| m.get("payload"))
                        .and_then(fast::plan);
                    if let Some(plan) = plan {
                        let taken = fast.iter().any(|(active, _)| active == id);
                        if taken {
                            let reason = format!("Subscriber for {id} already exists");
                            let _ = send(&mut socket, close_frame(4409, &reason), limit).await;
                            break;
                        }
                        // Refused streams go to the executor, which answers with the refusal.
                        let actor = connection_actor.get().cloned().flatten();
                        if access::authorize_stream(db.reader(), actor.as_ref(), plan.stream)
                            .await
                            .is_ok()
                        {
                            let stream = fast_stream(&db, plan, id, protocol);
                            fast.push((id.to_owned(), stream));
                            continue;
                        }
                    }
                }
                if let (Some(true), Some(id)) = (kind.map(|k| k == stop), id) {
                    open.remove(id);
                    let found = fast.iter().position(|(active, _)| active == id);
                    if let Some(index) = found {
                        drop(fast.swap_remove(index));
                        let complete = serde_json::json!({ "type": "complete", "id": id });
                        match send(
                            &mut socket,
                            Message::Text(complete.to_string().into()),
                            limit,
                        )
                        .await
                        {
                            Ok(()) => continue,
                            Err(_) => break,
                        }
                    }
                }
                match to_graphql.try_send(message) {
                    Ok(()) => continue,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        let _ =
                            send(&mut socket, close_frame(4429, "Too many messages"), limit).await;
                        break;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => break,
                }
            }
            Step::Tick => {
                if heard.silence() > keepalive * 3 {
                    let _ = send(
                        &mut socket,
                        close_frame(CLOSE_KEEPALIVE_TIMEOUT, "Keep-alive timeout"),
                        Duration::from_secs(1),
                    )
                    .await;
                    break;
                }
                let ping = match protocol {
                    WebSocketProtocols::GraphQLWS => r#"{"type":"ping","payload":{}}"#,
                    WebSocketProtocols::SubscriptionsTransportWS => r#"{"type":"ka"}"#,
                };
                let mut sent = send(&mut socket, Message::Text(ping.into()), limit).await;
                if sent.is_ok() && protocol == WebSocketProtocols::SubscriptionsTransportWS {
                    // Legacy clients do not answer `ka`; their WebSocket answers a ping frame.
                    sent = send(&mut socket, Message::Ping(Bytes::new()), limit).await;
                }
                sent
            }
        };
        match sent {
            Ok(()) => {}
            Err(Failure::Gone) => break,
            Err(Failure::TooSlow) => {
                let closing = close_frame(
                    CLOSE_SLOW_CONSUMER,
                    "Too slow: reconnect and subscribe with since",
                );
                let _ = send(&mut socket, closing, Duration::from_secs(1)).await;
                break;
            }
        }
    }
}
