//! What a header says, from its words, in the languages our users' tools
//! write: English, German, French, Spanish, Portuguese, Italian, Dutch.
//! Takes one header; gives a [`Reading`]: the field it names with the kind
//! (mobile, home, work …) that ranks it among columns of that field, a
//! column that describes another (`Phone 1 - Type`, `Email Opt-in Date`),
//! one that is never a contact's own (fax, pager, an assistant's phone), or
//! nothing.
//!
//! Accents, case, punctuation and word order do not count: a header is cut
//! into words (`Telefon (privat 2)` → telefon, privat, 2; `mobilePhone` →
//! mobile, phone) and each word is matched whole, or as the start or end of
//! a compound (`Mobiltelefon`, `Handynummer`, `E-Mail-Adresse`). Column
//! content may still refuse a reading ([`super::content`]).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The kind of a phone, email or country column: its rank among columns
/// of its field (lower first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// Mobile, cell, handy, portable, celular …: first.
    Mobile,
    /// Primary, main.
    Main,
    /// No kind named.
    Plain,
    Home,
    Work,
    Other,
}

/// Which way a consent column asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Consent {
    /// An SMS, text or phone opt-out, or an opt-out of no named channel
    /// (`Unsubscribed`, `Do not contact`): yes = opted out.
    OptedOut,
    /// SMS, text or phone consent or subscription: yes = textable.
    Sms,
    /// Marketing consent or subscription of no named channel: no = opted
    /// out, yes leaves the contact as it is.
    Marketing,
    /// Consent or opt-out of email only: not SMS consent, ignored.
    Email,
}

/// What a header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    Phone(Kind),
    Email(Kind),
    First,
    Last,
    /// The whole name.
    Name,
    /// `Nom`: the family name beside a first-name column (Outlook in
    /// French), else the whole name.
    NameOrLast,
    /// `Nombre`, `Nome`: the first name beside a family-name column
    /// (Spanish, Portuguese, Italian), else the whole name.
    NameOrFirst,
    Country(Kind),
    Tags,
    Consent(Consent),
    Assignee,
    /// `Owner`: a member of this team only if its values name one.
    Owner,
    Uuid,
    /// Fax, pager, telex, TTY: never a contact's phone.
    Fax,
    /// Another person's phone, email or name (assistant, manager,
    /// spouse, child, emergency contact).
    SomeoneElse,
    /// Only a kind of phone or email, no field word (`Home`, `Work`,
    /// `Other`, `Trabalho` — Yahoo's phone columns): a phone or an email
    /// of that kind when the content says which, else nothing.
    KindOnly(Kind),
    /// Describes another column's value (`Phone 1 - Type`, `E-Mail-Typ`,
    /// `Email Opt-in Date`, `Middle Name`): not a field.
    Describes,
    /// No field's words.
    Nothing,
}

/// The words of a header: accents removed, lower case, cut at punctuation,
/// spaces, lower→upper case changes and letter↔digit changes; `e mail`,
/// `opt out`, `opt in` joined.
pub(super) fn words(header: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev: Option<char> = None;
    for c in header.nfkd().filter(|c| !is_combining_mark(*c)) {
        if matches!(c, 'ß' | 'ẞ') {
            word.push_str("ss");
            prev = Some('s');
            continue;
        }
        let split = match prev {
            _ if !c.is_alphanumeric() => true,
            Some(p) => {
                (c.is_uppercase() && p.is_lowercase())
                    || (c.is_ascii_digit() != p.is_ascii_digit() && p.is_alphanumeric())
            }
            None => false,
        };
        if split && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    if !word.is_empty() {
        out.push(word);
    }
    join_pairs(out)
}

/// `e mail` → `email`, `opt out` → `optout`, `do not call` →
/// `donotcall`, `ne pas contacter` → `donotcontact`.
fn join_pairs(words: Vec<String>) -> Vec<String> {
    const PHRASES: &[(&[&str], &str)] = &[
        (&["do", "not", "call"], "donotcall"),
        (&["do", "not", "text"], "donottext"),
        (&["do", "not", "sms"], "donotsms"),
        (&["do", "not", "contact"], "donotcontact"),
        (&["do", "not", "email"], "donotemail"),
        (&["do", "not", "mail"], "donotemail"),
        (&["nicht", "kontaktieren"], "donotcontact"),
        (&["keine", "sms"], "donotsms"),
        (&["ne", "pas", "contacter"], "donotcontact"),
        (&["no", "contactar"], "donotcontact"),
        (&["nao", "contactar"], "donotcontact"),
        (&["nao", "contatar"], "donotcontact"),
        (&["non", "contattare"], "donotcontact"),
        (&["niet", "benaderen"], "donotcontact"),
        (&["niet", "contacteren"], "donotcontact"),
        (&["niet", "bellen"], "donotcall"),
    ];
    let mut words = words;
    let mut i = 0;
    while i < words.len() {
        if let Some((phrase, one)) = PHRASES.iter().find(|(p, _)| {
            words.len() >= i + p.len()
                && words[i..i + p.len()]
                    .iter()
                    .zip(p.iter())
                    .all(|(a, b)| a == b)
        }) {
            words.splice(i..i + phrase.len(), [one.to_string()]);
        }
        i += 1;
    }
    const PAIRS: &[(&str, &str)] = &[
        ("e", "mail"),
        ("opt", "out"),
        ("opt", "in"),
        ("opted", "out"),
        ("opted", "in"),
        ("un", "subscribed"),
        ("black", "listed"),
    ];
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if let Some(last) = out.last_mut()
            && PAIRS.iter().any(|(a, b)| last == a && w == *b)
        {
            last.push_str(&w);
            continue;
        }
        out.push(w);
    }
    out
}

/// A set of words: matched whole, or (`parts`) as the start or end of a
/// longer word.
struct Words {
    whole: &'static [&'static str],
    parts: &'static [&'static str],
}

impl Words {
    fn matches(&self, word: &str) -> bool {
        self.whole.contains(&word)
            || self.parts.iter().any(|p| {
                word == *p || (word.len() > p.len() && (word.starts_with(p) || word.ends_with(p)))
            })
    }

    fn any(&self, words: &[String]) -> bool {
        words.iter().any(|w| self.matches(w))
    }
}

const PHONE: Words = Words {
    whole: &[
        "phone",
        "phones",
        "tel",
        "telephone",
        "telefon",
        "telefono",
        "telefone",
        "telefoon",
        "fone",
        "cel",
        "tlf",
        "tfno",
        "landline",
        "festnetz",
        "rufnummer",
        "phonenumber",
        "cellphone",
        "smartphone",
        "handy",
        "gsm",
        "whatsapp",
        "mobile",
        "mobil",
        "mobiel",
        "movil",
        "cell",
        "cellular",
        "celular",
        "cellulare",
        "cellulaire",
        "portable",
        "telemovel",
        "sms",
        "particular",
    ],
    parts: &[
        "telefon", "telephon", "telefone", "telefono", "phone", "handy", "mobil",
    ],
};

const MOBILE: Words = Words {
    whole: &[
        "mobile",
        "mobil",
        "mobiel",
        "movil",
        "cell",
        "cellular",
        "cellphone",
        "celular",
        "cellulare",
        "cellulaire",
        "handy",
        "portable",
        "telemovel",
        "gsm",
        "sms",
        "whatsapp",
        "smartphone",
        "cel",
    ],
    parts: &["mobil", "handy", "cellphone"],
};

const HOME: Words = Words {
    whole: &[
        "home",
        "private",
        "privat",
        "prive",
        "privee",
        "personal",
        "personnel",
        "casa",
        "domicile",
        "domicilio",
        "residencia",
        "residential",
        "residence",
        "thuis",
        "maison",
        "particular",
        "festnetz",
        "landline",
        "house",
        "priv",
        "pessoal",
        "personale",
    ],
    parts: &[],
};

const WORK: Words = Words {
    whole: &[
        "work",
        "business",
        "office",
        "company",
        "job",
        "geschaftlich",
        "dienstlich",
        "buro",
        "firma",
        "arbeit",
        "travail",
        "professionnel",
        "professionnelle",
        "bureau",
        "trabajo",
        "oficina",
        "empresa",
        "laboral",
        "trabalho",
        "comercial",
        "escritorio",
        "lavoro",
        "ufficio",
        "werk",
        "zakelijk",
        "kantoor",
        "bedrijf",
        "societe",
        "corporate",
        "direct",
    ],
    parts: &[],
};

const OTHER: Words = Words {
    whole: &[
        "other",
        "others",
        "andere",
        "anderes",
        "weitere",
        "weiteres",
        "weiterer",
        "autre",
        "otro",
        "otra",
        "outro",
        "outra",
        "altro",
        "altra",
        "overig",
        "overige",
        "additional",
        "alternate",
        "alternative",
        "alt",
        "secondary",
        "second",
        "car",
        "autotelefon",
        "voiture",
        "radio",
        "callback",
        "ruckmeldung",
        "rappel",
        "isdn",
        "rnis",
        "sekundare",
        "secondaire",
        "secundaria",
        "secundario",
        "secondario",
    ],
    parts: &[],
};

const MAIN: Words = Words {
    whole: &[
        "primary",
        "main",
        "principal",
        "primaire",
        "principale",
        "primario",
        "primaria",
        "default",
        "preferred",
        "primare",
        "haupt",
        "haupttelefon",
    ],
    parts: &["haupt"],
};

const FAX: Words = Words {
    whole: &[
        "fax",
        "faxes",
        "telefax",
        "telecopie",
        "facsimile",
        "pager",
        "beeper",
        "piepser",
        "radiomessagerie",
        "buscapersonas",
        "telex",
        "tty",
        "tdd",
        "horbehinderte",
        "bip",
        "cercapersone",
    ],
    parts: &["fax", "pager"],
};

const SOMEONE_ELSE: Words = Words {
    whole: &[
        "assistant",
        "assistants",
        "assistent",
        "assistente",
        "asistente",
        "assistenten",
        "manager",
        "managers",
        "vorgesetzten",
        "spouse",
        "partner",
        "conjoint",
        "conjointe",
        "emergency",
        "notfall",
        "urgence",
        "emergencia",
        "parent",
        "parents",
        "guardian",
        "eltern",
        "recipient",
        "child",
        "children",
        "kid",
        "kids",
        "son",
        "daughter",
        "mother",
        "father",
        "husband",
        "wife",
        "enfant",
        "enfants",
        "hijo",
        "hija",
        "hijos",
        "filho",
        "filha",
        "filhos",
        "figlio",
        "figlia",
        "figli",
        "sohn",
        "tochter",
        "ehepartner",
        "ehefrau",
        "ehemann",
        "epoux",
        "epouse",
        "esposo",
        "esposa",
        "conyuge",
        "echtgenoot",
        "echtgenote",
        "referrer",
        "referred",
        "empfohlen",
        "recommande",
    ],
    parts: &[],
};

const EMAIL: Words = Words {
    whole: &[
        "email",
        "emails",
        "mail",
        "courriel",
        "correo",
        "correio",
        "messagerie",
        "mel",
        "emailadres",
        "emailadresse",
        "electronico",
        "electronica",
        "eletronico",
        "elettronica",
        "posta",
    ],
    parts: &["email", "mailadres"],
};

const FIRST: Words = Words {
    whole: &[
        "first",
        "firstname",
        "given",
        "givenname",
        "forename",
        "vorname",
        "vornamen",
        "prenom",
        "voornaam",
        "primeiro",
        "primer",
        "rufname",
    ],
    parts: &["vorname", "firstname"],
};

const LAST: Words = Words {
    whole: &[
        "last",
        "lastname",
        "surname",
        "family",
        "familyname",
        "nachname",
        "familienname",
        "zuname",
        "apellido",
        "apellidos",
        "sobrenome",
        "ultimo",
        "cognome",
        "achternaam",
        "famille",
        "apelidos",
    ],
    parts: &["nachname", "lastname", "surname"],
};

const NAME: Words = Words {
    whole: &[
        "name",
        "names",
        "fullname",
        "displayname",
        "naam",
        "anzeigename",
        "nominativo",
        "nomecompleto",
        "contactname",
    ],
    parts: &[],
};

/// Words that make a name column something other than a person's first,
/// last or whole name.
const NOT_A_NAME: Words = Words {
    whole: &[
        "middle",
        "additional",
        "weitere",
        "deuxieme",
        "segundo",
        "segunda",
        "secondo",
        "meio",
        "tussenvoegsel",
        "nickname",
        "nick",
        "spitzname",
        "surnom",
        "apodo",
        "apelido",
        "soprannome",
        "bijnaam",
        "phonetic",
        "yomi",
        "maiden",
        "suffix",
        "suffixe",
        "sufixo",
        "prefix",
        "initials",
        "initialen",
        "initiales",
        "salutation",
        "anrede",
        "pronoun",
        "username",
        "user",
        "login",
        "screen",
        "file",
        "as",
    ],
    parts: &[],
};

/// Words a person's name may carry beside the name word (`Customer Name`,
/// `Person - Name`, `Nom complet`, `Nombre completo`), and joining words.
const PERSON: Words = Words {
    whole: &[
        "full",
        "display",
        "contact",
        "customer",
        "client",
        "person",
        "member",
        "attendee",
        "buyer",
        "guest",
        "patient",
        "student",
        "subscriber",
        "lead",
        "billing",
        "complet",
        "completo",
        "completa",
        "vollstandiger",
        "volledige",
        "angezeigter",
        "affichage",
        "afficher",
        "pantalla",
        "exibicao",
        "de",
        "des",
        "du",
        "do",
        "da",
        "del",
        "la",
        "le",
        "of",
        "the",
        "a",
        "van",
        "von",
        "der",
        "den",
        "kunde",
        "kunden",
        "cliente",
        "mitglied",
        "klant",
        "teilnehmer",
        "participant",
        "participante",
        "your",
        "nom",
        "nombre",
        "nome",
        "name",
        "first",
        "last",
        "given",
        "family",
        "mostrar",
        "en",
    ],
    parts: &[],
};

/// Words that make a name word the whole name.
const WHOLE_NAME: Words = Words {
    whole: &[
        "full",
        "display",
        "complet",
        "completo",
        "completa",
        "vollstandiger",
        "volledige",
        "angezeigter",
        "affichage",
        "afficher",
        "pantalla",
        "mostrar",
        "exibicao",
        "contact",
    ],
    parts: &[],
};

const COUNTRY: Words = Words {
    whole: &[
        "country",
        "countries",
        "countryregion",
        "countrycode",
        "land",
        "pays",
        "pais",
        "paese",
        "nazione",
        "heimatland",
        "herkunftsland",
        "wohnland",
        "landregion",
        "cc",
        "isocountry",
    ],
    parts: &[],
};

const MAILING: Words = Words {
    whole: &[
        "mailing",
        "postal",
        "billing",
        "address",
        "adresse",
        "direccion",
        "endereco",
        "indirizzo",
        "adres",
        "rechnung",
        "facturation",
        "facturacion",
        "cobranca",
    ],
    parts: &[],
};

const TAGS: Words = Words {
    whole: &[
        "tags",
        "tag",
        "labels",
        "label",
        "categories",
        "category",
        "kategorien",
        "kategorie",
        "categorie",
        "categorias",
        "categoria",
        "categorieen",
        "groups",
        "group",
        "gruppen",
        "gruppe",
        "groupes",
        "groupe",
        "grupos",
        "grupo",
        "gruppi",
        "gruppo",
        "groepen",
        "groep",
        "etiquetas",
        "etiqueta",
        "etichette",
        "etiquettes",
        "etiketten",
        "membership",
        "schlagworter",
    ],
    parts: &[],
};

/// Words that say a column describes another's value.
const DESCRIBES: Words = Words {
    whole: &[
        "type",
        "types",
        "typ",
        "tipo",
        "kind",
        "art",
        "date",
        "datum",
        "fecha",
        "data",
        "time",
        "timestamp",
        "zeit",
        "hora",
        "id",
        "ids",
        "code",
        "ext",
        "extension",
        "durchwahl",
        "verified",
        "valid",
        "validated",
        "count",
        "source",
        "quelle",
        "origem",
        "origen",
        "reason",
        "grund",
        "motif",
        "motivo",
        "method",
        "ip",
        "at",
        "on",
        "by",
        "version",
        "level",
        "url",
        "link",
        "notes",
        "note",
        "status",
        "formatted",
        "yomi",
        "display",
        "angezeigter",
        "anzeigename",
        "street",
        "city",
        "zip",
        "region",
        "state",
        "province",
        "last4",
        "digits",
        "prefix",
        "dialing",
        "vorwahl",
        "indicatif",
        "prefijo",
        "label",
    ],
    parts: &[],
};

const OPT_OUT: Words = Words {
    whole: &[
        "optout",
        "optedout",
        "unsubscribed",
        "unsubscribe",
        "unsubscribes",
        "abgemeldet",
        "abmeldung",
        "ausgetragen",
        "abbestellt",
        "desabonne",
        "desinscrit",
        "desinscription",
        "desabonnement",
        "baja",
        "desuscrito",
        "descadastrado",
        "descadastro",
        "disiscritto",
        "disiscrizione",
        "afgemeld",
        "afmelding",
        "uitgeschreven",
        "dnc",
        "blacklisted",
        "blacklist",
        "blocklisted",
        "suppressed",
        "suppression",
        "stop",
        "widerspruch",
        "opposition",
        "donottext",
        "donotcontact",
        "donotcall",
        "donotsms",
        "isoptedout",
        "smsoptout",
        "smsblacklisted",
        "smsunsubscribed",
        "donotemail",
    ],
    parts: &["optout", "optedout", "unsubscrib", "blacklist"],
};

const CONSENT: Words = Words {
    whole: &[
        "consent",
        "consents",
        "consented",
        "optin",
        "optedin",
        "permission",
        "permissions",
        "accepts",
        "accept",
        "accepted",
        "subscribed",
        "subscription",
        "subscriptions",
        "subscriber",
        "subscribe",
        "einwilligung",
        "zustimmung",
        "einverstandnis",
        "erlaubnis",
        "abonniert",
        "abonnement",
        "anmeldung",
        "angemeldet",
        "consentement",
        "autorisation",
        "accepte",
        "abonne",
        "inscrit",
        "inscription",
        "consentimiento",
        "permiso",
        "acepta",
        "suscrito",
        "suscripcion",
        "consentimento",
        "permissao",
        "aceita",
        "inscrito",
        "assinatura",
        "consenso",
        "autorizzazione",
        "accetta",
        "iscritto",
        "iscrizione",
        "toestemming",
        "akkoord",
        "aangemeld",
        "inschrijving",
        "agree",
        "agreed",
        "allow",
        "allowed",
        "ok",
        "erlaubt",
        "newsletter",
        "marketing",
        "smsconsent",
        "smsoptin",
        "textoptin",
    ],
    parts: &["consent", "einwillig", "optin"],
};

/// Channels a consent column may name.
const SMS_CHANNEL: Words = Words {
    whole: &[
        "sms",
        "text",
        "texts",
        "texting",
        "textmessage",
        "textmessages",
        "texto",
        "textos",
        "mms",
        "whatsapp",
        "phone",
        "telefon",
        "telephone",
        "telefono",
        "telefone",
        "mobile",
        "mobil",
        "handy",
        "call",
        "smsconsent",
        "smsoptin",
        "smsoptout",
        "textoptin",
        "smsblacklisted",
        "smsunsubscribed",
        "donottext",
        "donotcall",
        "donotsms",
        "dnc",
        "messages",
        "nachrichten",
    ],
    parts: &["sms"],
};

const EMAIL_CHANNEL: Words = Words {
    whole: &[
        "email",
        "mail",
        "emails",
        "newsletter",
        "courriel",
        "correo",
        "correio",
        "emailing",
        "mailing",
    ],
    parts: &["email", "newsletter"],
};

const DESCRIBES_CONSENT: Words = Words {
    whole: &[
        "date",
        "datum",
        "fecha",
        "data",
        "time",
        "timestamp",
        "zeit",
        "at",
        "on",
        "by",
        "source",
        "quelle",
        "origem",
        "origen",
        "reason",
        "grund",
        "motif",
        "motivo",
        "method",
        "ip",
        "version",
        "level",
        "wording",
        "count",
        "id",
        "type",
        "updated",
        "changed",
    ],
    parts: &[],
};

const ASSIGNEE: Words = Words {
    whole: &[
        "assignee",
        "assigned",
        "assigneduser",
        "assignedto",
        "assigneeid",
    ],
    parts: &[],
};

const OWNER: Words = Words {
    whole: &[
        "owner",
        "owners",
        "zustandig",
        "betreuer",
        "responsable",
        "responsavel",
        "responsabile",
        "eigenaar",
    ],
    parts: &[],
};

/// Read one header.
pub(super) fn read(header: &str) -> Reading {
    let w = words(without_position(header));
    if w.is_empty() {
        return Reading::Nothing;
    }
    if let Some(consent) = consent(&w) {
        return consent;
    }
    if FAX.any(&w) {
        return Reading::Fax;
    }
    let phone = PHONE.any(&w);
    let email = EMAIL.any(&w);
    let first = FIRST.any(&w);
    let last = LAST.any(&w);
    let name_word = NAME.any(&w)
        || w.iter()
            .any(|x| ["nom", "nombre", "nome"].contains(&x.as_str()));
    if (phone || email || first || last || name_word) && SOMEONE_ELSE.any(&w) {
        return Reading::SomeoneElse;
    }
    let describes = DESCRIBES.any(&w);
    if phone {
        if describes || email || (name_word && !TAGS.any(&w)) {
            return Reading::Describes;
        }
        return Reading::Phone(kind(&w, Kind::Plain));
    }
    if email {
        // An address's type or display name describes it.
        if describes || first || last || name_word || TAGS.any(&w) {
            return Reading::Describes;
        }
        return Reading::Email(kind(&w, Kind::Plain));
    }
    if first || last || name_word {
        return name(&w, first, last);
    }
    if COUNTRY.any(&w) {
        let dial = w.iter().any(|x| {
            [
                "dial",
                "dialing",
                "calling",
                "vorwahl",
                "indicatif",
                "prefijo",
            ]
            .contains(&x.as_str())
        });
        if dial {
            return Reading::Describes;
        }
        let kind = if MAILING.any(&w) {
            Kind::Home
        } else {
            kind(&w, Kind::Plain)
        };
        let kind = match kind {
            Kind::Mobile | Kind::Main => Kind::Plain,
            k => k,
        };
        return Reading::Country(kind);
    }
    if TAGS.any(&w) {
        // `Label` alone is tags; `Phone 1 - Label` was a phone word above.
        let others = w
            .iter()
            .filter(|x| !TAGS.matches(x) && !PERSON.matches(x) && !is_number(x));
        return if others.count() == 0 || w.iter().any(|x| x == "membership") {
            Reading::Tags
        } else {
            Reading::Nothing
        };
    }
    if ASSIGNEE.any(&w) {
        return Reading::Assignee;
    }
    if OWNER.any(&w) && !describes {
        return Reading::Owner;
    }
    if w.len() <= 2 && w.iter().any(|x| x == "uuid" || x == "contactuuid") {
        return Reading::Uuid;
    }
    let kind_word = |x: &String| {
        [&MOBILE, &MAIN, &HOME, &WORK, &OTHER]
            .iter()
            .any(|k| k.matches(x))
    };
    if w.iter().any(kind_word) && w.iter().all(|x| kind_word(x) || is_number(x)) {
        return Reading::KindOnly(kind(&w, Kind::Plain));
    }
    Reading::Nothing
}

/// A header without the spreadsheet column letter that tells a repeated
/// header apart (`Nom (E)` → `Nom`, [`crate::input`]).
fn without_position(header: &str) -> &str {
    let trimmed = header.trim_end();
    if let Some(open) = trimmed.rfind(" (")
        && trimmed.ends_with(')')
    {
        let inner = &trimmed[open + 2..trimmed.len() - 1];
        if (1..=3).contains(&inner.len()) && inner.bytes().all(|b| b.is_ascii_uppercase()) {
            return &trimmed[..open];
        }
    }
    header
}

/// A consent or opt-out header's reading, if it is one.
fn consent(w: &[String]) -> Option<Reading> {
    let opt_out = OPT_OUT.any(w);
    let status = w
        .iter()
        .any(|x| x == "status" || x == "statut" || x == "estado");
    let sms = SMS_CHANNEL.any(w);
    let email = EMAIL_CHANNEL.any(w) && !sms;
    let consent = CONSENT.any(w) || (status && (sms || email));
    if !opt_out && !consent {
        return None;
    }
    if DESCRIBES_CONSENT.any(w) {
        return Some(Reading::Describes);
    }
    let asks = match (opt_out, sms, email) {
        (_, _, true) => Consent::Email,
        (true, _, _) => Consent::OptedOut,
        (false, true, _) => Consent::Sms,
        (false, false, _) => Consent::Marketing,
    };
    Some(Reading::Consent(asks))
}

/// First, last or whole name.
fn name(w: &[String], first: bool, last: bool) -> Reading {
    if NOT_A_NAME.any(w) {
        return Reading::Describes;
    }
    // `Ticket Name`, `Company Name`, `Nom de l'entreprise`: the name of
    // something else.
    let other = w.iter().any(|x| {
        !PERSON.matches(x)
            && !FIRST.matches(x)
            && !LAST.matches(x)
            && !NAME.matches(x)
            && !is_number(x)
    });
    if other {
        return Reading::Nothing;
    }
    let has = |s: &str| w.iter().any(|x| x == s);
    let whole = WHOLE_NAME.any(w);
    match (first, last) {
        (true, false) => Reading::First,
        (false, true) => Reading::Last,
        (true, true) => Reading::Nothing,
        _ if whole => Reading::Name,
        _ if has("nom") => Reading::NameOrLast,
        _ if has("nombre") || has("nome") => Reading::NameOrFirst,
        _ => Reading::Name,
    }
}

/// The kind a header's words name (`default` when none).
fn kind(w: &[String], default: Kind) -> Kind {
    if MOBILE.any(w) {
        Kind::Mobile
    } else if MAIN.any(w) {
        Kind::Main
    } else if OTHER.any(w) {
        Kind::Other
    } else if WORK.any(w) {
        Kind::Work
    } else if HOME.any(w) {
        Kind::Home
    } else if w.iter().any(|x| is_number(x) && x != "1") {
        Kind::Other
    } else {
        default
    }
}

/// A value that names a kind of phone (`Mobile`, `Work`, `Privat`,
/// `Fax`): what a type or label column holds.
pub(super) fn names_a_kind(value: &str) -> bool {
    let w = words(value);
    !w.is_empty()
        && w.iter().all(|x| {
            [&MOBILE, &HOME, &WORK, &OTHER, &MAIN, &FAX, &PHONE]
                .iter()
                .any(|set| set.matches(x))
        })
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// The number in a header (`Phone 2` → 2), to order columns of one kind.
pub(super) fn number(header: &str) -> u32 {
    words(header)
        .iter()
        .find(|w| is_number(w))
        .and_then(|w| w.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
