"""``medocs draft``: ask an advocate for what a letter needs, then write the case file and letter.

questions derives the questions from the case models, session asks them and builds the case,
writing writes the letter (.docx or email text), the saved case and the calendar, and guards
an existing letter (``LetterGuard``), case_toml writes a case as TOML.

It may import ``medocs.issuing`` and everything below it; never batch, the CLI or the web app.
"""
