//! One end-to-end import per known layout: the header exactly as the product
//! writes it (source cited above each test), rows with realistic values, the
//! real binary against the simulator; checks the stored contacts and that
//! every row is reported once. Sample catalog: tags VIP (11), Newsletter (12),
//! Wholesale (13), Spring Sale (14), Returning (15), Lead (16).

use serde_json::{Value, json};

use crate::api::channels;
use crate::test_import::stored;
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

/// Write `text` as `name`, import it, and give the summary. Every row must
/// be accepted, and reported once.
fn import_all(wd: &Workdir, name: &str, text: &str, rows: usize, layout: &str) -> Value {
    wd.create_bytes(name, text.as_bytes());
    let out = wd.run(&["import", name]);
    let stem = name.trim_end_matches(".csv");
    let err = stderr(&out);
    assert_eq!(
        code(&out),
        0,
        "{err}\n{}",
        wd.read(&format!("{stem}.errors.csv"))
    );
    assert_each_row_once(wd, stem, rows);
    let summary = wd.read_json(&format!("{stem}.summary.json"));
    assert_eq!(summary["layout"], layout, "{err}");
    assert!(
        err.lines().next().unwrap_or("").starts_with("layout: "),
        "the first line names the layout: {err}"
    );
    summary
}

/// The tag ids of a stored contact, sorted.
pub fn tags(contact: &Value) -> Value {
    let mut ids: Vec<i64> = contact["tags"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    json!(ids)
}

fn ignored(summary: &Value) -> Vec<String> {
    summary["ignored_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["column"].as_str().unwrap().to_string())
        .collect()
}

/// Google Contacts, current "Google CSV". Header: the fixed columns Google
/// writes, with two e-mail and two phone slots and one address, as in
/// a real export quoted by public code (e.g. `google_keys()` in a
/// contacts2txt script and golden files of Android contact exporters).
#[test]
fn google_contacts_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let header = "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,\
Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,\
Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,\
E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,\
Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,\
Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address";
    let text = format!(
        "{header}\n\
Ada,,Lovelace,,,,,,,,Analytical Engines,Founder,,,,,VIP ::: * myContacts,* Home,ada@example.com,Work,ada@engines.example,Work,+1 415-555-0101,Mobile,+1 415-555-0102,,,,,,,,,\n\
Grace,,Hopper,,,,,,,,,,,,,,* myContacts ::: * starred,* ,grace@example.org,,,Mobile,+44 7911 123456 ::: +44 7700 900123,,,,,,,,,,,\n\
Alan,,Turing,,,,,,,,,,,,,,Newsletter ::: * myContacts,,,,,,,Home,020 7946 0958,Home,\"1 Bletchley Park\",1 Bletchley Park,Milton Keynes,,,MK3 6EB,United Kingdom,\n"
    );
    let summary = import_all(&wd, "google.csv", &text, 3, "google_contacts");
    let ada = stored(&wd, "14155550102");
    assert_eq!(ada["first"], "Ada");
    assert_eq!(ada["last"], "Lovelace");
    assert_eq!(ada["email"], "ada@example.com");
    assert_eq!(tags(&ada), json!([11]), "myContacts is not a tag");
    let grace = stored(&wd, "447911123456");
    assert_eq!(grace["email"], "grace@example.org");
    assert!(grace["tags"].as_array().is_none_or(|t| t.is_empty()));
    let alan = stored(&wd, "442079460958");
    assert_eq!(tags(&alan), json!([12]));
    assert_eq!(wd.sim().contacts().len(), 3);
    assert_eq!(summary["phone_columns"]["Phone 2 - Value"], 2);
    assert_eq!(summary["phone_columns"]["Phone 1 - Value"], 1);
    assert!(ignored(&summary).contains(&"Phone 1 - Label".to_string()));
}

/// Google Contacts, legacy "Google CSV": header verbatim from a real export,
/// Baneeishaque/GContacts `google.csv`.
#[test]
fn google_contacts_legacy_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let header = "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,\
Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,\
Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,\
Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,\
E-mail 2 - Type,E-mail 2 - Value,E-mail 3 - Type,E-mail 3 - Value,IM 1 - Type,IM 1 - Service,\
IM 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,\
Phone 3 - Value,Phone 4 - Type,Phone 4 - Value,Phone 5 - Type,Phone 5 - Value,Phone 6 - Type,\
Phone 6 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,Address 1 - City,\
Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,\
Address 1 - Extended Address,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,\
Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,\
Organization 1 - Job Description,Organization 2 - Type,Organization 2 - Name,\
Organization 2 - Yomi Name,Organization 2 - Title,Organization 2 - Department,\
Organization 2 - Symbol,Organization 2 - Location,Organization 2 - Job Description,\
Website 1 - Type,Website 1 - Value";
    let width = header.split(',').count();
    let row = |cells: &[(usize, &str)]| {
        let mut row = vec![String::new(); width];
        for (i, v) in cells {
            row[*i] = v.to_string();
        }
        row.iter()
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    // 0 Name, 1 Given, 3 Family, 28 Group Membership, 29/30 E-mail 1,
    // 38/39 Phone 1, 40/41 Phone 2, 57 Address 1 - Country.
    let text = [
        header.to_string(),
        row(&[
            (0, "Abdu Raheem"),
            (1, "Abdu"),
            (3, "Raheem"),
            (28, "* myContacts"),
            (38, "Mobile"),
            (39, "+919633339353 ::: +919037491410"),
            (40, "Home"),
            (41, "+914942428566"),
        ]),
        row(&[
            (0, "Adrianna Cotelesse"),
            (1, "Adrianna"),
            (3, "Cotelesse"),
            (28, "Newsletter ::: * myContacts"),
            (29, "* INTERNET"),
            (30, "adriannac@example.com"),
            (38, "Work"),
            (39, "(212) 555-0142"),
        ]),
        row(&[
            (0, "Aflah K"),
            (1, "Aflah"),
            (3, "K"),
            (28, "* myContacts"),
            (38, "Work"),
            (39, "0494 242 8566"),
            (40, "Mobile"),
            (41, "98470 50731"),
            (57, "India"),
        ]),
    ]
    .join("\n");
    let summary = import_all(&wd, "contacts.csv", &text, 3, "google_contacts_legacy");
    let abdu = stored(&wd, "919633339353");
    assert_eq!(abdu["display_name"], "Abdu Raheem");
    assert_eq!(abdu["first"], "Abdu");
    let adrianna = stored(&wd, "12125550142");
    assert_eq!(adrianna["email"], "adriannac@example.com");
    assert_eq!(tags(&adrianna), json!([12]));
    // The mobile slot wins over the first slot; India from the address.
    let aflah = stored(&wd, "919847050731");
    assert_eq!(aflah["last"], "K");
    assert_eq!(summary["country_regions"]["IN"], 1);
}

/// Outlook: the header outlook.live.com writes (People → Export contacts),
/// also written by Google's "Outlook CSV" export; the same 61 columns are
/// quoted verbatim by public converters that note "from outlook.live.com".
#[test]
fn outlook_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let header = "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,\
E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,\
Business Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,Home Fax,\
Other Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,Job Title,Department,\
Company,Office Location,Manager's Name,Assistant's Name,Assistant's Phone,Company Yomi,\
Business Street,Business City,Business State,Business Postal Code,Business Country/Region,\
Home Street,Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other City,\
Other State,Other Postal Code,Other Country/Region,Personal Web Page,Spouse,Schools,Hobby,Location,\
Web Page,Birthday,Anniversary,Notes";
    let names: Vec<&str> = header.split(',').collect();
    let at = |name: &str| names.iter().position(|h| *h == name).unwrap();
    let row = |cells: &[(&str, &str)]| {
        let mut row = vec![String::new(); names.len()];
        for (h, v) in cells {
            row[at(h)] = v.to_string();
        }
        row.join(",")
    };
    let text = [
        header.to_string(),
        // Only a business phone: imported from it.
        row(&[
            ("First Name", "Dana"),
            ("Last Name", "Scully"),
            ("E-mail Address", "dana@fbi.example"),
            ("Business Phone", "(202) 555-0143"),
            ("Job Title", "Special Agent"),
        ]),
        // Mobile before home.
        row(&[
            ("First Name", "Fox"),
            ("Last Name", "Mulder"),
            ("Home Phone", "(202) 555-0144"),
            ("Mobile Phone", "(202) 555-0145"),
            ("E-mail 2 Address", "fox@x.example"),
        ]),
        // A German mobile written nationally, Germany from the home address.
        row(&[
            ("First Name", "Jürgen"),
            ("Last Name", "Klein"),
            ("Mobile Phone", "0151 23456789"),
            ("Home Country/Region", "Germany"),
        ]),
    ]
    .join("\r\n");
    let summary = import_all(&wd, "outlook.csv", &text, 3, "outlook");
    let dana = stored(&wd, "12025550143");
    assert_eq!(dana["first"], "Dana");
    assert_eq!(dana["email"], "dana@fbi.example");
    let fox = stored(&wd, "12025550145");
    assert_eq!(fox["email"], "fox@x.example", "the second email column");
    assert_eq!(stored(&wd, "4915123456789")["last"], "Klein");
    assert_eq!(wd.sim().contacts().len(), 3);
    assert_eq!(summary["phone_columns"]["Business Phone"], 1);
    assert_eq!(summary["phone_columns"]["Mobile Phone"], 2);
    assert!(ignored(&summary).contains(&"Job Title".to_string()));
    assert!(ignored(&summary).contains(&"Business Fax".to_string()));
}

/// Thunderbird: header verbatim from mozilla/releases-comm-central
/// `mailnews/addrbook/test/unit/data/export.csv`.
#[test]
fn thunderbird_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,\
Screen Name,Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,\
Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,Work State,\
Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,Web Page 2,Birth Year,\
Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes\n\
Grace,Hopper,Grace Hopper,,grace@navy.example,ghopper@example.org,,+1 212 555 0102,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n\
Marie,Curie,Marie Curie,,marie@example.fr,,,,,,,06 12 34 56 78,,,Paris,,,France,,,,,,,,,,,,,,,,,,,\n";
    let summary = import_all(&wd, "thunderbird.csv", text, 2, "thunderbird");
    let grace = stored(&wd, "12125550102");
    assert_eq!(grace["display_name"], "Grace Hopper");
    assert_eq!(grace["email"], "grace@navy.example", "Primary Email");
    let marie = stored(&wd, "33612345678");
    assert_eq!(marie["first"], "Marie");
    assert_eq!(summary["email_columns"]["Primary Email"], 2);
}

/// Shopify customers (current): header verbatim from a real export,
/// Mobeen-Dev/Emails_Sender_Bot_script `customers_export.csv` (Shopify writes
/// `'` before numbers to keep them text).
#[test]
fn shopify_customers_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,\
Default Address Company,Default Address Address1,Default Address Address2,Default Address City,\
Default Address Province Code,Default Address Country Code,Default Address Zip,\
Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags\n\
'7985351721238,Umer,Masood,,no,,Gulfam bazar kala gujran,,Jhelum,,PK,49600,'0321 7654321,,no,13175.00,1,,no,VIP\n\
'7864668586262,Zaid,Mughal,zaid.mughal@example.com,yes,,\"House # 77-Y, Street # 3\",,Sargodha,,PK,40100,'03235555003,'+923235555003,yes,1075.00,1,,no,\"VIP, Newsletter\"\n\
'7694309228822,Ann,Lee,ann@example.com,yes,,1 Main St,,Austin,TX,US,73301,,'+1 512 555 0199,yes,5200.00,1,,no,Returning\n";
    let summary = import_all(&wd, "customers_export.csv", text, 3, "shopify_customers");
    let umer = stored(&wd, "923217654321");
    assert_eq!(umer["first"], "Umer");
    assert_eq!(umer["is_opted_out"], true, "Accepts SMS Marketing = no");
    assert_eq!(tags(&umer), json!([11]));
    let zaid = stored(&wd, "923235555003");
    assert_eq!(zaid["is_opted_out"], false);
    assert_eq!(zaid["email"], "zaid.mughal@example.com");
    assert_eq!(tags(&zaid), json!([11, 12]));
    assert_eq!(tags(&stored(&wd, "15125550199")), json!([15]));
    assert_eq!(summary["phone_columns"]["Default Address Phone"], 1);
    assert_eq!(summary["phone_columns"]["Phone"], 2);
    let reasons = summary["ignored_columns"].to_string();
    assert!(
        reasons.contains("Accepts Email Marketing") && reasons.contains("not SMS consent"),
        "{reasons}"
    );
}

/// Shopify customers (legacy): header verbatim from a real export,
/// LiquidIQ/imagezoo-scripts `customers_export.csv`.
#[test]
fn shopify_customers_legacy_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "First Name,Last Name,Email,Company,Address1,Address2,City,Province,\
Province Code,Country,Country Code,Zip,Phone,Accepts Marketing,Total Spent,Total Orders,Tags,Note,\
Tax Exempt\n\
Katherine,Johnson,kj@example.com,Orbital Math,1 NASA Way,,Hampton,Virginia,VA,United States,US,23666,+1 757 555 0104,yes,0.00,0,Wholesale,,no\n\
Daniel,Moore,daniel.moore@example.co.uk,,10 Downing St,,London,,,United Kingdom,GB,SW1A 2AA,020 7946 0001,no,12.00,1,\"Wholesale, Lead\",,no\n";
    let summary = import_all(
        &wd,
        "customers_export.csv",
        text,
        2,
        "shopify_customers_legacy",
    );
    let k = stored(&wd, "17575550104");
    assert_eq!(tags(&k), json!([13]));
    assert!(k["is_opted_out"].is_null() || k["is_opted_out"] == false);
    let d = stored(&wd, "442079460001");
    assert_eq!(tags(&d), json!([13, 16]));
    assert_eq!(summary["country_regions"]["GB"], 1);
}

/// Mailchimp audience export: the system columns as honey_format's spec
/// quotes a real export (buren/honey_format `spec/honey_format/csv_spec.rb`),
/// with a new audience's default merge fields (Address, Phone Number,
/// Birthday) and the TAGS column Mailchimp adds.
#[test]
fn mailchimp_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "\"Email Address\",\"First Name\",\"Last Name\",Address,\"Phone Number\",Birthday,\
MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,\
CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n\
mc@example.com,Marc,Cohen,,+1 415 555 0177,,2,\"2020-02-03 04:05:06\",,\"2020-02-03 04:06:00\",,,,,,,US,CA,\"2021-01-01 00:00:00\",55331253,89501affba,,\"\"\"VIP\"\",\"\"Newsletter\"\"\"\n\
uk@example.co.uk,Ursula,King,,07911 123456,,3,,,\"2019-05-01 10:00:00\",,51.5,-0.12,0,1,Europe/London,GB,ENG,\"2021-01-01 00:00:00\",55331257,c9b2705335,,\"\"\"Spring Sale\"\"\"\n";
    let summary = import_all(&wd, "members.csv", text, 2, "mailchimp");
    let marc = stored(&wd, "14155550177");
    assert_eq!(marc["email"], "mc@example.com");
    assert_eq!(tags(&marc), json!([11, 12]), "quoted tag list");
    let ursula = stored(&wd, "447911123456");
    assert_eq!(tags(&ursula), json!([14]));
    assert!(ignored(&summary).contains(&"MEMBER_RATING".to_string()));
}

/// HubSpot contacts export: the property labels HubSpot writes as headers
/// (Record ID first; Phone Number, Mobile Phone Number, Country/Region), as
/// in HubSpot exports quoted by public importers' tests.
#[test]
fn hubspot_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,\
Contact owner,Lead Status,Marketing contact status,Create Date,Country/Region\n\
101,Camille,Durand,camille@example.com,+33 1 23 45 67 89,+33 6 12 34 56 78,Dana Scully,NEW,Marketing contact,2024-03-12 09:14,France\n\
102,Priya,Nair,priya@example.in,,70252 01234,,OPEN,Non-marketing contact,2024-03-15 14:30,India\n\
103,John,Smith,JOHN@Example.com,(303) 555-0188,,,,,2024-01-01 00:00,United States\n";
    let summary = import_all(&wd, "hubspot.csv", text, 3, "hubspot");
    assert_eq!(stored(&wd, "33612345678")["first"], "Camille");
    assert_eq!(stored(&wd, "917025201234")["last"], "Nair");
    assert_eq!(stored(&wd, "13035550188")["email"], "JOHN@Example.com");
    assert_eq!(summary["phone_columns"]["Mobile Phone Number"], 2);
    assert_eq!(summary["country_regions"]["IN"], 1);
}

/// Salesforce contacts report: the column names of a Salesforce contact
/// export, as salesagility/SuiteCRM `modules/Import/maps/ImportMapSalesforce.php`
/// maps them.
#[test]
fn salesforce_report_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "First Name,Last Name,Title,Account Name,Mailing Street,Mailing City,\
Mailing State,Mailing Zip/Postal Code,Mailing Country,Phone,Mobile,Home Phone,Other Phone,Fax,Email,\
Email Opt Out,Do Not Call,Lead Source,Birthdate\n\
Rose,Gonzalez,SVP Procurement,Edge Communications,313 Constitution Place,Austin,TX,78767,USA,(512) 757-6000,(512) 757-9340,,,,rose@edge.example,0,0,Web,\n\
Sean,Forbes,CFO,Edge Communications,,,,,USA,(512) 757-6001,,,,,sean@edge.example,1,0,Web,\n";
    let summary = import_all(&wd, "report.csv", text, 2, "salesforce_report");
    assert_eq!(stored(&wd, "15127579340")["first"], "Rose");
    assert_eq!(stored(&wd, "15127576001")["email"], "sean@edge.example");
    assert!(
        summary["ignored_columns"]
            .to_string()
            .contains("Email Opt Out")
    );
}

/// Salesforce Contact export with API field names (Data Loader, Data Export
/// Service): field names from the Salesforce Object Reference for Contact.
#[test]
fn salesforce_api_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Id,AccountId,LastName,FirstName,Salutation,Name,MailingStreet,MailingCity,\
MailingState,MailingPostalCode,MailingCountry,Phone,Fax,MobilePhone,HomePhone,OtherPhone,Email,Title,\
HasOptedOutOfEmail,DoNotCall\n\
0035g00000AbCdEAAV,0015g00000XyZaBAAV,Young,Andy,Mr.,Andy Young,1301 Hoch Drive,Lawrence,KS,66045,United States,(785) 241-6200,,(785) 265-5350,,,a_young@dickenson.example,SVP,false,false\n\
0035g00000AbCdFAAV,0015g00000XyZaBAAV,Ruiz,Elena,Ms.,Elena Ruiz,,,,,Mexico,,,55 1234 5678,,,elena@example.mx,CEO,true,false\n";
    import_all(&wd, "Contact.csv", text, 2, "salesforce_api");
    let andy = stored(&wd, "17852655350");
    assert_eq!(andy["display_name"], "Andy Young");
    assert_eq!(andy["first"], "Andy");
    assert_eq!(stored(&wd, "525512345678")["last"], "Ruiz");
}

/// QuickBooks Online: Reports → Customer Contact List → Export to CSV.
#[test]
fn quickbooks_customer_contact_list() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "Customer,Phone Numbers,Email,Full Name,Billing Address,Shipping Address\n\
Ortiz Landscaping,813-555-3030,ap@ortiz.example,Hector Ortiz,\"55 Bay St, Tampa, FL 33602\",\n\
\"Smith, John\",(415) 555-0123,john@example.com,John Smith,,\n";
    import_all(
        &wd,
        "Customer Contact List.csv",
        text,
        2,
        "quickbooks_customers",
    );
    assert_eq!(stored(&wd, "18135553030")["display_name"], "Hector Ortiz");
    assert_eq!(stored(&wd, "14155550123")["email"], "john@example.com");
}

/// Brevo (Sendinblue) contacts export: `;`-separated, attribute names as
/// Brevo writes them; `SMS_BLACKLISTED` is an opt-out (not inverted).
#[test]
fn brevo_export() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "EMAIL;LASTNAME;FIRSTNAME;SMS;EMAIL_BLACKLISTED;SMS_BLACKLISTED;ADDED_TIME;MODIFIED_TIME\n\
br@example.fr;Durand;Louise;+33612345678;false;true;2023-05-06 07:08:09;2023-05-06 07:08:09\n\
ok@example.fr;Martin;Léa;+33698765432;true;false;2023-05-06 07:08:09;2023-05-06 07:08:09\n";
    let summary = import_all(&wd, "brevo.csv", text, 2, "brevo");
    assert_eq!(stored(&wd, "33612345678")["is_opted_out"], true);
    let lea = stored(&wd, "33698765432");
    assert_eq!(lea["is_opted_out"], false);
    assert_eq!(lea["first"], "Léa");
    assert!(ignored(&summary).contains(&"EMAIL_BLACKLISTED".to_string()));
    let results = wd.read_csv("brevo.results.csv");
    assert_eq!(column(&results, "action"), ["created", "created"]);
}

/// QuickBooks Online, modern report view: Reports → Customer Contact List →
/// Export to CSV writes the company, the report's title and a blank line
/// above the header, and `Phone:` before each number — as public test
/// fixtures of QuickBooks importers quote it (`"Example Co, LLC",,,,,` /
/// `Customer Contact List,,,,,` / `` / `Customer full name,Phone numbers,…`).
/// The title lines are skipped; rows keep their numbers.
#[test]
fn quickbooks_report_title_lines_are_skipped() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let text = "\"Example Co, LLC\",,,,,\r\n\
Customer Contact List,,,,,\r\n\
\r\n\
Customer full name,Phone numbers,Email,Full name,Bill address,Ship address\r\n\
Acme Corp,Phone:(415) 555-0181,billing@acme.example,Ann Acme,\"12 Larkspur Way\nSTE 4\nGreenbank NC 27000\",\r\n\
SHELL OIL 123,,,,,\r\n\
Thistle Forge,Phone:(415) 555-0182,forge@example.com,,\"9 Anvil Way\nBellhurst OH 43002\",\r\n\
\r\n\r\n\r\n\
\" Wednesday, September 30, 2026 01:46 PM GMT-05:00\",,,,,\r\n";
    wd.create_bytes("Customer Contact List.csv", text.as_bytes());
    let out = wd.run(&["import", "Customer Contact List.csv"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    assert!(
        err.starts_with("layout: QuickBooks Online customer contact list (modern report view)"),
        "{err}"
    );
    assert!(err.contains("the header is on line 4"), "{err}");
    assert_each_row_once(&wd, "Customer Contact List", 3);
    assert_eq!(stored(&wd, "14155550181")["display_name"], "Ann Acme");
    assert_eq!(stored(&wd, "14155550182")["email"], "forge@example.com");
    assert_eq!(wd.sim().contacts().len(), 2);
    let errors = wd.read_csv("Customer Contact List.errors.csv");
    assert_eq!(column(&errors, "Customer full name"), ["SHELL OIL 123"]);
    assert_eq!(column(&errors, "_row"), ["2"]);
    let summary = wd.read_json("Customer Contact List.summary.json");
    assert!(
        summary["notes"].to_string().contains("report's title"),
        "{summary}"
    );
    // The footer is no row: SHELL OIL 123 is the only error.
    assert_eq!(summary["rows_read"], 3, "{summary}");
    assert!(err.contains("note: the last line"), "{err}");
}

/// A QuickBooks Online Customer Contact List (modern report view) of
/// `rows`, with its title lines above and its footer below, imported whole.
fn import_qbo_report(wd: &Workdir, rows: &str, n: usize) -> Value {
    let text = format!(
        "\"Example Co, LLC\",,,,,\n\
Customer Contact List,,,,,\n\
\n\
Customer full name,Phone numbers,Email,Full name,Bill address,Ship address\n\
{rows}\
\" Wednesday, September 30, 2026 01:46 PM GMT-05:00\",,,,,\n"
    );
    let name = "Customer Contact List.csv";
    import_all(wd, name, &text, n, "quickbooks_customers_modern")
}

/// QuickBooks Online, modern report view, whole: title lines, rows, three
/// blank lines and the footer QuickBooks writes as the last line, the time
/// the report was printed alone in the first cell — as public test fixtures
/// of QuickBooks importers quote it (`" Wednesday, September 30, 2026 01:46
/// PM GMT-05:00",,,,,` after three blank lines in a General Ledger's
/// tests/test_invoices.py; ` Sunday, August 09, 2026 04:04 PM GMT-05:00`,
/// "the last row of every QuickBooks report", in a contact importer's
/// tests/contacts.test.ts). The footer is skipped and said so; the run
/// exits 0.
#[test]
fn quickbooks_report_footer_is_skipped() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = "Acme Corp,Phone:(410) 415-7406,billing@acme.example,Ann Acme,1 Main St Springfield IL,\n\
Thistle Forge,Phone:(415) 555-0182,forge@example.com,,\"9 Anvil Way\nBellhurst OH 43002\",\n\
\n\
\n\
\n";
    let summary = import_qbo_report(&wd, rows, 2);
    assert_eq!(stored(&wd, "14104157406")["display_name"], "Ann Acme");
    assert_eq!(stored(&wd, "14155550182")["email"], "forge@example.com");
    assert_eq!(wd.sim().contacts().len(), 2);
    let results = wd.read_csv("Customer Contact List.results.csv");
    assert_eq!(column(&results, "row"), ["1", "2"]);
    assert_eq!(summary["rows_read"], 2, "{summary}");
    assert_eq!(summary["blank_lines"], 3, "{summary}");
    let notes = summary["notes"].to_string();
    assert!(
        notes.contains(
            "the last line (\\\"Wednesday, September 30, 2026 01:46 PM GMT-05:00\\\") is \
             the report's footer"
        ),
        "{summary}"
    );
    // Said on stderr too.
    let out = wd.run(&["validate", "Customer Contact List.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: the last line (\"Wednesday, September 30, 2026"),
        "{}",
        stderr(&out)
    );
}

/// QuickBooks Online, modern report view: a customer with several numbers
/// has them in one `Phone numbers` cell, each after its label —
/// `"Phone:(555) 010-1234 Mobile:(555) 010-1234"` and `"Phone:555-010-7788"`,
/// as a public QuickBooks contact importer quotes the report's cells (the
/// doc comment of its Customer Contact List importer and the report in its
/// tests/contacts.test.ts; its fixtures' 555-010x numbers are no valid
/// numbers, valid ones are used here). The mobile is the contact's phone,
/// the others are channels, a fax is neither; a label with a space after its
/// colon reads, and a cell with one label reads as before.
#[test]
fn quickbooks_cells_of_several_labelled_numbers() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let rows = "Acme Corp,Phone:(410) 415-7406 Mobile:(410) 555-0123,billing@acme.example,Ann Acme,,\n\
Bo Ferreira (Ferreira Sports Ltd),Phone:905-555-0100,bo@example.org,Bo Ferreira,,\n\
Cal Ohashi,Phone: 415 555 3434,cal@example.net,Cal Ohashi,,\n\
Dee Marsh,Phone:(410) 415-7411 Fax:(410) 415-7499,,Dee Marsh,,\n\
\n";
    let summary = import_qbo_report(&wd, rows, 4);
    assert_eq!(wd.sim().contacts().len(), 4);
    let acme = stored(&wd, "14105550123");
    assert_eq!(acme["display_name"], "Ann Acme");
    let own_then_other = [
        ("phone".to_string(), "14105550123".to_string()),
        ("phone".to_string(), "14104157406".to_string()),
    ];
    assert_eq!(
        channels(&wd, acme["uuid"].as_str().unwrap()),
        own_then_other
    );
    assert_eq!(stored(&wd, "19055550100")["email"], "bo@example.org");
    assert_eq!(stored(&wd, "14155553434")["display_name"], "Cal Ohashi");
    let dee = stored(&wd, "14104157411");
    let dee_channels = channels(&wd, dee["uuid"].as_str().unwrap());
    assert!(
        !dee_channels.iter().any(|(_, v)| v == "14104157499"),
        "a fax is no channel: {dee_channels:?}"
    );
    assert_eq!(summary["phone_columns"]["Phone numbers"], 4, "{summary}");
    let results = wd.read_csv("Customer Contact List.results.csv");
    assert_eq!(
        column(&results, "phone"),
        ["14105550123", "19055550100", "14155553434", "14104157411"]
    );
}
