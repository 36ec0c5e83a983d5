#!/usr/bin/env python3
"""Write a realistic contacts CSV for whole-process benches.

usage: gen_contacts.py OUT.csv ROWS [--seed N] [--valid-share P]

The mix of a US business's export: about 85% US numbers in the ways people
and spreadsheets write them (`(415) 555-0100`, `+1 415 555 0100`,
`415.555.0100`, `1-415-555-0100`, `14155550100`, with an extension, exact
scientific notation from Excel), 6% other countries written with `+CC`
(UK, DE, FR, IN, AU, MX), about 2% bad phones (too short, digits lost by a
spreadsheet, blank, junk), 0.5% bad emails and about 1% in-file duplicates
(a later row with an earlier row's number written another way). Names with
accents, emails, tags by name, a company and an opted-out flag.

`--valid-share P` makes only a share P of the rows valid and gives the rest
a bad phone: a file like a large error report fed back in.
"""
import argparse
import csv
import random

FIRST = ["Ava", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jonas"]
LAST = ["Nguyen", "Smith", "García", "Okafor", "Müller", "Rossi", "Kim", "Silva", "O'Brien"]
TAGS = ["VIP", "Newsletter", "Wholesale", "Spring Sale", "Returning", "Lead"]
AREAS = [415, 212, 312, 617, 206, 305, 512, 303, 646, 213]
BAD = ["555-1234", "", "4.15555E+09", "n/a", "+1 415 555", "call me"]


def us_number(n):
    """A distinct valid US number for each n below 7,000,000 per area code."""
    area = AREAS[n % len(AREAS)]
    rest = n // len(AREAS)
    return area, 200 + (rest // 10_000) % 700, rest % 10_000


def us_cell(rnd, area, exch, line):
    style = rnd.random()
    if style < 0.28:
        return f"({area}) {exch:03}-{line:04}"
    if style < 0.50:
        return f"+1 {area} {exch:03} {line:04}"
    if style < 0.62:
        return f"{area}.{exch:03}.{line:04}"
    if style < 0.70:
        return f"1-{area}-{exch:03}-{line:04}"
    if style < 0.78:
        return f"1{area}{exch:03}{line:04}"
    if style < 0.84:
        return f"{area}-{exch:03}-{line:04}"
    if style < 0.90:
        return f"{area}-{exch:03}-{line:04} x{rnd.randint(1, 999)}"
    if style < 0.96:
        return f"1.{area}{exch:03}{line:04}E+10"
    return f"+1 ({area}) {exch:03}-{line:04}"


def intl_cell(rnd):
    d = lambda k: "".join(str(rnd.randint(0, 9)) for _ in range(k))
    return rnd.choice([
        lambda: f"+44 7911 {d(6)}",
        lambda: f"+44 20 7946 0{d(3)}",
        lambda: f"+49 151 {d(8)}",
        lambda: f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}",
        lambda: f"+91 98{d(3)} {d(5)}",
        lambda: f"+61 412 {d(3)} {d(3)}",
        lambda: f"+52 55 {d(4)} {d(4)}",
    ])()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("rows", type=int)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--valid-share", type=float, default=None)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    earlier = []  # (area, exch, line) of some earlier rows, for duplicates
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["First Name", "Last Name", "Mobile", "E-mail", "Tags", "Company", "Opted Out"])
        for i in range(args.rows):
            kind = rnd.random()
            if args.valid_share is not None:
                phone = us_cell(rnd, *us_number(i)) if kind < args.valid_share else rnd.choice(BAD)
            elif kind < 0.010 and earlier:
                phone = us_cell(rnd, *rnd.choice(earlier))
            elif kind < 0.030:
                phone = rnd.choice(BAD)
            elif kind < 0.090:
                phone = intl_cell(rnd)
            else:
                number = us_number(i)
                phone = us_cell(rnd, *number)
                if len(earlier) < 10_000 and rnd.random() < 0.01:
                    earlier.append(number)
            email = f"user{i}@example.com" if rnd.random() > 0.005 else "broken@"
            w.writerow([
                rnd.choice(FIRST), rnd.choice(LAST), phone, email,
                ";".join(rnd.sample(TAGS, rnd.randint(0, 3))),
                f"Acme {i % 977}", rnd.choice(["", "no", "yes", "false"]),
            ])


if __name__ == "__main__":
    main()
