//! Files no one named (issue 16): real headers of products hmbulk has no
//! layout for, imported with no flags (at most `--create-tags`) against the
//! simulator; the stored contacts are checked (the mobile as the phone,
//! names, email, tags, opt-out) and every row is in one report. The source
//! of each header is cited above its test; rows are invented. Then consent:
//! no path stores an opted-out person as textable; and `validate` offline
//! prints the plan `import` prints. Sample catalog: tags VIP (11),
//! Newsletter (12); custom fields Company (101), Loyalty Tier (103).

use serde_json::Value;

use crate::test_import::stored;
use crate::workdir::{Workdir, assert_each_row_once, code, stderr};

/// Import `text` as `name` with `flags`; every row must be accepted and
/// reported once. Gives stderr.
pub(crate) fn import_ok(
    wd: &Workdir,
    name: &str,
    text: &str,
    rows: usize,
    flags: &[&str],
) -> String {
    wd.create_bytes(name, text.as_bytes());
    let mut args = vec!["import", name];
    args.extend_from_slice(flags);
    let out = wd.run(&args);
    let stem = name.trim_end_matches(".csv");
    let err = stderr(&out);
    assert_eq!(
        code(&out),
        0,
        "{err}\n{}",
        wd.read(&format!("{stem}.errors.csv"))
    );
    assert_each_row_once(wd, stem, rows);
    err
}

/// A CSV line of `width` cells with `cells` at their columns.
fn line(width: usize, cells: &[(usize, &str)]) -> String {
    let mut row = vec![String::new(); width];
    for (i, v) in cells {
        row[*i] = v.to_string();
    }
    row.iter()
        .map(|c| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn col(header: &str, name: &str) -> usize {
    header
        .split(',')
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

pub(crate) fn opted_out(contact: &Value) -> bool {
    contact["is_opted_out"] == true
}

/// Outlook's export in German, header verbatim from
/// calvinrbnspiess/operator-ip-kontaktbuch README.md (the labels also in
/// roundcube/roundcubemail program/localization/de_DE/csv2vcard.inc).
const OUTLOOK_DE: &str = "Anrede,Vorname,Weitere Vornamen,Nachname,Suffix,Firma,Abteilung,Position,\
Straße geschäftlich,Straße geschäftlich 2,Straße geschäftlich 3,Ort geschäftlich,Region geschäftlich,\
Postleitzahl geschäftlich,Land/Region geschäftlich,Straße privat,Straße privat 2,Straße privat 3,Ort privat,\
Bundesland/Kanton privat,Postleitzahl privat,Land/Region privat,Weitere Straße,Weitere Straße 2,\
Weitere Straße 3,Weiterer Ort,Weiteres/r Bundesland/Kanton,Weitere Postleitzahl,Weiteres/e Land/Region,\
Telefon Assistent,Fax geschäftlich,Telefon geschäftlich,Telefon geschäftlich 2,Rückmeldung,Autotelefon,\
Telefon Firma,Fax privat,Telefon (privat),Telefon (privat 2),ISDN,Mobiltelefon,Weiteres Fax,Weiteres Telefon,\
Pager,Haupttelefon,Mobiltelefon 2,Telefon für Hörbehinderte,Telex,Abrechnungsinformation,Assistent(in),\
Benutzer 1,Benutzer 2,Benutzer 3,Benutzer 4,Beruf,Büro,E-Mail-Adresse,E-Mail-Typ,E-Mail: Angezeigter Name,\
E-Mail 2: Adresse,E-Mail 2: Typ,E-Mail 2: Angezeigter Name,E-Mail 3: Adresse,E-Mail 3: Typ,\
E-Mail 3: Angezeigter Name,Empfohlen von,Geburtstag,Geschlecht,Hobby,Initialen,Internet Frei/Gebucht,\
Jahrestag,Kategorien,Kinder,Konto,Name des/r Vorgesetzten,Notizen,Organisationsnr.,Ort,Partner,\
Postfach geschäftlich,Postfach privat,Priorität,Privat,Reisekilometer,Sozialversicherungsnr.,Sprache,\
Stichwörter,Vertraulichkeit,Verzeichnisserver,Webseite,Weiteres Postfach,Spalte1,Spalte2";

#[test]
fn outlook_in_german_imports_the_mobile_names_email_and_categories() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let h = OUTLOOK_DE;
    let w = h.split(',').count();
    let c = |n| col(h, n);
    let text = [
        h.to_string(),
        line(
            w,
            &[
                (c("Vorname"), "Anna"),
                (c("Nachname"), "Schmidt"),
                (c("Firma"), "ACME GmbH"),
                (c("Telefon geschäftlich"), "+49 30 1234567"),
                (c("Fax geschäftlich"), "+49 30 1234568"),
                (c("Telefon (privat)"), "+49 30 7654321"),
                (c("Mobiltelefon"), "+49 151 23456789"),
                (c("E-Mail-Adresse"), "anna@example.de"),
                (c("E-Mail-Typ"), "SMTP"),
                (c("E-Mail 2: Adresse"), "anna.schmidt@acme.example"),
                (c("Kategorien"), "VIP"),
                (c("Land/Region privat"), "Deutschland"),
                (c("Geburtstag"), "1980-04-01"),
            ],
        ),
        // Only an office number: it is the phone.
        line(
            w,
            &[
                (c("Vorname"), "Jörg"),
                (c("Nachname"), "Müller"),
                (c("Telefon geschäftlich"), "+49 89 1234567"),
                (c("Land/Region geschäftlich"), "Frankreich"),
            ],
        ),
    ]
    .join("\r\n");
    let err = import_ok(&wd, "outlook_de.csv", &text, 2, &[]);
    assert!(
        err.contains(
            "\"Mobiltelefon\" (header word: mobile phone), then \"Mobiltelefon 2\" (header \
             word: mobile phone), then \"Haupttelefon\" (header word: main phone), then \
             \"Telefon (privat)\""
        ),
        "mobile first, by kind: {err}"
    );
    assert!(
        err.contains("\"Fax geschäftlich\""),
        "fax named as ignored: {err}"
    );
    let anna = stored(&wd, "4915123456789");
    assert_eq!(anna["first"], "Anna");
    assert_eq!(anna["last"], "Schmidt");
    assert_eq!(anna["email"], "anna@example.de");
    assert_eq!(anna["tags"], serde_json::json!([11]));
    assert_eq!(stored(&wd, "49891234567")["first"], "Jörg");
    assert_eq!(wd.sim().contacts().len(), 2);
}

/// Outlook's export in French, header verbatim from
/// Polytechnique-org/platal modules/carnet/outlook.inc.php (it names `Nom`
/// and `Titre` twice; its first `Nom` holds the whole name).
const OUTLOOK_FR: &str = "Nom,Titre,Prénom,Deuxième prénom,Nom,Suffixe,Surnom,Société ,Service ,Titre,\
Rue (bureau),Rue (bureau) 2,Rue (bureau) 3,Ville (bureau),Dép/Région (bureau),Code postal (bureau),\
Pays (bureau),Rue (domicile),Rue (domicile) 2,Rue (domicile) 3,Ville (domicile),Dép/Région (domicile),\
Code postal (domicile),Pays (domicile),Rue (autre),Rue (autre) 2,Rue (autre) 3,Ville (autre),\
Dép/Région (autre),Code postal (autre),Pays (autre),Téléphone de l'assistant(e),Télécopie (bureau),\
Téléphone (bureau),Téléphone 2 (bureau),Rappel,Téléphone (voiture),Téléphone société,Télécopie (domicile),\
Téléphone (domicile),Téléphone 2 (domicile),RNIS,Tél. mobile,Télécopie (autre),Téléphone (autre),\
Récepteur de radiomessagerie,Téléphone principal,Radio téléphone,Téléphone TDD/TTY,Télex,\
Adresse de messagerie,Type de messagerie,Nom complet de l'adresse de messagerie,Adresse de messagerie 2,\
Type de messagerie 2,Nom complet de l'adresse de messagerie 2,Adresse de messagerie 3,\
Type de messagerie 3,Nom complet de l'adresse de messagerie 3,Anniversaire,\
Anniversaire de mariage ou fête,Autre boîte postale,B.P. professionnelle,Boîte postale du domicile,Bureau,\
Catégories,Code gouvernement,Compte,Conjoint(e),Critère de diffusion,Disponibilité Internet,Emplacement,\
Enfants,Informations facturation,Initiales,Kilométrage,Langue,Mots clés,Nom de l'assistant(e),Notes,\
Numéro d'identification de l'organisation,Page Web,Passe-temps,Priorité,Privé,Profession,Recommandé par,\
Responsable,Serveur d'annuaire,Sexe,Utilisateur 1,Utilisateur 2,Utilisateur 3,Utilisateur 4";

#[test]
fn outlook_in_french_with_a_header_named_twice() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let h = OUTLOOK_FR;
    let w = h.split(',').count();
    let c = |n| col(h, n);
    let last = 4; // the second `Nom`, kept apart as `Nom (E)`
    let text = [
        h.to_string(),
        line(
            w,
            &[
                (0, "Marie Curie"),
                (c("Prénom"), "Marie"),
                (last, "Curie"),
                (c("Téléphone (bureau)"), "+33 1 44 27 12 34"),
                (c("Tél. mobile"), "06 12 34 56 78"),
                (c("Pays (domicile)"), "France"),
                (c("Adresse de messagerie"), "marie@example.fr"),
                (c("Type de messagerie"), "SMTP"),
                (
                    c("Nom complet de l'adresse de messagerie"),
                    "Marie Curie <marie@example.fr>",
                ),
            ],
        ),
        line(
            w,
            &[
                (0, "Pierre Dupont"),
                (c("Prénom"), "Pierre"),
                (last, "Dupont"),
                (c("Tél. mobile"), "+33 6 98 76 54 32"),
                (c("Pays (domicile)"), "Allemagne"),
            ],
        ),
    ]
    .join("\r\n");
    let err = import_ok(&wd, "outlook_fr.csv", &text, 2, &[]);
    assert!(err.contains("\"Nom (E)\""), "kept apart by position: {err}");
    let marie = stored(&wd, "33612345678");
    assert_eq!(marie["first"], "Marie");
    assert_eq!(marie["last"], "Curie");
    assert_eq!(marie["display_name"], "Marie Curie");
    assert_eq!(marie["email"], "marie@example.fr");
    stored(&wd, "33698765432");
}

/// Outlook in Spanish and Brazilian Portuguese: the column names as
/// roundcube/roundcubemail program/localization/es_ES/csv2vcard.inc and
/// pt_BR/csv2vcard.inc list them.
#[test]
fn outlook_in_spanish_and_portuguese() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let es = "Nombre,Segundo nombre,Apellidos,Organización,Teléfono del trabajo,Particular,\
Teléfono móvil,Otro teléfono,Buscapersonas,E-mail Address,Dirección de correo electrónico 2,Categorías,\
País o región del domicilio";
    let text = format!(
        "{es}\nLucía,María,García López,ACME,+34 91 123 45 67,+34 91 765 43 21,612 34 56 78,,,\
lucia@example.es,,VIP,España\n"
    );
    import_ok(&wd, "outlook_es.csv", &text, 1, &[]);
    let lucia = stored(&wd, "34612345678");
    assert_eq!(lucia["first"], "Lucía");
    assert_eq!(lucia["last"], "García López");
    assert_eq!(lucia["email"], "lucia@example.es");

    let pt = "Primeiro nome,Nome do meio,Último nome,Empresa,Fone comercial,Fone de casa,Celular,\
Endereço de E-mail,Endereço de E-mail 2,Categorias,Região/País de casa";
    let text = format!(
        "{pt}\nJoão,Pedro,Silva,ACME,+55 11 3456-7890,,(11) 98765-4321,joao@example.com.br,,VIP,Brasil\n"
    );
    import_ok(&wd, "outlook_pt.csv", &text, 1, &[]);
    let joao = stored(&wd, "5511987654321");
    assert_eq!(joao["first"], "João");
    assert_eq!(joao["last"], "Silva");
}

/// Pipedrive's people export: the `Person - Phone - …` columns as
/// dyoliya/pipedrive-marketing-phone-cleaner pd_marketing_cleaning_tool.py
/// names them; the other `Person - …` columns as public importers quote
/// them. Pipedrive joins several numbers of one kind with `, `.
#[test]
fn pipedrive_people_with_numbers_joined_in_one_cell() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let h = "Person - ID,Person - Name,Person - First name,Person - Last name,Person - Organization,\
Person - Email - Work,Person - Email - Home,Person - Phone - Work,Person - Phone - Home,\
Person - Phone - Mobile,Person - Phone - Other,Person - Labels,Person - Owner,Person - Marketing status";
    let text = format!(
        "{h}\n\
1,Ada Lovelace,Ada,Lovelace,Engines,ada@engines.example,,+1 415 555 0301,,\"+1 415 555 0302, +1 415 555 0303\",,VIP,Sam Seller,Subscribed\n\
2,Alan Turing,Alan,Turing,,,alan@example.org,+1 415 555 0304,+1 415 555 0305,,,,Sam Seller,Unsubscribed\n"
    );
    let err = import_ok(&wd, "pipedrive.csv", &text, 2, &[]);
    assert!(
        err.contains("\"Person - Owner\""),
        "an owner no member: ignored, named: {err}"
    );
    let ada = stored(&wd, "14155550302");
    assert_eq!(ada["first"], "Ada");
    assert_eq!(ada["email"], "ada@engines.example");
    assert!(!opted_out(&ada));
    // No mobile: the home number (mobile, unlabelled, home, work, other),
    // and "Unsubscribed" opts out.
    let alan = stored(&wd, "14155550305");
    assert!(opted_out(&alan), "{alan}");
    assert_eq!(wd.sim().contacts().len(), 2);
}

/// Wix's contacts export: the columns of Willlinnii/meteor-steel-site-2
/// scripts/mergeContacts.js (commit 6639b6d), which reads a real Wix
/// `contacts.csv` (First Name, Last Name, Email 1–2, Phone 1–4, Address
/// N - Type/Street/City/State/Region/Zip/Country, Company, Labels, Email
/// and SMS subscriber status, Last Activity, Last Activity Date (UTC+0),
/// Language, Created At (UTC+0)), in its order.
#[test]
fn wix_sms_subscriber_status_is_never_dropped() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let h = "First Name,Last Name,Email 1,Email 2,Phone 1,Phone 2,Phone 3,Phone 4,Address 1 - Type,\
Address 1 - Street,Address 1 - City,Address 1 - State/Region,Address 1 - Zip,Address 1 - Country,Company,\
Labels,Email subscriber status,SMS subscriber status,Last Activity,Last Activity Date (UTC+0),Language,\
Created At (UTC+0)";
    let text = format!(
        "{h}\n\
Maya,Cohen,maya@example.com,,+1 415 555 0401,,,,Home,1 Main St,Austin,TX,73301,United States,,VIP,Subscribed,Subscribed,Form submitted,2024-02-01 09:00,en,2024-01-05 10:00\n\
Noah,Levi,noah@example.com,,+1 415 555 0402,,,,,,,,,,,,Subscribed,Unsubscribed,Email opened,2024-02-02 09:00,en,2024-01-06 10:00\n\
Lea,Weber,lea@example.com,,+1 415 555 0403,,,,,,,,,,,,Never subscribed,Never subscribed,,2024-02-03 09:00,de,2024-01-07 10:00\n"
    );
    let err = import_ok(&wd, "wix.csv", &text, 3, &[]);
    assert!(err.contains("\"SMS subscriber status\""), "{err}");
    assert!(!err.contains("\"Last Activity\" ("), "no name guess: {err}");
    let maya = stored(&wd, "14155550401");
    assert!(!opted_out(&maya));
    assert_eq!(maya["tags"], serde_json::json!([11]));
    assert!(opted_out(&stored(&wd, "14155550402")));
    assert!(opted_out(&stored(&wd, "14155550403")));
}

/// QuickBooks Desktop's customer list exported to Excel: the columns
/// mstykow/QB2EST QB2EST.py (commit 4c725b1) reads from a real export
/// (`Ship to 1`–`5`, `Main Phone`, `Main Email`; the report's data starts
/// in column B). Google shared contacts: the columns issue 16 quotes
/// (`Action, ID, Name, E-mail Address, …, Mobile Phone, …`) with the given
/// and family names and phones of Google's own CSV — no real file of this
/// layout was found to check them against.
#[test]
fn quickbooks_desktop_and_google_shared_contacts() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let qb = "Ship to 1,Ship to 2,Ship to 3,Ship to 4,Ship to 5,Main Phone,Main Email";
    let text = format!(
        "{qb}\nPat Lee,Lee Plumbing,1 Main St,\"Austin, TX 73301\",USA,(415) 555-0501,pat@example.com\n"
    );
    import_ok(&wd, "qb.csv", &text, 1, &[]);
    let pat = stored(&wd, "14155550501");
    assert_eq!(pat["email"], "pat@example.com");

    let shared =
        "Action,ID,Name,Given Name,Family Name,E-mail Address,Work Phone,Mobile Phone,Home Phone";
    let text = format!(
        "{shared}\nADD,,Kim Park,Kim,Park,kim@example.com,+1 415 555 0601,+1 415 555 0602,\n"
    );
    import_ok(&wd, "shared.csv", &text, 1, &[]);
    let kim = stored(&wd, "14155550602");
    assert_eq!(kim["last"], "Park");
}

/// Every spelling of "no" an export writes, under a consent header and an
/// opt-out header: no path — the plan as it is, `--ignore-unknown`, the
/// map file a run writes, the map a stopped run suggests — stores the
/// person as textable.
#[test]
fn no_path_stores_an_opted_out_person_as_textable() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let refusals = [
        ("SMS Opt-in", "no"),
        ("SMS Opt-in", "nein"),
        ("SMS Opt-in", "non"),
        ("SMS Opt-in", "No"),
        ("SMS Opt-in", "não"),
        ("SMS subscriber status", "Unsubscribed"),
        ("SMS subscriber status", "opted out"),
        ("SMS subscriber status", "abgemeldet"),
        ("SMS subscriber status", "désabonné"),
        ("SMS subscriber status", "dado de baja"),
        ("SMS subscriber status", "never subscribed"),
        ("SMS-Einwilligung", "nein"),
        ("Unsubscribed", "yes"),
        ("Unsubscribed", "ja"),
        ("Opted Out", "oui"),
        ("Opted Out", "sí"),
        ("Marketing status", "Unsubscribed"),
    ];
    for (n, (header, value)) in refusals.iter().enumerate() {
        let phone = format!("+1 415 555 {:04}", 700 + n);
        let digits = format!("1415555{:04}", 700 + n);
        let file = format!("c{n}.csv");
        let rows = vec![
            vec!["Mobile", "Name", *header, "Fav Color"],
            vec![phone.as_str(), "Pat", *value, "red"],
        ];
        for flags in [&[][..], &["--ignore-unknown"][..]] {
            wd.create(&file, &rows);
            // `--rate 0`: forty short runs, no pacing needed (the simulator sets no limit).
            let mut args = vec!["import", file.as_str(), "--rate", "0"];
            args.extend_from_slice(flags);
            let out = wd.run(&args);
            assert_eq!(code(&out), 0, "{header}={value}: {}", stderr(&out));
            assert!(
                opted_out(&stored(&wd, &digits)),
                "{header}={value} {flags:?}"
            );
        }
        // The map the run wrote, passed back with --map.
        let map = format!("c{n}.mapping.toml");
        let out = wd.run(&["import", &file, "--map", &map, "--rate", "0"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(opted_out(&stored(&wd, &digits)), "{header}={value} --map");
        assert!(
            wd.read(&map).contains(&format!("\"{header}\" = \"")),
            "consent mapped"
        );
    }
    // The map a run that needed a guess suggests: consent mapped in it.
    let rows = vec![
        vec!["Mobile", "Kontakt", "SMS Opt-in"],
        vec!["+1 415 555 0790", "a@example.com", "nein"],
        vec!["+1 415 555 0791", "b@example.com", "ja"],
        vec!["+1 415 555 0792", "c@example.com", "nein"],
    ];
    wd.create("guess.csv", &rows);
    let out = wd.run(&["import", "guess.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    let block = &err[err.find("[settings]").unwrap()..];
    assert!(
        block.contains("\"SMS Opt-in\" = \"sms_consent\""),
        "{block}"
    );
    std::fs::write(wd.path("guess.toml"), block).unwrap();
    let out = wd.run(&["import", "guess.csv", "--map", "guess.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(opted_out(&stored(&wd, "14155550790")));
    assert!(!opted_out(&stored(&wd, "14155550791")));
}

/// The German map example of the docs (docs/columns.md) works: `ja`/`nein` read.
#[test]
fn the_readmes_german_map_example_reads_ja_and_nein() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.create(
        "crm.csv",
        &[
            vec![
                "Handy",
                "Festnetz",
                "Vorname",
                "Land",
                "SMS ok",
                "Kundennummer",
                "Interne Notiz",
            ],
            vec![
                "0151 23456789",
                "030 1234567",
                "Jörg",
                "Deutschland",
                "nein",
                "K-1",
                "x",
            ],
            vec!["0171 1234567", "", "Anna", "DE", "ja", "K-2", ""],
        ],
    );
    // The map file exactly as docs/columns.md (linked from the README) shows it.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/columns.md")).unwrap();
    let start = readme
        .find("# crm.toml")
        .expect("the map example of docs/columns.md");
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    std::fs::write(wd.path("crm.toml"), example).unwrap();
    let out = wd.run(&["import", "crm.csv", "--map", "crm.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(opted_out(&stored(&wd, "4915123456789")));
    assert!(!opted_out(&stored(&wd, "491711234567")));
    // And with no map at all: the same contacts.
    let out = wd.run(&["import", "crm.csv", "--default-region", "DE"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(opted_out(&stored(&wd, "4915123456789")));
}

/// `validate` without credentials and `import` print the same plan.
#[test]
fn validate_offline_and_import_print_the_same_plan() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Vorname,Nachname,Telefon geschäftlich,Mobiltelefon,E-Mail-Adresse,SMS ok,Kategorien\n\
Anna,Schmidt,+49 30 1234567,+49 151 23456789,anna@example.de,ja,VIP\n";
    wd.create_bytes("plan.csv", text.as_bytes());
    let plan = |out: &std::process::Output| -> Vec<String> {
        stderr(out)
            .lines()
            .take_while(|l| l.starts_with("layout:") || l.starts_with("  "))
            .map(str::to_string)
            .collect()
    };
    let online = wd.run(&["import", "plan.csv"]);
    assert_eq!(code(&online), 0, "{}", stderr(&online));
    let offline = Workdir::new();
    offline.create_bytes("plan.csv", text.as_bytes());
    let checked = offline.run(&["validate", "plan.csv"]);
    assert_eq!(code(&checked), 0, "{}", stderr(&checked));
    assert_eq!(plan(&checked), plan(&online));
    assert!(plan(&online).len() >= 6, "{:?}", plan(&online));
    // A file import refuses with exit 2, validate refuses too.
    let refused = "Vorname,Notiz\nAnna,x\n";
    offline.create_bytes("refused.csv", refused.as_bytes());
    assert_eq!(code(&offline.run(&["validate", "refused.csv"])), 2);
}

/// `status` and `delete` read a file as `import` does: header words and
/// the same sample of the first rows. Yahoo's `Home` holding numbers names
/// the contacts to delete; a column only its content names is a guess, and
/// off a terminal the run stops with the map to paste, changing nothing.
#[test]
fn status_and_delete_decide_from_the_same_evidence_as_import() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let seeded: Vec<Value> = (0..4)
        .map(|n| serde_json::json!({"phone": format!("14155550{}", 910 + n), "first": format!("P{n}")}))
        .collect();
    crate::api::seed(&wd, &seeded);
    wd.create(
        "leavers.csv",
        &[
            vec!["First", "Home", "Work"],
            vec!["P0", "(415) 555-0910", "(415) 555-0999"],
            vec!["P1", "(415) 555-0911", ""],
        ],
    );
    let out = wd.run(&["delete", "leavers.csv", "--yes"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains("phone from \"Home\" (header word: home phone; content: phone numbers)"),
        "{err}"
    );
    assert_eq!(wd.sim().contacts().len(), 2);

    wd.create(
        "stops.csv",
        &[
            vec!["Kontakt", "status"],
            vec!["+1 415 555 0912", "STOP"],
            vec!["+1 415 555 0913", "STOP"],
            vec!["+1 415 555 0913", "STOP"],
        ],
    );
    let out = wd.run(&["status", "stops.csv"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("\"Kontakt\" placed by its content alone"),
        "{err}"
    );
    assert!(
        wd.sim().contacts().iter().all(|c| !opted_out(c)),
        "nothing changed"
    );
    let map = &err[err.find("[settings]").expect("a map to paste")..];
    std::fs::write(wd.path("stops.toml"), map).unwrap();
    let out = wd.run(&["status", "stops.csv", "--map", "stops.toml"]);
    assert_eq!(code(&out), 1, "the repeated row fails: {}", stderr(&out));
    assert!(opted_out(&stored(&wd, "14155550912")));
    assert!(opted_out(&stored(&wd, "14155550913")));
}
