//! A GraphQL-over-WebSocket client for the realtime tests, speaking `graphql-transport-ws` or
//! the legacy `graphql-ws` protocol to the real server with tokio-tungstenite.
#![allow(dead_code)]

use std::{net::SocketAddr, time::Duration};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::{
    tungstenite::{
        client::IntoClientRequest, http::HeaderValue, protocol::frame::coding::CloseCode, Message,
    },
    MaybeTlsStream, WebSocketStream,
};

/// TCP_MAXSEG = 1024 before connecting (std only: the C library's `setsockopt`).
fn small_segments(socket: &TcpSocket) {
    use std::os::fd::AsRawFd;
    extern "C" {
        fn setsockopt(
            fd: i32,
            level: i32,
            name: i32,
            value: *const std::ffi::c_void,
            length: u32,
        ) -> i32;
    }
    const IPPROTO_TCP: i32 = 6;
    const TCP_MAXSEG: i32 = 2;
    let mss: i32 = 1024;
    // SAFETY: a valid socket descriptor and a pointer to an i32 of the given length.
    let result = unsafe {
        setsockopt(
            socket.as_raw_fd(),
            IPPROTO_TCP,
            TCP_MAXSEG,
            (&mss as *const i32).cast(),
            4,
        )
    };
    assert_eq!(result, 0, "TCP_MAXSEG");
}

pub const TRANSPORT_WS: &str = "graphql-transport-ws";
pub const LEGACY_WS: &str = "graphql-ws";

/// What the server sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Json(Value),
    Close(u16, String),
    /// The connection ended without a close frame.
    Ended,
}

pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub protocol: &'static str,
    next_id: u32,
    /// Keep-alive messages seen (`ping` or `ka`).
    pub pings: u32,
}

impl WsClient {
    pub async fn connect(addr: SocketAddr, protocol: &'static str) -> WsClient {
        Self::connect_with_buffer(addr, protocol, None).await
    }

    /// With `recv_buffer`, the socket's receive buffer is that small (a slow consumer).
    pub async fn connect_with_buffer(
        addr: SocketAddr,
        protocol: &'static str,
        recv_buffer: Option<u32>,
    ) -> WsClient {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .expect("a request");
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static(protocol));
        let socket = TcpSocket::new_v4().expect("a socket");
        if let Some(size) = recv_buffer {
            socket.set_recv_buffer_size(size).expect("SO_RCVBUF");
            // Loopback's 64 KiB segments give the server a send buffer of about a megabyte;
            // with segments of a real network's size it holds tens of kilobytes, so that a
            // client which stops reading stalls the server's writes soon.
            small_segments(&socket);
        }
        let stream = socket.connect(addr).await.expect("TCP connect");
        let (socket, response) =
            tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
                .await
                .expect("WebSocket handshake");
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some(protocol),
            "the server speaks {protocol}"
        );
        WsClient {
            socket,
            protocol,
            next_id: 0,
            pings: 0,
        }
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("send");
    }

    /// The next message from the server, or None after `wait`. Answers keep-alive pings
    /// (counting them) without returning them.
    pub async fn recv(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return None,
                Ok(frame) => frame,
            };
            match frame {
                None | Some(Err(_)) => return Some(Incoming::Ended),
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON from the server");
                    match value["type"].as_str() {
                        Some("ping") => {
                            self.pings += 1;
                            self.send(json!({ "type": "pong" })).await;
                        }
                        Some("ka") => self.pings += 1,
                        _ => return Some(Incoming::Json(value)),
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((u16::from(CloseCode::Status), String::new()));
                    return Some(Incoming::Close(code, reason));
                }
                Some(Ok(_)) => {}
            }
        }
    }

    /// Sends `connection_init` with the payload and returns the server's answer.
    pub async fn init(&mut self, payload: Value) -> Incoming {
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.recv(Duration::from_secs(10))
            .await
            .expect("an answer to connection_init")
    }

    /// `init` that must be acknowledged.
    pub async fn init_ok(&mut self, token: Option<&str>) {
        let payload = match token {
            Some(token) => json!({ "token": token }),
            None => json!({}),
        };
        let answer = self.init(payload).await;
        assert_eq!(
            answer,
            Incoming::Json(json!({ "type": "connection_ack" })),
            "connection_init acknowledged"
        );
    }

    /// Starts a subscription; returns its id.
    pub async fn subscribe(&mut self, query: &str, variables: Value) -> String {
        self.next_id += 1;
        let id = self.next_id.to_string();
        let kind = if self.protocol == TRANSPORT_WS {
            "subscribe"
        } else {
            "start"
        };
        self.send(json!({ "id": id, "type": kind, "payload": { "query": query, "variables": variables } })).await;
        id
    }

    pub async fn stop(&mut self, id: &str) {
        let kind = if self.protocol == TRANSPORT_WS {
            "complete"
        } else {
            "stop"
        };
        self.send(json!({ "id": id, "type": kind })).await;
    }

    /// The next result of subscription `id` (`{data, errors}`), or None when it completed.
    /// Panics on anything else or after `wait`.
    pub async fn next_result(&mut self, id: &str, wait: Duration) -> Option<Value> {
        loop {
            match self.recv(wait).await {
                None => panic!("no message for subscription {id} within {wait:?}"),
                Some(Incoming::Json(message)) => {
                    if message["id"] != id {
                        continue;
                    }
                    match message["type"].as_str() {
                        Some("next" | "data") => return Some(message["payload"].clone()),
                        Some("complete") => return None,
                        Some("error") => return Some(json!({ "errors": message["payload"] })),
                        other => panic!("unexpected message {other:?}: {message}"),
                    }
                }
                Some(other) => panic!("subscription {id}: the connection ended: {other:?}"),
            }
        }
    }

    /// The next `data` of subscription `id`, which must have no errors.
    pub async fn next_data(&mut self, id: &str) -> Value {
        let result = self
            .next_result(id, Duration::from_secs(15))
            .await
            .unwrap_or_else(|| panic!("subscription {id} completed"));
        assert!(
            result.get("errors").is_none_or(Value::is_null),
            "subscription {id} failed: {result:#}"
        );
        result["data"].clone()
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }

    /// Stops reading: the socket stays open, unread (for slow-consumer tests), until dropped.
    pub fn into_inner(self) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        self.socket
    }

    pub fn from_inner(
        socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
        protocol: &'static str,
        next_id: u32,
    ) -> WsClient {
        WsClient {
            socket,
            protocol,
            next_id,
            pings: 0,
        }
    }
}

pub const FORUM_ACTIVITY: &str = "subscription($forum: Int!, $since: Int) {
    forumActivity(forumId: $forum, since: $since) { sequence stream kind actorId subjectId data } }";

pub const SESSION_EVENTS: &str = "subscription($session: Int!, $since: Int) {
    sessionEvents(sessionId: $session, since: $since) { sequence stream kind actorId subjectId data } }";

pub const VOTING_TALLY: &str = "subscription($round: Int!) {
    votingTally(roundId: $round) { roundId ballots final rows { proposalId votes } } }";
