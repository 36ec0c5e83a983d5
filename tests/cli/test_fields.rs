//! `hmbulk fields`, and the commands that are not built yet.

use crate::workdir::{Workdir, code, stderr};

#[test]
fn fields_lists_custom_fields_tags_and_members_with_ids() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let out = wd.run(&["fields"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in ["101  Company", "11  VIP", "501  Dana Scully"] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let out = wd.run(&["fields", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["custom_fields"][0],
        serde_json::json!({"id": 101, "title": "Company"})
    );
    assert_eq!(json["tags"].as_array().unwrap().len(), 7);
}

#[test]
fn status_says_it_is_not_built_yet() {
    let wd = Workdir::new();
    let out = wd.run(&["status"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not built yet"));
}
