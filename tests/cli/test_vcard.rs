//! vCard files: Apple Contacts / iCloud (vCard 3.0, their only export) and
//! the vCards Google, Outlook and Android write (2.1, 3.0, 4.0), imported
//! with the real binary against the simulator. Property lines are verbatim
//! from the products (sources above each card); names and numbers are
//! examples. Sample catalog tags: VIP (11), Newsletter (12), Spring Sale (14).

use serde_json::json;

use crate::api::channels;
use crate::test_import::stored;
use crate::test_layouts::tags;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// iPhone, the stock contact of the iOS Simulator ("Kate Bell") as public
/// vCard parser tests quote it: PRODID, `type=CELL;type=VOICE;type=pref`,
/// `type=MAIN`, `item1.ADR` with Apple's `item1.X-ABADR` country code.
const IPHONE: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN\r\n\
N:Bell;Kate;;;\r\n\
FN:Kate Bell\r\n\
ORG:Creative Consulting;\r\n\
TITLE:Producer\r\n\
EMAIL;type=INTERNET;type=WORK;type=pref:kate-bell@mac.com\r\n\
TEL;type=MAIN:(415) 555-0195\r\n\
TEL;type=CELL;type=VOICE;type=pref:(415) 555-0142\r\n\
item1.ADR;type=WORK;type=pref:;;165 Davis Street;Hillsborough;CA;94010;\r\n\
item1.X-ABADR:us\r\n\
item2.URL;type=pref:www.icloud.com\r\n\
item2.X-ABLabel:_$!<HomePage>!$_\r\n\
BDAY:1978-01-20\r\n\
CATEGORIES:VIP\r\n\
END:VCARD\r\n";

/// Contacts on a Mac: lines of mangstadt/ez-vcard
/// `branches/scribes/src/test/resources/ezvcard/io/text/John_Doe_MAC_ADDRESS_BOOK.vcf`
/// (N and FN with an escaped comma, a fax, `item1.TEL` labelled by
/// `item1.X-ABLabel`, a photo folded with two spaces) and the `X-ABUID` and
/// CATEGORIES of sipgate-io/sipgateio-node `examples/contacts/vcard.ts`.
/// A UK mobile written nationally; the country comes from `X-ABADR:gb`.
const MAC: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
PRODID:-//Apple Inc.//Mac OS X 10.15.7//EN\r\n\
N:Doe;John;Richter\\,James;Mr.;Sr.\r\n\
FN:Mr. John Richter\\,James Doe Sr.\r\n\
ORG:IBM;Accounting\r\n\
EMAIL;type=INTERNET;type=WORK;type=pref:john.doe@ibm.com\r\n\
TEL;type=HOME;type=FAX:020 7946 0999\r\n\
item1.TEL:07911 123456\r\n\
item1.X-ABLabel:_$!<Mobile>!$_\r\n\
item2.ADR;type=HOME;type=pref:;;10 Downing St;London;;SW1A 2AA;United Kingdom\r\n\
item2.X-ABADR:gb\r\n\
PHOTO;BASE64:\r\n\
  /9j/4AAQSkZJRgABAQAAAQABAAD/4QBARXhpZgAATU0AKgAAAAgAAYdpAAQAAAABAAAAGgAAAAAA\r\n\
  AqACAAQAAAABAAABAKADAAQAAAABAAABAAAAAAD/2wBDAAIBAQIBAQICAQICAgICAwUDAwMDAwYE\r\n\
CATEGORIES:Newsletter,Spring Sale\r\n\
X-ABUID:5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE\\:ABPerson\r\n\
END:VCARD\r\n";

/// A company card with no phone (`X-ABShowAs:COMPANY`, as Contacts on a Mac
/// writes it).
const COMPANY: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
PRODID:-//Apple Inc.//Mac OS X 10.15.7//EN\r\n\
N:;;;;\r\n\
FN:Allsafe Cybersecurity\r\n\
ORG:Allsafe Cybersecurity;\r\n\
EMAIL;type=INTERNET;type=pref:elliot@allsafe.example\r\n\
X-ABShowAs:COMPANY\r\n\
END:VCARD\r\n";

/// Contacts on a Mac, two emails and two numbers, one preferred (lines as a
/// `Mac OS X 10.10.2` card quoted by public vCard parser examples).
const PREFERRED: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
PRODID:-//Apple Inc.//Mac OS X 10.10.2//EN\r\n\
N:Smith;John;;;\r\n\
FN:John Smith\r\n\
EMAIL;type=INTERNET;type=HOME;type=pref:john.home@smith.example\r\n\
EMAIL;type=INTERNET;type=WORK:john.work@smith.example\r\n\
TEL;type=WORK;type=VOICE:+33 1 23 45 67 89\r\n\
TEL;type=HOME;type=VOICE;type=pref:+33 6 12 34 56 78\r\n\
END:VCARD\r\n";

#[test]
fn an_apple_contacts_export_imports_and_its_error_report_imports_again() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let cards = [IPHONE, MAC, COMPANY, PREFERRED];
    wd.create_bytes("contacts.vcf", cards.concat().as_bytes());
    let out = wd.run(&["import", "contacts.vcf"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    assert!(
        err.starts_with("layout: Apple Contacts / iCloud vCard export — phone from \"Mobile Phone\", then \"Phone\""),
        "the first line names the layout: {err}"
    );
    assert_each_row_once(&wd, "contacts", 4);
    let summary = wd.read_json("contacts.summary.json");
    assert_eq!(summary["layout"], "apple_vcard");
    assert_eq!(
        summary["phone_columns"],
        json!({"Mobile Phone": 2, "Phone": 1})
    );
    assert_eq!(summary["country_regions"]["GB"], 1);

    // The CELL number, not the MAIN one before it; the other is a channel.
    let kate = stored(&wd, "14155550142");
    assert_eq!(
        (&kate["first"], &kate["last"], &kate["display_name"]),
        (&json!("Kate"), &json!("Bell"), &json!("Kate Bell"))
    );
    assert_eq!(kate["email"], "kate-bell@mac.com");
    assert_eq!(tags(&kate), json!([11]));
    let kate_channels = channels(&wd, kate["uuid"].as_str().unwrap());
    assert!(
        kate_channels.contains(&("phone".into(), "14155550195".into())),
        "{kate_channels:?}"
    );
    // A UK number written nationally, read in the address's country.
    let john = stored(&wd, "447911123456");
    assert_eq!(john["display_name"], "Mr. John Richter,James Doe Sr.");
    assert_eq!(john["email"], "john.doe@ibm.com");
    assert_eq!(tags(&john), json!([12, 14]));
    // The preferred number first, and the preferred email.
    let smith = stored(&wd, "33612345678");
    assert_eq!(smith["email"], "john.home@smith.example");
    assert_eq!(wd.sim().contacts().len(), 3);

    // The company card: an error row naming the card's line.
    let errors = wd.read_csv("contacts.errors.csv");
    let line = cards[..2].concat().lines().count() + 1;
    assert_eq!(column(&errors, "Apple vCard line"), [line.to_string()]);
    assert_eq!(column(&errors, "_error_code"), ["phone_missing"]);
    assert_eq!(column(&errors, "Name"), ["Allsafe Cybersecurity"]);

    // Fix it in the CSV and import that as it is.
    let mut fixed = errors.clone();
    let mobile = errors[0].iter().position(|h| h == "Mobile Phone").unwrap();
    fixed[1][mobile] = "+1 415 555 0177".to_string();
    let mut w = csv::Writer::from_path(wd.path("contacts.errors.csv")).unwrap();
    fixed.iter().for_each(|r| w.write_record(r).unwrap());
    w.flush().unwrap();
    let out = wd.run(&["import", "contacts.errors.csv"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.starts_with("layout: Apple Contacts / iCloud vCard export"),
        "{err}"
    );
    assert!(err.contains("contacts.mapping.toml"), "says so: {err}");
    assert_each_row_once(&wd, "contacts.errors", 1);
    let allsafe = stored(&wd, "14155550177");
    assert_eq!(allsafe["display_name"], "Allsafe Cybersecurity");
    assert_eq!(allsafe["email"], "elliot@allsafe.example");
    let results = wd.read_csv("contacts.errors.results.csv");
    assert_eq!(column(&results, "source_row"), ["3"], "the card's own row");
    assert_eq!(wd.sim().contacts().len(), 4);
}

#[test]
fn google_outlook_and_android_vcards_are_known_by_their_content() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    // Gmail, vCard 3.0: the TEL and CATEGORIES lines of mangstadt/ez-vcard
    // `src/test/resources/ezvcard/io/text/gmail-single2.vcf` (untyped,
    // HOME, CELL, HOME;FAX, an `item2` label) and Google's own groups.
    let gmail = "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nN:Lovelace;Ada;;;\n\
EMAIL;TYPE=INTERNET:ada@example.com\nEMAIL;TYPE=INTERNET;TYPE=HOME:ada@home.example\n\
TEL:(415) 555-0111\nTEL;TYPE=HOME:(415) 555-0112\nTEL;TYPE=CELL:(415) 555-0115\n\
TEL;TYPE=HOME;TYPE=FAX:(415) 555-0117\nitem2.TEL:(415) 555-0119\nitem2.X-ABLabel:GRAND_CENTRAL\n\
CATEGORIES:myContacts,starred,VIP\nEND:VCARD\n";
    // Outlook, vCard 2.1: the quoted-printable UTF-8 lines and bare
    // parameters of FolkerKinzel/VCards `FolkerKinzel.VCards.Tests/TestFiles/v2_1.vcf`.
    let outlook = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
N;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n\
FN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n\
TEL;WORK;VOICE:0221 9999123\r\nTEL;CELL;VOICE:0151 23456789\r\n\
ADR;WORK;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:;1;Firmenstra=C3=9Fe;K=C3=B6ln;;50667;Deutschland\r\n\
EMAIL;PREF;INTERNET:juergen@example.de\r\nEND:VCARD\r\n";
    // Android, vCard 4.0: the lines of mangstadt/ez-vcard
    // `src/test/resources/ezvcard/io/json/roundtrip/John_Doe_ANDROID.vcf`
    // (`TEL;TYPE=CELL;PREF=1`, `N;CHARSET=UTF-8`, `CATEGORIES:My Contacts`).
    let android = "BEGIN:VCARD\nVERSION:4.0\nN;CHARSET=UTF-8:Ñúñez;Íñigo;;;\n\
FN;CHARSET=UTF-8:Íñigo Ñúñez\nTEL;TYPE=WORK:+34 912 34 56 78\n\
TEL;TYPE=CELL;PREF=1:+34 612 34 56 78\nEMAIL;PREF=1:inigo@example.es\n\
CATEGORIES:My Contacts\nEND:VCARD\n";
    // Not named .vcf: the content says what it is.
    wd.create_bytes("export.txt", [gmail, outlook, android].concat().as_bytes());
    let out = wd.run(&["import", "export.txt"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}\n{}", wd.read("export.errors.csv"));
    assert!(err.starts_with("layout: vCard file"), "{err}");
    assert_each_row_once(&wd, "export", 3);
    let summary = wd.read_json("export.summary.json");
    assert_eq!(summary["layout"], "vcard");
    assert_eq!(summary["phone_columns"], json!({"Mobile Phone": 3}));
    assert_eq!(summary["country_regions"]["DE"], 1);

    let ada = stored(&wd, "14155550115");
    assert_eq!(ada["email"], "ada@example.com");
    assert_eq!(
        tags(&ada),
        json!([11]),
        "myContacts and starred are not tags"
    );
    let juergen = stored(&wd, "4915123456789");
    assert_eq!(
        (
            &juergen["first"],
            &juergen["last"],
            &juergen["display_name"]
        ),
        (&json!("Jürgen"), &json!("Müller"), &json!("Jürgen Müller"))
    );
    let inigo = stored(&wd, "34612345678");
    assert_eq!(inigo["first"], "Íñigo");
    assert_eq!(inigo["email"], "inigo@example.es");
    assert_eq!(wd.sim().contacts().len(), 3);
}

#[test]
fn validate_reads_a_utf16_apple_export_offline() {
    let wd = Workdir::new();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in [IPHONE, PREFERRED].concat().encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    wd.create_bytes("Contacts.vcf", &bytes);
    let out = wd.run(&["validate", "Contacts.vcf"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "Contacts", 2);
    let summary = wd.read_json("Contacts.summary.json");
    assert_eq!(summary["layout"], "apple_vcard");
    let results = wd.read_csv("Contacts.results.csv");
    assert_eq!(column(&results, "phone"), ["14155550142", "33612345678"]);
}

/// A vCard 2.1 card embedding its agent's card (`AGENT:` then the agent's
/// `BEGIN:VCARD` … `END:VCARD`, the spec's example as FolkerKinzel/VCards'
/// `V2NestedAgentVcardTest` quotes it), then more of the outer card (issue
/// 22): both are contacts, the outer one with its phone and email from
/// after the agent's card.
#[test]
fn an_agent_card_and_its_outer_card_are_both_imported_whole() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let card = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Public;John\r\nAGENT:\r\n\
BEGIN:VCARD\r\nVERSION:2.1\r\nN:Friday;Fred\r\nTEL;WORK;VOICE:+1-213-555-1234\r\n\
TEL;WORK;FAX:+1-213-555-5678\r\nEND:VCARD\r\n\
TEL;CELL:+1-213-555-0001\r\nEMAIL;INTERNET:john@example.com\r\nEND:VCARD\r\n";
    wd.create_bytes("outlook.vcf", card.as_bytes());
    let out = wd.run(&["import", "outlook.vcf"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "outlook", 2);
    let john = stored(&wd, "12135550001");
    assert_eq!(
        (john["first"].as_str(), john["email"].as_str()),
        (Some("John"), Some("john@example.com"))
    );
    let fred = stored(&wd, "12135551234");
    assert_eq!(fred["first"], "Fred");
}
