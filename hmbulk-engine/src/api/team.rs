//! `GET /v1/team`: the team's id, name and members (with their roles).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::{ApiError, Client};
use crate::catalog::Member;

/// The team as `/v1/team` gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: Option<i64>,
    pub name: Option<String>,
    #[serde(default)]
    pub members: Vec<Member>,
}

impl Client {
    /// `GET /v1/team`.
    pub fn team(&self) -> Result<Team, ApiError> {
        self.call::<_, ()>(Method::GET, "/v1/team", None)
    }
}
