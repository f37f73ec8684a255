"""DOCX -> PDF through headless LibreOffice: a pool of long-lived workers (UNO) or --convert-to.

Knows nothing of cases or documents: it converts files. ``uno_worker.py`` is run by the system
Python that has python3-uno and never imports medocs.
"""
