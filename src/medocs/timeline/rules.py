"""The statutory periods of SEND mediation and appeals, as data.

Every row mirrors a row of ``shared/law/RULES.md`` §2.1 (T1-T21) and §2.2 (L1-L15): what
starts the clock, how long it runs, how it is counted, who acts, the citation and how sure we
are of the source. Changing a period means changing a row here, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["RULES", "Counting", "Period", "Rule", "Status", "rule"]


class Status(StrEnum):
    """How well the source of a rule was checked (RULES.md, preamble)."""

    VERIFIED = "VERIFIED"
    SECONDARY = "SECONDARY"
    UNVERIFIED = "UNVERIFIED"


class Counting(StrEnum):
    """How a period is counted."""

    MONTHS = "calendar months, corresponding date, event day excluded"
    DAYS = "calendar days, event day excluded"
    WEEKS = "calendar weeks, event day excluded"
    WORKING_DAYS = "working days, event day excluded"
    DAYS_BEGINNING_WITH = "calendar days beginning with the event day"
    WORKING_DAYS_BEFORE = "working days counted back from the event"
    IMMEDIATELY = "immediately"
    FIXED_DATE = "a fixed date in the year"
    ADJUSTMENT = "adjusts another deadline"
    NONE = "no time limit"


@dataclass(frozen=True, slots=True)
class Period:
    """One length of time: ``amount`` units counted as ``counting`` says."""

    amount: int
    counting: Counting
    label: str = ""

    @property
    def words(self) -> str:
        """The period in words, such as '2 months' or '3 working days'."""
        unit = {
            Counting.MONTHS: "month",
            Counting.DAYS: "day",
            Counting.WEEKS: "week",
            Counting.WORKING_DAYS: "working day",
            Counting.WORKING_DAYS_BEFORE: "working day",
            Counting.DAYS_BEGINNING_WITH: "day",
        }.get(self.counting)
        if unit is None:
            return self.counting.value
        return f"{self.amount} {unit}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Rule:
    """A timed statutory rule: trigger, period(s), counting, actor, citation and status.

    ``moves_off_holidays`` is True only for HESC Rules periods (r.12(2)); deadlines under the
    SEND Regulations stay where they fall (RULES.md G8).
    """

    id: str
    title: str
    trigger: str
    periods: tuple[Period, ...]
    who: str
    citation: str
    status: Status
    moves_off_holidays: bool = False
    note: str = ""

    @property
    def period(self) -> Period:
        """The first (usually the only) period of the rule."""
        return self.periods[0]


_MEDIATION_PART = "SEND Regulations 2014, Part 2 (Mediation, regs 32-42)"
_M, _D, _W, _WD = Counting.MONTHS, Counting.DAYS, Counting.WEEKS, Counting.WORKING_DAYS
_V, _S, _U = Status.VERIFIED, Status.SECONDARY, Status.UNVERIFIED

_RULE_LIST: tuple[Rule, ...] = (
    Rule("T1", "Start a SEN appeal (2-month limb)", "written notice of the decision sent",
         (Period(2, _M),), "parent or young person", "HESC Rules r.20(1)(c)(i)", _V,
         moves_off_holidays=True),
    Rule("T2", "Start a SEN appeal (certificate limb)", "date of issue of the mediation certificate",
         (Period(1, _M),), "parent or young person", "HESC Rules r.20(1)(c)(ii)", _V,
         moves_off_holidays=True, note="Used only where it ends later than T1."),
    Rule("T3", "Christmas and August rule for starting SEN proceedings",
         "T1/T2 ends on 25 December to 1 January, or in August",
         (Period(0, Counting.ADJUSTMENT),), "-", "HESC Rules r.12(3)(a)", _V,
         moves_off_holidays=True),
    Rule("T4", "Non-working-day rule", "a HESC time limit ends on a day that is not a working day",
         (Period(0, Counting.ADJUSTMENT),), "-", "HESC Rules r.12(2)", _V,
         moves_off_holidays=True),
    Rule("T5", "Other Tribunal acts: 25 December-1 January and August not counted",
         "any other HESC-rule period", (Period(0, Counting.ADJUSTMENT),), "parties",
         "HESC Rules r.12(3)(b), (4)", _V, moves_off_holidays=True,
         note="Context only: medocs computes no other Tribunal periods."),
    Rule("T6", "Contact the mediation adviser", "written notice of the decision sent",
         (Period(2, _M),), "parent or young person", "SEND Regulations 2014 reg 33", _V),
    Rule("T7", "Decline certificate (mediation not wanted)",
         "the adviser is told mediation is not wanted", (Period(3, _WD),), "mediation adviser",
         "SEND Regulations 2014 reg 34(1); CFA 2014 s.55(4)", _S),
    Rule("T8", "Mediation started, then not pursued", "parent or young person stops mediating",
         (Period(0, Counting.NONE),), "mediation adviser", _MEDIATION_PART, _S,
         note="No time limit found; the Code says only that the adviser can then issue a "
              "certificate."),
    Rule("T9", "LA tells the ICB about health mediation issues",
         "the LA is told of the wish to mediate, with health issues", (Period(3, _WD),), "LA",
         _MEDIATION_PART, _S),
    Rule("T10", "Arrange mediation: health issues only", "the ICB receives the LA's notice",
         (Period(30, _D),), "ICB", _MEDIATION_PART, _S,
         note="One source says 30 working days; IPSEA and the Code say 30 days."),
    Rule("T11", "Arrange mediation: health with education or social care",
         "the LA is told of the wish to mediate", (Period(30, _D),), "LA", _MEDIATION_PART, _S),
    Rule("T12", "Arrange mediation: education or social care only",
         "the LA is told of the wish to mediate", (Period(30, _D),), "LA", _MEDIATION_PART, _S,
         note="Sources differ on whether mediation must be arranged or take place in 30 days; "
              "medocs records both dates and decides neither."),
    Rule("T13", "Deemed mediation certificate (mediation not arranged in 30 days)",
         "the LA tells the adviser it cannot arrange mediation in time", (Period(3, _D),),
         "mediation adviser", _MEDIATION_PART, _S,
         note="Sources conflict: IPSEA and Surrey say 3 working days, the Code and Essex say "
              "three days. medocs shows the earlier date, 3 calendar days."),
    Rule("T14", "Notice of the mediation date and place", "the mediation day",
         (Period(5, Counting.WORKING_DAYS_BEFORE),), "the body arranging mediation",
         "SEND Code of Practice ch.11", _S,
         note="Unless the parent or young person agrees to less notice."),
    Rule("T15", "Mediation certificate after mediation", "the conclusion of mediation",
         (Period(3, _WD),), "mediator", "CFA 2014 s.55(5); " + _MEDIATION_PART, _S),
    Rule("T16", "Mediation agreement on appealable matters: reg 44 periods",
         "date of the mediation agreement", (Period(0, Counting.ADJUSTMENT),), "LA",
         "SEND Regulations 2014 reg 42(2)", _V, note="See T21 for the periods."),
    Rule("T17", "Mediation agreement: actions with no right of appeal",
         "date of the mediation agreement", (Period(2, _W),), "LA or ICB",
         "SEND Regulations 2014 reg 42(3)", _V),
    Rule("T18", "ICB tells the LA about an agreement the LA was not party to",
         "date of the mediation agreement", (Period(1, _W),), "ICB",
         "SEND Regulations 2014 reg 42(4)", _V),
    Rule("T19", "Timescale agreed in writing", "the parties agree in writing",
         (Period(0, Counting.NONE),), "parties", "SEND Regulations 2014 reg 42(5)", _V,
         note="Replaces T16/T17, not T18."),
    Rule("T20", "Unopposed appeal", "the LA tells the Tribunal it will not oppose",
         (Period(2, _W, "notify the decision to assess"),
          Period(10, _W, "decide not to issue a plan"),
          Period(14, _W, "issue the final plan"),
          Period(5, _W, "issue the amended plan (contents appeal)")),
         "LA", "SEND Regulations 2014 reg 45 (as substituted by SI 2015/359)", _V),
    Rule("T21", "Compliance with Tribunal orders (and mediation agreements via reg 42(2))",
         "the order is made (for an agreement, its date)",
         (Period(0, Counting.IMMEDIATELY, "cease to maintain (appeal dismissed)"),
          Period(2, _W, "notify the decision to assess or reassess"),
          Period(10, _W, "decide not to issue a plan after assessment"),
          Period(14, _W, "issue the final plan after assessment"),
          Period(5, _W, "issue a draft plan"),
          Period(11, _W, "issue the final plan"),
          Period(5, _W, "amend the needs or provision"),
          Period(2, _W, "change the school or type named in Section I"),
          Period(0, Counting.IMMEDIATELY, "continue to maintain the plan")),
         "LA", "SEND Regulations 2014 reg 44(2)", _S),
    Rule("L1", "Decide whether to carry out an EHC needs assessment", "the LA receives the request",
         (Period(6, _W),), "LA", "SEND Regulations 2014 reg 5(1)", _V),
    Rule("L2", "Contents of a refusal to assess", "decision not to assess",
         (Period(0, Counting.NONE),), "LA", "SEND Regulations 2014 reg 5(3)", _V),
    Rule("L3", "Decide not to issue an EHC plan", "the LA receives the request",
         (Period(16, _W),), "LA", "SEND Regulations 2014 reg 10(1)", _V),
    Rule("L4", "Comments on a draft plan", "the draft plan is served",
         (Period(15, Counting.DAYS_BEGINNING_WITH),), "parent or young person",
         "SEND Regulations 2014 reg 13(1)(a)", _V, note="At least 15 days; the day of service counts."),
    Rule("L5", "Final EHC plan", "the LA receives the request", (Period(20, _W),), "LA",
         "SEND Regulations 2014 reg 13(2)", _V),
    Rule("L6", "Appeal information with the final plan", "the final plan is sent",
         (Period(0, Counting.NONE),), "LA", "SEND Regulations 2014 reg 14", _S),
    Rule("L7", "Notice of an annual review meeting", "the review meeting",
         (Period(2, _W, "before the meeting"),), "person arranging the review",
         "SEND Regulations 2014 reg 20(3), (4)", _V),
    Rule("L8", "LA decision after a review", "the review meeting", (Period(4, _W),), "LA",
         "SEND Regulations 2014 reg 20(10); R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)",
         _S),
    Rule("L9", "Comments on proposed amendments", "proposed amendments served",
         (Period(15, Counting.DAYS_BEGINNING_WITH),), "parent or young person",
         "SEND Regulations 2014 reg 22(2)(c)", _V),
    Rule("L10", "Final amended plan", "the LA sends the proposed amendments",
         (Period(8, _W),), "LA", "SEND Regulations 2014 reg 22(3)", _V),
    Rule("L11", "Decision not to amend after representations", "the LA sends the proposed amendments",
         (Period(8, _W),), "LA", "SEND Regulations 2014 reg 22(4)", _S),
    Rule("L12", "Plan after a reassessment", "notice under reg 25(1) or decision to reassess",
         (Period(14, _W),), "LA", "SEND Regulations 2014 reg 27(2)", _V),
    Rule("L13", "Phase-transfer review and amendment", "the calendar year of transfer",
         (Period(0, Counting.FIXED_DATE, "before 15 February (31 March for secondary to post-16)"),),
         "LA", "SEND Regulations 2014 reg 18(1), (2)", _V,
         note="Strictly 'before 15 February' means by 14 February; guidance says 'by 15 February'."),
    Rule("L14", "Cease to maintain", "decision after consultation", (Period(0, Counting.NONE),),
         "LA", "SEND Regulations 2014 reg 31(1)-(3)", _V),
    Rule("L15", "Coronavirus relaxations", "-", (Period(0, Counting.NONE),), "-",
         "SI 2020/471", _V, note="Expired 25 September 2020; never applied."),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULE_LIST}


def rule(rule_id: str) -> Rule:
    """Return the rule with this id, such as 'T1'. Raises KeyError for an unknown id."""
    return RULES[rule_id]
