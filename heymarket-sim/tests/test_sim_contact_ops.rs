//! heymarket-sim: the endpoints of status sync, channels, delete, tags and
//! team (issue 8), as strict as the rest: auth and Content-Type on each,
//! documented shapes, 404 for a missing contact, `active` clearing both
//! flags, the batch limit of DELETE, channel types and duplicates.

mod sim_common;

use heymarket_sim::{DuplicateChannel, SimConfig};
use serde_json::{Value, json};
use sim_common::{Api, KEY, config, person, send_raw};

const GHOST: &str = "00000000-0000-4000-8000-000000000000";

/// `(method, path, body)` of every route these commands use, for contact `uuid`.
fn routes(uuid: &str) -> Vec<(&'static str, String, Value)> {
    vec![
        ("POST", "/v1/contact/status".into(), json!({"id": 1})),
        (
            "POST",
            "/v1/contact/set_status".into(),
            json!({"id": 1, "status": "blocked"}),
        ),
        (
            "POST",
            format!("/v2/contact/{uuid}/channel"),
            json!({"channel_type": "email", "channel_id": "x@example.com"}),
        ),
        ("GET", format!("/v2/contact/{uuid}/channels"), Value::Null),
        (
            "DELETE",
            "/v2/contacts".into(),
            json!({"contact_channels": [{"channel_type": "id", "channel_ids": [uuid]}]}),
        ),
        (
            "POST",
            "/v1/tag".into(),
            json!({"tag": "Fresh", "color": "#00AA00"}),
        ),
        ("POST", "/v1/tags".into(), json!({})),
        ("GET", "/v1/team".into(), Value::Null),
    ]
}

fn request(api: &Api, method: &str, path: &str, body: &Value) -> reqwest::blocking::RequestBuilder {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = api.client.request(method, api.url(path));
    if body.is_null() {
        request
    } else {
        request.body(body.to_string())
    }
}

#[test]
fn every_route_needs_a_credential_and_a_json_content_type() {
    let api = Api::new();
    let stored = api.create(vec![person("15105552001", "Kept")]);
    let uuid = stored[0]["uuid"].as_str().unwrap().to_string();
    for (method, path, body) in routes(&uuid) {
        let anonymous = send_raw(
            request(&api, method, &path, &body).header("content-type", "application/json"),
        )
        .unwrap();
        assert_eq!(anonymous.status, 401, "{method} {path}");
        let wrong = send_raw(
            request(&api, method, &path, &body)
                .bearer_auth("not-the-key")
                .header("content-type", "application/json"),
        )
        .unwrap();
        assert_eq!(wrong.status, 401, "{method} {path}");
        if !body.is_null() {
            let untyped = send_raw(request(&api, method, &path, &body).bearer_auth(KEY)).unwrap();
            untyped.assert_bad_data("Content-Type: application/json");
            let text = send_raw(
                request(&api, method, &path, &body)
                    .bearer_auth(KEY)
                    .header("content-type", "text/plain"),
            )
            .unwrap();
            text.assert_bad_data("Content-Type");
        }
    }
    let contact = &api.sim.contacts()[0];
    assert_eq!(
        (contact["rev"].as_i64(), contact["blocked"].as_bool()),
        (Some(1), Some(false)),
        "nothing was written by a refused request"
    );
    let tags = api.post("/v1/tags", json!({})).body;
    assert!(!tags.to_string().contains("Fresh"), "no tag was created");
}

#[test]
fn status_names_a_contact_by_id_or_phone_never_both() {
    let api = Api::new();
    let stored = api.create(vec![person("15105552101", "S")]);
    let id = stored[0]["id"].as_i64().unwrap();
    let status = api.post("/v1/contact/status", json!({"phone": "15105552101"}));
    assert_eq!(
        status.body,
        json!({"id": id, "phone": "15105552101", "unsubscribed": false, "blocked": false}),
        "exactly the documented shape"
    );
    for route in ["/v1/contact/status", "/v1/contact/set_status"] {
        let body = |mut named: Value| {
            named["status"] = json!("blocked");
            named
        };
        api.post(route, body(json!({"id": id, "phone": "15105552101"})))
            .assert_bad_data("not both");
        api.post(route, body(json!({"phone": "+15105552101"})))
            .assert_bad_data("phone must be 8 to 15 digits");
        api.post(route, body(json!({"phone": "1510555"})))
            .assert_bad_data("phone must be 8 to 15 digits");
        api.post(route, body(json!({}))).assert_bad_data("id");
        for missing in [json!({"id": id + 1}), json!({"phone": "15105552199"})] {
            let reply = api.post(route, body(missing.clone()));
            assert_eq!(reply.status, 404, "{route} {missing}: {:?}", reply.body);
            assert_eq!(reply.body["error"], "not_found");
        }
    }
    let stats = api.sim.stats();
    assert_eq!(stats["writes"], 1, "only the create wrote");
    assert_eq!(api.sim.contacts()[0]["rev"], 1);
}

#[test]
fn active_clears_both_flags_from_every_state() {
    let api = Api::new();
    let stored = api.create(vec![person("15105552201", "A")]);
    let id = stored[0]["id"].as_i64().unwrap();
    let set = |status: &str| {
        let reply = api.post(
            "/v1/contact/set_status",
            json!({"id": id, "status": status}),
        );
        assert_eq!(reply.body, json!("success"), "{status}");
    };
    let flags = || {
        let b = api.post("/v1/contact/status", json!({"id": id})).body;
        (b["unsubscribed"].clone(), b["blocked"].clone())
    };
    for (opted_out, blocked) in [(false, false), (true, false), (false, true), (true, true)] {
        set(if opted_out {
            "unsubscribed"
        } else {
            "subscribed"
        });
        set(if blocked { "blocked" } else { "unblocked" });
        assert_eq!(flags(), (json!(opted_out), json!(blocked)));
        set("active");
        assert_eq!(
            flags(),
            (json!(false), json!(false)),
            "{opted_out} {blocked}"
        );
        let stored = &api.sim.contacts()[0];
        assert_eq!(stored["is_opted_out"], false);
        assert_eq!(stored["blocked"], false);
    }
}

#[test]
fn set_status_takes_only_the_documented_statuses() {
    let api = Api::new();
    let stored = api.create(vec![person("15105552301", "T")]);
    let id = stored[0]["id"].as_i64().unwrap();
    for status in [
        json!("Active"),
        json!("opt-out"),
        json!("STOP"),
        json!("unsubscribe"),
        json!(""),
        json!(true),
    ] {
        let reply = api.post(
            "/v1/contact/set_status",
            json!({"id": id, "status": status}),
        );
        assert_eq!(reply.status, 400, "{status}: {:?}", reply.body);
    }
    api.post("/v1/contact/set_status", json!({"id": id}))
        .assert_bad_data(
            "status must be one of active, blocked, unblocked, subscribed, unsubscribed",
        );
    assert_eq!(api.sim.contacts()[0]["rev"], 1, "nothing changed");
}

#[test]
fn channels_take_phone_and_email_only_and_refuse_duplicates() {
    let api = Api::new();
    let stored = api.create(vec![person("15105552401", "C"), person("15105552402", "D")]);
    let uuid = stored[0]["uuid"].as_str().unwrap();
    let path = format!("/v2/contact/{uuid}/channel");
    for (channel_type, channel_id) in [
        ("Email", "c@example.com"),
        ("sms", "15105552403"),
        ("id", uuid),
        ("", "c@example.com"),
    ] {
        api.post(
            &path,
            json!({"channel_type": channel_type, "channel_id": channel_id}),
        )
        .assert_bad_data("channel_type must be \"phone\" or \"email\"");
    }
    api.post(
        &path,
        json!({"channel_type": "phone", "channel_id": "+15105552403"}),
    )
    .assert_bad_data("8 to 15 digits");
    api.post(&path, json!({"channel_type": "email"}))
        .assert_bad_data("email");
    api.post(
        &path,
        json!({"channel_type": "phone", "channel_id": "15105552402"}),
    )
    .assert_bad_data("phone exists: ");

    let phone = json!({"channel_type": "phone", "channel_id": "15105552403"});
    let added = api.post(&path, phone.clone());
    assert_eq!(added.status, 200, "{:?}", added.body);
    let list = added.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["channel_handle"], "+15105552403");
    for key in [
        "id",
        "team_id",
        "contact_id",
        "channel_type",
        "channel_id",
        "channel_handle",
        "info_channel",
        "created",
        "updated",
    ] {
        assert!(list[1].get(key).is_some(), "{key}");
    }
    api.post(&path, phone).assert_bad_data("channel exists");
    let ghost = api.post(
        &format!("/v2/contact/{GHOST}/channel"),
        json!({"channel_type": "email", "channel_id": "g@example.com"}),
    );
    assert_eq!(ghost.status, 404);
    api.post(
        "/v2/contact/12/channel",
        json!({"channel_type": "email", "channel_id": "g@example.com"}),
    )
    .assert_bad_data("not a contact UUID");
}

#[test]
fn a_duplicate_channel_can_be_ignored_or_copied_by_switch() {
    for (policy, expected) in [(DuplicateChannel::Ignore, 2), (DuplicateChannel::Copy, 3)] {
        let api = Api::start(SimConfig {
            duplicate_channel: policy,
            ..config()
        });
        let stored = api.create(vec![person("15105552501", "E")]);
        let uuid = stored[0]["uuid"].as_str().unwrap();
        let email = json!({"channel_type": "email", "channel_id": "e@example.com"});
        let path = format!("/v2/contact/{uuid}/channel");
        assert_eq!(api.post(&path, email.clone()).status, 200);
        let again = api.post(&path, email);
        assert_eq!(again.status, 200, "{policy:?}");
        assert_eq!(again.body.as_array().unwrap().len(), expected, "{policy:?}");
    }
}

#[test]
fn delete_takes_at_most_max_batch_uuids_and_nothing_else() {
    let api = Api::start(SimConfig {
        max_batch: 2,
        ..config()
    });
    let people = sim_common::people("1510555260", 4);
    let mut stored = api.create(people[..2].to_vec());
    stored.extend(api.create(people[2..].to_vec()));
    let uuids: Vec<&str> = stored.iter().map(|c| c["uuid"].as_str().unwrap()).collect();
    let delete = |ids: &[&str], channel_type: Option<&str>| {
        let mut group = json!({"channel_ids": ids});
        if let Some(t) = channel_type {
            group["channel_type"] = json!(t);
        }
        api.delete("/v2/contacts", json!({"contact_channels": [group]}))
    };
    delete(&uuids[..3], Some("id")).assert_bad_data("at most 2");
    delete(&["15105552601"], Some("phone")).assert_bad_data("contact UUID");
    delete(&["15105552601"], None).assert_bad_data("contact UUID");
    delete(&["c@example.com"], Some("email")).assert_bad_data("contact UUID");
    api.delete(
        "/v2/contacts",
        json!({"contact_channels": [{"channel_type": "uuid", "channel_ids": [uuids[0]]}]}),
    )
    .assert_bad_data("channel_type");
    assert_eq!(
        api.sim.contacts().len(),
        4,
        "a refused call deletes nothing"
    );

    let reply = delete(&[uuids[0], GHOST], Some("id"));
    assert_eq!((reply.status, reply.body.clone()), (200, json!("ok")));
    let auto = delete(&[uuids[1]], None);
    assert_eq!(auto.body, json!("ok"), "a UUID is detected without a type");
    let phones = |contacts: &[Value]| -> Vec<Value> {
        contacts.iter().map(|c| c["phone"].clone()).collect()
    };
    assert_eq!(
        phones(&api.sim.contacts()),
        phones(&stored[2..]),
        "only what was named went"
    );
    assert_eq!(api.sim.stats()["deleted"], 2);
}

#[test]
fn tags_are_created_with_a_name_and_a_hex_color() {
    let api = Api::new();
    for (body, part) in [
        (
            json!({"tag": "Gold", "color": "gold"}),
            "color must be #RRGGBB",
        ),
        (
            json!({"tag": "Gold", "color": "#FFF"}),
            "color must be #RRGGBB",
        ),
        (
            json!({"tag": "Gold", "color": "#GGGGGG"}),
            "color must be #RRGGBB",
        ),
        (
            json!({"tag": "Gold", "color": 16766720}),
            "color must be a string",
        ),
        (json!({"tag": "   "}), "tag (the tag's name) is required"),
        (json!({"name": "Gold"}), "tag (the tag's name) is required"),
        (json!({"tag": "vip"}), "tag exists"),
    ] {
        api.post("/v1/tag", body).assert_bad_data(part);
    }
    let created = api.post("/v1/tag", json!({"tag": "Gold", "color": "#00aaFF"}));
    assert_eq!(created.status, 200, "{:?}", created.body);
    let keys: Vec<&String> = created.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "rev", "uuid"]);
    let listed = api.post("/v1/tags", json!({})).body;
    let gold = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == created.body["id"])
        .expect("the new tag is listed");
    assert_eq!(gold["tag"], "Gold");
    assert_eq!(gold["color"], "#00aaFF");
    assert!(gold.get("name").is_none(), "tags say `tag`, not `name`");
}

#[test]
fn team_has_the_documented_shape_and_only_get() {
    let api = Api::new();
    let team = api.get("/v1/team").body;
    let mut keys: Vec<&String> = team.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "members", "name"]);
    for member in team["members"].as_array().unwrap() {
        let mut keys: Vec<&String> = member.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["id", "name", "role"]);
    }
    let post = api.post("/v1/team", json!({}));
    assert_eq!(post.status, 405);
}
