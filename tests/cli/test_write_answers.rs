//! The `/v2/contacts` answer read by its structure, against a scripted
//! server (tests/hostile): which rows were stored, which failed and why, and
//! whether a refused create is an update of a contact that holds its phone —
//! decided by searching for the phone, never by the wording of the reason.

use serde_json::json;

use crate::hostile::{Hostile, Reply};
use crate::test_hostile::{assert_ends, people, run_at};
use crate::workdir::{Workdir, assert_each_row_once, column};

const UUID: &str = "7a0c1d2e-3f40-4b5c-8d6e-7f8091a2b3c4";

#[test]
fn a_refused_create_whose_phone_a_search_then_finds_is_updated_whatever_the_reason_says() {
    // Row 1's phone is created by someone else between the search and the
    // write, and the reason does not say "exists"; row 2's reason does say
    // it, but no contact holds its phone: the API refused it for what it is.
    let server = Hostile::start(|r| match (r.route().as_str(), r.nth) {
        ("POST /v2/contacts/search", 0) => Reply::Json(200, "[]".into()),
        ("POST /v2/contacts/search", _) => Reply::Json(
            200,
            json!([{"id": 7, "uuid": UUID, "phone": "14155550100", "first": "Someone", "rev": 1}])
                .to_string(),
        ),
        ("POST /v2/contacts", 0) => {
            let items = r.json()["contacts"].clone();
            let answer = json!({"contacts": [], "failed_contacts": [
                {"contact": items[0], "error": "E1062: duplicate channel"},
                {"contact": items[1], "error": "contact exists in another team"},
            ]});
            Reply::Json(200, answer.to_string())
        }
        ("POST /v2/contacts", _) => {
            let item = &r.json()["contacts"][0];
            let stored =
                json!({"id": 7, "uuid": item["contact_id"], "phone": item["phone"], "rev": 2});
            Reply::Json(200, json!({"contacts": [stored]}).to_string())
        }
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    people(&wd, 2);
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 1, "1 updated");

    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "row"), ["1"]);
    assert_eq!(column(&results, "action"), ["updated"]);
    assert_eq!(column(&results, "uuid"), [UUID]);
    assert_eq!(column(&results, "id"), ["7"]);
    let errors = wd.read_csv("people.errors.csv");
    assert_eq!(column(&errors, "_row"), ["2"]);
    assert_eq!(column(&errors, "_error_code"), ["api_rejected"]);
    assert!(
        column(&errors, "_error")[0].contains("contact exists in another team"),
        "{errors:?}"
    );
    assert_each_row_once(&wd, "people", 2);

    // The second write is the update of the contact the search found, alone.
    let writes: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.route() == "POST /v2/contacts")
        .map(|r| r.json()["contacts"].clone())
        .collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(
        writes[1],
        json!([{"contact_id": UUID, "phone": "14155550100", "first": "P0"}])
    );
}

/// A create carries only the fields a row sets, and its phone (and email,
/// when set) as `contact_channels` too: the reference's bulk example has
/// both, and `POST /v2/contact` says "at least one channel is required".
#[test]
fn write_items_carry_only_the_fields_a_row_sets() {
    let server = Hostile::start(|_| Reply::Default);
    let wd = Workdir::new();
    wd.create(
        "people.csv",
        &[
            vec!["phone", "first", "last", "email"],
            vec!["(415) 555-0100", "Ada", "", "ada@example.com"],
            vec!["(415) 555-0101", "", "", ""],
        ],
    );
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 0, "2 created");
    let write = server
        .requests()
        .into_iter()
        .find(|r| r.route() == "POST /v2/contacts")
        .expect("a write");
    assert_eq!(
        write.json(),
        json!({"contacts": [
            {"phone": "14155550100", "first": "Ada", "email": "ada@example.com",
             "contact_channels": [
                {"channel_type": "phone", "channel_id": "14155550100"},
                {"channel_type": "email", "channel_id": "ada@example.com"}]},
            {"phone": "14155550101",
             "contact_channels": [{"channel_type": "phone", "channel_id": "14155550101"}]},
        ]})
    );
}
