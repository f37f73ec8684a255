"""medocs: letters and certificates of SEND mediation in England, every date explained."""

from medocs.errors import MedocsError
from medocs.timeline.deadlines import Deadline, TimelineDates, appeal_deadline, compute_timeline
from medocs.timeline.workdays import add_months, add_working_days, is_working_day

__version__ = "0.1.0"

__all__ = [
    "Deadline",
    "MedocsError",
    "TimelineDates",
    "__version__",
    "add_months",
    "add_working_days",
    "appeal_deadline",
    "compute_timeline",
    "is_working_day",
]
