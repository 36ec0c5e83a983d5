//! Each reading of what the reference leaves open, as the simulator plays
//! it: answers without `uuid`, a contact's phone as `contact_channels`, a
//! v2 create that needs a channel, tags as objects, `set_status` as text,
//! a listing `limit` capped or refused, pages from 0 or 1, what `active`
//! clears, the count as a number — and the documented shapes it now takes
//! whatever the reading: a v2 create with `contact_channels`, a search over
//! every channel of a contact, `DELETE /v1/contact/{id}`.

mod sim_common;

use heymarket_sim::readings::{
    ActiveClears, ContactShape, CountAnswer, ListLimit, PageBase, StatusAnswer, TagShape, V2Create,
};
use heymarket_sim::{Readings, SimConfig};
use serde_json::{Value, json};
use sim_common::{Api, config, people, person};

fn with(readings: Readings) -> Api {
    Api::start(SimConfig {
        readings,
        ..config()
    })
}

fn readings() -> Readings {
    Readings::default()
}

#[test]
fn answers_without_uuid_leave_it_out_of_every_contact_answer() {
    let api = with(Readings {
        answers_uuid: false,
        contact_shape: ContactShape::Both,
        ..readings()
    });
    let created = api.create(vec![person("15105550001", "A")]);
    let searched = api.post(
        "/v2/contacts/search",
        json!({"contact_channels": [{"channel_type": "phone", "channel_ids": ["15105550001"]}]}),
    );
    let listed = api.post("/v2/contacts/list", json!({}));
    for c in [&created[0], &searched.body[0], &listed.body[0]] {
        assert_eq!(c["id"], 1, "{c}");
        assert!(c.get("uuid").is_none(), "{c}");
        assert!(c["contact_channels"][0].get("contact_id").is_none(), "{c}");
    }
    // The store still has one; the channels route (by uuid) names it.
    let uuid = api.sim.contacts()[0]["uuid"].as_str().unwrap().to_string();
    let channels = api.get(&format!("/v2/contact/{uuid}/channels"));
    assert_eq!(channels.body[0]["contact_id"], uuid.as_str());
}

#[test]
fn contact_shapes_show_the_phone_as_a_field_as_channels_or_both() {
    for (shape, phone, channels) in [
        (ContactShape::Phone, true, false),
        (ContactShape::Channels, false, true),
        (ContactShape::Both, true, true),
    ] {
        let api = with(Readings {
            contact_shape: shape,
            ..readings()
        });
        let c = &api.create(vec![person("15105550001", "A")])[0];
        assert_eq!(c.get("phone").is_some(), phone, "{shape:?}: {c}");
        assert_eq!(
            c.get("contact_channels").is_some(),
            channels,
            "{shape:?}: {c}"
        );
        if channels {
            let ch = &c["contact_channels"][0];
            assert_eq!(
                (&ch["channel_type"], &ch["channel_id"]),
                (&json!("phone"), &json!("15105550001"))
            );
            assert!(ch["id"].is_string());
        }
        // v1 contacts always carry their phone.
        let v1 = api.post("/v1/contacts", json!({}));
        assert_eq!(v1.body[0]["phone"], "15105550001", "{shape:?}");
    }
}

#[test]
fn a_v2_create_takes_contact_channels_and_under_the_strict_reading_needs_them() {
    // Default: `phone` alone, channels alone, or both that agree.
    let api = with(readings());
    let stored = api.create(vec![
        person("15105550001", "A"),
        json!({"first": "B", "contact_channels": [
            {"channel_type": "phone", "channel_id": "15105550002", "channel_handle": "x", "info_channel": ""},
            {"channel_type": "email", "channel_id": "b@example.com"},
            {"channel_type": "phone", "channel_id": "15105550022"}]}),
        json!({"phone": "15105550003", "email": "c@example.com", "contact_channels": [
            {"channel_type": "phone", "channel_id": "15105550003"},
            {"channel_type": "email", "channel_id": "c@example.com"}]}),
    ]);
    assert_eq!(stored.len(), 3);
    let admin = api.sim.contacts();
    assert_eq!(admin[1]["phone"], "15105550002");
    assert_eq!(admin[1]["email"], "b@example.com");
    let uuid = admin[1]["uuid"].as_str().unwrap();
    let channels = api.get(&format!("/v2/contact/{uuid}/channels"));
    let ids: Vec<&str> = channels
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["15105550002", "15105550022"],
        "the second phone is a channel"
    );
    assert_eq!(admin[2]["phone"], "15105550003");
    // A search finds a contact by a channel added to it; a phone held that
    // way may still be another contact's own phone (a shared number), and
    // the search then finds both, the one whose phone it is first.
    let search = |phone: &str| {
        let found = api.post(
            "/v2/contacts/search",
            json!({"contact_channels": [{"channel_type": "phone", "channel_ids": [phone]}]}),
        );
        sim_common::ids(found.body.as_array().unwrap())
    };
    assert_eq!(search("15105550022"), [2]);
    api.create(vec![person("15105550022", "D")]);
    assert_eq!(search("15105550022"), [4, 2]);

    // Strict: "at least one channel is required".
    let strict = with(Readings {
        v2_create: V2Create::Channels,
        ..readings()
    });
    let reply = strict.post(
        "/v2/contacts",
        json!({"contacts": [person("15105550001", "A")]}),
    );
    let error = reply.body["failed_contacts"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("contact_channels is required"), "{error}");
    strict.create(vec![json!({"phone": "15105550001", "contact_channels": [
        {"channel_type": "phone", "channel_id": "15105550001"}]})]);
    // An update needs none.
    let uuid = strict.sim.contacts()[0]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    strict.create(vec![json!({"contact_id": uuid, "first": "Z"})]);
    assert_eq!(strict.sim.contacts()[0]["first"], "Z");
    let bad = strict.post(
        "/v2/contacts",
        json!({"contacts": [{"contact_channels": [
        {"channel_type": "fax", "channel_id": "1"}]}]}),
    );
    assert!(
        bad.body["failed_contacts"][0]["error"]
            .as_str()
            .unwrap()
            .contains("contact_channels[0]")
    );
}

#[test]
fn tag_shapes() {
    let cases: [(TagShape, Value, &str); 4] = [
        (
            TagShape::Tag,
            json!([{"id": 11, "tag": "VIP", "color": "#FFD700"}]),
            "tag",
        ),
        (
            TagShape::Name,
            json!([{"id": 11, "name": "VIP", "color": "#FFD700"}]),
            "name",
        ),
        (TagShape::TagId, json!([{"tag_id": 11}]), "tag"),
        (TagShape::Id, json!([11]), "tag"),
    ];
    for (shape, tags, name_key) in cases {
        let api = with(Readings {
            tag_shape: shape,
            ..readings()
        });
        let c = &api.create(vec![
            json!({"phone": "15105550001", "tags": [{"tag_id": 11}]}),
        ])[0];
        assert_eq!(c["tags"], tags, "{shape:?}");
        let listed = api.post("/v1/tags", json!({}));
        let vip = listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == 11)
            .unwrap()
            .clone();
        assert_eq!(vip[name_key], "VIP", "{shape:?}: {vip}");
        assert_eq!(
            api.sim.contacts()[0]["tags"],
            json!([11]),
            "the admin view keeps ids"
        );
    }
}

#[test]
fn set_status_answers_json_or_text_and_active_clears_as_the_reading_says() {
    for (answer, clears, after) in [
        (StatusAnswer::Json, ActiveClears::Both, (false, false)),
        (StatusAnswer::Text, ActiveClears::Blocked, (true, false)),
        (StatusAnswer::Json, ActiveClears::OptedOut, (false, true)),
    ] {
        let api = with(Readings {
            status_answer: answer,
            active: clears,
            ..readings()
        });
        api.create(vec![json!({"phone": "15105550001", "is_opted_out": true})]);
        let set =
            |status: &str| api.post("/v1/contact/set_status", json!({"id": 1, "status": status}));
        set("blocked");
        let reply = set("active");
        assert_eq!(reply.status, 200);
        match answer {
            StatusAnswer::Json => {
                assert_eq!(reply.body, json!("success"));
                assert_eq!(reply.headers["content-type"], "application/json");
            }
            StatusAnswer::Text => {
                assert_eq!(reply.body, json!("success"), "the text, read as a string");
                assert!(
                    reply.headers["content-type"]
                        .to_str()
                        .unwrap()
                        .starts_with("text/plain")
                );
            }
        }
        let status = api.post("/v1/contact/status", json!({"id": 1}));
        assert_eq!(
            (
                status.body["unsubscribed"].as_bool().unwrap(),
                status.body["blocked"].as_bool().unwrap()
            ),
            after,
            "{clears:?}"
        );
    }
}

#[test]
fn a_limit_over_the_largest_is_refused_or_capped() {
    let refuse = with(Readings {
        max_limit: 30,
        ..readings()
    });
    refuse.create(people("1510555", 40));
    refuse
        .post("/v2/contacts/list", json!({"limit": 31}))
        .assert_bad_data("limit must be between 1 and 30");
    let cap = with(Readings {
        list_limit: ListLimit::Cap,
        max_limit: 30,
        ..readings()
    });
    cap.create(people("1510555", 40));
    let first = cap.post("/v2/contacts/list", json!({"limit": 1000, "page": 0}));
    assert_eq!(first.body.as_array().unwrap().len(), 30, "silently 30");
    let second = cap.post("/v2/contacts/list", json!({"limit": 1000, "page": 1}));
    assert_eq!(
        second.body.as_array().unwrap().len(),
        10,
        "pages of the honoured size"
    );
}

#[test]
fn pages_count_from_the_base_the_reading_says() {
    for (base, v2_first, v1_first) in [
        (PageBase::Seeds, 0, 1),
        (PageBase::Zero, 0, 0),
        (PageBase::One, 1, 1),
    ] {
        let api = with(Readings {
            page_base: base,
            ..readings()
        });
        api.create(people("1510555", 3));
        for (path, first) in [("/v2/contacts/list", v2_first), ("/v1/contacts", v1_first)] {
            let page = api.post(path, json!({"limit": 2, "page": first}));
            assert_eq!(page.body.as_array().unwrap().len(), 2, "{base:?} {path}");
            let next = api.post(path, json!({"limit": 2, "page": first + 1}));
            assert_eq!(next.body.as_array().unwrap().len(), 1, "{base:?} {path}");
            if first == 1 {
                api.post(path, json!({"page": 0}))
                    .assert_bad_data("page counts from 1");
            }
        }
    }
}

#[test]
fn the_count_answers_an_object_or_a_number() {
    let api = with(Readings {
        count_answer: CountAnswer::Number,
        ..readings()
    });
    api.create(people("1510555", 3));
    assert_eq!(api.post("/v1/contacts/count", json!({})).body, json!(3));
    let api = with(readings());
    api.create(people("1510555", 2));
    assert_eq!(
        api.post("/v1/contacts/count", json!({})).body,
        json!({"count": 2})
    );
}

#[test]
fn delete_v1_deletes_one_contact_by_its_integer_id() {
    let api = with(readings());
    api.create(people("1510555", 2));
    let reply = api.send(api.client.delete(api.url("/v1/contact/1")));
    assert_eq!((reply.status, &reply.body), (200, &json!("ok")));
    assert_eq!(sim_common::ids(&api.sim.contacts()), [2]);
    let again = api.send(api.client.delete(api.url("/v1/contact/1")));
    assert_eq!(again.status, 404);
    let bad = api.send(api.client.delete(api.url("/v1/contact/x")));
    assert_eq!(bad.status, 400);
    assert_eq!(api.sim.stats()["requests"]["DELETE /v1/contact/{id}"], 3);
}
