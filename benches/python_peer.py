#!/usr/bin/env python3
"""The script a user would write instead of `hmbulk validate`: the peer that
benches/whole_process.sh times on the same file.

usage: python_peer.py FILE.csv [DEFAULT_REGION]

Reads the CSV with `csv`, parses the phone column with `phonenumbers`
(libphonenumber's Python port) in the default region, keeps valid numbers
as E.164 digits, drops later rows repeating an earlier row's number, and
writes FILE.peer-results.csv (row, phone as written, E.164 digits) and
FILE.peer-errors.csv (the row's cells, its row number and why).
"""
import csv
import sys

import phonenumbers

PHONE_HEADERS = {"phone", "mobile", "cell", "phone number", "mobile phone"}


def main():
    path = sys.argv[1]
    region = sys.argv[2] if len(sys.argv) > 2 else "US"
    stem = path[:-4] if path.endswith(".csv") else path
    seen = {}
    with open(path, newline="", encoding="utf-8-sig") as f, \
            open(stem + ".peer-results.csv", "w", newline="", encoding="utf-8") as ok, \
            open(stem + ".peer-errors.csv", "w", newline="", encoding="utf-8") as bad:
        rows = csv.reader(f)
        header = next(rows)
        phone = next(i for i, h in enumerate(header) if h.strip().lower() in PHONE_HEADERS)
        results, errors = csv.writer(ok), csv.writer(bad)
        results.writerow(["row", "phone_raw", "phone"])
        errors.writerow(header + ["_row", "_error"])
        for n, cells in enumerate(rows, 1):
            raw = cells[phone]
            try:
                number = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException as e:
                errors.writerow(cells + [n, f"phone {raw!r}: {e}"])
                continue
            if not phonenumbers.is_valid_number(number):
                errors.writerow(cells + [n, f"phone {raw!r} is not a valid number"])
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
            first = seen.get(e164)
            if first is not None:
                errors.writerow(cells + [n, f"duplicate of row {first}"])
                continue
            seen[e164] = n
            results.writerow([n, raw, e164])


if __name__ == "__main__":
    main()
