//! Known export layouts: the CSV files other products write, recognised from
//! their headers. Takes a file's header; gives the [`Layout`] it is (if any)
//! and, per column, what that layout says the column holds.
//!
//! Each layout names, in priority order, where the phone (mobile first), the
//! email, the names, tags, SMS consent and country come from; every other
//! column of the layout is ignored and named in the summary. Headers are
//! compared like every header ([`super::normalise_header`]: case, spaces and
//! punctuation do not count). `{n}` stands for a slot number (`Phone 2 -
//! Value`). The source of each layout's header is cited beside it and in the
//! test that imports a file of that layout (tests/cli/test_layouts.rs).

use super::normalise_header;

/// What a layout's column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Phone,
    Email,
    First,
    Last,
    /// The whole name (display name).
    Name,
    Tags,
    /// SMS marketing consent: yes means *not* opted out.
    SmsConsent,
    /// Opted out of SMS (not inverted).
    OptedOut,
    Country,
    /// A member's name or id (hmbulk's own export).
    Assignee,
    /// The contact's UUID (hmbulk's own export).
    Uuid,
    /// Email-marketing consent or status: not SMS consent; ignored, and named
    /// as ignored with that reason.
    EmailConsent,
}

/// One product's export.
#[derive(Debug)]
pub struct Layout {
    /// Stable id (summary.json, the mapping file): `shopify_customers`.
    pub id: &'static str,
    /// For people: `Shopify customers export`.
    pub name: &'static str,
    /// Where the header was taken from.
    pub source: &'static str,
    /// Headers that must all be present for the file to be this layout.
    pub signature: &'static [&'static str],
    /// Column → use; columns of one use in priority order.
    pub columns: &'static [(&'static str, Use)],
    /// For phone slots `… {n} …`: the column of the same slot that labels
    /// the number (`Mobile`, `Work`); a slot labelled mobile or cell comes first.
    pub phone_labels: &'static [&'static str],
    /// Digits without `+` are E.164 first, national only when that reading
    /// is invalid: the file is Heymarket's own format (`hmbulk export`
    /// writes `442079460001`). Elsewhere a valid national reading wins:
    /// `6785912345` is a US number in a US file, but Vanuatu's
    /// `+678 59 12345` in an export.
    pub e164_digits: bool,
    /// The layout's other columns are custom field titles (hmbulk's own
    /// export): one the account lacks stops the run like any unknown
    /// column, and offline it is named as not checked. Elsewhere they are
    /// ignored and named.
    pub custom_fields: bool,
}

/// What most layouts are: no phone labels, national digits first, other
/// columns ignored.
const PLAIN: Layout = Layout {
    id: "",
    name: "",
    source: "",
    signature: &[],
    columns: &[],
    phone_labels: &[],
    e164_digits: false,
    custom_fields: false,
};

use Use::*;

/// Every layout hmbulk knows. A file is the layout whose whole signature it
/// has; when several match, the one with the longest signature.
pub static LAYOUTS: &[Layout] = &[
    Layout {
        id: "google_contacts",
        name: "Google Contacts export (Google CSV, 2020 and later)",
        source: "contacts.google.com → Export → Google CSV; the fixed columns a real \
                 export writes, as public code quotes them (tests pinning real exports)",
        signature: &[
            "First Name",
            "Middle Name",
            "Last Name",
            "Phonetic First Name",
            "File As",
            "Labels",
        ],
        columns: &[
            ("Phone {n} - Value", Phone),
            ("E-mail {n} - Value", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Labels", Tags),
            ("Address {n} - Country", Country),
        ],
        phone_labels: &["Phone {n} - Label"],
        ..PLAIN
    },
    Layout {
        id: "google_contacts_legacy",
        name: "Google Contacts export (legacy Google CSV)",
        source: "Baneeishaque/GContacts google.csv",
        signature: &["Name", "Given Name", "Family Name", "Group Membership"],
        columns: &[
            ("Phone {n} - Value", Phone),
            ("E-mail {n} - Value", Email),
            ("Given Name", First),
            ("Family Name", Last),
            ("Name", Name),
            ("Group Membership", Tags),
            ("Address {n} - Country", Country),
        ],
        phone_labels: &["Phone {n} - Type"],
        ..PLAIN
    },
    Layout {
        id: "outlook",
        name: "Outlook contacts export",
        source: "outlook.live.com People → Export contacts (and Google's \"Outlook CSV\"); \
                 field names as in salesagility/SuiteCRM modules/Import/maps/ImportMapOther.php",
        signature: &[
            "First Name",
            "Last Name",
            "E-mail Address",
            "Mobile Phone",
            "Business Phone",
            "Home Phone",
        ],
        columns: &[
            ("Mobile Phone", Phone),
            ("Primary Phone", Phone),
            ("Home Phone", Phone),
            ("Business Phone", Phone),
            ("Other Phone", Phone),
            ("Home Phone 2", Phone),
            ("Business Phone 2", Phone),
            ("Car Phone", Phone),
            ("Company Main Phone", Phone),
            ("Radio Phone", Phone),
            ("E-mail Address", Email),
            ("E-mail 2 Address", Email),
            ("E-mail 3 Address", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Categories", Tags),
            ("Home Country/Region", Country),
            ("Business Country/Region", Country),
            ("Other Country/Region", Country),
            ("Home Country", Country),
            ("Business Country", Country),
            ("Other Country", Country),
        ],
        ..PLAIN
    },
    Layout {
        id: "thunderbird",
        name: "Thunderbird address book export",
        source: "mozilla/releases-comm-central mailnews/addrbook/test/unit/data/export.csv",
        signature: &[
            "First Name",
            "Last Name",
            "Display Name",
            "Primary Email",
            "Secondary Email",
            "Mobile Number",
        ],
        columns: &[
            ("Mobile Number", Phone),
            ("Work Phone", Phone),
            ("Home Phone", Phone),
            ("Primary Email", Email),
            ("Secondary Email", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Display Name", Name),
            ("Home Country", Country),
            ("Work Country", Country),
        ],
        ..PLAIN
    },
    Layout {
        id: "shopify_customers",
        name: "Shopify customers export",
        source: "Mobeen-Dev/Emails_Sender_Bot_script customers_export.csv",
        signature: &[
            "First Name",
            "Last Name",
            "Email",
            "Accepts Email Marketing",
            "Default Address Phone",
            "Accepts SMS Marketing",
        ],
        columns: &[
            ("Phone", Phone),
            ("Default Address Phone", Phone),
            ("Email", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Tags", Tags),
            ("Accepts SMS Marketing", SmsConsent),
            ("Accepts Email Marketing", EmailConsent),
            ("Default Address Country Code", Country),
        ],
        ..PLAIN
    },
    Layout {
        id: "shopify_customers_legacy",
        name: "Shopify customers export (legacy, before 2023)",
        source: "LiquidIQ/imagezoo-scripts customers_export.csv",
        signature: &[
            "First Name",
            "Last Name",
            "Email",
            "Address1",
            "Province Code",
            "Country Code",
            "Accepts Marketing",
        ],
        columns: &[
            ("Phone", Phone),
            ("Email", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Tags", Tags),
            ("Accepts Marketing", EmailConsent),
            ("Country Code", Country),
            ("Country", Country),
        ],
        ..PLAIN
    },
    Layout {
        id: "mailchimp",
        name: "Mailchimp audience export",
        source: "buren/honey_format spec/honey_format/csv_spec.rb (a Mailchimp export \
                 header); TAGS and the default Phone Number merge field as Mailchimp writes them",
        signature: &[
            "Email Address",
            "MEMBER_RATING",
            "OPTIN_TIME",
            "LEID",
            "EUID",
        ],
        columns: &[
            ("Phone Number", Phone),
            ("Phone", Phone),
            ("Email Address", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("TAGS", Tags),
            ("CC", Country),
        ],
        ..PLAIN
    },
    Layout {
        id: "hubspot",
        name: "HubSpot contacts export",
        source: "HubSpot contact property labels (Record ID, Phone Number, Mobile Phone \
                 Number, Country/Region) as its CRM export writes them",
        signature: &["Record ID", "First Name", "Last Name", "Email"],
        columns: &[
            ("Mobile Phone Number", Phone),
            ("Phone Number", Phone),
            ("Email", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Country/Region", Country),
            ("Country", Country),
            ("Unsubscribed from all email", EmailConsent),
            ("Marketing contact status", EmailConsent),
        ],
        ..PLAIN
    },
    Layout {
        id: "salesforce_report",
        name: "Salesforce contacts report export",
        source: "salesagility/SuiteCRM modules/Import/maps/ImportMapSalesforce.php",
        signature: &["First Name", "Last Name", "Account Name", "Mobile"],
        columns: &[
            ("Mobile", Phone),
            ("Phone", Phone),
            ("Home Phone", Phone),
            ("Other Phone", Phone),
            ("Email", Email),
            ("First Name", First),
            ("Last Name", Last),
            ("Mailing Country", Country),
            ("Other Country", Country),
            ("Email Opt Out", EmailConsent),
        ],
        ..PLAIN
    },
    Layout {
        id: "salesforce_api",
        name: "Salesforce Contact export (Data Loader / Data Export, API names)",
        source: "Salesforce Object Reference, Contact fields (MobilePhone, HomePhone, \
                 OtherPhone, MailingCountry, HasOptedOutOfEmail)",
        signature: &["AccountId", "FirstName", "LastName", "MobilePhone"],
        columns: &[
            ("MobilePhone", Phone),
            ("Phone", Phone),
            ("HomePhone", Phone),
            ("OtherPhone", Phone),
            ("Email", Email),
            ("FirstName", First),
            ("LastName", Last),
            ("Name", Name),
            ("MailingCountry", Country),
            ("OtherCountry", Country),
            ("HasOptedOutOfEmail", EmailConsent),
        ],
        ..PLAIN
    },
    Layout {
        id: "quickbooks_customers",
        name: "QuickBooks Online customer contact list",
        source: "QuickBooks Online Reports → Customer Contact List → Export to CSV",
        signature: &["Customer", "Phone Numbers", "Email", "Full Name"],
        columns: &[
            ("Phone Numbers", Phone),
            ("Email", Email),
            ("Full Name", Name),
        ],
        ..PLAIN
    },
    Layout {
        id: "quickbooks_customers_modern",
        name: "QuickBooks Online customer contact list (modern report view)",
        source: "QuickBooks Online Reports → Customer Contact List → Export to CSV, as \
                 public QuickBooks importers' test fixtures quote it (title lines above)",
        signature: &["Customer full name", "Phone numbers", "Email", "Full name"],
        columns: &[
            ("Phone numbers", Phone),
            ("Email", Email),
            ("Full name", Name),
        ],
        ..PLAIN
    },
    Layout {
        id: "brevo",
        name: "Brevo (Sendinblue) contacts export",
        source: "Brevo contact attributes EMAIL, FIRSTNAME, LASTNAME, SMS, \
                 EMAIL_BLACKLISTED, SMS_BLACKLISTED as its export writes them",
        signature: &["EMAIL", "SMS", "EMAIL_BLACKLISTED", "SMS_BLACKLISTED"],
        columns: &[
            ("SMS", Phone),
            ("EMAIL", Email),
            ("FIRSTNAME", First),
            ("LASTNAME", Last),
            ("SMS_BLACKLISTED", OptedOut),
            ("EMAIL_BLACKLISTED", EmailConsent),
        ],
        ..PLAIN
    },
    Layout {
        id: "apple_vcard",
        name: "Apple Contacts / iCloud vCard export",
        source: "Contacts on Mac, iPhone or iCloud.com → Export vCard (vCard 3.0, the only \
                 export Apple offers); read by crate::vcard, cards as in mangstadt/ez-vcard \
                 John_Doe_MAC_ADDRESS_BOOK.vcf",
        signature: &[
            APPLE_VCARD_LINE,
            "Mobile Phone",
            "Phone",
            "Fax",
            "Categories",
        ],
        columns: VCARD_COLUMNS,
        ..PLAIN
    },
    Layout {
        id: "vcard",
        name: "vCard file (Google, Outlook, Android; vCard 2.1, 3.0 or 4.0)",
        source: "read by crate::vcard; cards as in mangstadt/ez-vcard gmail-single2.vcf and \
                 FolkerKinzel/VCards v2_1.vcf",
        signature: &[VCARD_LINE, "Mobile Phone", "Phone", "Fax", "Categories"],
        columns: VCARD_COLUMNS,
        ..PLAIN
    },
    Layout {
        id: "hmbulk_export",
        name: "hmbulk export (Heymarket contacts)",
        source: "hmbulk-engine/src/export/columns.rs: the columns `hmbulk export` writes",
        signature: &["id", "uuid", "phone", "created", "updated"],
        columns: &[
            ("phone", Phone),
            ("email", Email),
            ("first", First),
            ("last", Last),
            ("display_name", Name),
            ("tags", Tags),
            ("is_opted_out", OptedOut),
            ("assignee", Assignee),
            ("uuid", Uuid),
        ],
        e164_digits: true,
        custom_fields: true,
        ..PLAIN
    },
];

/// The first column of the rows a vCard file gives (crate::vcard), which
/// tells Apple's files from the others.
const APPLE_VCARD_LINE: &str = crate::vcard::APPLE_LINE;
const VCARD_LINE: &str = crate::vcard::LINE;

/// What the rows of a vCard file hold ([`crate::vcard::COLUMNS`]): mobile
/// numbers before the others (each column preferred first), `Fax` unused.
const VCARD_COLUMNS: &[(&str, Use)] = &[
    ("Mobile Phone", Phone),
    ("Phone", Phone),
    ("Email", Email),
    ("First Name", First),
    ("Last Name", Last),
    ("Name", Name),
    ("Categories", Tags),
    ("Country", Country),
];

/// Does a file with this header hold E.164 digits without `+` (its layout's
/// [`Layout::e164_digits`])?
pub fn e164_digits(headers: &[String]) -> bool {
    detect(headers).is_some_and(|layout| layout.e164_digits)
}

/// The layout a header is, if any: one whose whole signature the header
/// has and which names one of its columns as the phone. A signature is a
/// few common names (`Record ID`, `First Name`, `Last Name`, `Email` is
/// HubSpot's, and Zoho CRM writes `Record Id` too); a layout that finds no
/// phone in the file does not describe it, and the file is read by its
/// header words and content instead.
pub fn detect(headers: &[String]) -> Option<&'static Layout> {
    let keys: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    LAYOUTS
        .iter()
        .filter(|layout| {
            layout
                .signature
                .iter()
                .all(|s| keys.contains(&normalise_header(s)))
        })
        .filter(|layout| {
            headers
                .iter()
                .any(|h| layout.place(h).is_some_and(|p| p.used == Phone))
        })
        .max_by_key(|layout| layout.signature.len())
}

/// A column's place in its layout: its use, its priority among columns of
/// that use (lower first), and the column that labels it (phone slots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub used: Use,
    pub priority: (usize, u32),
}

impl Layout {
    /// What this layout says `header` holds, if anything.
    pub fn place(&self, header: &str) -> Option<Place> {
        let key = normalise_header(header);
        self.columns
            .iter()
            .enumerate()
            .find_map(|(i, (spec, used))| {
                slot(spec, &key).map(|n| Place {
                    used: *used,
                    priority: (i, n),
                })
            })
    }

    /// The header (index into `headers`) labelling the phone in `header`'s slot.
    pub fn phone_label(&self, header: &str, headers: &[String]) -> Option<usize> {
        let key = normalise_header(header);
        let n = self
            .columns
            .iter()
            .filter(|(_, used)| *used == Phone)
            .find_map(|(spec, _)| spec.contains("{n}").then(|| slot(spec, &key)).flatten())?;
        self.phone_labels.iter().find_map(|spec| {
            let want = normalise_header(&spec.replace("{n}", &n.to_string()));
            headers.iter().position(|h| normalise_header(h) == want)
        })
    }
}

/// Does the normalised header `key` match `spec` (with `{n}` any number)?
/// Gives the slot number (0 without `{n}`).
fn slot(spec: &str, key: &str) -> Option<u32> {
    match spec.split_once("{n}") {
        None => (normalise_header(spec) == key).then_some(0),
        Some((before, after)) => {
            let rest = key.strip_prefix(&normalise_header(before))?;
            let digits = rest.strip_suffix(&normalise_header(after))?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str) -> Vec<String> {
        line.split(',').map(str::to_string).collect()
    }

    #[test]
    fn slots_match_numbers_only() {
        assert_eq!(slot("Phone {n} - Value", "phone2value"), Some(2));
        assert_eq!(slot("Phone {n} - Value", "phone12value"), Some(12));
        assert_eq!(slot("Phone {n} - Value", "phone1type"), None);
        assert_eq!(slot("Phone {n} - Value", "phonevalue"), None);
        assert_eq!(slot("Mobile Phone", "mobilephone"), Some(0));
    }

    #[test]
    fn the_most_specific_layout_wins() {
        let shopify = headers(
            "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,\
             Default Address Address1,Default Address Address2,Default Address City,\
             Default Address Province Code,Default Address Country Code,Default Address Zip,\
             Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,\
             Tax Exempt,Tags",
        );
        assert_eq!(detect(&shopify).map(|l| l.id), Some("shopify_customers"));
        assert!(detect(&headers("Phone,First Name,Last Name")).is_none());
    }

    #[test]
    fn a_signature_without_a_phone_column_of_the_layout_is_not_the_layout() {
        // HubSpot's signature; Zoho CRM's contacts export has it too, with
        // its phones in `Phone` and `Mobile`, which HubSpot never writes.
        let zoho = headers("Record Id,First Name,Last Name,Email,Phone,Mobile,Email Opt Out");
        assert!(detect(&zoho).is_none());
        let hubspot = headers("Record ID,First Name,Last Name,Email,Phone Number");
        assert_eq!(detect(&hubspot).map(|l| l.id), Some("hubspot"));
    }

    #[test]
    fn google_labels_pair_with_their_values() {
        let layout = LAYOUTS.iter().find(|l| l.id == "google_contacts").unwrap();
        let h = headers("Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value");
        assert_eq!(layout.phone_label("Phone 2 - Value", &h), Some(2));
        assert_eq!(layout.place("Phone 1 - Label"), None);
        assert_eq!(layout.place("Phone 2 - Value").unwrap().priority, (0, 2));
    }

    #[test]
    fn the_rows_of_a_vcard_file_are_a_known_layout() {
        for apple in [true, false] {
            let header: Vec<String> = crate::vcard::header(apple)
                .into_iter()
                .map(String::from)
                .collect();
            let layout = detect(&header).unwrap();
            assert_eq!(layout.id, if apple { "apple_vcard" } else { "vcard" });
            for (column, _) in layout.columns {
                assert!(crate::vcard::COLUMNS.contains(column), "{column}");
            }
        }
    }

    #[test]
    fn hmbulk_exports_are_known_and_read_e164_digits() {
        let export = headers("id,uuid,phone,first,last,email,tags,created,updated,Company");
        assert_eq!(detect(&export).map(|l| l.id), Some("hmbulk_export"));
        assert!(e164_digits(&export));
        assert!(!e164_digits(&headers("Mobile,uuid,phone")));
    }

    #[test]
    fn every_layout_names_a_phone_and_its_signature_columns_exist() {
        for layout in LAYOUTS {
            assert!(
                layout.columns.iter().any(|(_, u)| *u == Phone),
                "{} has a phone",
                layout.id
            );
            assert!(!layout.source.is_empty());
        }
    }
}
