//! `hmbulk fields`, `tags` and `team`: each lists one thing, as a table,
//! CSV or JSON; `tags --create` creates what the account lacks, once.

use serde_json::Value;

use crate::api::requests;
use crate::workdir::{Workdir, code, read_csv, stderr};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn fields_lists_custom_fields_only_in_each_format() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let out = wd.run(&["fields"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(" id  title\n101  Company\n"), "{text}");
    assert!(
        !text.contains("VIP") && !text.contains("Scully"),
        "fields only: {text}"
    );
    let out = wd.run(&["fields", "--format", "csv"]);
    assert_eq!(
        stdout(&out),
        "id,title\n101,Company\n102,Birthday\n103,Loyalty Tier\n104,Store\n"
    );
    for args in [&["fields", "--format", "json"][..], &["fields", "--json"]] {
        let json: Value = serde_json::from_slice(&wd.run(args).stdout).unwrap();
        assert_eq!(json[0], serde_json::json!({"id": 101, "title": "Company"}));
        assert_eq!(json.as_array().unwrap().len(), 4);
    }
}

#[test]
fn team_lists_members_with_roles() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let out = wd.run(&["team"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("501  Dana Scully     admin"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("team: Acme Retail"));
    let out = wd.run(&["team", "--format", "csv"]);
    assert!(stdout(&out).starts_with("id,name,role\n501,Dana Scully,admin\n"));
    let json: Value =
        serde_json::from_slice(&wd.run(&["team", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["name"], "Acme Retail");
    assert_eq!(json["members"][1]["name"], "Fox Mulder");
}

#[test]
fn tags_lists_and_creates_only_what_is_missing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let out = wd.run(&["tags", "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = wd.create_bytes("tags.csv", &out.stdout);
    let rows = read_csv(&path);
    assert_eq!(rows[0], ["id", "name"]);
    assert_eq!(rows[1], ["11", "VIP"]);
    assert_eq!(rows.len(), 8);

    let out = wd.run(&[
        "tags",
        "--create",
        "vip",
        "Black Friday",
        "=cmd()",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("tag \"VIP\" exists already (id 11)"));
    assert!(stderr(&out).contains("created tag \"Black Friday\""));
    let text = stdout(&out);
    assert!(text.contains(",Black Friday\n"), "{text}");
    assert!(text.contains(",'=cmd()\n"), "formula guarded: {text}");
    assert_eq!(
        requests(&wd, "POST /v1/tag"),
        2,
        "VIP was not created again"
    );

    // Again: nothing to create.
    let out = wd.run(&["tags", "--create", "Black Friday", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(requests(&wd, "POST /v1/tag"), 2);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(names.iter().filter(|n| **n == "Black Friday").count(), 1);
}

#[test]
fn tags_created_are_usable_by_import() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    assert_eq!(code(&wd.run(&["tags", "--create", "Gold"])), 0);
    wd.create(
        "t.csv",
        &[vec!["phone", "tags"], vec!["+1 415 555 0101", "gold"]],
    );
    let out = wd.run(&["import", "t.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stored = wd.sim().contacts();
    assert_eq!(stored[0]["tags"].as_array().unwrap().len(), 1);
}
