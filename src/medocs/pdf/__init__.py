"""DOCX -> PDF through headless LibreOffice: a pool of long-lived workers (UNO) or --convert-to.

pool chooses the back-end and spreads files over workers, workers runs ``soffice
--convert-to``, uno_client drives a UNO helper process, uno_worker is that helper.

Knows nothing of cases or documents: it converts files. It may import only ``medocs.errors``;
``uno_worker.py`` is run by the system Python that has python3-uno and imports nothing of medocs.
"""
