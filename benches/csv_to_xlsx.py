#!/usr/bin/env python3
"""Write the rows of a CSV file as an .xlsx workbook, as a spreadsheet holds them.

usage: csv_to_xlsx.py IN.csv OUT.xlsx

openpyxl (needs `pip install openpyxl`), which, like Excel, keeps text in
the workbook's shared strings. A cell of digits only (at most 15, no leading
zero) becomes a number cell, as Excel stores a phone typed or pasted into a
General column; every other cell stays text.
For benches/workbook_vs_csv.sh: the same rows, as CSV and as a workbook.
"""
import csv
import sys

import openpyxl


def cell(text):
    if text.isdigit() and len(text) <= 15 and not text.startswith("0"):
        return int(text)
    return text


def main():
    source, target = sys.argv[1], sys.argv[2]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    with open(source, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f)):
            ws.append(row if i == 0 else [cell(c) for c in row])
    wb.save(target)


if __name__ == "__main__":
    main()
