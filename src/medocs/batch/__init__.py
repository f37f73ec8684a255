"""Many cases at once: read CSV/XLSX/JSONL tables, check each row, issue, report.

tables reads the file, columns maps its header to the case fields, rows checks each row into
a case (one ``Row`` record per row from the check to the report), run drives the batch,
issuer issues chunks of rows (in worker processes with ``--jobs``), progress draws the
progress line, report writes manifest.csv and errors.csv.

It may import ``medocs.issuing`` and everything below it (documents, register, pdf, loading,
profiles, timeline, models, files, naming, reports, suggest, errors); never drafting, the
CLI or the web app.
"""
