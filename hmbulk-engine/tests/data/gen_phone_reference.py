#!/usr/bin/env python3
"""Make the reference answers of hmbulk's phone differential test
(src/phone/differential.rs) with Google's libphonenumber, as python
`phonenumbers` ports it.

The cells are made here from the metadata's own example numbers, written the
ways people and spreadsheets write them; nothing here knows hmbulk's code. Each
cell is read under its number's own region, under another region, and some
under no region, and libphonenumber's answer is written down once:

    python3 -m venv /tmp/pn && /tmp/pn/bin/pip install phonenumbers==9.0.42
    cd hmbulk-engine    # the crate the test is in; the paths below are its own
    /tmp/pn/bin/python tests/data/gen_phone_reference.py tests/data/phone_reference.jsonl.gz

Use the phonenumbers version whose metadata matches rlibphonenumber's (the
crate's README says which; 9.0.42 for rlibphonenumber 2.2.15). The output is
deterministic (seeded) and checked in, so the test runs without Python.

One JSON array per line:
    [region, cell, kind, base, ext, status, digits, extension, national]
region   ISO code the cell is read under, "" for none (--default-region none)
cell     the cell's text
kind     how the cell was written (e164, national_dots, sci_exact, ...)
base     E.164 digits (no +) of the number the cell was made from, "" if none
ext      extension digits appended to the cell, "" if none
status   "valid", "invalid", or "error:<libphonenumber error type>"
digits   E.164 digits (no +) libphonenumber read, "" on error
extension  the extension libphonenumber split off, ""
national   true when the country code came from the region (no code written)
"""

import gzip
import json
import random
import sys

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

SEED = 42
TYPES = [
    T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.SHARED_COST, T.VOIP,
    T.PERSONAL_NUMBER, T.PAGER, T.UAN, T.VOICEMAIL,
]

# Twenty ways to write an extension after a number.
EXTENSIONS = [
    " x{}", "x{}", " X {}", " ext. {}", " ext {}", " ext.{}", " Ext: {}", " EXT {}",
    " extension {}", " extensión {}", " extn {}", " xtn {}", " #{}", " # {}", " ~{}",
    ";ext={}", " доб. {}", " доб {}", " anexo {}", " ｘ{}", " int {}",
]

DIGIT_SETS = {
    "fullwidth": "０１２３４５６７８９",
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "bengali": "০১২৩৪৫৬৭৮৯",
}

SPACES = {
    "nbsp": "\u00a0",
    "thin": "\u2009",
    "narrow_nbsp": "\u202f",
    "ideographic": "\u3000",
    "figure": "\u2007",
    "en": "\u2002",
}

JUNK_PREFIXES = [
    "Tel: ", "Phone: ", "Mob. ", "M: ", "☎ ", "'", "Cell - ", "tel ", "(H) ", "Work:",
]

JUNK_SUFFIXES = [" (mobile)", " - work", " ", ".", " !", " (h)"]

# Cells from the differential run that found the old crate's mistakes.
ISSUE_CELLS = [
    ("US", "011 49 1512 3456789"),
    ("US", "'+4915123456789"),
    ("US", "“+86 131 2345 6789”"),
    ("BR", "0047 21 23 45 67"),
    ("US", "+376 312345841"),
    ("RU", "8 800 555 35 35"),
    ("RU", "8 (800) 555-35-35"),
    ("SG", "6521 2345"),
    ("SG", "6123 4567"),
    ("EG", "٠١٠٠ ١٢٣ ٤٥٦٧"),
    ("IN", "०९८७६ ५४३२१०"),
    ("RU", "+7 495 123-45-67 доб. 123"),
    ("BR", "2234.0000"),
    ("BR", "(11) 2234.0000"),
    ("US", "14155553434.0"),
    ("US", "1.4155553434E+10"),
    ("US", "4.15555E+09"),
    ("US", "+44 (0)121 755 0998"),
    ("US", "0044 20 7946 0958"),
    ("GB", "011 44 20 7946 0958"),
    ("US", "415\u2009555\u20093434"),
    ("US", "415\u202f555\u202f3434"),
    ("US", "442079460001"),
    ("US", "70252 01234"),
    ("IN", "70252 01234"),
    ("US", "1-800-FLOWERS"),
    ("US", "＋１ ４１５ ５５５ ３４３４"),
    ("", "4155553434"),
    ("", "+1 415 555 3434"),
    ("", "0044 20 7946 0958"),
]


def answer(cell, region):
    try:
        n = pn.parse(cell, region or None, keep_raw_input=True)
    except pn.NumberParseException as e:
        return [f"error:{e.error_type}", "", "", False]
    status = "valid" if pn.is_valid_number(n) else "invalid"
    digits = pn.format_number(n, F.E164).lstrip("+")
    national = n.country_code_source == pn.CountryCodeSource.FROM_DEFAULT_COUNTRY
    return [status, digits, n.extension or "", national]


def with_digits(text, digits):
    return "".join(digits[int(c)] if c.isdigit() and c.isascii() else c for c in text)


def group_first(text, after=0):
    """Put brackets around the first digit group after `after` groups."""
    parts = text.split(" ")
    if len(parts) <= after + 1:
        return None
    parts[after] = f"({parts[after]})"
    return " ".join(parts)


def sci(digits, significant):
    mantissa = digits[0] + "." + digits[1:significant]
    rounded = round(int(digits) / 10 ** (len(digits) - significant)) if significant < len(digits) else None
    if rounded is not None:
        r = str(rounded)
        if len(r) > significant:  # 9.99…5 rounds up a digit
            return None
        mantissa = r[0] + "." + r[1:].rstrip("0") if r[1:].rstrip("0") else r[0]
    return f"{mantissa}E+{len(digits) - 1:02d}"


def cells_for(number, region, rng):
    """(kind, cell, ext) for one example number of `region`."""
    d = pn.format_number(number, F.E164).lstrip("+")
    intl = pn.format_number(number, F.INTERNATIONAL)
    nat = pn.format_number(number, F.NATIONAL)
    rfc = pn.format_number(number, F.RFC3966)
    nsn = pn.national_significant_number(number)
    cc = str(number.country_code)
    after_cc = intl[len(cc) + 2:] if intl.startswith("+" + cc + " ") else nsn
    out = [
        ("e164", "+" + d),
        ("international", intl),
        ("national", nat),
        ("rfc3966", rfc),
        ("e164_no_plus", d),
        ("nsn", nsn),
        ("national_digits", "".join(c for c in nat if c.isdigit())),
        ("international_dashes", intl.replace(" ", "-")),
        ("international_dots", intl.replace(" ", ".")),
        ("national_dots", nat.replace(" ", ".")),
        ("national_dashes", nat.replace(" ", "-")),
        ("national_nospace", nat.replace(" ", "")),
        ("idd_00", "00 " + intl[1:]),
        ("idd_00_glued", "00" + d),
        ("idd_011", "011 " + intl[1:]),
        ("trunk_bracket", f"+{cc} (0){after_cc}"),
        ("trunk_plain", f"+{cc} 0{after_cc}"),
        ("mixed", intl.replace(" ", "-", 1).replace(" ", ".", 1)),
        ("too_long", "+" + d + str(rng.randrange(10))),
        ("too_short", "+" + d[:-1]),
        ("junk_suffix", intl + rng.choice(JUNK_SUFFIXES)),
        ("junk_prefix", rng.choice(JUNK_PREFIXES) + rng.choice([intl, nat, "+" + d])),
        ("curly_quotes", "“" + intl + "”"),
        ("excel_apostrophe", "'+" + d),
        ("zero_fraction", d + ".0"),
        ("zero_fraction_national", nsn + ".0"),
        ("zero_fraction_two", "+" + d + ".00"),
        ("sci_exact", sci(d, len(d))),
        ("sci_exact_national", sci(nsn, len(nsn)) if nsn[0] != "0" else None),
        ("sci_rounded", sci(d, 6) if len(d) > 7 else None),
        ("sci_rounded_national", sci(nsn, 6) if len(nsn) > 7 and nsn[0] != "0" else None),
    ]
    for kind, form in (("international", intl), ("national", nat)):
        out.append((f"{kind}_brackets", group_first(form, 1 if kind == "international" else 0)))
    for name, digits in DIGIT_SETS.items():
        out.append((f"digits_{name}", with_digits(rng.choice([intl, nat]), digits)))
    out.append(("digits_fullwidth_plus", with_digits(intl, DIGIT_SETS["fullwidth"]).replace("+", "＋")))
    for name, space in SPACES.items():
        out.append((f"space_{name}", rng.choice([intl, nat]).replace(" ", space)))
    cells = [(kind, cell, "") for kind, cell in out if cell]
    for spelling in rng.sample(EXTENSIONS, 4):
        ext = str(rng.randrange(1, 10 ** rng.randint(1, 5)))
        form = rng.choice([intl, nat, "+" + d, rfc if ";" not in spelling else intl])
        cells.append(("ext", form + spelling.format(ext), ext))
    return d, cells


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/phone_reference.jsonl.gz"
    rng = random.Random(SEED)
    regions = sorted(pn.SUPPORTED_REGIONS)
    rows = []

    def emit(region, cell, kind, base, ext):
        rows.append([region, cell, kind, base, ext] + answer(cell, region))

    for region in regions:
        seen = set()
        for t in TYPES:
            number = pn.example_number_for_type(region, t)
            if number is None:
                continue
            key = pn.format_number(number, F.E164)
            if key in seen:
                continue
            seen.add(key)
            base, cells = cells_for(number, region, rng)
            for kind, cell, ext in cells:
                emit(region, cell, kind, base, ext)
                other = rng.choice(regions)
                emit(other, cell, kind, base, ext)
                if rng.random() < 0.08:
                    emit("", cell, kind, base, ext)
        bad = pn.invalid_example_number(region)
        if bad is not None:
            for cell in (pn.format_number(bad, F.INTERNATIONAL), pn.format_number(bad, F.NATIONAL)):
                emit(region, cell, "invalid_example", "", "")
    for code in sorted(pn.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = pn.example_number_for_non_geo_entity(code)
        if number is None:
            continue
        base, cells = cells_for(number, "001", rng)
        for kind, cell, ext in cells:
            emit(rng.choice(regions), cell, "nongeo_" + kind, base, ext)
    for region, cell in ISSUE_CELLS:
        emit(region, cell, "issue", "", "")
    for _ in range(3000):
        cell = "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 16)))
        if rng.random() < 0.3:
            cell = "+" + cell
        emit(rng.choice(regions), cell, "random_digits", "", "")

    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(f'["phonenumbers {pn.__version__}", "{len(rows)} cells"]\n')
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    regions_read = {r[0] for r in rows}
    print(f"{len(rows)} cells, {len(regions_read)} regions read under, phonenumbers {pn.__version__} -> {path}")


if __name__ == "__main__":
    main()
