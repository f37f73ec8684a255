"""medocs: letters and certificates of SEND mediation in England, every date explained.

The public API: issue a document (``render``), load what it is made from (``load_case``,
``load_profile``), compute dates (``compute_timeline``, ``appeal_deadline`` and the working-day
helpers) and the errors, all of them ``MedocsError``. Everything else is internal.

    import medocs
    from datetime import date
    result = medocs.render("decline-certificate", Path("case.toml"), out=Path("out/"),
                           profile=Path("profile.toml"), today=date(2025, 1, 6))
"""

from medocs._version import __version__
from medocs.api import Rendered, render, to_pdf
from medocs.documents.kinds import KINDS, DocumentKind, document_kind
from medocs.errors import (
    CaseValidationError,
    DateInputError,
    MedocsError,
    OutputError,
    OutputExistsError,
    PdfError,
    ProfileError,
    RegisterError,
    RenderError,
    TemplateError,
)
from medocs.loading import load_case
from medocs.models import CaseModel
from medocs.profiles import Profile, load_profile
from medocs.timeline.deadlines import Deadline, TimelineDates, appeal_deadline, compute_timeline
from medocs.timeline.workdays import add_months, add_working_days, is_working_day

__all__ = [
    "CaseModel",
    "CaseValidationError",
    "DateInputError",
    "Deadline",
    "DocumentKind",
    "KINDS",
    "MedocsError",
    "OutputError",
    "OutputExistsError",
    "PdfError",
    "Profile",
    "ProfileError",
    "RegisterError",
    "RenderError",
    "Rendered",
    "TemplateError",
    "TimelineDates",
    "__version__",
    "add_months",
    "add_working_days",
    "appeal_deadline",
    "compute_timeline",
    "document_kind",
    "is_working_day",
    "load_case",
    "load_profile",
    "render",
    "to_pdf",
]
