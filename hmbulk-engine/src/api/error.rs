//! What can go wrong with a call to the API, after retries: an [`ApiError`]
//! classed by cause (refused, credentials, unavailable, unreadable answer,
//! redirect, unusable request), whether it stops a run, and the exit code it
//! maps to. Every message it carries has passed the redactor.

/// What went wrong with a call, after retries.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// 400/404/409/422: the API refused the request; retrying will not help.
    #[error("the API refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// 401/403: the credentials are wrong or lack permission. Fatal for a run.
    #[error("the API refused the credentials ({status}): {message}")]
    Auth { status: u16, message: String },
    /// 5xx, 429, timeouts or dropped connections past every retry. Fatal.
    #[error("the API is unavailable: {0}")]
    Unavailable(String),
    /// An answer we could not read: not the JSON asked for, over the size
    /// limit, or cut off. A write's effect is then unknown.
    #[error("unexpected answer from {endpoint}: {message}")]
    Decode { endpoint: String, message: String },
    /// A 3xx: never followed, so nothing goes to another origin. Fatal.
    #[error(
        "{endpoint} answered {status} redirecting to {location}; hmbulk never follows a \
         redirect (the key and the contacts would go to another address): set --base-url \
         to the API's own address"
    )]
    Redirected {
        endpoint: String,
        status: u16,
        location: String,
    },
    /// The request cannot be made as configured (a credential or URL that
    /// HTTP cannot carry). Fatal, and a usage error: nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// A write ended in the error inside after an earlier attempt of it may
    /// have reached the server (its connection dropped after sending, it
    /// timed out, or it answered 5xx): what it carried may or may not be
    /// stored. Fatal when the error inside is.
    #[error("{0} (after a write that may have been stored)")]
    Unconfirmed(Box<ApiError>),
}

impl ApiError {
    /// Fatal for a whole run: credentials, a redirect, a request that cannot
    /// be made, or the remote down past retries.
    pub fn is_fatal(&self) -> bool {
        match self {
            ApiError::Unconfirmed(inner) => inner.is_fatal(),
            e => matches!(
                e,
                ApiError::Auth { .. }
                    | ApiError::Unavailable(_)
                    | ApiError::Redirected { .. }
                    | ApiError::Usage(_)
            ),
        }
    }

    /// Whether a write that ended in this error may have been stored: its
    /// answer could not be read, or an attempt of it may have reached the
    /// server before the error. A refusal (4xx), a redirect or a request
    /// that never connected stored nothing.
    pub fn maybe_stored(&self) -> bool {
        matches!(self, ApiError::Decode { .. } | ApiError::Unconfirmed(_))
    }

    /// A 404: the contact (or whatever the call named) does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Rejected { status: 404, .. })
    }

    /// The same error with every secret taken out of its messages.
    pub(super) fn redacted(self) -> Self {
        use crate::redact::cleaned;
        match self {
            ApiError::Rejected { status, message } => ApiError::Rejected {
                status,
                message: cleaned(message),
            },
            ApiError::Auth { status, message } => ApiError::Auth {
                status,
                message: cleaned(message),
            },
            ApiError::Unavailable(m) => ApiError::Unavailable(cleaned(m)),
            ApiError::Decode { endpoint, message } => ApiError::Decode {
                endpoint,
                message: cleaned(message),
            },
            ApiError::Redirected {
                endpoint,
                status,
                location,
            } => ApiError::Redirected {
                endpoint,
                status,
                location: cleaned(location),
            },
            ApiError::Usage(m) => ApiError::Usage(cleaned(m)),
            ApiError::Unconfirmed(inner) => ApiError::Unconfirmed(Box::new(inner.redacted())),
        }
    }
}

impl From<ApiError> for crate::error::Error {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Usage(m) => crate::error::Error::Usage(m),
            e => crate::error::Error::Fatal(e.to_string()),
        }
    }
}
