//! A contact's channels (its phones and emails): `GET
//! /v2/contact/{uuid}/channels` lists them, `POST /v2/contact/{uuid}/channel`
//! adds one. One request per contact, and one per channel added: the
//! reference documents no bulk form. A channel's kind is named by its wire
//! name (`phone`, `email`): the kinds themselves are the `channel` module's
//! (`ChannelKind`), which the API client does not import.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::{ApiError, Client};

/// One channel of a contact, as the API lists it. Fields the reference
/// names but hmbulk does not use are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Channel {
    /// `phone`, `email`, or a type hmbulk does not write.
    pub channel_type: String,
    /// E.164 digits without `+` for a phone; the address for an email.
    pub channel_id: String,
}

#[derive(Serialize)]
struct AddBody<'a> {
    channel_type: &'a str,
    channel_id: &'a str,
}

impl Client {
    /// `GET /v2/contact/{uuid}/channels`.
    pub fn channels(&self, uuid: &str) -> Result<Vec<Channel>, ApiError> {
        let path = format!("/v2/contact/{}/channels", path_uuid(uuid)?);
        self.call::<_, ()>(Method::GET, &path, None)
    }

    /// `POST /v2/contact/{uuid}/channel`: adds the `channel_type` (`phone`,
    /// `email`: the wire names of the channel module's kinds) channel `channel_id`;
    /// gives the contact's channels after.
    pub fn add_channel(
        &self,
        uuid: &str,
        channel_type: &str,
        channel_id: &str,
    ) -> Result<Vec<Channel>, ApiError> {
        let path = format!("/v2/contact/{}/channel", path_uuid(uuid)?);
        self.count_write();
        let body = AddBody {
            channel_type,
            channel_id,
        };
        self.call(Method::POST, &path, Some(&body))
    }
}

/// A contact UUID fit for a URL path. It comes from the API's own answers,
/// but a server's text never goes into a path unchecked.
pub(super) fn path_uuid(uuid: &str) -> Result<String, ApiError> {
    uuid::Uuid::try_parse(uuid.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| ApiError::Decode {
            endpoint: "contact channels".into(),
            message: format!(
                "{:?} is not a contact UUID",
                super::transport::truncate(uuid, 60)
            ),
        })
}
