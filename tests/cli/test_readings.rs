//! The end-to-end matrix: import, the same file again, a re-import with
//! changes (v2 and `--api v1`), opt-outs and blocks (`status`), `delete` and
//! `export`, under every reading of what the API reference leaves open that
//! heymarket-sim plays (`heymarket_sim::readings::profiles`: answers without
//! `uuid`, phones as `contact_channels`, a v2 create that needs a channel,
//! tags as objects, `set_status` as text, a capped `limit`, pages from 0 or
//! 1, what `active` clears, the count as a number, the cursor, the v1
//! answer, a create whose phone exists), each alone and all at once. Under
//! each: every run exits 0, the store holds every phone once with the
//! file's values, and no report line claims what the store does not show.

use std::collections::HashMap;

use heymarket_sim::SimConfig;
use heymarket_sim::readings::{Profile, profiles};
use serde_json::Value;

use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// One person of the files: row `n`, in version `v` (0, or 1 with other
/// names and tags).
#[derive(Debug, Clone)]
struct Person {
    phone: String,
    first: String,
    last: String,
    email: String,
    company: String,
    tags: Vec<&'static str>,
    owner: Option<&'static str>,
}

fn person(n: usize, v: usize) -> Person {
    let tags = match (v, n % 3) {
        (1, _) => vec!["Lead"],
        (_, 0) => vec!["VIP"],
        (_, 1) => vec!["Newsletter", "Lead"],
        _ => vec!["Newsletter"],
    };
    Person {
        phone: format!("1415{:07}", 5_552_000 + n),
        first: if v == 0 {
            format!("F{n}")
        } else {
            format!("Changed{n}")
        },
        last: format!("L{n}"),
        email: format!("p{n}@example.com"),
        company: format!("Co {n}"),
        tags,
        owner: n.is_multiple_of(2).then_some("Dana Scully"),
    }
}

fn tag_id(name: &str) -> i64 {
    match name {
        "VIP" => 11,
        "Newsletter" => 12,
        "Lead" => 16,
        other => panic!("no sample tag {other}"),
    }
}

fn write_people(wd: &Workdir, name: &str, people: &[Person]) {
    let mut rows = vec![
        vec![
            "phone", "first", "last", "email", "Company", "tags", "owner",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>(),
    ];
    for p in people {
        rows.push(vec![
            format!("+{}", p.phone),
            p.first.clone(),
            p.last.clone(),
            p.email.clone(),
            p.company.clone(),
            p.tags.join("; "),
            p.owner.unwrap_or_default().to_string(),
        ]);
    }
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create(name, &refs);
}

/// The store, by phone; every phone held once.
fn store(wd: &Workdir) -> HashMap<String, Value> {
    let mut by_phone = HashMap::new();
    for c in wd.sim().contacts() {
        let phone = c["phone"].as_str().unwrap().to_string();
        assert!(
            by_phone.insert(phone.clone(), c).is_none(),
            "phone {phone} is stored twice"
        );
    }
    by_phone
}

/// The store holds exactly `people` (by phone, once each) with their values.
fn assert_store_holds(wd: &Workdir, people: &[Person], what: &str) {
    let store = store(wd);
    assert_eq!(store.len(), people.len(), "{what}: contacts stored");
    for p in people {
        let c = store
            .get(&p.phone)
            .unwrap_or_else(|| panic!("{what}: {} not stored", p.phone));
        assert_eq!(c["first"], p.first.as_str(), "{what}: {c}");
        assert_eq!(c["last"], p.last.as_str(), "{what}: {c}");
        assert_eq!(c["email"], p.email.as_str(), "{what}: {c}");
        assert_eq!(c["custom"]["101"], p.company.as_str(), "{what}: {c}");
        let mut tags: Vec<i64> = c["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_i64().unwrap())
            .collect();
        tags.sort_unstable();
        let mut want: Vec<i64> = p.tags.iter().map(|t| tag_id(t)).collect();
        want.sort_unstable();
        assert_eq!(tags, want, "{what}: {c}");
        if p.owner.is_some() {
            assert_eq!(c["assigned_user_id"], 501, "{what}: {c}");
        }
    }
}

/// Each results line's action is as expected, and names the contact the
/// store holds for its phone (by id).
fn assert_results(wd: &Workdir, stem: &str, actions: &[(&str, usize)], what: &str) {
    let results = wd.read_csv(&format!("{stem}.results.csv"));
    let store = store(wd);
    let mut counts: HashMap<String, usize> = HashMap::new();
    let (phones, ids) = (column(&results, "phone"), column(&results, "id"));
    for ((action, phone), id) in column(&results, "action").iter().zip(&phones).zip(&ids) {
        *counts.entry(action.clone()).or_default() += 1;
        if action == "deleted" {
            assert!(
                !store.contains_key(phone),
                "{what}: {phone} deleted but stored"
            );
            continue;
        }
        let c = store
            .get(phone)
            .unwrap_or_else(|| panic!("{what}: {action} {phone}, which is not stored"));
        assert_eq!(c["id"].to_string(), *id, "{what}: {action} {phone}");
    }
    let want: HashMap<String, usize> = actions
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(a, n)| (a.to_string(), *n))
        .collect();
    assert_eq!(counts, want, "{what}");
}

/// `hmbulk <args>` with no pacing of its own (`--rate 0`: the simulator
/// here sets no limit, and pacing is tested apart), which must exit 0.
fn run_ok(wd: &Workdir, args: &[&str], what: &str) -> String {
    let out = wd.run(&[args, &["--rate", "0"]].concat());
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{what}: {err}");
    err
}

fn writes(wd: &Workdir) -> u64 {
    wd.sim().stats()["writes"].as_u64().unwrap()
}

/// The whole run of commands under one profile.
fn matrix(profile: &Profile) {
    let mut config = Workdir::sim_config();
    (profile.apply)(&mut config);
    let name = profile.name;
    let wd = Workdir::with_sim(SimConfig { ..config });
    let batch = ["--batch-size", "10"];

    // Import 40 new contacts.
    let v0: Vec<Person> = (0..40).map(|n| person(n, 0)).collect();
    write_people(&wd, "people.csv", &v0);
    run_ok(&wd, &[&["import", "people.csv"][..], &batch].concat(), name);
    assert_each_row_once(&wd, "people", 40);
    assert_store_holds(&wd, &v0, &format!("{name}: import"));
    assert_results(&wd, "people", &[("created", 40)], name);

    // The same file again: nothing written.
    let before = writes(&wd);
    run_ok(&wd, &[&["import", "people.csv"][..], &batch].concat(), name);
    assert_eq!(
        writes(&wd),
        before,
        "{name}: the same file again writes nothing"
    );
    assert_results(&wd, "people", &[("unchanged", 40)], name);

    // Ten changed, ten new.
    let mut v1: Vec<Person> = (0..50).map(|n| person(n, usize::from(n < 10))).collect();
    write_people(&wd, "changed.csv", &v1);
    run_ok(
        &wd,
        &[&["import", "changed.csv"][..], &batch].concat(),
        name,
    );
    assert_each_row_once(&wd, "changed", 50);
    // A tags column adds to a contact's tags (`--tags add`, the default).
    let mut added = v1.clone();
    for (p, before) in added.iter_mut().zip(&v0) {
        for t in &before.tags {
            if !p.tags.contains(t) {
                p.tags.push(t);
            }
        }
    }
    assert_store_holds(&wd, &added, &format!("{name}: re-import"));
    let actions = [("updated", 10), ("unchanged", 30), ("created", 10)];
    assert_results(&wd, "changed", &actions, name);

    // With --api v1: five changed back, five new.
    for (n, p) in v1.iter_mut().enumerate().take(5) {
        *p = person(n, 0);
    }
    v1.extend((50..55).map(|n| person(n, 0)));
    write_people(&wd, "v1.csv", &v1);
    run_ok(
        &wd,
        &[
            &["import", "v1.csv", "--api", "v1", "--tags", "replace"][..],
            &batch,
        ]
        .concat(),
        name,
    );
    assert_store_holds(&wd, &v1, &format!("{name}: --api v1"));
    // Five changed back; five whose added tags `replace` takes off.
    let actions = [("updated", 10), ("unchanged", 40), ("created", 5)];
    assert_results(&wd, "v1", &actions, name);

    // Opt-outs and blocks: rows 8 and 9 opted out and blocked first, then
    // STOP for 0..5, blocked for 5..8, active for 8..10.
    let phone = |n: usize| format!("+{}", person(n, 0).phone);
    let mut both = vec![vec![
        "phone".to_string(),
        "opted out".into(),
        "blocked".into(),
    ]];
    both.extend((8..10).map(|n| vec![phone(n), "yes".into(), "yes".into()]));
    let both: Vec<Vec<&str>> = both
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("both.csv", &both);
    run_ok(&wd, &["status", "both.csv"], name);
    let asks = |n: usize| match n {
        0..5 => "STOP",
        5..8 => "blocked",
        _ => "active",
    };
    let mut rows = vec![vec!["phone".to_string(), "status".into()]];
    rows.extend((0..10).map(|n| vec![phone(n), asks(n).to_string()]));
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("stops.csv", &rows);
    run_ok(&wd, &["status", "stops.csv"], name);
    let store_now = store(&wd);
    let results = wd.read_csv("stops.status.results.csv");
    let (unsub, blocked) = (
        column(&results, "unsubscribed"),
        column(&results, "blocked"),
    );
    for (i, p) in column(&results, "phone").iter().enumerate() {
        let c = &store_now[p];
        let n: usize = p[4..].parse::<usize>().unwrap() - 5_552_000;
        let want = match asks(n) {
            "STOP" => (true, false),
            "blocked" => (false, true),
            _ => (false, false),
        };
        let have = (
            c["is_opted_out"].as_bool().unwrap(),
            c["blocked"].as_bool().unwrap(),
        );
        assert_eq!(have, want, "{name}: status of {p}");
        // What the report says is what the store holds.
        if !unsub[i].is_empty() {
            assert_eq!(unsub[i], have.0.to_string(), "{name}: {p}");
        }
        if !blocked[i].is_empty() {
            assert_eq!(blocked[i], have.1.to_string(), "{name}: {p}");
        }
    }
    assert_eq!(column(&results, "action"), vec!["updated"; 10], "{name}");

    // Delete five.
    let mut gone = vec![vec!["phone".to_string()]];
    gone.extend((45..50).map(|n| vec![phone(n)]));
    let gone: Vec<Vec<&str>> = gone
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("leavers.csv", &gone);
    run_ok(&wd, &["delete", "leavers.csv", "--yes"], name);
    assert_results(&wd, "leavers.delete", &[("deleted", 5)], name);
    let left: Vec<Person> = v1
        .iter()
        .filter(|p| !(45..50).any(|n| person(n, 0).phone == p.phone))
        .cloned()
        .collect();
    assert_store_holds(&wd, &left, &format!("{name}: delete"));

    // Export: every contact once, with the store's values.
    let out = wd.run(&["export", "--out", "all.csv", "--json", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["count_check"], "complete", "{name}: {summary}");
    let exported = wd.read_csv("all.csv");
    let store_now = store(&wd);
    let phones = column(&exported, "phone");
    let mut sorted = phones.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), phones.len(), "{name}: each contact once");
    assert_eq!(phones.len(), store_now.len(), "{name}: every contact");
    let by_name = |col: &str| column(&exported, col);
    let (first, tags, company) = (by_name("first"), by_name("tags"), by_name("Company"));
    for (i, p) in phones.iter().enumerate() {
        let c = &store_now[p];
        assert_eq!(first[i], c["first"].as_str().unwrap(), "{name}: {p}");
        assert_eq!(
            company[i],
            c["custom"]["101"].as_str().unwrap(),
            "{name}: {p}"
        );
        let mut names: Vec<i64> = tags[i]
            .split("; ")
            .filter(|t| !t.is_empty())
            .map(tag_id)
            .collect();
        names.sort_unstable();
        let mut ids: Vec<i64> = c["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        assert_eq!(names, ids, "{name}: tags of {p}");
    }
}

/// One test per profile, so the harness runs them side by side.
macro_rules! readings {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let profile = profiles()
                    .into_iter()
                    .find(|p| p.name == stringify!($name))
                    .expect("a profile of that name");
                matrix(&profile);
            }
        )*

        #[test]
        fn every_profile_has_its_test() {
            let tested = [$(stringify!($name)),*];
            for p in profiles() {
                assert!(tested.contains(&p.name), "no test for the profile {}", p.name);
            }
        }
    };
}

#[test]
fn the_default_reading() {
    matrix(&Profile {
        name: "default",
        apply: |_| {},
    });
}

readings!(
    answers_uuid_none,
    contact_shape_channels,
    contact_shape_both,
    v2_create_channels,
    tag_shape_name,
    tag_shape_tag_id,
    tag_shape_id,
    status_answer_text,
    list_limit_cap_30,
    list_limit_refuse_500,
    page_base_0,
    page_base_1,
    active_clears_blocked,
    active_clears_opted_out,
    count_answer_number,
    cursor_inclusive,
    v1_answer_array,
    existing_phone_duplicate,
    existing_phone_update,
    all_at_once,
);

/// Contact requests a route group took: the sim's counters minus `before`.
fn contact_requests(stats: &Value, before: &Value) -> u64 {
    let account = ["/v1/contact-fields", "/v1/tags", "/v1/team", "/v1/inboxes"];
    stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| !account.iter().any(|a| route.ends_with(a)))
        .map(|(route, n)| n.as_u64().unwrap() - before["requests"][route].as_u64().unwrap_or(0))
        .sum()
}

/// What each reading costs: contact requests per 1,000 rows of an import
/// of new contacts, the same file again, a re-import with a tenth changed,
/// an opt-out list, a block list, a delete list and an export (account
/// reads left out). `cargo test --test cli requests_per_thousand -- --ignored
/// --nocapture` prints the table of docs/api-readings.md (`READINGS=a,b`:
/// only those profiles).
#[test]
#[ignore]
fn requests_per_thousand_rows_under_each_reading() {
    const N: usize = 10_000;
    let mut all = vec![Profile {
        name: "default",
        apply: |_| {},
    }];
    all.extend(profiles());
    // READINGS=name,name measures only those.
    if let Ok(only) = std::env::var("READINGS") {
        all.retain(|p| only.split(',').any(|n| n == p.name));
    }
    println!(
        "| reading | new | same again | 10% changed | opt-outs | blocks | delete | export |\n|---|---|---|---|---|---|---|---|"
    );
    for profile in all {
        let mut config = Workdir::sim_config();
        (profile.apply)(&mut config);
        let wd = Workdir::with_sim(config);
        let per = |n: u64, rows: usize| format!("{:.2}", n as f64 * 1000.0 / rows as f64);
        let mut cells = Vec::new();
        let mut measure = |wd: &Workdir, args: &[&str], rows: usize| {
            let before = wd.sim().stats();
            run_ok(wd, args, profile.name);
            cells.push(per(contact_requests(&wd.sim().stats(), &before), rows));
        };
        let v0: Vec<Person> = (0..N).map(|n| person(n, 0)).collect();
        write_people(&wd, "new.csv", &v0);
        measure(&wd, &["import", "new.csv"], N);
        measure(&wd, &["import", "new.csv"], N);
        let v1: Vec<Person> = (0..N)
            .map(|n| person(n, usize::from(n % 10 == 0)))
            .collect();
        write_people(&wd, "changed.csv", &v1);
        measure(&wd, &["import", "changed.csv"], N);
        let list = |name: &str, range: std::ops::Range<usize>, cell: &str| {
            let mut rows = vec![vec!["phone".to_string(), "status".to_string()]];
            rows.extend(range.map(|n| vec![format!("+{}", person(n, 0).phone), cell.to_string()]));
            let refs: Vec<Vec<&str>> = rows
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            wd.create(name, &refs);
        };
        list("stops.csv", 0..1000, "STOP");
        measure(&wd, &["status", "stops.csv"], 1000);
        list("blocks.csv", 1000..1100, "blocked");
        measure(&wd, &["status", "blocks.csv"], 100);
        list("leavers.csv", 2000..3000, "");
        measure(&wd, &["delete", "leavers.csv", "--yes"], 1000);
        measure(&wd, &["export", "--out", "all.csv"], N - 1000);
        println!("| {} | {} |", profile.name, cells.join(" | "));
    }
}
