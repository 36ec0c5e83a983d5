//! Unit tests of the header words: real headers of real exports (sources
//! named beside each list) read as a careful person reads them.
use super::Consent::*;
use super::Kind::*;
use super::*;

fn check(cases: &[(&str, Reading)]) {
    for (header, want) in cases {
        assert_eq!(read(header), *want, "{header:?}");
    }
}

#[test]
fn words_ignore_accents_case_punctuation_and_join_compounds() {
    assert_eq!(words("Téléphone (bureau)"), ["telephone", "bureau"]);
    assert_eq!(words("mobilePhone"), ["mobile", "phone"]);
    assert_eq!(words("E-Mail 2: Adresse"), ["email", "2", "adresse"]);
    assert_eq!(words("Straße"), ["strasse"]);
    assert_eq!(words("Opt-Out"), ["optout"]);
    assert_eq!(words("Do Not Call"), ["donotcall"]);
    assert_eq!(words("Phone1"), ["phone", "1"]);
    assert_eq!(number("Telefon (privat 2)"), 2);
}

/// Outlook's German export, as in calvinrbnspiess/operator-ip-kontaktbuch
/// README.md and roundcube/roundcubemail program/localization/de_DE/csv2vcard.inc.
#[test]
fn outlook_in_german() {
    check(&[
        ("Vorname", Reading::First),
        ("Weitere Vornamen", Reading::Describes),
        ("Nachname", Reading::Last),
        ("Mobiltelefon", Reading::Phone(Mobile)),
        ("Mobiltelefon 2", Reading::Phone(Mobile)),
        ("Haupttelefon", Reading::Phone(Main)),
        ("Telefon (privat)", Reading::Phone(Home)),
        ("Telefon geschäftlich", Reading::Phone(Work)),
        ("Telefon Firma", Reading::Phone(Work)),
        ("Weiteres Telefon", Reading::Phone(Other)),
        ("Autotelefon", Reading::Phone(Other)),
        ("Fax geschäftlich", Reading::Fax),
        ("Pager", Reading::Fax),
        ("Telefon für Hörbehinderte", Reading::Fax),
        ("Telefon Assistent", Reading::SomeoneElse),
        ("E-Mail-Adresse", Reading::Email(Plain)),
        ("E-Mail-Typ", Reading::Describes),
        ("E-Mail: Angezeigter Name", Reading::Describes),
        ("E-Mail 2: Adresse", Reading::Email(Other)),
        ("Land/Region privat", Reading::Country(Home)),
        ("Land/Region geschäftlich", Reading::Country(Work)),
        ("Kategorien", Reading::Tags),
        // A kind word alone (a company is a workplace): its content
        // decides, and a company's name is no phone.
        ("Firma", Reading::KindOnly(Work)),
        ("Position", Reading::Nothing),
        ("Name des/r Vorgesetzten", Reading::SomeoneElse),
        ("Geburtstag", Reading::Nothing),
    ]);
}

/// Outlook's French export: Polytechnique-org/platal
/// modules/carnet/outlook.inc.php and roundcube's fr_FR/csv2vcard.inc.
#[test]
fn outlook_in_french() {
    check(&[
        ("Prénom", Reading::First),
        ("Deuxième prénom", Reading::Describes),
        ("Nom", Reading::NameOrLast),
        ("Tél. mobile", Reading::Phone(Mobile)),
        ("Portable", Reading::Phone(Mobile)),
        ("Téléphone (bureau)", Reading::Phone(Work)),
        ("Téléphone 2 (domicile)", Reading::Phone(Home)),
        ("Téléphone principal", Reading::Phone(Main)),
        ("Téléphone (voiture)", Reading::Phone(Other)),
        ("Télécopie (bureau)", Reading::Fax),
        ("Récepteur de radiomessagerie", Reading::Fax),
        ("Téléphone de l'assistant(e)", Reading::SomeoneElse),
        ("Adresse de messagerie", Reading::Email(Plain)),
        ("Type de messagerie", Reading::Describes),
        ("Nom complet de l'adresse de messagerie", Reading::Describes),
        ("Adresse de messagerie 2", Reading::Email(Other)),
        ("Pays/Région (domicile)", Reading::Country(Home)),
        ("Catégories", Reading::Tags),
        ("Nom à afficher", Reading::Name),
        ("Titre", Reading::Nothing),
        ("Surnom", Reading::Nothing),
    ]);
}

/// Outlook in Spanish and Portuguese: roundcube's es_ES and pt_BR
/// csv2vcard.inc.
#[test]
fn outlook_in_spanish_and_portuguese() {
    check(&[
        ("Nombre", Reading::NameOrFirst),
        ("Segundo nombre", Reading::Describes),
        ("Apellidos", Reading::Last),
        ("Teléfono móvil", Reading::Phone(Mobile)),
        ("Teléfono del trabajo", Reading::Phone(Work)),
        ("Particular", Reading::Phone(Home)),
        ("Otro teléfono", Reading::Phone(Other)),
        ("Buscapersonas", Reading::Fax),
        ("Dirección de correo electrónico 2", Reading::Email(Other)),
        ("Categorías", Reading::Tags),
        ("País o región del domicilio", Reading::Country(Home)),
        ("Primeiro nome", Reading::First),
        ("Nome do meio", Reading::Describes),
        ("Último nome", Reading::Last),
        ("Celular", Reading::Phone(Mobile)),
        ("Fone comercial", Reading::Phone(Work)),
        ("Fone de casa", Reading::Phone(Home)),
        ("Endereço de E-mail", Reading::Email(Plain)),
        ("Região/País de casa", Reading::Country(Home)),
        ("Mostrar nome", Reading::Name),
        ("Nome", Reading::NameOrFirst),
        ("Cognome", Reading::Last),
        ("Cellulare", Reading::Phone(Mobile)),
        ("Voornaam", Reading::First),
        ("Achternaam", Reading::Last),
        ("Mobiel nummer", Reading::Phone(Mobile)),
    ]);
}

#[test]
fn names_of_other_things_and_dates_are_no_names() {
    check(&[
        ("ticket_name", Reading::Nothing),
        ("Company Name", Reading::Nothing),
        ("CompanyName", Reading::Nothing),
        ("First Visit", Reading::Nothing),
        ("Last Visit", Reading::Nothing),
        ("Last Activity", Reading::Nothing),
        ("Home County", Reading::Nothing),
        ("Name Prefix", Reading::Describes),
        ("Person - Name", Reading::Name),
        ("Person - First name", Reading::First),
        ("Display Name", Reading::Name),
        ("Full Name", Reading::Name),
        ("Given Name", Reading::First),
        ("Family Name", Reading::Last),
        ("Phone 1 - Type", Reading::Describes),
        ("Phone 1 - Label", Reading::Describes),
        ("Phone Country Code", Reading::Describes),
        ("Country Code", Reading::Country(Plain)),
        ("Labels", Reading::Tags),
        ("Person - Labels", Reading::Tags),
        ("Group Membership", Reading::Tags),
    ]);
}

#[test]
fn phones_rank_by_kind() {
    check(&[
        ("Person - Phone - Mobile", Reading::Phone(Mobile)),
        ("Person - Phone - Work", Reading::Phone(Work)),
        ("Person - Phone - Home", Reading::Phone(Home)),
        ("Phone 1", Reading::Phone(Plain)),
        ("Phone 2", Reading::Phone(Other)),
        ("Mobile Phone", Reading::Phone(Mobile)),
        ("Cell", Reading::Phone(Mobile)),
        ("Business Phone", Reading::Phone(Work)),
        ("Primary Phone", Reading::Phone(Main)),
        ("Handynummer", Reading::Phone(Mobile)),
        ("Person - Email - Work", Reading::Email(Work)),
        ("E-mail 1 - Value", Reading::Email(Plain)),
        ("E-mail 2 - Value", Reading::Email(Other)),
    ]);
    assert!(Mobile < Main && Main < Plain && Plain < Home && Home < Work && Work < Other);
}

/// Yahoo Mail's export (aureliojargas/applescripts "Export Contacts to
/// Yahoo CSV.applescript", in English and Brazilian Portuguese) names its
/// phone columns by kind alone; Zoho CRM's (omnivurse/crm-eco
/// scripts/migrate-zoho-contacts.ts) has the family's numbers beside the
/// contact's.
#[test]
fn a_kind_alone_is_read_with_the_content_and_a_relatives_number_is_not_the_contacts() {
    check(&[
        ("Home", Reading::KindOnly(Home)),
        ("Work", Reading::KindOnly(Work)),
        ("Other", Reading::KindOnly(Other)),
        ("Primary", Reading::KindOnly(Main)),
        ("Trabalho", Reading::KindOnly(Work)),
        ("Mobile", Reading::Phone(Mobile)),
        ("Celular", Reading::Phone(Mobile)),
        ("Work ZIP", Reading::Nothing),
        ("Home Address", Reading::Nothing),
        ("Informações pessoais", Reading::Nothing),
        ("Child 1 Phone Number", Reading::SomeoneElse),
        ("Child 1 Email", Reading::SomeoneElse),
        ("Spouse Phone Number", Reading::SomeoneElse),
        ("Telefon Ehepartner", Reading::SomeoneElse),
        ("Téléphone enfant", Reading::SomeoneElse),
        ("Work Phone", Reading::Phone(Work)),
    ]);
}

#[test]
fn consent_columns_in_every_language() {
    check(&[
        ("SMS subscriber status", Reading::Consent(Sms)),
        ("Email subscriber status", Reading::Consent(Email)),
        ("Accepts SMS Marketing", Reading::Consent(Sms)),
        ("Accepts Email Marketing", Reading::Consent(Email)),
        ("SMS Opt-in", Reading::Consent(Sms)),
        ("SMS ok", Reading::Consent(Sms)),
        ("Opted Out", Reading::Consent(OptedOut)),
        ("Unsubscribed", Reading::Consent(OptedOut)),
        ("SMS_BLACKLISTED", Reading::Consent(OptedOut)),
        ("Do Not Call", Reading::Consent(OptedOut)),
        ("Email Opt Out", Reading::Consent(Email)),
        ("Unsubscribed from all email", Reading::Consent(Email)),
        ("Person - Marketing status", Reading::Consent(Marketing)),
        ("Person - Marketing consent phone", Reading::Consent(Sms)),
        ("SMS-Einwilligung", Reading::Consent(Sms)),
        ("Abgemeldet", Reading::Consent(OptedOut)),
        ("Newsletter", Reading::Consent(Email)),
        ("Consentement SMS", Reading::Consent(Sms)),
        ("Désabonné", Reading::Consent(OptedOut)),
        ("Consentimiento SMS", Reading::Consent(Sms)),
        ("Dado de baja", Reading::Consent(OptedOut)),
        ("Aceita SMS", Reading::Consent(Sms)),
        ("Consenso SMS", Reading::Consent(Sms)),
        ("SMS toestemming", Reading::Consent(Sms)),
        ("Afgemeld", Reading::Consent(OptedOut)),
        ("Nicht kontaktieren", Reading::Consent(OptedOut)),
        ("Email Opt-in Date", Reading::Describes),
        ("SMS Consent Date", Reading::Describes),
        ("Opt-In Reason", Reading::Describes),
        ("Lead Status", Reading::Nothing),
    ]);
}
