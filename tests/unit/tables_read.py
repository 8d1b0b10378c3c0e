#!/usr/bin/env python3
"""Reads a file made by lib/tables with readers that share nothing with it (Python's csv and json
modules, openpyxl) and prints what they found as JSON, for tables_test.cpp to check.

  tables_read.py csv FILE [NUMBERS]  {"rows": [[field, ...], ...]}: the fields as csv.reader gives
                                     them; in the columns NUMBERS (0-based, comma separated) below
                                     the header, float(field.replace(',', '.')), or null if empty
  tables_read.py xlsx FILE           {"sheets": [{"title", "freeze", "rows": [[cell, ...], ...]}]}
                                     a cell: null, or {"type": openpyxl's data_type, "value",
                                     "format": number format, "bold", "wrap"}; dates as
                                     "YYYY-MM-DD HH:MM:SS"
  tables_read.py json FILE           the document as json.load read it
"""
import csv
import datetime
import json
import sys


def read_csv(path, numbers):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    for row in rows[1:]:
        for i in numbers:
            row[i] = float(row[i].replace(",", ".")) if row[i] != "" else None
    return {"rows": rows}


def read_xlsx(path):
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                if cell.value is None:
                    cells.append(None)
                    continue
                value = cell.value
                if isinstance(value, datetime.datetime):
                    value = value.isoformat(sep=" ")
                cells.append({"type": cell.data_type, "value": value, "format": cell.number_format,
                              "bold": bool(cell.font.b), "wrap": bool(cell.alignment.wrap_text)})
            rows.append(cells)
        sheets.append({"title": sheet.title, "freeze": sheet.freeze_panes, "rows": rows})
    return {"sheets": sheets}


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "csv":
        numbers = [int(i) for i in sys.argv[3].split(",")] if len(sys.argv) > 3 else []
        result = read_csv(path, numbers)
    elif kind == "xlsx":
        result = read_xlsx(path)
    elif kind == "json":
        with open(path, encoding="utf-8") as f:
            result = json.load(f)
    else:
        sys.exit("unknown kind " + kind)
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
