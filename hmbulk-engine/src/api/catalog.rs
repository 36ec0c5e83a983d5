//! The account's catalog: `POST /v1/contact-fields`, `POST /v1/tags` (every
//! page), `POST /v1/tag` and the team's members. Takes a [`Client`]; gives
//! the custom fields, tags and members that names in a file are mapped to
//! ids with ([`Catalog`]) — only the parts a file [`Needs`] — online or, for
//! a dry run that can do without the API, offline with a note saying why. A
//! tag item of `/v1/tags` that cannot be read (no integer id or no name) is
//! an error naming it, never dropped.

use reqwest::Method;
use serde_json::{Value, json};

use super::{ApiError, Client};
use crate::catalog::{Catalog, CustomField, Member, Needs, Tag};

impl Client {
    /// `POST /v1/contact-fields`.
    pub fn custom_fields(&self) -> Result<Vec<CustomField>, ApiError> {
        self.call(Method::POST, "/v1/contact-fields", Some(&json!({})))
    }

    /// `POST /v1/tags`, every page (30 per page, paged by `date`).
    pub fn tags(&self) -> Result<Vec<Tag>, ApiError> {
        let mut all: Vec<Tag> = Vec::new();
        let mut date: Option<String> = None;
        loop {
            let body = match &date {
                Some(d) => json!({ "date": d }),
                None => json!({}),
            };
            let page: Vec<Value> = self.call(Method::POST, "/v1/tags", Some(&body))?;
            let n = page.len();
            let next = page
                .last()
                .and_then(|t| t.get("updated"))
                .and_then(Value::as_str)
                .map(str::to_string);
            for t in page {
                let tag = serde_json::from_value::<Tag>(t.clone()).map_err(|e| {
                    ApiError::Decode {
                        endpoint: "POST /v1/tags".into(),
                        message: format!(
                            "a tag that cannot be read ({e}): {}",
                            super::transport::truncate(&t.to_string(), 200)
                        ),
                    }
                    .redacted()
                })?;
                if !all.iter().any(|x| x.id == tag.id) {
                    all.push(tag);
                }
            }
            if n < 30 || next.is_none() || next == date {
                return Ok(all);
            }
            date = next;
        }
    }

    /// `POST /v1/tag`: create a tag named `name`; gives its id.
    pub fn create_tag(&self, name: &str) -> Result<i64, ApiError> {
        let answer: Value =
            self.call_write(Method::POST, "/v1/tag", Some(&json!({ "tag": name })))?;
        answer
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| ApiError::Decode {
                endpoint: "POST /v1/tag".into(),
                message: format!("no id in {answer}"),
            })
    }

    /// `GET /v1/team`: the members (ids for `assignee_id`).
    pub fn members(&self) -> Result<Vec<Member>, ApiError> {
        let team: Value = self.call::<_, Value>(Method::GET, "/v1/team", None)?;
        let members = team.get("members").cloned().unwrap_or(Value::Array(vec![]));
        serde_json::from_value(members).map_err(|e| {
            ApiError::Decode {
                endpoint: "GET /v1/team".into(),
                message: e.to_string(),
            }
            .redacted()
        })
    }

    /// Fields, tags and members, for mapping names to ids and back.
    pub fn catalog(&self) -> Result<Catalog, ApiError> {
        self.catalog_for(Needs::ALL)
    }

    /// The parts of the catalog `needs` says (the others left empty: no
    /// column of the file can use them).
    pub fn catalog_for(&self, needs: Needs) -> Result<Catalog, ApiError> {
        Ok(Catalog {
            fields: match needs.fields {
                true => self.custom_fields()?,
                false => Vec::new(),
            },
            tags: match needs.tags {
                true => self.tags()?,
                false => Vec::new(),
            },
            members: match needs.members {
                true => self.members()?,
                false => Vec::new(),
            },
            online: true,
        })
    }

    /// For a dry run, which can do without the API: the catalog's parts
    /// `needs` says, or an offline catalog and a note saying which checks
    /// were skipped and why, when the API cannot be reached or read.
    /// Refused credentials stay an error.
    pub fn catalog_or_offline(&self, needs: Needs) -> Result<(Catalog, Option<String>), ApiError> {
        if needs == Needs::NONE {
            // Nothing to check against the account: no request at all.
            return Ok((self.catalog_for(needs)?, None));
        }
        match self.catalog_for(needs) {
            Ok(catalog) => Ok((catalog, None)),
            Err(e @ (ApiError::Auth { .. } | ApiError::Usage(_))) => Err(e),
            Err(e) => Ok((
                Catalog::offline(),
                Some(format!(
                    "the API could not be read ({e}), so the checks that need it were skipped: \
                     custom field titles (name such columns custom:<id>), tag names and member \
                     names; validate again once it can be reached"
                )),
            )),
        }
    }
}
