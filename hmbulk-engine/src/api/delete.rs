//! Permanent deletion of contacts: `DELETE /v2/contacts` by UUID, many per
//! request (at most the API's batch size), and `DELETE /v1/contact/{id}` by
//! the integer id every contact answer carries, one per request (for
//! contacts whose answers give no uuid). The answer (`"ok"`) says nothing
//! per contact: callers search afterwards to see what is gone. Both are
//! writes: an error after an attempt that may have reached the server is
//! [`ApiError::Unconfirmed`].

use reqwest::Method;

use super::contact::{Channels, SearchBody};
use super::{ApiError, Client, SearchBy};

impl Client {
    /// Delete the contacts with these UUIDs.
    pub fn delete_contacts(&self, uuids: &[String]) -> Result<(), ApiError> {
        if uuids.is_empty() {
            return Ok(());
        }
        let body = SearchBody {
            contact_channels: [Channels {
                channel_type: SearchBy::Id,
                channel_ids: uuids,
            }],
        };
        self.call_write_raw(Method::DELETE, "/v2/contacts", Some(&body))
            .map(drop)
    }

    /// `DELETE /v1/contact/{id}`: delete the contact with this integer id.
    pub fn delete_contact_id(&self, id: i64) -> Result<(), ApiError> {
        self.call_write_raw::<()>(Method::DELETE, &format!("/v1/contact/{id}"), None)
            .map(drop)
    }
}
