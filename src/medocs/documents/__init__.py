"""The document kinds: the catalogue, what each template sees (context), wording, rendering, checks.

Turns a validated case, its timeline and a profile into a rendered .docx, and lints templates:
kinds (the catalogue), context and advocacy (what each template sees), wording, package (a
.docx read into its parts, a document zipped back), rendering (compile once, render safely),
checking (``medocs check``).

It may import loading, profiles, the timeline, models, naming, suggest and errors; never
batch, issuing, the register, pdf, drafting, the CLI or the web app.
"""
