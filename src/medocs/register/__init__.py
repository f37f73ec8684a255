"""The certificate register: one SQLite database per issuing organisation.

It numbers certificates (``GM-2025-000123``: prefix, year, a sequence per prefix and year)
and records what was issued: kind, case, parties, dates, output file name and SHA-256, and
the medocs and bank-holiday data versions, so a deadline can be reproduced later and a file
can be checked against what was issued.

Issuing is two-phase because the number is printed on the certificate before its file
exists: :meth:`Register.reserve_many` allocates numbers (status ``reserved``), the caller
renders and writes the files, then :meth:`Register.complete_many` records their names and
hashes (status ``issued``). A crash between the two leaves a reserved number that the next
reservation of the same case and kind hands back, so re-running a batch re-uses it and the
sequence has no gaps.

Safety: WAL journal (readers never block the writer; a killed process cannot corrupt the
file), every allocation in one ``BEGIN IMMEDIATE`` transaction (two processes can never get
the same number), ``synchronous=FULL`` (a committed number survives a power cut), foreign
keys on, and a busy timeout so concurrent batches wait for each other instead of failing.

Modules: database (the SQLite file, schema, transactions), records (the entry and the
requests), validation (malformed requests, refused before a transaction), store (the
``Register``: numbering and look-ups), export (CSV). It may import only ``medocs.errors``,
``medocs.reports`` and ``medocs.files`` (the export's atomic write); ``medocs.issuing`` and the
commands use it.
"""

from __future__ import annotations

from medocs.register.database import SCHEMA_VERSION
from medocs.register.records import Completion, Entry, Reservation, Status, default_register_path, file_sha256
from medocs.register.store import Register

__all__ = [
    "SCHEMA_VERSION",
    "Completion",
    "Entry",
    "Register",
    "Reservation",
    "Status",
    "default_register_path",
    "file_sha256",
]
