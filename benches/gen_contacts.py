#!/usr/bin/env python3
"""Write a realistic contacts CSV for whole-process benches.

usage: gen_contacts.py OUT.csv ROWS [--seed N]

Mixed phone formats (US national and international, UK, extensions, Excel
scientific notation), names with accents, emails, tags by name, a custom field,
and about 2% bad rows (invalid phones, bad emails, in-file duplicates).
"""
import csv
import random
import sys


def main():
    out, rows = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 42
    rnd = random.Random(seed)
    first = ["Ava", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jonas"]
    last = ["Nguyen", "Smith", "García", "Okafor", "Müller", "Rossi", "Kim", "Silva", "O'Brien"]
    tags = ["VIP", "Newsletter", "Wholesale", "Spring Sale", "Returning", "Lead"]
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["First Name", "Last Name", "Mobile", "E-mail", "Tags", "Company", "Opted Out"])
        for i in range(rows):
            n = 2_000_000 + i  # unique line numbers across area codes below
            area = [415, 212, 312, 617, 206][i % 5]
            exch, line = 200 + (n // 10_000) % 700, n % 10_000
            style = rnd.random()
            if style < 0.30:
                phone = f"({area}) {exch:03}-{line:04}"
            elif style < 0.55:
                phone = f"+1 {area} {exch:03} {line:04}"
            elif style < 0.70:
                phone = f"{area}.{exch:03}.{line:04}"
            elif style < 0.80:
                phone = f"1{area}{exch:03}{line:04}"
            elif style < 0.88:
                phone = f"{area}-{exch:03}-{line:04} x{rnd.randint(1, 999)}"
            elif style < 0.95:
                phone = f"1.{area}{exch:03}{line:04}E+10"
            elif style < 0.98:
                phone = f"+44 20 7946 {rnd.randint(0, 999):04}"
            else:
                phone = rnd.choice(["555-1234", "", "4.15555E+09", "n/a"])
            email = f"user{i}@example.com" if rnd.random() > 0.005 else "broken@"
            w.writerow([
                rnd.choice(first), rnd.choice(last), phone, email,
                ";".join(rnd.sample(tags, rnd.randint(0, 3))),
                f"Acme {i % 977}", rnd.choice(["", "no", "yes", "false"]),
            ])


if __name__ == "__main__":
    main()
