//! The question a plan with guesses asks on a terminal, `Use this mapping?
//! [Y/n/edit]`, answered through a real pseudo-terminal
//! ([`Workdir::on_terminal`]): yes (and a bare Enter) runs the plan, no
//! sends nothing and prints the map, edit opens the proposed map in
//! `$EDITOR` and runs with what was saved.

use crate::test_import::stored;
use crate::workdir::Workdir;

const QUESTION: &str = "Use this mapping? [Y/n/edit]";

/// Two columns no header word names, both holding phones: the plan guesses
/// both, `Kontakt` first (left to right).
fn guessing_file(wd: &Workdir, name: &str) {
    wd.create(
        name,
        &[
            vec!["Name", "Kontakt", "Zweitnummer"],
            vec!["Ada", "+1 415 555 0951", "+1 415 555 0961"],
            vec!["Alan", "+1 415 555 0952", "+1 415 555 0962"],
            vec!["Grace", "+1 415 555 0953", "+1 415 555 0963"],
        ],
    );
}

#[test]
fn yes_and_enter_run_the_plan_no_sends_nothing() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    for (answer, file) in [("y", "a.csv"), ("", "b.csv")] {
        guessing_file(&wd, file);
        let Some((code, out)) = wd.on_terminal(QUESTION, answer, &["import", file], &[]) else {
            return;
        };
        assert_eq!(code, 0, "{answer:?}: {out}");
        assert!(out.contains("this plan needed 2 guesses"), "{out}");
        assert_eq!(stored(&wd, "14155550951")["display_name"], "Ada", "{out}");
    }
    let wd = Workdir::with_sim(Workdir::sim_config());
    guessing_file(&wd, "c.csv");
    let Some((code, out)) = wd.on_terminal(QUESTION, "n", &["import", "c.csv"], &[]) else {
        return;
    };
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("the mapping was not used; nothing was sent"),
        "{out}"
    );
    assert!(
        out.contains("phone = [\"Kontakt\", \"Zweitnummer\"]"),
        "the map: {out}"
    );
    assert!(wd.sim().contacts().is_empty());
}

#[test]
fn edit_runs_with_the_map_the_editor_saved() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    guessing_file(&wd, "d.csv");
    // An editor that puts the second number first.
    let editor = editor_replacing(&wd, r#"phone = ["Zweitnummer", "Kontakt"]"#);
    let env = [("EDITOR", editor.as_str()), ("VISUAL", "")];
    let Some((code, out)) = wd.on_terminal(QUESTION, "edit", &["import", "d.csv"], &env) else {
        return;
    };
    assert_eq!(code, 0, "{out}");
    assert_eq!(stored(&wd, "14155550961")["display_name"], "Ada", "{out}");
    assert_eq!(wd.sim().contacts().len(), 3);
}

/// An edit that maps a column to a custom field the first plan did not use:
/// the run reads the account's custom fields then (the first plan needed
/// none of the catalog), and the contacts are stored with the field.
#[test]
fn an_edit_that_adds_a_custom_field_column_reads_the_fields_then() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    guessing_file(&wd, "e.csv");
    // Custom field 103 is "Loyalty Tier" in samples/fields.json.
    let editor = editor_replacing(
        &wd,
        "phone = [\"Kontakt\"]\n\"Zweitnummer\" = \"custom:103\"",
    );
    let env = [("EDITOR", editor.as_str()), ("VISUAL", "")];
    let Some((code, out)) = wd.on_terminal(QUESTION, "edit", &["import", "e.csv"], &env) else {
        return;
    };
    assert_eq!(code, 0, "{out}");
    let ada = stored(&wd, "14155550951");
    assert_eq!(ada["display_name"], "Ada", "{out}");
    assert_eq!(ada["custom"]["103"], "+1 415 555 0961", "{out}");
    assert_eq!(wd.sim().contacts().len(), 3);
}

/// `$EDITOR` for the proposed map: a script that replaces its phone line,
/// `phone = ["Kontakt", "Zweitnummer"]`, with `new` (TOML lines).
fn editor_replacing(wd: &Workdir, new: &str) -> String {
    let script = wd.path("editor.py");
    let new = serde_json::to_string(new).unwrap();
    std::fs::write(
        &script,
        format!(
            "import sys\n\
             p = sys.argv[1]\n\
             text = open(p).read()\n\
             old = 'phone = [\"Kontakt\", \"Zweitnummer\"]'\n\
             assert old in text, text\n\
             open(p, 'w').write(text.replace(old, {new}))\n"
        ),
    )
    .unwrap();
    format!("python3 {}", script.display())
}
