//! What crosses the wire, both ways: takes request bodies and gives
//! [`JsonBody`] (Content-Type checked, JSON parsed), [`ApiError`] (the
//! `{"error", "message"}` answer with its status), typed readers for optional
//! body fields that name what is wrong, and one-second RFC 3339 timestamps.

use axum::{
    Json,
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// An error answer: a status and `{"error": code, "message": message}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400: the request is wrong and retrying it will not help.
    pub fn bad_data(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_data", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.code, "message": self.message});
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

/// Serialises `value` as a 200 JSON answer.
pub fn ok_json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("could not encode the answer: {e}"),
        )
        .into_response(),
    }
}

/// A request body parsed as JSON. An empty body reads as `{}`; a non-empty one
/// must be sent with `Content-Type: application/json`.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type_ok = is_json_content_type(req.headers());
        let content_type = describe_content_type(req.headers());
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_data(format!("could not read the request body: {e}")))?;
        if bytes.is_empty() {
            return Ok(JsonBody(Value::Object(Map::new())));
        }
        if !content_type_ok {
            return Err(ApiError::bad_data(format!(
                "a request body must be sent with Content-Type: application/json (got {content_type})"
            )));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::bad_data(format!("the request body is not valid JSON: {e}")))
    }
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

fn describe_content_type(headers: &HeaderMap) -> String {
    match headers.get(header::CONTENT_TYPE) {
        None => "no Content-Type".to_string(),
        Some(v) => format!("{:?}", v.to_str().unwrap_or("(not text)")),
    }
}

/// The body as an object, or a 400 saying what was expected.
pub fn body_object<'a>(body: &'a Value, what: &str) -> ApiResult<&'a Map<String, Value>> {
    body.as_object().ok_or_else(|| {
        ApiError::bad_data(format!(
            "the body must be a JSON object {what}, got {}",
            kind_of(body)
        ))
    })
}

/// The array `key` of a body object; `shape` shows the body expected, for messages.
pub fn array_field<'a>(body: &'a Value, key: &str, shape: &str) -> ApiResult<&'a Vec<Value>> {
    body_object(body, shape)?
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::bad_data(format!(
                "the body must be {shape}: {key} is missing or not an array"
            ))
        })
}

/// A short name of a JSON value's type, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Optional integer field `key` of `obj`. Absent: `None`; anything but an
/// integer that fits in i64 (null included): 400.
pub fn opt_int(obj: &Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            ApiError::bad_data(format!("{key} must be an integer, got {}", shown(v)))
        }),
    }
}

/// Optional boolean field `key` of `obj`; anything but a boolean: 400.
pub fn opt_bool(obj: &Map<String, Value>, key: &str) -> ApiResult<Option<bool>> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v.as_bool().map(Some).ok_or_else(|| {
            ApiError::bad_data(format!("{key} must be true or false, got {}", shown(v)))
        }),
    }
}

/// Optional string field `key` of `obj`; anything but a string: 400.
pub fn opt_str<'a>(obj: &'a Map<String, Value>, key: &str) -> ApiResult<Option<&'a str>> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(Some)
            .ok_or_else(|| ApiError::bad_data(format!("{key} must be a string, got {}", shown(v)))),
    }
}

/// A value for a message: its JSON text, cut short when long.
pub fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// Seconds since the epoch, now.
pub fn now_secs() -> i64 {
    Utc::now().timestamp()
}

/// RFC 3339 UTC with one-second resolution: `2026-11-23T12:34:56Z`.
pub fn rfc3339(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A point in time from a `date` field: whole seconds and the nanoseconds past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub secs: i64,
    pub nanos: u32,
}

/// Parses an RFC 3339 `date`; names the field and the accepted form when it fails.
pub fn parse_date(key: &str, text: &str) -> ApiResult<Moment> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| Moment {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos(),
        })
        .map_err(|e| {
            ApiError::bad_data(format!(
                "{key} must be an RFC 3339 date-time such as 2026-11-23T12:34:56Z, got {text:?} ({e})"
            ))
        })
}
