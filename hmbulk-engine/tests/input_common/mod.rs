//! The simulator's seed catalog (samples/fields.json, tags.json, team.json)
//! as the API would give it, for the test_input_* tests, which include this
//! file with `#[path = "input_common/mod.rs"] mod seed;`.

#![allow(dead_code)]

use hmbulk_engine::catalog::{Catalog, CustomField, Member, Tag};

pub fn catalog() -> Catalog {
    #[derive(serde::Deserialize)]
    struct Team {
        members: Vec<Member>,
    }
    let fields: Vec<CustomField> =
        serde_json::from_str(include_str!("../../../samples/fields.json")).unwrap();
    let tags: Vec<Tag> = serde_json::from_str(include_str!("../../../samples/tags.json")).unwrap();
    let team: Team = serde_json::from_str(include_str!("../../../samples/team.json")).unwrap();
    Catalog {
        fields,
        tags,
        members: team.members,
        online: true,
    }
}
