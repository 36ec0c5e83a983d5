//! heymarket-sim: writes. Validation (per item and whole request), content
//! type, batch size, `/v2/contacts` create and update, `/v1/batch/contacts`
//! overwrite semantics and answers, search and delete.

mod sim_common;

use heymarket_sim::{ExistingPhone, SimConfig};
use serde_json::{Value, json};
use sim_common::{Api, KEY, config, person, send_raw};

fn write_v2(api: &Api, contacts: Value) -> sim_common::Reply {
    api.post("/v2/contacts", json!({ "contacts": contacts }))
}

/// The single failed item's error of a `/v2/contacts` answer.
fn only_failure(reply: &sim_common::Reply) -> String {
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let failed = reply.body["failed_contacts"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{:?}", reply.body);
    failed[0]["error"].as_str().unwrap().to_string()
}

#[test]
fn v2_creates_then_updates_by_uuid() {
    let api = Api::new();
    let created = api.create(vec![json!({
        "phone": "15105553344", "first": "Ann", "last": "Lee",
        "email": "ann@example.com", "custom": {"101": "Acme"},
        "tags": [{"tag_id": 11}, {"tag_id": 12}], "assignee_id": 502, "is_opted_out": false
    })]);
    let ann = &created[0];
    assert_eq!(ann["id"], 1);
    assert_eq!(ann["display_name"], "Ann Lee");
    assert_eq!(ann["custom"], json!({"101": "Acme"}));
    assert_eq!(
        ann["tags"],
        json!([{"id": 11, "tag": "VIP", "color": "#FFD700"},
               {"id": 12, "tag": "Newsletter", "color": "#1E90FF"}])
    );
    assert_eq!(ann["assigned_user_id"], 502);
    assert_eq!(ann["rev"], 1);
    assert_eq!(ann["op"], "create");
    assert_eq!(ann["team_id"], 900);
    assert!(ann.get("blocked").is_none());
    let updated_at = ann["updated"].as_str().unwrap();
    assert!(
        updated_at.ends_with('Z') && updated_at.len() == 20,
        "{updated_at}"
    );

    let uuid = ann["uuid"].as_str().unwrap();
    let reply = write_v2(
        &api,
        json!([{
            "contact_id": uuid, "last": "Lee-Smith", "email": "", "custom": {"102": "1990-01-01"},
            "assignee_id": -1, "assigned_user_id": 501
        }]),
    );
    assert_eq!(reply.status, 200);
    let ann = &reply.body["contacts"][0];
    assert_eq!(ann["uuid"], uuid);
    assert_eq!(ann["last"], "Lee-Smith");
    assert_eq!(
        ann["display_name"], "Ann Lee-Smith",
        "a derived name follows"
    );
    assert_eq!(ann["email"], "", "an empty string clears");
    assert_eq!(ann["custom"], json!({"101": "Acme", "102": "1990-01-01"}));
    assert_eq!(
        ann["assigned_user_id"],
        Value::Null,
        "assigned_user_id is not a write field"
    );
    assert_eq!(ann["rev"], 2);
    assert_eq!(ann["op"], "update");
    assert_eq!(api.sim.contacts().len(), 1);
    assert_eq!(api.sim.stats()["writes"], 2);
}

#[test]
fn v2_reports_existing_phones_unknown_uuids_and_duplicates() {
    let api = Api::new();
    let first = api.create(vec![person("15105550001", "A"), person("15105550002", "B")]);
    let uuid_a = first[0]["uuid"].as_str().unwrap();
    let uuid_b = first[1]["uuid"].as_str().unwrap();

    let item = json!({"phone": "15105550001", "first": "Again"});
    let reply = write_v2(&api, json!([item]));
    assert_eq!(
        reply.body["failed_contacts"][0]["contact"], item,
        "the item as sent"
    );
    assert_eq!(only_failure(&reply), format!("phone exists: {uuid_a}"));

    let ghost = "00000000-0000-4000-8000-000000000000";
    let reply = write_v2(&api, json!([{"contact_id": ghost, "first": "X"}]));
    assert_eq!(only_failure(&reply), format!("contact not found: {ghost}"));

    let reply = write_v2(
        &api,
        json!([{"contact_id": uuid_b, "phone": "15105550001"}]),
    );
    assert_eq!(only_failure(&reply), format!("phone exists: {uuid_a}"));

    let reply = write_v2(
        &api,
        json!([
            person("15105550003", "First"),
            person("15105550003", "Second")
        ]),
    );
    let stored = &reply.body["contacts"];
    assert_eq!(stored.as_array().unwrap().len(), 1);
    assert_eq!(stored[0]["first"], "First");
    let uuid_c = stored[0]["uuid"].as_str().unwrap();
    assert_eq!(only_failure(&reply), format!("phone exists: {uuid_c}"));

    // Moving a phone to a contact keeps the index right.
    let reply = write_v2(
        &api,
        json!([{"contact_id": uuid_b, "phone": "15105550009"}]),
    );
    assert_eq!(reply.body["failed_contacts"], json!([]));
    let reply = write_v2(&api, json!([person("15105550002", "Reuse")]));
    assert_eq!(reply.body["failed_contacts"], json!([]));
    assert_eq!(api.sim.contacts().len(), 4);
}

#[test]
fn every_write_bumps_rev_and_updated_even_one_that_changes_nothing() {
    // As a real server would: a client that writes unchanged contacts is
    // seen doing it (the next nightly export takes them all again).
    let api = Api::new();
    let old = "2020-01-02T03:04:05Z";
    let seeded = api.sim.seed(
        &[
            json!({"phone": "15105550001", "first": "Ann", "updated": old}),
            json!({"phone": "15105550002", "first": "Bob", "updated": old}),
        ],
        false,
    );
    assert_eq!(
        (&seeded[0]["rev"], &seeded[0]["updated"]),
        (&json!(1), &json!(old))
    );
    let uuid = seeded[0]["uuid"].as_str().unwrap();
    let reply = write_v2(&api, json!([{"contact_id": uuid, "first": "Ann"}]));
    assert_eq!(reply.body["failed_contacts"], json!([]));
    let reply = api.post(
        "/v1/batch/contacts?overwrite=true",
        json!([{"phone": "15105550002", "first": "Bob"}]),
    );
    assert_eq!(reply.status, 200);
    for c in api.sim.contacts() {
        assert_eq!(c["rev"], 2, "{c}");
        assert_ne!(c["updated"], old, "{c}");
        assert_eq!(c["created"], old, "{c}");
    }
}

#[test]
fn a_create_whose_phone_exists_is_refused_or_as_switched_duplicated_or_an_update() {
    let item = json!({"phone": "15105550001", "first": "Again"});
    for (existing, stored, failed) in [
        (ExistingPhone::Refuse, 1, 1),
        (ExistingPhone::Duplicate, 2, 0),
        (ExistingPhone::Update, 1, 0),
    ] {
        let api = Api::start(SimConfig {
            existing_phone: existing,
            ..config()
        });
        let first = api.create(vec![person("15105550001", "Ann")]);
        let uuid = first[0]["uuid"].as_str().unwrap();
        let reply = write_v2(&api, json!([item]));
        assert_eq!(
            reply.body["failed_contacts"].as_array().unwrap().len(),
            failed,
            "{existing:?}"
        );
        let contacts = api.sim.contacts();
        assert_eq!(contacts.len(), stored, "{existing:?}");
        let found = api.post(
            "/v2/contacts/search",
            json!({"contact_channels": [{"channel_type": "phone", "channel_ids": ["15105550001"]}]}),
        );
        assert_eq!(found.body[0]["uuid"], uuid, "a search finds the first");
        match existing {
            ExistingPhone::Refuse => assert_eq!(contacts[0]["first"], "Ann"),
            ExistingPhone::Duplicate => {
                let dup = &reply.body["contacts"][0];
                assert_ne!(dup["uuid"], uuid);
                assert_eq!(dup["first"], "Again");
                // Deleting the duplicate leaves the first findable.
                let gone = api.delete(
                    "/v2/contacts",
                    json!({"contact_channels": [{"channel_type": "id", "channel_ids": [dup["uuid"]]}]}),
                );
                assert_eq!(gone.status, 200);
                assert_eq!(api.sim.contacts().len(), 1);
                let found = api.post(
                    "/v2/contacts/search",
                    json!({"contact_channels": [{"channel_ids": ["15105550001"]}]}),
                );
                assert_eq!(found.body[0]["uuid"], uuid);
            }
            ExistingPhone::Update => {
                assert_eq!(reply.body["contacts"][0]["uuid"], uuid);
                assert_eq!(
                    (&contacts[0]["first"], &contacts[0]["rev"]),
                    (&json!("Again"), &json!(2))
                );
            }
        }
    }
}

#[test]
fn v2_fails_invalid_items_one_by_one() {
    let api = Api::new();
    let cases = [
        (json!({"phone": "+15105553344"}), "phone must be"),
        (json!({"phone": "1234567"}), "phone must be"),
        (json!({"phone": "1234567890123456"}), "phone must be"),
        (json!({"phone": 15105553344u64}), "phone must be"),
        (json!({"first": "No phone"}), "phone is required"),
        (
            json!({"phone": "15105550101", "email": "not an email"}),
            "email",
        ),
        (json!({"phone": "15105550102", "email": "a@b"}), "email"),
        (
            json!({"phone": "15105550103", "first": null}),
            "first is null",
        ),
        (
            json!({"phone": "15105550104", "custom": {"101": null}}),
            "custom.101 is null",
        ),
        (
            json!({"phone": "15105550105", "custom": {"101": 7}}),
            "custom.101 must be a string",
        ),
        (
            json!({"phone": "15105550106", "first": 5}),
            "first must be a string",
        ),
        (
            json!({"phone": "15105550107", "is_opted_out": "yes"}),
            "is_opted_out",
        ),
        (
            json!({"phone": "15105550108", "tags": [{"tag_id": 11}, {"tag_id": 12}, {"tag_id": 13}, {"tag_id": 14}, {"tag_id": 15}, {"tag_id": 16}]}),
            "at most 5 tags",
        ),
        (
            json!({"phone": "15105550109", "tags": ["VIP"]}),
            "tags[0] must be",
        ),
        (
            json!({"phone": "15105550110", "assignee_id": "Dana"}),
            "assignee_id must be",
        ),
        (
            json!({"contact_id": "not-a-uuid", "first": "X"}),
            "contact_id must be",
        ),
        (
            json!({"contact_id": null, "phone": "15105550111"}),
            "contact_id is null",
        ),
    ];
    let items: Vec<Value> = cases.iter().map(|(item, _)| item.clone()).collect();
    let mut all = items.clone();
    all.push(person("15105550199", "Good"));
    let reply = write_v2(&api, json!(all));
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let failed = reply.body["failed_contacts"].as_array().unwrap();
    assert_eq!(failed.len(), cases.len());
    for ((item, expected), failure) in cases.iter().zip(failed) {
        assert_eq!(&failure["contact"], item);
        let error = failure["error"].as_str().unwrap();
        assert!(
            error.contains(expected),
            "{item}: {error:?} lacks {expected:?}"
        );
    }
    assert_eq!(reply.body["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(api.sim.contacts().len(), 1, "only the good item is stored");
}

#[test]
fn referential_problems_reject_the_whole_request() {
    let api = Api::new();
    let cases = [
        (
            json!({"phone": "15105550201", "custom": {"999": "x"}}),
            "contacts[1].custom: unknown custom field id \"999\"",
        ),
        (
            json!({"phone": "15105550202", "tags": [{"tag_id": 99}]}),
            "contacts[1].tags[0].tag_id: unknown tag_id 99",
        ),
        (
            json!({"phone": "15105550203", "assignee_id": 777}),
            "contacts[1].assignee_id: 777 is not a team member",
        ),
    ];
    for (bad, message) in cases {
        let reply = write_v2(&api, json!([person("15105550200", "Good"), bad]));
        reply.assert_bad_data(message);
    }
    let reply = api.post(
        "/v1/batch/contacts",
        json!([{"phone": "15105550204", "custom": {"Company": "x"}}]),
    );
    reply.assert_bad_data("[0].custom: unknown custom field id \"Company\"");
    assert!(api.sim.contacts().is_empty(), "nothing written");

    let ok = write_v2(&api, json!([{"phone": "15105550205", "assignee_id": -1}]));
    assert_eq!(ok.body["failed_contacts"], json!([]));
}

#[test]
fn bodies_must_be_json_objects_of_the_right_shape() {
    let api = Api::new();
    let url = api.url("/v2/contacts");
    let body = r#"{"contacts": [{"phone": "15105553344"}]}"#;
    let plain = send_raw(api.client.post(&url).bearer_auth(KEY).body(body)).unwrap();
    plain.assert_bad_data("Content-Type: application/json");
    let text = send_raw(
        api.client
            .post(&url)
            .bearer_auth(KEY)
            .header("content-type", "text/plain")
            .body(body),
    )
    .unwrap();
    text.assert_bad_data("Content-Type");
    let delete = send_raw(api.client.delete(&url).bearer_auth(KEY).body("{}")).unwrap();
    delete.assert_bad_data("Content-Type");
    let charset = send_raw(
        api.client
            .post(&url)
            .bearer_auth(KEY)
            .header("content-type", "application/json; charset=utf-8")
            .body(body),
    )
    .unwrap();
    assert_eq!(charset.status, 200);

    let broken = send_raw(
        api.client
            .post(&url)
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body("{\"contacts\": [}"),
    )
    .unwrap();
    broken.assert_bad_data("not valid JSON");

    api.post("/v2/contacts", json!([]))
        .assert_bad_data("contacts");
    api.post("/v2/contacts", json!({"contacts": {}}))
        .assert_bad_data("contacts is missing or not an array");
    write_v2(&api, json!(["15105553344"])).assert_bad_data("contacts[0] must be a JSON object");
    api.post("/v1/batch/contacts", json!({"contacts": []}))
        .assert_bad_data("JSON array");
    api.post("/v1/contacts", json!({"limit": 1e300}))
        .assert_bad_data("limit must be an integer");
    api.post("/v1/contacts", json!({"limit": 18446744073709551615u64}))
        .assert_bad_data("limit");
}

#[test]
fn more_items_than_max_batch_is_400() {
    let api = Api::start(SimConfig {
        max_batch: 3,
        ..config()
    });
    let four = sim_common::people("1510555", 4);
    write_v2(&api, json!(four)).assert_bad_data("at most 3");
    api.post("/v1/batch/contacts?overwrite=false", json!(four))
        .assert_bad_data("at most 3");
    let ids = ["15105550001", "15105550002", "15105550003", "15105550004"];
    let search = json!({"contact_channels": [
        {"channel_type": "phone", "channel_ids": &ids[..2]},
        {"channel_type": "phone", "channel_ids": &ids[2..]}
    ]});
    api.post("/v2/contacts/search", search.clone())
        .assert_bad_data("at most 3");
    api.delete("/v2/contacts", search)
        .assert_bad_data("at most 3");
    assert_eq!(write_v2(&api, json!(&four[..3])).status, 200);
}

#[test]
fn v1_batch_skips_or_overwrites_existing_phones() {
    let api = Api::new();
    api.create(vec![person("15105550301", "Old")]);

    let batch = json!([person("15105550301", "New"), person("15105550302", "Fresh")]);
    let reply = api.post("/v1/batch/contacts?overwrite=false", batch.clone());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!("ok"), "a skipped phone is not a failure");
    let stored = api.sim.contacts();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["first"], "Old");
    assert_eq!(stored[0]["rev"], 1);
    assert_eq!(stored[1]["first"], "Fresh");

    // No query means overwrite=false too.
    assert_eq!(
        api.post("/v1/batch/contacts", batch.clone()).body,
        json!("ok")
    );
    assert_eq!(api.sim.contacts()[0]["first"], "Old");

    let reply = api.post("/v1/batch/contacts?overwrite=true", batch);
    assert_eq!(reply.body, json!("ok"));
    let stored = api.sim.contacts();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["first"], "New");
    assert_eq!(stored[0]["rev"], 2);

    let bad = json!({"phone": "123", "first": "Bad"});
    let reply = api.post(
        "/v1/batch/contacts?overwrite=false",
        json!([person("15105550303", "Good"), bad.clone()]),
    );
    assert_eq!(
        reply.body,
        json!([bad]),
        "the failed input contacts, as sent"
    );
    assert_eq!(api.sim.contacts().len(), 3);

    api.post("/v1/batch/contacts?overwrite=yes", json!([]))
        .assert_bad_data("overwrite must be true or false");
    let no_phone = json!([{"first": "no phone"}]);
    assert_eq!(
        api.post("/v1/batch/contacts", no_phone.clone()).body,
        no_phone
    );
    assert_eq!(api.sim.contacts().len(), 3);
}

#[test]
fn v1_batch_can_answer_the_array_of_all_contacts() {
    let api = Api::start(SimConfig {
        v1_answer_array: true,
        ..config()
    });
    let all = json!([person("15105550401", "A"), {"phone": "x"}]);
    let reply = api.post("/v1/batch/contacts?overwrite=false", all.clone());
    assert_eq!(reply.body, all);
    assert_eq!(api.sim.contacts().len(), 1);
}

#[test]
fn search_finds_by_phone_email_and_uuid_each_once() {
    let api = Api::new();
    let stored = api.create(vec![
        json!({"phone": "15105550501", "email": "Ann@Example.com"}),
        json!({"phone": "15105550502", "email": "bob@example.com"}),
        json!({"phone": "15105550503"}),
    ]);
    let uuid_c = stored[2]["uuid"].as_str().unwrap();
    let search = |channels: Value| {
        let reply = api.post(
            "/v2/contacts/search",
            json!({ "contact_channels": channels }),
        );
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        sim_common::ids(reply.body.as_array().unwrap())
    };
    assert_eq!(
        search(json!([{"channel_type": "phone", "channel_ids": ["15105550502", "19999999999"]}])),
        [2]
    );
    assert_eq!(
        search(json!([{"channel_type": "email", "channel_ids": ["ann@example.com"]}])),
        [1]
    );
    assert_eq!(
        search(json!([{"channel_type": "id", "channel_ids": [uuid_c]}])),
        [3]
    );
    assert_eq!(
        search(json!([{"channel_ids": [uuid_c, "bob@example.com", "15105550501", "15105550501"]}])),
        [3, 2, 1],
        "auto-detected, each contact once"
    );
    assert_eq!(
        search(json!([
            {"channel_type": "phone", "channel_ids": ["15105550501"]},
            {"channel_type": "email", "channel_ids": ["ann@example.com"]}
        ])),
        [1]
    );
    let found = api.post(
        "/v2/contacts/search",
        json!({"contact_channels": [{"channel_ids": ["15105550501"]}]}),
    );
    assert_eq!(found.body[0]["uuid"], stored[0]["uuid"]);
    api.post(
        "/v2/contacts/search",
        json!({"contact_channels": [{"channel_type": "fax", "channel_ids": ["1"]}]}),
    )
    .assert_bad_data("channel_type");
    api.post(
        "/v2/contacts/search",
        json!({"contact_channels": [{"channel_ids": [15105550501u64]}]}),
    )
    .assert_bad_data("must be a string");
    api.post("/v2/contacts/search", json!({}))
        .assert_bad_data("contact_channels");
}

#[test]
fn delete_removes_by_uuid_for_good() {
    let api = Api::new();
    let stored = api.create(vec![person("15105550601", "A"), person("15105550602", "B")]);
    let uuid_a = stored[0]["uuid"].as_str().unwrap();
    let reply = api.delete(
        "/v2/contacts",
        json!({"contact_channels": [{"channel_type": "id", "channel_ids": [uuid_a, "00000000-0000-4000-8000-000000000000"]}]}),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!("ok"));
    let left = api.sim.contacts();
    assert_eq!(sim_common::ids(&left), [2]);
    let search = api.post(
        "/v2/contacts/search",
        json!({"contact_channels": [{"channel_ids": ["15105550601", uuid_a]}]}),
    );
    assert_eq!(search.body, json!([]));
    // The phone is free again; ids are not reused.
    let again = api.create(vec![person("15105550601", "A2")]);
    assert_eq!(again[0]["id"], 3);

    api.delete(
        "/v2/contacts",
        json!({"contact_channels": [{"channel_type": "phone", "channel_ids": ["15105550602"]}]}),
    )
    .assert_bad_data("contact UUID");
    assert_eq!(api.sim.stats()["deleted"], 1);
}

#[test]
fn odd_bodies_get_4xx_and_never_break_the_server() {
    let api = Api::new();
    let stored = api.create(vec![person("15105551101", "Odd")]);
    let uuid = stored[0]["uuid"].as_str().unwrap();
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let raw_bodies = [
        "null".to_string(),
        "1".to_string(),
        "\"x\"".to_string(),
        "[]".to_string(),
        "{}".to_string(),
        "[null]".to_string(),
        "[1e400]".to_string(),
        deep,
        r#"{"contacts": [null]}"#.to_string(),
        r#"{"contacts": [{"phone": {"a": 1}, "tags": {"tag_id": 11}, "custom": []}]}"#.to_string(),
        r#"{"contacts": [{"contact_id": 12, "tags": [{"tag_id": 1e30}]}]}"#.to_string(),
        r#"{"contact_channels": [null, {"channel_ids": null}]}"#.to_string(),
        r#"{"limit": -5, "page": 9e18, "date": "", "ascending": null}"#.to_string(),
        r#"{"id": -9223372036854775808, "phone": 5, "status": 7}"#.to_string(),
        r#"{"channel_type": null, "channel_id": []}"#.to_string(),
        r#"{"tag": 5, "color": null, "date": "2026-13-45T99:00:00Z"}"#.to_string(),
        "\u{feff}{}".to_string(),
    ];
    let routes = [
        "/v2/contacts",
        "/v1/batch/contacts?overwrite=true",
        "/v2/contacts/search",
        "/v2/contacts/list",
        "/v1/contacts",
        "/v1/contacts/count",
        "/v1/contact/status",
        "/v1/contact/set_status",
        "/v1/tags",
        "/v1/tag",
        "/v1/contact-fields",
        &format!("/v2/contact/{uuid}/channel"),
    ];
    for route in routes {
        for body in &raw_bodies {
            let reply = api.send(
                api.client
                    .post(api.url(route))
                    .header("content-type", "application/json")
                    .body(body.clone()),
            );
            assert!(
                [200, 400, 404].contains(&reply.status),
                "{route} {body:.40}: {} {:?}",
                reply.status,
                reply.body
            );
            if reply.status != 200 {
                assert!(
                    reply.body["message"].is_string(),
                    "{route}: {:?}",
                    reply.body
                );
            }
        }
    }
    let delete = api.send(
        api.client
            .delete(api.url("/v2/contacts"))
            .header("content-type", "application/json")
            .body(r#"{"contact_channels": [{"channel_ids": [1]}]}"#),
    );
    assert_eq!(delete.status, 400);
    assert_eq!(api.get("/v1/team").status, 200);
    assert_eq!(api.sim.contacts().len(), 1);
}
