"""The document kinds: the catalogue, what each template sees (context), wording, rendering, checks.

Turns a validated case, its timeline and a profile into a rendered .docx, and lints templates.
It may import ``medocs.timeline``, the models, profiles, loading and errors; never batch, issuing,
the register, the CLI or the web app.
"""
