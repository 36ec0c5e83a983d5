//! `DELETE /v2/contacts`: permanent deletion of contacts by UUID, many per
//! request (at most the API's batch size). The answer (`"ok"`) says nothing
//! per contact: callers search afterwards to see what is gone.

use reqwest::Method;
use serde_json::Value;

use super::contact::{Channels, SearchBody};
use super::{ApiError, ChannelType, Client};

impl Client {
    /// Delete the contacts with these UUIDs.
    pub fn delete_contacts(&self, uuids: &[String]) -> Result<(), ApiError> {
        if uuids.is_empty() {
            return Ok(());
        }
        self.count_write();
        let body = SearchBody {
            contact_channels: [Channels {
                channel_type: ChannelType::Id,
                channel_ids: uuids,
            }],
        };
        self.call::<Value, _>(Method::DELETE, "/v2/contacts", Some(&body))
            .map(drop)
    }
}
