"""Many cases at once: read CSV/XLSX/JSONL tables, check each row, issue, report.

Reads rows (tables, columns), checks them into cases (rows) and issues them through
``medocs.issuing`` with optional PDFs (run). It may import everything below the CLI.
"""
