#!/usr/bin/env python3
"""Make the typo corpus of hmbulk's phone differential test
(src/phone/differential.rs, issue 19) with Google's libphonenumber, as python
`phonenumbers` ports it.

A person typing a phone number slips: a digit dropped, doubled, one inserted,
two swapped. Most slips make a number libphonenumber refuses; some of those
are another country's valid number once a `+` is put in front
(`20888630944`, a slip of a US number, is Egypt's +20 88 863 0944). hmbulk
must refuse every slip libphonenumber refuses. Spreadsheet floats (`N.0`,
`N.00`) are here too: hmbulk must read them as the whole number N or not at
all, never with the fraction's zeros as digits.

Valid national numbers of 52 regions are made from the metadata's example
numbers (their last digits changed, kept when libphonenumber calls the result
valid); each is written as a person types it (national digits, and the
national format with its spaces), then slipped every way, and each slip read
under its region; libphonenumber's answer is written down once:

    python3 -m venv /tmp/pn && /tmp/pn/bin/pip install phonenumbers==9.0.42
    cd hmbulk-engine    # the crate the test is in; the paths below are its own
    /tmp/pn/bin/python tests/data/gen_phone_typos.py tests/data/phone_typos.jsonl.gz

Use the phonenumbers version whose metadata matches rlibphonenumber's (9.0.42
for rlibphonenumber 2.2.15), as for gen_phone_reference.py. The output is
deterministic (seeded) and checked in, so the test runs without Python.

One JSON array per line:
    [region, cell, kind, base, status, digits, whole_status, whole_digits, plus_valid]
region        ISO code the cell is read under
cell          the cell's text
kind          slip_drop, slip_double, slip_insert, slip_swap (on `national_digits`
              or `national_format`), float_nsn, float_national, float_e164, issue
base          E.164 digits (no +) of the valid number the cell was made from
status        libphonenumber's answer for the cell: "valid", "invalid" or
              "error:<type>"
digits        the E.164 digits (no +) it read, "" on error
whole_status  for a float cell (`N.0`, `N.00`), libphonenumber's answer for N;
              "" for other cells
whole_digits  the E.164 digits of that answer, ""
plus_valid    the cell's digits with a `+` in front are a valid number (a slip
              that is another country's number)
"""

import gzip
import json
import random
import sys

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

SEED = 19
NUMBERS_PER_REGION = 8
INSERTS_PER_NUMBER = 12

# North and South America, Europe, the Middle East, Africa, Asia, Oceania:
# numbering plans of every shape (fixed and variable length, with and without
# a trunk prefix, national prefixes 0, 1 and 8).
REGIONS = [
    "US", "CA", "MX", "BR", "AR", "CO", "CL", "PE", "VE",
    "GB", "IE", "FR", "DE", "IT", "ES", "PT", "NL", "BE", "CH", "AT", "SE", "NO",
    "DK", "FI", "PL", "CZ", "HU", "RO", "GR", "RU", "UA", "TR",
    "IL", "AE", "SA", "EG", "MA", "NG", "ZA", "KE", "AO",
    "IN", "PK", "BD", "CN", "JP", "KR", "HK", "SG", "ID", "PH", "AU", "NZ",
]

# Cells the issue quotes, each under the region it names.
ISSUE_CELLS = [
    ("US", "20888630944"),
    ("US", "3211234567"),
    ("AO", "923123456159"),
    ("US", "49802404654807"),
    ("GB", "49802404654807"),
    ("DE", "0115152591681"),
    ("US", "64(0)64123456"),
    ("US", "(0)3 0 -3 2 23 12 34"),
    ("US", "501234567.0"),
    ("AE", "800123456.0"),
    ("US", "22345678.00"),
    ("GB", "011 44 20 7946 0958"),
    ("BR", "0047 21 23 45 67"),
    ("DE", "011 49 1512 3456789"),
]


def answer(cell, region):
    try:
        n = pn.parse(cell, region, keep_raw_input=True)
    except pn.NumberParseException as e:
        return [f"error:{e.error_type}", ""]
    status = "valid" if pn.is_valid_number(n) else "invalid"
    return [status, pn.format_number(n, F.E164).lstrip("+")]


def plus_valid(cell):
    digits = "".join(c for c in cell if c.isdigit())
    try:
        return pn.is_valid_number(pn.parse("+" + digits, None))
    except pn.NumberParseException:
        return False


def valid_numbers(region, rng):
    """Valid numbers of `region`: its example numbers with their last digits changed."""
    out = {}
    examples = [pn.example_number_for_type(region, t) for t in (T.MOBILE, T.FIXED_LINE)]
    examples = [e for e in examples if e is not None]
    tries = 0
    while len(out) < NUMBERS_PER_REGION and tries < 2000:
        tries += 1
        example = examples[tries % len(examples)]
        nsn = pn.national_significant_number(example)
        keep = max(2, len(nsn) - rng.randint(2, 5))
        new = nsn[:keep] + "".join(rng.choice("0123456789") for _ in nsn[keep:])
        try:
            number = pn.parse("+" + str(example.country_code) + new, None)
        except pn.NumberParseException:
            continue
        if pn.is_valid_number(number) and pn.region_code_for_number(number) == region:
            out[pn.format_number(number, F.E164)] = number
    return list(out.values())


def slips(text, rng):
    """(kind, slipped text): every digit dropped, doubled and swapped with the
    next digit, and some random digits inserted; other characters kept."""
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    out = []
    for i in positions:
        out.append(("drop", text[:i] + text[i + 1:]))
        out.append(("double", text[:i] + text[i] + text[i:]))
    for a, b in zip(positions, positions[1:]):
        if text[a] != text[b]:
            s = list(text)
            s[a], s[b] = s[b], s[a]
            out.append(("swap", "".join(s)))
    for _ in range(INSERTS_PER_NUMBER):
        i = rng.choice(positions + [len(text)])
        out.append(("insert", text[:i] + rng.choice("0123456789") + text[i:]))
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/phone_typos.jsonl.gz"
    rng = random.Random(SEED)
    rows = []
    seen = set()

    def emit(region, cell, kind, base, whole=None):
        key = (region, cell)
        if key in seen:
            return
        seen.add(key)
        whole_answer = answer(whole, region) if whole is not None else ["", ""]
        rows.append([region, cell, kind, base] + answer(cell, region) + whole_answer
                    + [plus_valid(cell)])

    for region in REGIONS:
        for number in valid_numbers(region, rng):
            base = pn.format_number(number, F.E164).lstrip("+")
            national = pn.format_number(number, F.NATIONAL)
            nsn = pn.national_significant_number(number)
            national_digits = "".join(c for c in national if c.isdigit())
            for form, text in (("national_digits", national_digits), ("national_format", national)):
                for slip, cell in slips(text, rng):
                    if cell != text:
                        emit(region, cell, f"slip_{slip}_{form}", base)
            for kind, whole in (("float_nsn", nsn), ("float_national", national_digits),
                                ("float_e164", base)):
                for zeros in (".0", ".00"):
                    emit(region, whole + zeros, kind, base, whole)
            # A float of a slip: the whole number is the slip, refused as it is.
            slip, cell = rng.choice(slips(nsn, rng))
            emit(region, cell + ".0", "float_slip", base, cell)
    for region, cell in ISSUE_CELLS:
        whole = cell.rsplit(".", 1)[0] if cell.endswith((".0", ".00")) else None
        emit(region, cell, "issue", "", whole)

    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(f'["phonenumbers {pn.__version__}", "{len(rows)} cells"]\n')
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    slipped = [r for r in rows if r[2].startswith("slip_")]
    refused = [r for r in slipped if r[4] != "valid"]
    foreign = [r for r in refused if r[8]]
    regions = {r[0] for r in slipped}
    print(f"{len(rows)} cells, {len(slipped)} slips of numbers of {len(regions)} regions, "
          f"{len(refused)} refused by libphonenumber, {len(foreign)} of them another "
          f"country's valid number with a +; phonenumbers {pn.__version__} -> {path}")


if __name__ == "__main__":
    main()
