//! Display names follow names, and update by uuid (issue 21): a display
//! name equal to the contact's old first + last is a default, so export →
//! change `last` → import updates it (and importing that file again writes
//! nothing); a row that sets another display name keeps it. In `update`
//! and `upsert` a row with a `uuid` needs no phone: `uuid,Store` updates
//! the store of each contact it names.

use serde_json::{Value, json};

use crate::api::seed;
use crate::test_import::as_refs;
use crate::workdir::{Workdir, code, column, stderr};

fn contact(wd: &Workdir, phone: &str) -> Value {
    (wd.sim().contacts().into_iter())
        .find(|c| c["phone"] == phone)
        .unwrap_or_else(|| panic!("no contact {phone}"))
}

fn writes(wd: &Workdir) -> u64 {
    wd.sim().stats()["writes"].as_u64().unwrap()
}

#[test]
fn export_change_last_import_updates_the_display_name_and_again_writes_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed(
        &wd,
        &[
            json!({"phone": "14155550201", "first": "Ada", "last": "Lovelace"}),
            json!({"phone": "14155550202", "first": "Grace", "last": "Hopper",
                   "display_name": "Amazing Grace"}),
        ],
    );
    assert_eq!(contact(&wd, "14155550201")["display_name"], "Ada Lovelace");
    let out = wd.run(&["export", "--out", "all.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Both marry: only `last` changes in the sheet.
    let mut rows = wd.read_csv("all.csv");
    let last = rows[0].iter().position(|h| h == "last").unwrap();
    for row in rows.iter_mut().skip(1) {
        row[last] = match row[last].as_str() {
            "Lovelace" => "King".into(),
            _ => "Murray".into(),
        };
    }
    wd.create("all.csv", &as_refs(&rows));
    let out = wd.run(&["import", "all.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ada = contact(&wd, "14155550201");
    assert_eq!(
        (&ada["last"], &ada["display_name"]),
        (&json!("King"), &json!("Ada King"))
    );
    let grace = contact(&wd, "14155550202");
    assert_eq!(
        (&grace["last"], &grace["display_name"]),
        (&json!("Murray"), &json!("Amazing Grace")),
        "a display name of her own stays"
    );
    let mut names = column(&wd.read_csv("all.results.csv"), "name");
    names.sort();
    assert_eq!(names, ["Ada King", "Amazing Grace"]);

    // The same file again: nothing to write, and Ada's display name stays
    // (the export's copy of her old name is not written back).
    let before = writes(&wd);
    let out = wd.run(&["import", "all.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("all.results.csv"), "action"),
        ["unchanged"; 2]
    );
    assert_eq!(writes(&wd), before);
    assert_eq!(contact(&wd, "14155550201")["display_name"], "Ada King");
}

#[test]
fn names_without_a_display_column_carry_the_default_along_and_a_set_one_is_kept() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed(
        &wd,
        &[
            json!({"phone": "14155550211", "first": "Ann", "last": "Lee"}),
            json!({"phone": "14155550212", "first": "Bo", "last": "Ek"}),
        ],
    );
    wd.create(
        "names.csv",
        &[
            vec!["Mobile", "First Name", "Last Name", "Display Name"],
            vec!["(415) 555-0211", "Ann", "Lee-Smith", ""],
            vec!["(415) 555-0212", "Bo", "Ekberg", "Bosse"],
        ],
    );
    let out = wd.run(&["import", "names.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(contact(&wd, "14155550211")["display_name"], "Ann Lee-Smith");
    assert_eq!(contact(&wd, "14155550212")["display_name"], "Bosse");
}

#[test]
fn update_by_uuid_needs_no_phone_column() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let stored = seed(
        &wd,
        &[
            json!({"phone": "14155550221", "first": "Ann", "custom": {"104": "Uptown"}}),
            json!({"phone": "14155550222", "first": "Bo"}),
        ],
    );
    let uuid = |i: usize| stored[i]["uuid"].as_str().unwrap().to_string();
    let missing = "0b9a3c1e-5d2f-4e8a-9c7b-6a5f4e3d2c1b";
    let (u0, u1) = (uuid(0), uuid(1));
    wd.create(
        "stores.csv",
        &[
            vec!["uuid", "Store"],
            vec![&u0, "Downtown"],
            vec![&u1, "Harbor"],
            vec![missing, "Nowhere"],
        ],
    );
    let out = wd.run(&["import", "stores.csv", "--mode", "update"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no phone column: contacts are matched by their uuid"),
        "{}",
        stderr(&out)
    );
    assert_eq!(contact(&wd, "14155550221")["custom"]["104"], "Downtown");
    assert_eq!(contact(&wd, "14155550222")["custom"]["104"], "Harbor");
    assert_eq!(
        contact(&wd, "14155550221")["first"],
        "Ann",
        "nothing else changes"
    );
    let results = wd.read_csv("stores.results.csv");
    assert_eq!(
        column(&results, "action"),
        ["updated", "updated", "skipped"]
    );
    assert_eq!(
        column(&results, "phone"),
        ["14155550221", "14155550222", ""]
    );
    assert_eq!(wd.sim().contacts().len(), 2);

    // upsert: the same, and a uuid no contact has cannot be created
    // without a phone.
    wd.create(
        "stores.csv",
        &[
            vec!["uuid", "Store"],
            vec![&u0, "Midtown"],
            vec![missing, "Nowhere"],
        ],
    );
    let out = wd.run(&["import", "stores.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(contact(&wd, "14155550221")["custom"]["104"], "Midtown");
    let errors = wd.read_csv("stores.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["not_found"]);
    assert_eq!(
        column(&errors, "_error")[0],
        format!(
            "no contact has the uuid {missing}, and the row has no phone to create one with; \
             fix the uuid, or add the phone"
        )
    );
    // create mode still needs the phone.
    let out = wd.run(&["import", "stores.csv", "--mode", "create"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no column holds the phone number"),
        "{}",
        stderr(&out)
    );
}
