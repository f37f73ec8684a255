"""Case journeys: one family's case in one file, packed as every document it has reached.

model (the journey file) · building (each document's case) · consistency (the documents
agree) · keydates (one timeline, the family's key dates sheet) · packing (``medocs pack``).

It may import ``medocs.issuing`` and everything below it; never batch, drafting, the CLI or
the web app.
"""
