"""``medocs draft``: ask an advocate for what a letter needs, then write the case file and letter.

Questions come from the case models; answers become a TOML case file and a document issued
through ``medocs.issuing``. It may import everything below the CLI.
"""
