//! `--tags add|replace|remove` (issue 21): a tags column adds to a
//! contact's tags by default — tagging event attendees keeps Priya's `VIP`
//! — within the API's 5 (a row error names the contact's tags); `replace`
//! makes the row's tags the whole set (the default for hmbulk's own
//! export, whose tags cell is the whole set) and the summary says which
//! contacts lost which; `remove` takes them off. Unchanged detection
//! follows the mode, so importing the same file again writes nothing.

use serde_json::{Value, json};

use crate::api::seed;
use crate::test_import::as_refs;
use crate::workdir::{Workdir, code, column, stderr};

/// Tag ids of the sample catalog.
const VIP: i64 = 11;
const NEWSLETTER: i64 = 12;
const SPRING_SALE: i64 = 14;
const RETURNING: i64 = 15;
const LEAD: i64 = 16;
const EVENT: i64 = 17;

fn tag(id: i64) -> Value {
    json!({ "tag_id": id })
}

/// Priya (VIP, Spring Sale, Returning) and Zoë (five tags already).
fn seed_people(wd: &Workdir) {
    seed(
        wd,
        &[
            json!({"phone": "14155550101", "first": "Priya",
                   "tags": [tag(VIP), tag(SPRING_SALE), tag(RETURNING)]}),
            json!({"phone": "14155550102", "first": "Zoë",
                   "tags": [tag(VIP), tag(NEWSLETTER), tag(SPRING_SALE), tag(RETURNING), tag(LEAD)]}),
        ],
    );
}

/// The stored tag ids of the contact with `phone`, sorted.
fn tags_of(wd: &Workdir, phone: &str) -> Vec<i64> {
    let c = wd
        .sim()
        .contacts()
        .into_iter()
        .find(|c| c["phone"] == phone)
        .unwrap_or_else(|| panic!("no contact {phone}"));
    let mut ids: Vec<i64> = (c["tags"].as_array().unwrap().iter())
        .map(|t| t.as_i64().or_else(|| t["tag_id"].as_i64()).unwrap())
        .collect();
    ids.sort();
    ids
}

fn attendees(wd: &Workdir, tags: &str) {
    wd.create(
        "event.csv",
        &[
            vec!["Name", "Mobile", "Tags"],
            vec!["Priya", "(415) 555-0101", tags],
            vec!["Bo", "(415) 555-0103", tags],
        ],
    );
}

fn writes(wd: &Workdir) -> u64 {
    wd.sim().stats()["writes"].as_u64().unwrap()
}

#[test]
fn a_tags_column_adds_to_the_contacts_tags_by_default_and_again_changes_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_people(&wd);
    attendees(&wd, "Event 2026");
    let out = wd.run(&["import", "event.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("tags from \"Tags\" added to each contact's own (--tags add)"),
        "{said}"
    );
    assert!(
        said.contains("tags: 2 put on contacts, 0 taken off (--tags add)"),
        "{said}"
    );
    assert_eq!(
        tags_of(&wd, "14155550101"),
        [VIP, SPRING_SALE, RETURNING, EVENT]
    );
    assert_eq!(tags_of(&wd, "14155550103"), [EVENT]);
    let s = wd.read_json("event.summary.json");
    assert_eq!(
        (&s["tags_mode"], &s["tags_added"], &s["tags_removed"]),
        (&json!("add"), &json!(2), &json!(0))
    );
    assert!(
        wd.read("event.mapping.toml")
            .contains("tags_mode = \"add\"")
    );

    // The same file again: each contact holds its tags already.
    let before = writes(&wd);
    let out = wd.run(&["import", "event.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("event.results.csv"), "action"),
        ["unchanged"; 2]
    );
    assert_eq!(writes(&wd), before, "nothing written");

    // Zoë has five: adding a sixth fails her row, naming her tags; Priya,
    // with four, takes a fifth.
    wd.create(
        "more.csv",
        &[
            vec!["Name", "Mobile", "Tags"],
            vec!["Zoë", "(415) 555-0102", "Event 2026"],
            vec!["Priya", "(415) 555-0101", "Lead; VIP"],
        ],
    );
    let out = wd.run(&["import", "more.csv"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors = wd.read_csv("more.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["too_many_tags"]);
    assert_eq!(
        column(&errors, "_error")[0],
        "column \"Tags\": adding \"Event 2026\" to the contact's tags \"VIP\", \"Newsletter\", \
         \"Spring Sale\", \"Returning\", \"Lead\" would give it 6, and a contact can have at most \
         5; take some of its tags off first, or pass --tags replace to make the row's tags its \
         whole set"
    );
    assert_eq!(
        tags_of(&wd, "14155550102"),
        [VIP, NEWSLETTER, SPRING_SALE, RETURNING, LEAD]
    );
    assert_eq!(
        tags_of(&wd, "14155550101"),
        [VIP, SPRING_SALE, RETURNING, LEAD, EVENT]
    );
}

#[test]
fn replace_makes_the_row_the_whole_set_and_says_who_lost_what_and_remove_takes_off() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_people(&wd);
    attendees(&wd, "Event 2026");
    let out = wd.run(&["import", "event.csv", "--tags", "replace"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(tags_of(&wd, "14155550101"), [EVENT]);
    let said = stderr(&out);
    assert!(
        said.contains(
            "note: --tags replace took tags off 1 contact (each row's tags became its contact's \
             whole set): \"VIP\" from 1, \"Spring Sale\" from 1, \"Returning\" from 1"
        ),
        "{said}"
    );
    let s = wd.read_json("event.summary.json");
    assert_eq!(s["tags_removed"], 3);
    assert_eq!(s["tags_added"], 2);
    assert_eq!(
        s["tags_removed_from"],
        json!({"VIP": 1, "Spring Sale": 1, "Returning": 1})
    );
    let before = writes(&wd);
    let out = wd.run(&["import", "event.csv", "--tags", "replace"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(writes(&wd), before, "unchanged under replace too");

    // remove, from a map file: Priya's Event 2026 comes off; a new contact
    // is created with no tags.
    std::fs::write(
        wd.path("remove.toml"),
        "[settings]\ntags_mode = \"remove\"\n\n[columns]\n",
    )
    .unwrap();
    wd.create(
        "gone.csv",
        &[
            vec!["Name", "Mobile", "Tags"],
            vec!["Priya", "(415) 555-0101", "Event 2026; VIP"],
            vec!["Cy", "(415) 555-0104", "VIP"],
        ],
    );
    let out = wd.run(&["import", "gone.csv", "--map", "remove.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("taken off each contact (--tags remove)"));
    assert!(tags_of(&wd, "14155550101").is_empty());
    assert!(tags_of(&wd, "14155550104").is_empty());
    assert_eq!(wd.read_json("gone.summary.json")["tags_removed"], 1);
    // --tags wins over the map file; a map file's unknown mode is a usage error.
    let out = wd.run(&[
        "import",
        "gone.csv",
        "--map",
        "remove.toml",
        "--tags",
        "add",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(tags_of(&wd, "14155550101"), [VIP, EVENT]);
    std::fs::write(
        wd.path("bad.toml"),
        "[settings]\ntags_mode = \"merge\"\n\n[columns]\n",
    )
    .unwrap();
    let out = wd.run(&["import", "gone.csv", "--map", "bad.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "says tags_mode = \"merge\": --tags \"merge\" is not one of add, replace, remove"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn hmbulk_exports_tags_cell_is_the_whole_set() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_people(&wd);
    let out = wd.run(&["export", "--out", "all.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Take VIP out of Priya's cell (the export writes names).
    let rows = wd.read_csv("all.csv");
    let tags_at = rows[0].iter().position(|h| h == "tags").unwrap();
    let priya = rows
        .iter()
        .position(|r| r.contains(&"14155550101".to_string()))
        .unwrap();
    let cell = rows[priya][tags_at].clone();
    assert!(cell.contains("VIP"), "{cell}");
    let kept: Vec<&str> = cell
        .split(';')
        .map(str::trim)
        .filter(|t| *t != "VIP")
        .collect();
    let mut edited = rows.clone();
    edited[priya][tags_at] = kept.join("; ");
    wd.create("all.csv", &as_refs(&edited));
    let out = wd.run(&["import", "all.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(--tags replace)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tags_of(&wd, "14155550101"), [SPRING_SALE, RETURNING]);
    assert_eq!(
        tags_of(&wd, "14155550102"),
        [VIP, NEWSLETTER, SPRING_SALE, RETURNING, LEAD]
    );
    let mut actions = column(&wd.read_csv("all.results.csv"), "action");
    actions.sort();
    assert_eq!(actions, ["unchanged", "updated"]);
    let s = wd.read_json("all.summary.json");
    assert_eq!(
        (&s["tags_mode"], &s["tags_removed"]),
        (&json!("replace"), &json!(1))
    );
}

#[test]
fn a_contact_found_by_a_refused_create_gets_its_tags_by_the_mode_too() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    seed_people(&wd);
    // Batches of one: the first leads (searched first, nothing found),
    // then the probe proves creates of an existing phone are refused, and
    // every batch after goes create first: Priya's create is refused, she
    // is found, and her tags are added to, not replaced.
    wd.create(
        "late.csv",
        &[
            vec!["Name", "Mobile", "Tags"],
            vec!["Bo", "(415) 555-0103", "Event 2026"],
            vec!["Cy", "(415) 555-0104", "Event 2026"],
            vec!["Dee", "(415) 555-0105", "Event 2026"],
            vec!["Priya", "(415) 555-0101", "Event 2026"],
        ],
    );
    let args = [
        "import",
        "late.csv",
        "--batch-size",
        "1",
        "--concurrency",
        "1",
    ];
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let write_calls = wd.sim().stats()["requests"]["POST /v2/contacts"]
        .as_u64()
        .unwrap();
    assert!(
        write_calls >= 5,
        "create first, with the probe: {write_calls}"
    );
    assert_eq!(
        column(&wd.read_csv("late.results.csv"), "action"),
        ["created", "created", "created", "updated"]
    );
    assert_eq!(
        tags_of(&wd, "14155550101"),
        [VIP, SPRING_SALE, RETURNING, EVENT]
    );
    assert_eq!(wd.read_json("late.summary.json")["tags_added"], 4);
    // Again: each is unchanged, Priya too.
    let before = writes(&wd);
    let out = wd.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("late.results.csv"), "action"),
        ["unchanged"; 4]
    );
    assert_eq!(writes(&wd), before);
}
