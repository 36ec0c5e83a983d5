//! Cards as real products write them (sources cited per test), read to rows.

use super::*;

fn rows(text: &str) -> Vec<Vec<String>> {
    let mut out = String::new();
    csv(Box::new(io::Cursor::new(text.as_bytes().to_vec())), false)
        .read_to_string(&mut out)
        .unwrap();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Mac OS X Address Book, vCard 3.0: mangstadt/ez-vcard
/// `branches/scribes/src/test/resources/ezvcard/io/text/John_Doe_MAC_ADDRESS_BOOK.vcf`
/// (lines verbatim; NOTE and most of the folded photo cut).
const MAC_ADDRESS_BOOK: &str = "BEGIN:VCARD\n\
VERSION:3.0\n\
N:Doe;John;Richter\\,James;Mr.;Sr.\n\
FN:Mr. John Richter\\,James Doe Sr.\n\
NICKNAME:Johny\n\
ORG:IBM;Accounting\n\
TITLE:Money Counter\n\
EMAIL;type=INTERNET;type=WORK;type=pref:john.doe@ibm.com\n\
TEL;type=WORK;type=pref:905-777-1234\n\
TEL;type=HOME:905-666-1234\n\
TEL;type=CELL:905-555-1234\n\
TEL;type=HOME;type=FAX:905-888-1234\n\
TEL;type=WORK;type=FAX:905-999-1234\n\
TEL;type=PAGER:905-111-1234\n\
item1.TEL:905-222-1234\n\
item1.X-ABLabel:AssistantPhone\n\
item2.ADR;type=HOME;type=pref:;;Silicon Alley 5\\,;New York;New York;12345;United States of America\n\
item2.X-ABADR:Silicon Alley\n\
item4.URL;type=pref:http\\://www.ibm.com\n\
item4.X-ABLabel:_$!<HomePage>!$_\n\
BDAY;value=date:2012-06-06\n\
PHOTO;BASE64:\n  /9j/4AAQSkZJRgABAQAAAQABAAD/4QBARXhpZgAATU0AKgAAAAgAAYdpAAQAAAABAAAAGgAAAAAA\n\
  AqACAAQAAAABAAABAKADAAQAAAABAAABAAAAAAD/2wBDAAIBAQIBAQICAQICAgICAwUDAwMDAwYE\n\
END:VCARD\n";

#[test]
fn a_mac_address_book_card() {
    let rows = rows(MAC_ADDRESS_BOOK);
    assert_eq!(rows[0][0], LINE);
    assert_eq!(&rows[0][1..], COLUMNS);
    let r = &rows[1];
    assert_eq!(r[0], "1", "the line of BEGIN:VCARD");
    assert_eq!(r[1], "Mr. John Richter,James Doe Sr.");
    assert_eq!((r[2].as_str(), r[3].as_str()), ("John", "Doe"));
    assert_eq!(r[4], "905-555-1234", "the CELL number");
    // The preferred work number first, then file order; the pager is a
    // phone, the faxes are not.
    assert_eq!(
        r[5],
        "905-777-1234 ::: 905-666-1234 ::: 905-111-1234 ::: 905-222-1234"
    );
    assert_eq!(r[6], "905-888-1234 ::: 905-999-1234");
    assert_eq!(r[7], "john.doe@ibm.com");
    assert_eq!(r[8], "United States of America", "X-ABADR is no code here");
    assert_eq!(rows.len(), 2);
}

/// Outlook / Windows Address Book, vCard 2.1 with quoted-printable UTF-8:
/// FolkerKinzel/VCards `FolkerKinzel.VCards.Tests/TestFiles/v2_1.vcf`
/// (lines verbatim, numbers put in place of its placeholder words, NOTE cut).
#[test]
fn an_outlook_2_1_card_with_quoted_printable() {
    let text = "BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;Middle Name;Dr.\r\n\
FN:Maxl\r\n\
ORG;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:Firma;F=C3=BChrungsetage\r\n\
TEL;WORK;VOICE;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:0221 9999=\r\n\
123\r\n\
TEL;HOME;VOICE:0221 1234567\r\n\
TEL;CELL;VOICE:0151 23456789\r\n\
TEL;WORK;FAX:0123/579\r\n\
ADR;HOME;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:;;Stra=C3=9Fe;Ort;Bundesland;PLZ;Deutschland\r\n\
EMAIL;PREF;INTERNET:privat@folker-kinzel.de\r\n\
EMAIL;INTERNET:business@folker-kinzel.de\r\n\
REV:20190710T084311Z\r\n\
END:VCARD\r\n";
    let r = &rows(text)[1];
    assert_eq!((r[2].as_str(), r[3].as_str()), ("Jürgen", "Müller"));
    assert_eq!(r[4], "0151 23456789");
    assert_eq!(r[5], "0221 9999123 ::: 0221 1234567", "a soft line break");
    assert_eq!(r[6], "0123/579");
    assert_eq!(
        r[7],
        "privat@folker-kinzel.de ::: business@folker-kinzel.de"
    );
    assert_eq!(r[8], "Deutschland");
}

/// A Gmail export, vCard 3.0: mangstadt/ez-vcard
/// `src/test/resources/ezvcard/io/text/gmail-single2.vcf` (its phone lines
/// verbatim; the CELL number is the one taken).
#[test]
fn a_gmail_card_puts_the_cell_number_first() {
    let text = "BEGIN:VCARD\nVERSION:3.0\nFN:VCard Test\nN:Test;VCard;;;\n\
EMAIL;TYPE=INTERNET:email@example.com\n\
TEL:5555551111\nTEL;TYPE=HOME:5555551112\nTEL;TYPE=CELL:5555551115\n\
TEL;TYPE=HOME;TYPE=FAX:5555551117\n\
item2.TEL:5555551119\nitem2.X-ABLabel:GRAND_CENTRAL\n\
item3.TEL:5555551121\nitem3.X-ABLabel:CustomePhoneCategory\n\
CATEGORIES:myContacts,starred,Vendors\n\
END:VCARD\n";
    let r = &rows(text)[1];
    assert_eq!(r[4], "5555551115");
    assert_eq!(
        r[5],
        "5555551111 ::: 5555551112 ::: 5555551119 ::: 5555551121"
    );
    assert_eq!(r[9], "\"Vendors\"", "Google's own groups are not tags");
}

#[test]
fn apple_labels_uris_and_preference() {
    let text = "BEGIN:VCARD\nVERSION:4.0\nFN:Marie Curie\n\
TEL;TYPE=\"voice,home\";PREF=2:+33 1 23 45 67 89\n\
TEL;TYPE=voice;PREF=1:+33 1 98 76 54 32\n\
TEL;TYPE=cell;VALUE=uri:tel:+33-6-98-76-54-32;ext=12\n\
item1.TEL:+49 151 23456789\nitem1.X-ABLabel:Handy\n\
item2.TEL:+1 415 555 0101\nitem2.X-ABLabel:_$!<Mobile>!$_\n\
item3.ADR:;;1 rue;Paris;;75001;République française\nitem3.X-ABADR:fr\n\
CATEGORIES:VIP,Work\\,Play\n\
END:VCARD\n";
    let r = &rows(text)[1];
    assert_eq!(
        r[4],
        "+33-6-98-76-54-32 ext. 12 ::: +49 151 23456789 ::: +1 415 555 0101"
    );
    assert_eq!(
        r[5], "+33 1 98 76 54 32 ::: +33 1 23 45 67 89",
        "PREF=1 first"
    );
    assert_eq!(r[8], "FR", "Apple's code beside the address");
    assert_eq!(r[9], "\"VIP\",\"Work,Play\"");
}

#[test]
fn cards_are_numbered_by_their_begin_line_and_photos_are_dropped() {
    let photo: String = "A".repeat(3 << 20);
    let text = format!(
        "\r\n\r\nBEGIN:VCARD\rVERSION:3.0\rFN:Ann\rPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\
         TEL:+1 415 555 0101\rEND:VCARD\r\
         BEGIN:VCARD\nVERSION:3.0\nFN:Bob\n\
         item1.PHOTO;ENCODING=b:AAAA\n AAAA\n\tAAAA\nAAAA\n\nTEL;TYPE=CELL:+1 415 555 0102\n\
         BEGIN:VCARD\nFN:Cy\n"
    );
    let rows = rows(&text);
    let cells: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    // Bob's card has no END:VCARD; Cy's ends with the file.
    assert_eq!(cells, [("3", "Ann"), ("9", "Bob"), ("18", "Cy")]);
    assert_eq!(rows[1][5], "+1 415 555 0101");
    assert_eq!(rows[2][4], "+1 415 555 0102");
}

#[test]
fn a_card_past_a_mebibyte_is_an_error_naming_its_line() {
    let note = "x".repeat(2 << 20);
    let text = format!("BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nNOTE:{note}\nEND:VCARD\n");
    let mut out = String::new();
    let err = csv(Box::new(io::Cursor::new(text.into_bytes())), false)
        .read_to_string(&mut out)
        .unwrap_err();
    assert!(err.to_string().contains("begins on line 4"), "{err}");
}

#[test]
fn windows_1252_lines_and_empty_cards() {
    let mut bytes = b"BEGIN:VCARD\nVERSION:2.1\nN:M".to_vec();
    bytes.push(0xFC); // ü in Windows-1252
    bytes.extend_from_slice(b"ller;J\nEND:VCARD\nBEGIN:VCARD\nEND:VCARD\n");
    let mut out = String::new();
    csv(Box::new(io::Cursor::new(bytes)), true)
        .read_to_string(&mut out)
        .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Apple vCard line,Name,"), "{out}");
    assert_eq!(lines[1], "1,,J,Müller,,,,,,");
    assert_eq!(lines[2], "5,,,,,,,,,");
}

#[test]
fn a_vcard_is_known_by_its_content_and_apple_by_its_marks() {
    assert!(!starts_vcard(b""));
    assert!(starts_vcard(b"\r\n  begin:vcard\r\nVERSION:3.0"));
    assert!(!starts_vcard(b"phone,BEGIN:VCARD\n"));
    assert!(is_apple(
        b"BEGIN:VCARD\nPRODID:-//Apple Inc.//iPhone OS 17.5.1//EN\n"
    ));
    assert!(is_apple(b"BEGIN:VCARD\nX-ABUID:5AD380FD:ABPerson\n"));
    assert!(!is_apple(
        b"BEGIN:VCARD\nitem1.X-ABLabel:_$!<HomePage>!$_\nCATEGORIES:myContacts\n"
    ));
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of vCard syntax, to reach deep into the parser.
    const PIECES: [&str; 22] = [
        "BEGIN:VCARD",
        "END:VCARD",
        "TEL;TYPE=CELL:",
        "item1.",
        "X-ABLabel:",
        "X-ABADR:",
        ";ENCODING=QUOTED-PRINTABLE",
        ";CHARSET=",
        "=C3=",
        "=\n",
        "N:",
        "ADR:",
        "CATEGORIES:",
        "PHOTO:",
        "VALUE=uri:tel:",
        ":",
        ";",
        ",",
        "\\",
        "\"",
        "\n ",
        "\r",
    ];

    fn read(bytes: Vec<u8>) -> io::Result<String> {
        let mut out = String::new();
        csv(Box::new(io::Cursor::new(bytes)), false).read_to_string(&mut out)?;
        Ok(out)
    }

    proptest! {
        #[test]
        fn any_bytes_in_a_card_read_without_panic(body in prop::collection::vec(any::<u8>(), 0..3000)) {
            let mut bytes = b"BEGIN:VCARD\n".to_vec();
            bytes.extend(body);
            prop_assert!(read(bytes).is_ok());
        }

        #[test]
        fn vcard_syntax_in_any_order_gives_a_row_per_card(
            pieces in prop::collection::vec((0..PIECES.len(), "[a-zA-Z0-9 é+()-]{0,12}"), 0..80)
        ) {
            let mut text = String::from("BEGIN:VCARD\n");
            for (i, filler) in &pieces {
                text.push_str(PIECES[*i]);
                text.push_str(filler);
            }
            let out = read(text.clone().into_bytes()).unwrap();
            let rows = out.lines().count();
            let begins = text
                .split(['\n', '\r'])
                .filter(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCARD"))
                .count();
            prop_assert_eq!(rows, begins + 1, "{}", out);
        }
    }
}

/// vCard 2.1 embeds an agent's card in the `AGENT` property: the spec's
/// example (versit vCard 2.1, "Agent"; as FolkerKinzel/VCards'
/// `V2NestedAgentVcardTest` quotes it: `AGENT:` then `BEGIN:VCARD` …
/// `N:Friday;Fred` … `END:VCARD`, then the outer card goes on). The outer
/// card keeps its lines after the agent's (its phone and email were
/// dropped: issue 22), and the agent is a row of its own after it.
#[test]
fn an_agent_card_is_read_apart_from_its_outer_card() {
    let text = "BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N:Public;John\r\n\
TEL;CELL:+1-213-555-0001\r\n\
AGENT:\r\n\
BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N:Friday;Fred\r\n\
TEL;WORK;VOICE:+1-213-555-1234\r\n\
TEL;WORK;FAX:+1-213-555-5678\r\n\
END:VCARD\r\n\
TEL;WORK:+1-213-555-0002\r\n\
EMAIL;INTERNET:john@example.com\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N:Next;Nora\r\n\
AGENT:BEGIN:VCARD\r\n\
N:Inline;Ida\r\n\
TEL:+1-213-555-0004\r\n\
END:VCARD\r\n\
TEL;CELL:+1-213-555-0003\r\n\
END:VCARD\r\n";
    let rows = rows(text);
    assert_eq!(rows.len(), 1 + 4, "{rows:?}");
    let who = |r: &Vec<String>| (r[0].clone(), r[2].clone(), r[3].clone());
    let lines: Vec<_> = rows[1..].iter().map(who).collect();
    assert_eq!(
        lines,
        [
            ("1".into(), "John".into(), "Public".into()),
            ("6".into(), "Fred".into(), "Friday".into()),
            ("15".into(), "Nora".into(), "Next".into()),
            ("18".into(), "Ida".into(), "Inline".into()),
        ]
    );
    let john = &rows[1];
    assert_eq!(john[4], "+1-213-555-0001");
    assert_eq!(
        john[5], "+1-213-555-0002",
        "the outer card's phone after the agent"
    );
    assert_eq!(john[7], "john@example.com", "and its email");
    let fred = &rows[2];
    assert_eq!(
        (fred[5].as_str(), fred[6].as_str()),
        ("+1-213-555-1234", "+1-213-555-5678")
    );
    assert_eq!(rows[3][4], "+1-213-555-0003");
    assert_eq!(rows[4][5], "+1-213-555-0004");
}

/// Without an `AGENT` before it, a `BEGIN:VCARD` inside a card still ends
/// the card before it (its `END:VCARD` missing).
#[test]
fn a_begin_without_an_agent_still_ends_the_card_before_it() {
    let text = "BEGIN:VCARD\nN:One;A\nTEL:+1-213-555-0001\n\
BEGIN:VCARD\nN:Two;B\nTEL:+1-213-555-0002\nEND:VCARD\n";
    let rows = rows(text);
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[1][0].as_str(), rows[1][2].as_str()), ("1", "A"));
    assert_eq!((rows[2][0].as_str(), rows[2][2].as_str()), ("4", "B"));
}
