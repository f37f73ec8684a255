"""Plain English, measured on the rendered .docx of every kind and variant (issue 14).

The measures are in tests/readability.py: Flesch-Kincaid grade from the CMU Pronouncing
Dictionary (offline), over the paragraphs a family reads. The case's own free text (an LA's
reasons, an agreed action) is its author's, so it is left out; everything medocs writes is in.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from document_variants import VARIANTS, case_texts, render_variant
from helpers import docx_parts
from readability import LAW, family_reading, fk_grade, sentences, syllables, words

from medocs.documents.kinds import data_dir
from medocs.documents.wording import short_name

IDS = [variant_id for variant_id, _, _ in VARIANTS]
# A rule number with no instrument before it: "r.12(3)(a)", "reg 42(3)", "s.55", "regulation 32".
_RULE_NUMBER = re.compile(r"\b(?:r|rr|reg|regs|regulations?|s|ss|sections?|para)\.? ?\d")
_INSTRUMENT = re.compile(r"(Rules|Regulations 2014|Act 2014|Practice)\s*$")


def _reading(kind: str, changes: dict[str, Any]) -> Any:
    return family_reading(render_variant(kind, changes), exclude=case_texts(kind, changes))


class TestMeasure:
    def test_syllables_come_from_the_dictionary(self) -> None:
        """'mediation' has 4 syllables, 'appeal' 2; an unknown name falls back to vowel groups."""
        assert syllables("mediation") == 4
        assert syllables("appeal") == 2
        assert syllables("Siobhán") >= 2

    def test_grade_formula(self) -> None:
        """'The cat sat on the mat.' is very easy: grade below 0."""
        assert fk_grade("The cat sat on the mat.") < 0
        assert fk_grade("Notwithstanding the aforementioned considerations, the authority "
                        "determined, pursuant to regulation 32, to discontinue provision.") > 14

    def test_the_old_decision_letter_sentence_fails(self) -> None:
        """The 51-word sentence of the first release is caught by the sentence limit."""
        old = ("Please send this to Daniel Okafor, SEND Disagreement Resolution Lead, on 020 7641 "
               "7433 or send.mediation@westminster.gov.uk. We will then arrange mediation within "
               "30 days (SEND Regulations 2014, regulation 32).")
        assert fk_grade(old) > 8
        long_sentence = ("You have the right to appeal to the First-tier Tribunal (Special "
                         "Educational Needs and Disability) against the description of Amara's "
                         "special educational needs (Section B), the special educational "
                         "provision (Section F), and the school named (Section I).")
        assert max(len(words(s)) for s in sentences(long_sentence)) > 25


@pytest.mark.parametrize(("variant", "kind", "changes"), VARIANTS, ids=IDS)
class TestEveryKindAndVariant:
    def test_grade_8_or_below(self, variant: str, kind: str, changes: dict[str, Any]) -> None:
        """What the family reads is at Flesch-Kincaid grade 8 or below (reading age about 13)."""
        reading = _reading(kind, changes)
        assert reading.paragraphs, variant
        assert reading.grade <= 8.0, (variant, round(reading.grade, 1))

    def test_no_sentence_over_25_words(self, variant: str, kind: str,
                                       changes: dict[str, Any]) -> None:
        """No sentence a family reads has more than 25 words."""
        assert _reading(kind, changes).long_sentences(25) == []

    def test_no_bare_rule_numbers(self, variant: str, kind: str, changes: dict[str, Any]) -> None:
        """A rule number stands only after the name of its rules (the law paragraph aside)."""
        bare = []
        for paragraph in _reading(kind, changes).paragraphs:
            for found in _RULE_NUMBER.finditer(paragraph):
                if not _INSTRUMENT.search(paragraph[:found.start()]):
                    bare.append(paragraph[max(0, found.start() - 40):found.end() + 10])
        assert bare == []

    def test_one_law_paragraph(self, variant: str, kind: str, changes: dict[str, Any]) -> None:
        """Each document ends its citations in one 'The law' paragraph."""
        body = docx_parts(render_variant(kind, changes))["body"].split("\n")
        assert [line for line in body if line.startswith(LAW)] != []
        assert len([line for line in body if line.startswith(LAW)]) == 1


class TestJargonGlossed:
    def test_decision_letter_glosses_plan_tribunal_and_certificate(self) -> None:
        """EHC plan, Tribunal and mediation certificate are explained where first used."""
        text = " ".join(_reading("decision-letter", {}).paragraphs)
        assert "education, health and care (EHC)" in text
        assert "The Tribunal is a court that is independent of us." in text
        assert ("mediation certificate. This is a form from the adviser that you send with "
                "your appeal.") in text


class TestNames:
    @pytest.mark.parametrize(("name", "short"), [
        ("Mr Thomas Davies", "Mr Davies"), ("Ms Niamh Ó Briain", "Ms Ó Briain"),
        ("Dr Femi Adebayo", "Dr Adebayo"), ("Thomas Davies", "Thomas Davies"),
        ("Ms Khan", "Ms Khan"),
    ])
    def test_short_name(self, name: str, short: str) -> None:
        """Title and surname after the first mention; a name without a title stays whole."""
        assert short_name(name) == short

    def test_greeting_is_title_and_surname(self) -> None:
        """'Dear Mr Davies', never 'Dear Mr Thomas Davies'."""
        changes = {"recipient": {"name": "Mr Thomas Davies", "address": ["1 High St"]}}
        body = docx_parts(render_variant("decision-letter", changes))["body"]
        assert "Dear Mr Davies" in body
        assert "Dear Mr Thomas Davies" not in body

    @pytest.mark.parametrize("kind", ["mediation-request", "certificate-request",
                                      "mediation-not-arranged", "agreement-chase"])
    def test_client_named_in_full_once(self, kind: str) -> None:
        """An advocate's letter names the client in full once, then by title and surname."""
        reading = _reading(kind, {})
        text = " ".join(reading.paragraphs)
        client = re.search(r"I am writing for (M[rs]s? [^,]+),", text)
        assert client is not None
        assert text.count(client.group(1)) == 1
        assert short_name(client.group(1)) in text.replace(client.group(1), "")

    @pytest.mark.parametrize(("variant", "kind", "changes"), VARIANTS, ids=IDS)
    def test_no_singular_they_for_a_named_person(self, variant: str, kind: str,
                                                 changes: dict[str, Any]) -> None:
        """'they', 'their', 'themselves' never stand for the named recipient or client."""
        text = docx_text_all(kind, changes)
        assert not re.search(r"\b(told|with) their\b|\bthey (told|do not|wish)|themselves",
                             text)


def docx_text_all(kind: str, changes: dict[str, Any]) -> str:
    parts = docx_parts(render_variant(kind, changes))
    return " ".join(" ".join(parts.values()).split())


SAMPLES = data_dir("samples")
_CITATION = re.compile(r"\((?:Children and Families Act|CFA|SEND Regulations|HESC)[^)]*\)")


def _sample_prose(value: Any, key: str = "") -> list[tuple[str, str]]:
    """(field, text) of the sample cases' reasons and next steps: the author's own words."""
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _sample_prose(v, k)]
    if isinstance(value, list):
        return [found for item in value for found in _sample_prose(item, key)]
    return [(key, value)] if key in {"reasons", "next_steps"} and isinstance(value, str) else []


@pytest.mark.parametrize("path", sorted([*SAMPLES.glob("*.toml"), *SAMPLES.glob("journeys/*.toml")]),
                         ids=lambda p: p.stem)
def test_the_samples_own_words_are_plain(path: Path) -> None:
    """What the README's letters say in the LA's own words keeps the rules the templates keep:
    no sentence over 25 words, no citation mid-sentence (it belongs in 'The law')."""
    prose = _sample_prose(tomllib.loads(path.read_text(encoding="utf-8")))
    long_ones = [s for _, text in prose for s in sentences(text) if len(words(s)) > 25]
    cited = [text for _, text in prose if _CITATION.search(text)]
    assert long_ones == []
    assert cited == []
