//! heymarket-sim: reads. Listing order, cursors, pages and limits, count,
//! status and set_status, channels, tags, team, custom fields and the admin
//! routes.

mod sim_common;

use std::collections::HashSet;

use heymarket_sim::SimConfig;
use serde_json::{Value, json};
use sim_common::{Api, config, ids, people, person};

/// Lists with `body` on `path` and gives the ids.
fn list_ids(api: &Api, path: &str, body: Value) -> Vec<i64> {
    let reply = api.post(path, body);
    assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    ids(reply.body.as_array().unwrap())
}

/// Five contacts, ids 1 to 5, `updated` one second apart (id 5 newest); their
/// `updated` values.
fn five_in_a_row(api: &Api) -> Vec<String> {
    let stored = api.sim.seed(&people("1415555", 5), false);
    stored
        .iter()
        .map(|c| c["updated"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn listing_is_newest_first_with_ties_by_id() {
    let api = Api::new();
    five_in_a_row(&api);
    api.sim.seed(&people("1415666", 3), true);
    api.sim.touch(&[2]);

    let mut expected: Vec<(String, i64)> = api
        .sim
        .contacts()
        .iter()
        .map(|c| {
            (
                c["updated"].as_str().unwrap().to_string(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect();
    expected.sort();
    let ascending: Vec<i64> = expected.iter().map(|(_, id)| *id).collect();
    let descending: Vec<i64> = ascending.iter().rev().copied().collect();
    assert_eq!(list_ids(&api, "/v2/contacts/list", json!({})), descending);
    assert_eq!(list_ids(&api, "/v1/contacts", json!({})), descending);
    assert_eq!(
        list_ids(&api, "/v2/contacts/list", json!({"ascending": true})),
        ascending
    );
    assert_eq!(
        list_ids(&api, "/v1/contacts", json!({"ascending": true})),
        ascending
    );
    let place = |id| descending.iter().position(|&d| d == id).unwrap();
    assert!(
        place(2) < place(4),
        "the touched contact moved ahead of older ones"
    );

    let v1 = api.post("/v1/contacts", json!({"limit": 1}));
    assert!(v1.body[0].get("uuid").is_none(), "v1 shows no uuid");
    assert!(v1.body[0].get("blocked").is_none());
    let v2 = api.post("/v2/contacts/list", json!({"limit": 1}));
    assert!(v2.body[0]["uuid"].is_string());
    assert!(v2.body[0].get("blocked").is_none());
}

#[test]
fn the_date_cursor_is_exclusive_by_default() {
    let api = Api::new();
    let updated = five_in_a_row(&api);
    let third = &updated[2];
    assert_eq!(
        list_ids(&api, "/v2/contacts/list", json!({"date": third})),
        [2, 1]
    );
    assert_eq!(
        list_ids(&api, "/v1/contacts", json!({"date": third})),
        [2, 1]
    );
    assert_eq!(
        list_ids(
            &api,
            "/v2/contacts/list",
            json!({"date": third, "ascending": true})
        ),
        [4, 5]
    );
    let count = |body| api.post("/v1/contacts/count", body).body["count"].clone();
    assert_eq!(count(json!({})), 5);
    assert_eq!(count(json!({"date": third})), 2);
    assert_eq!(count(json!({"date": third, "ascending": true})), 2);

    // A fraction of a second and another offset compare exactly.
    let half_past = third.replace('Z', ".5Z");
    assert_eq!(
        list_ids(&api, "/v2/contacts/list", json!({"date": half_past})),
        [3, 2, 1]
    );
    assert_eq!(
        list_ids(
            &api,
            "/v2/contacts/list",
            json!({"date": half_past, "ascending": true})
        ),
        [4, 5]
    );
    let in_paris = chrono::DateTime::parse_from_rfc3339(third)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap())
        .to_rfc3339();
    assert_eq!(
        list_ids(&api, "/v2/contacts/list", json!({"date": in_paris})),
        [2, 1]
    );

    api.post("/v2/contacts/list", json!({"date": "yesterday"}))
        .assert_bad_data("RFC 3339");
    api.post("/v1/contacts/count", json!({"date": 1700000000}))
        .assert_bad_data("date must be a string");
}

#[test]
fn the_date_cursor_can_be_inclusive() {
    let api = Api::start(SimConfig {
        cursor_inclusive: true,
        ..config()
    });
    let updated = five_in_a_row(&api);
    let third = &updated[2];
    assert_eq!(
        list_ids(&api, "/v2/contacts/list", json!({"date": third})),
        [3, 2, 1]
    );
    assert_eq!(
        list_ids(
            &api,
            "/v1/contacts",
            json!({"date": third, "ascending": true})
        ),
        [3, 4, 5]
    );
    let count = api.post("/v1/contacts/count", json!({"date": third}));
    assert_eq!(count.body, json!({"count": 3}));
}

#[test]
fn pages_count_from_one_in_v1_and_from_zero_in_v2() {
    let api = Api::new();
    five_in_a_row(&api);
    let v1 = |page| list_ids(&api, "/v1/contacts", json!({"limit": 2, "page": page}));
    assert_eq!(v1(1), [5, 4]);
    assert_eq!(v1(2), [3, 2]);
    assert_eq!(v1(3), [1]);
    assert!(v1(4).is_empty());
    let v2 = |page: i64| list_ids(&api, "/v2/contacts/list", json!({"limit": 2, "page": page}));
    assert_eq!(v2(0), [5, 4]);
    assert_eq!(v2(2), [1]);
    assert!(v2(1_000_000_000_000).is_empty());
    assert_eq!(
        list_ids(
            &api,
            "/v1/contacts",
            json!({"limit": 100, "order": "updated", "filter": "x", "archived": false})
        )
        .len(),
        5
    );

    api.post("/v1/contacts", json!({"page": 0}))
        .assert_bad_data("page counts from 1");
    api.post("/v2/contacts/list", json!({"page": -1}))
        .assert_bad_data("page counts from 0");
    for path in ["/v1/contacts", "/v2/contacts/list"] {
        api.post(path, json!({"limit": 101}))
            .assert_bad_data("limit must be between 1 and 100");
        api.post(path, json!({"limit": 0})).assert_bad_data("limit");
        api.post(path, json!({"limit": "10"}))
            .assert_bad_data("limit must be an integer");
        api.post(path, json!({"ascending": "yes"}))
            .assert_bad_data("ascending");
        api.post(path, json!([])).assert_bad_data("JSON object");
    }
}

#[test]
fn the_default_limit_is_30() {
    let api = Api::new();
    api.sim.seed(&people("1415777", 35), false);
    assert_eq!(list_ids(&api, "/v1/contacts", json!({})).len(), 30);
    assert_eq!(
        list_ids(&api, "/v2/contacts/list", json!({"page": 1})).len(),
        5
    );
}

#[test]
fn a_tie_group_larger_than_a_page_is_paged_exactly_once() {
    let api = Api::new();
    let stored = api.sim.seed(&people("1415888", 250), true);
    let seconds: HashSet<&str> = stored
        .iter()
        .map(|c| c["updated"].as_str().unwrap())
        .collect();
    assert_eq!(seconds.len(), 1, "one updated second");

    for (path, first_page) in [("/v2/contacts/list", 0), ("/v1/contacts", 1)] {
        let mut seen = Vec::new();
        for page in first_page..first_page + 4 {
            seen.extend(list_ids(&api, path, json!({"limit": 100, "page": page})));
        }
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(seen.len(), 250, "{path}");
        assert_eq!(unique.len(), 250, "{path}: each id exactly once");
        assert_eq!(seen[0], 250, "ties by id, newest direction");
    }
    // A date cursor alone cannot step inside the tie: exclusive skips all of it.
    let second = seconds.into_iter().next().unwrap();
    assert!(list_ids(&api, "/v2/contacts/list", json!({"date": second})).is_empty());
}

#[test]
fn status_and_set_status_change_one_flag_each() {
    let api = Api::new();
    let stored = api.create(vec![person("15105550701", "S")]);
    let id = stored[0]["id"].as_i64().unwrap();
    let status = |body: Value| api.post("/v1/contact/status", body);
    assert_eq!(
        status(json!({"id": id})).body,
        json!({"id": id, "phone": "15105550701", "unsubscribed": false, "blocked": false})
    );
    let flags = || {
        let b = status(json!({"phone": "15105550701"})).body;
        (
            b["unsubscribed"].as_bool().unwrap(),
            b["blocked"].as_bool().unwrap(),
        )
    };
    let set = |status: &str| {
        let reply = api.post(
            "/v1/contact/set_status",
            json!({"id": id, "status": status}),
        );
        assert_eq!(reply.status, 200, "{status}: {:?}", reply.body);
        assert_eq!(reply.body, json!("success"));
    };
    set("blocked");
    assert_eq!(flags(), (false, true));
    set("unsubscribed");
    assert_eq!(flags(), (true, true));
    assert_eq!(api.sim.contacts()[0]["is_opted_out"], true);
    set("unblocked");
    assert_eq!(flags(), (true, false));
    set("subscribed");
    assert_eq!(flags(), (false, false));
    set("blocked");
    set("unsubscribed");
    set("active");
    assert_eq!(flags(), (false, false));
    let contact = &api.sim.contacts()[0];
    assert_eq!(contact["rev"], 8, "each status change is a write");
    assert_eq!(contact["blocked"], false);

    let by_phone = api.post(
        "/v1/contact/set_status",
        json!({"phone": "15105550701", "status": "blocked"}),
    );
    assert_eq!(by_phone.body, json!("success"));
    assert_eq!(api.sim.contacts()[0]["blocked"], true);

    assert_eq!(status(json!({"id": 999})).status, 404);
    assert_eq!(status(json!({"phone": "19999999999"})).status, 404);
    let missing = api.post(
        "/v1/contact/set_status",
        json!({"id": 999, "status": "active"}),
    );
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"], "not_found");
    api.post(
        "/v1/contact/set_status",
        json!({"id": id, "status": "gone"}),
    )
    .assert_bad_data("status must be one of");
    api.post("/v1/contact/set_status", json!({"status": "active"}))
        .assert_bad_data("id");
    status(json!({"id": "1"})).assert_bad_data("id must be an integer");
}

#[test]
fn channels_list_the_phone_first_and_take_new_ones() {
    let api = Api::new();
    let stored = api.create(vec![person("15105550801", "C"), person("15105550802", "D")]);
    let uuid = stored[0]["uuid"].as_str().unwrap();
    let channels = api.get(&format!("/v2/contact/{uuid}/channels"));
    assert_eq!(channels.status, 200);
    let phone = &channels.body[0];
    assert_eq!(phone["channel_type"], "phone");
    assert_eq!(phone["channel_id"], "15105550801");
    assert_eq!(phone["channel_handle"], "+15105550801");
    assert_eq!(phone["contact_id"], uuid);
    assert_eq!(phone["team_id"], 900);
    for key in ["created", "updated"] {
        assert!(phone.get(key).is_some(), "{key}");
    }
    // The reference's ContactChannel: `id` and `info_channel` are strings.
    assert!(phone["id"].is_string(), "{phone}");
    assert!(phone["info_channel"].is_string(), "{phone}");

    let path = format!("/v2/contact/{uuid}/channel");
    let email = json!({"channel_type": "email", "channel_id": "c@example.com"});
    let added = api.post(&path, email.clone());
    assert_eq!(added.status, 200, "{:?}", added.body);
    assert_eq!(added.body.as_array().unwrap().len(), 2);
    assert_eq!(added.body[1]["channel_id"], "c@example.com");
    api.post(&path, email)
        .assert_bad_data("channel exists: email \"c@example.com\"");
    api.post(
        &path,
        json!({"channel_type": "phone", "channel_id": "15105550801"}),
    )
    .assert_bad_data("channel exists: phone");
    assert_eq!(
        api.get(&format!("/v2/contact/{uuid}/channels"))
            .body
            .as_array()
            .unwrap()
            .len(),
        2,
        "once"
    );

    api.post(&path, json!({"channel_type": "fax", "channel_id": "1"}))
        .assert_bad_data("channel_type");
    api.post(
        &path,
        json!({"channel_type": "email", "channel_id": "nope"}),
    )
    .assert_bad_data("email");
    api.post(
        &path,
        json!({"channel_type": "phone", "channel_id": "15105550802"}),
    )
    .assert_bad_data("phone exists: ");
    let ghost = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        api.get(&format!("/v2/contact/{ghost}/channels")).status,
        404
    );
    api.get("/v2/contact/not-a-uuid/channels")
        .assert_bad_data("not a contact UUID");
    let post_ghost = api.post(
        &format!("/v2/contact/{ghost}/channel"),
        json!({"channel_type": "email", "channel_id": "x@y.zz"}),
    );
    assert_eq!(post_ghost.status, 404);
}

#[test]
fn tags_list_and_create() {
    let api = Api::new();
    let tags = api.post("/v1/tags", json!({}));
    assert_eq!(tags.status, 200);
    let list = tags.body.as_array().unwrap();
    assert_eq!(list.len(), 7);
    for key in ["id", "tag", "color", "created", "updated"] {
        assert!(list[0].get(key).is_some(), "{key}");
    }
    assert_eq!(list[0]["id"], 17, "newest first, ties by id");

    let created = api.post("/v1/tag", json!({"tag": "Gold", "color": "#FFD700"}));
    assert_eq!(created.status, 200);
    assert_eq!(created.body["id"], 18);
    assert_eq!(created.body["rev"], 1);
    assert!(created.body["uuid"].is_string());
    api.post("/v1/tag", json!({"tag": " vip "}))
        .assert_bad_data("tag exists");
    api.post("/v1/tag", json!({"color": "#000000"}))
        .assert_bad_data("tag");

    // The new tag can be used in writes at once.
    let contact = api.create(vec![
        json!({"phone": "15105550901", "tags": [{"tag_id": 18}]}),
    ]);
    assert_eq!(
        contact[0]["tags"],
        json!([{"id": 18, "tag": "Gold", "color": "#FFD700"}]),
        "a tag object, as /v1/tags lists it"
    );

    for i in 0..30 {
        api.post("/v1/tag", json!({"tag": format!("T{i}")}));
    }
    let page = api.post("/v1/tags", json!({}));
    assert_eq!(page.body.as_array().unwrap().len(), 30, "30 per page");
    let far_future = api.post("/v1/tags", json!({"date": "2999-01-01T00:00:00Z"}));
    assert_eq!(far_future.body.as_array().unwrap().len(), 30);
    let before_all = api.post("/v1/tags", json!({"date": "2000-01-01T00:00:00Z"}));
    assert_eq!(before_all.body, json!([]));
}

#[test]
fn team_and_custom_fields_come_from_the_seed() {
    let api = Api::new();
    let team = api.get("/v1/team");
    assert_eq!(team.body["id"], 900);
    assert_eq!(
        team.body["members"][0],
        json!({"id": 501, "name": "Dana Scully", "role": "admin"})
    );
    let fields = api.post("/v1/contact-fields", json!({}));
    assert_eq!(fields.body[0], json!({"id": 101, "title": "Company"}));
    assert_eq!(fields.body.as_array().unwrap().len(), 4);
    let no_body = sim_common::send_raw(
        api.client
            .post(api.url("/v1/contact-fields"))
            .bearer_auth(&api.token),
    )
    .unwrap();
    assert_eq!(no_body.status, 200, "an empty body reads as {{}}");
}

#[test]
fn admin_seed_is_all_or_nothing_and_touch_bumps() {
    let api = Api::new();
    let stored = api.sim.seed(
        &[json!({"phone": "15105551001", "first": "Seed", "is_opted_out": true})],
        false,
    );
    assert_eq!(stored[0]["first"], "Seed");
    assert_eq!(stored[0]["blocked"], false);
    assert!(stored[0]["uuid"].is_string());

    let seed = |contacts: Value| {
        sim_common::send_raw(
            api.client
                .post(api.url("/_sim/seed"))
                .json(&json!({ "contacts": contacts })),
        )
        .unwrap()
    };
    seed(json!([person("15105551002", "A"), {"phone": "12"}]))
        .assert_bad_data("contacts[1]: phone must be");
    seed(json!([person("15105551001", "Dup")])).assert_bad_data("phone exists: ");
    seed(json!([
        person("15105551003", "A"),
        person("15105551003", "B")
    ]))
    .assert_bad_data("twice");
    assert_eq!(api.sim.contacts().len(), 1);

    let before = api.sim.contacts()[0].clone();
    assert_eq!(api.sim.touch(&[1, 42]), 1);
    let after = api.sim.contacts()[0].clone();
    assert_eq!(after["rev"], 2);
    assert!(after["updated"].as_str() >= before["updated"].as_str());
    let stats = api.sim.stats();
    assert_eq!(stats["contacts"], 1);
    assert_eq!(stats["requests_total"], 0, "admin calls are not counted");
}
