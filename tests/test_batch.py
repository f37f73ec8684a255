"""medocs.batch.run: whole batches on real CSV/XLSX/JSONL files, SQLite and .docx.

Reading the files is tested in test_tables.py, the columns in test_columns.py.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from helpers import docx_text, many_rows, sample_rows, write_csv

from medocs.batch.columns import RowConverter
from medocs.batch.run import BatchResult, run_batch
from medocs.documents.kinds import KINDS, build_context, template_path
from medocs.documents.rendering import load_template
from medocs.errors import CaseValidationError, OutputError
from medocs.loading import validate_case
from medocs.profiles import Profile
from medocs.register import Entry, Register, Reservation, file_sha256

TODAY = date(2025, 1, 1)
DECLINE = KINDS["decline-certificate"]
MEDIATION = KINDS["mediation-certificate"]


def run(source: Path, out: Path, profile: Profile, *, kind: str = "decline-certificate",
        **options: object) -> BatchResult:
    """run_batch with the test profile, a register next to ``out`` and a fixed today."""
    return run_batch(KINDS[kind], source, out=out, profile=profile, today=TODAY,
                     register_path=out.parent / "register.sqlite", **options)  # type: ignore[arg-type]


def manifest(out: Path) -> list[dict[str, str]]:
    text = (out / "manifest.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def error_lines(out: Path) -> list[dict[str, str]]:
    text = (out / "errors.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def register_entries(out: Path) -> list[tuple[str, str, str | None, str]]:
    with Register(out.parent / "register.sqlite") as reg:
        return [(e.number, e.case_ref, e.sha256, e.status) for e in reg.list()]


def assert_no_change(source: Path, out: Path, profile: Profile, first: BatchResult) -> None:
    """A re-run, then a --reissue, find every row of ``first`` done and spend no number."""
    for reissue in (False, True):
        again = run(source, out, profile, reissue=reissue)
        assert [row.status for row in again.rows] == ["skipped-already-done"] * len(first.rows)
        assert [row.certificate_number for row in again.rows] == [
            row.certificate_number for row in first.rows]
    assert len(register_entries(out)) == len(first.rows)


class TestSampleWorkbooks:
    def test_sample_workbooks_render_like_the_csv(self, tmp_path: Path, profile: Profile) -> None:
        """samples/batch/*.xlsx (date cells, some text dates) give the CSV's documents byte for byte."""
        for kind in ("decline-certificate", "mediation-certificate"):
            source = Path(__file__).parents[1] / "samples" / "batch"
            from_csv = run(source / f"{kind}.csv", tmp_path / kind / "csv" / "out", profile, kind=kind)
            from_xlsx = run(source / f"{kind}.xlsx", tmp_path / kind / "xlsx" / "out", profile, kind=kind)
            assert from_csv.count("issued") == 24
            assert [r.sha256 for r in from_csv.rows] == [r.sha256 for r in from_xlsx.rows]


class TestRunBatch:
    def test_every_row_issued_registered_and_readable(self, tmp_path: Path, profile: Profile) -> None:
        """24 rows give 24 numbered certificates whose text carries the names as typed."""
        out = tmp_path / "out"
        result = run(write_csv(tmp_path / "in.csv", sample_rows()), out, profile)
        assert result.count("issued") == 24
        assert result.errors_file is None
        lines = manifest(out)
        assert [line["certificate_number"] for line in lines] == [f"GM-2025-{n:06d}" for n in range(1, 25)]
        text = docx_text(out / lines[1]["output"])
        assert "Mr Declan & Mrs Áine O'Brien" in text
        assert "GM-2025-000002" in text
        assert "Jamie <JJ> Patel" in docx_text(out / lines[4]["output"])
        entries = register_entries(out)
        assert {(number, sha, status) for number, _, sha, status in entries} == {
            (line["certificate_number"], file_sha256(out / line["output"]), "issued") for line in lines}

    def test_manifest_carries_key_dates(self, tmp_path: Path, profile: Profile) -> None:
        """Each manifest row has the appeal deadline and the certificate due date."""
        out = tmp_path / "out"
        run(write_csv(tmp_path / "in.csv", sample_rows()[:1]), out, profile)
        (line,) = manifest(out)
        assert line["status"] == "issued"
        # Two months from the decision (6 January) is later than one month from issue.
        assert line["appeal_by"] == "2025-03-06"
        assert line["certificate_due_by"] == "2025-01-23"

    def test_manifest_key_dates_by_timeline_key(self, tmp_path: Path, profile: Profile) -> None:
        """The key-date columns are named by the timeline keys too; the old _by columns follow."""
        out = tmp_path / "out"
        run(write_csv(tmp_path / "in.csv", sample_rows()[:1]), out, profile)
        (line,) = manifest(out)
        assert line["appeal_deadline"] == line["appeal_by"] == "2025-03-06"
        assert line["decline_certificate_due"] == line["certificate_due_by"] == "2025-01-23"
        columns = list(line)
        assert columns.index("decline_certificate_due") < columns.index("appeal_by")

    @pytest.mark.parametrize("jobs", [1, 2])
    def test_bad_rows_are_reported_and_the_good_ones_rendered(self, tmp_path: Path, profile: Profile,
                                                              jobs: int) -> None:
        """Each fault is one errors.csv line with row, field and value; good rows are all written.

        With two jobs the rows are checked in the worker processes: the report is the same.
        """
        source = Path(__file__).parents[1] / "samples" / "batch" / "decline-certificate-bad.csv"
        out = tmp_path / "out"
        result = run(source, out, profile, jobs=jobs)
        assert result.count("issued") == 5
        problems = {(e["row"], e["field"], e["found"]) for e in error_lines(out)}
        assert ("3", "child.date_of_birth", "2016-02-30") in problems
        assert ("5", "recipient.name", "") in problems
        assert ("6", "case_ref", "GM-2025-0103") in problems
        assert ("7", "case_ref", "GM-2025-0103") in problems
        assert ("9", "issued_on, declined_on", "2025-01-23, 2025-02-22") in problems
        statuses = [line["status"] for line in manifest(out)]
        assert statuses == ["issued", "error", "issued", "error", "error", "error", "issued", "error",
                            "issued", "issued"]
        assert len(list(out.glob("*.docx"))) == 5
        assert error_lines(out)[0]["message"] == "is not a real date: February 2016 has 29 days"

    def test_unknown_column_stops_before_writing(self, tmp_path: Path, profile: Profile) -> None:
        """A misspelt header is a file error; no output folder is created."""
        rows = [{**row, "child.nmae": row["child.name"]} for row in sample_rows()[:2]]
        for row in rows:
            del row["child.name"]
        with pytest.raises(CaseValidationError, match="did you mean 'child.name'"):
            run(write_csv(tmp_path / "in.csv", rows), tmp_path / "out", profile)
        assert not (tmp_path / "out").exists()

    def test_colliding_file_names_are_row_errors(self, tmp_path: Path, profile: Profile) -> None:
        """--name '{child}' with a repeated child, and case_refs differing in case, collide."""
        rows = sample_rows()[:4]
        rows[1]["child.name"] = rows[0]["child.name"]
        rows[3]["case_ref"] = rows[2]["case_ref"].lower()
        out = tmp_path / "out"
        result = run(write_csv(tmp_path / "in.csv", rows), out, profile, name_pattern="{child}-{case_ref}")
        assert result.count("issued") == 4
        result = run(write_csv(tmp_path / "in2.csv", rows), tmp_path / "b" / "out", profile,
                     name_pattern="{child}")
        assert [row.status for row in result.rows] == ["error", "error", "issued", "issued"]
        result = run(write_csv(tmp_path / "in3.csv", rows), tmp_path / "c" / "out", profile)
        assert [row.status for row in result.rows] == ["issued", "issued", "error", "error"]
        assert "would all be written to" in result.errors[0].message

    def test_existing_file_is_kept_without_force(self, tmp_path: Path, profile: Profile) -> None:
        """A file of the same name that is not ours stays untouched; --force replaces it."""
        out = tmp_path / "out"
        out.mkdir()
        squatter = out / "GM-2025-0101-decline-certificate.docx"
        squatter.write_bytes(b"someone else's file")
        source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
        result = run(source, out, profile)
        assert [row.status for row in result.rows] == ["error", "issued"]
        assert squatter.read_bytes() == b"someone else's file"
        assert "use --force" in result.errors[0].message
        result = run(source, out, profile, force=True)
        assert [row.status for row in result.rows] == ["issued", "issued"]
        assert "Zoë Adeyemi" in docx_text(squatter)

    def test_running_again_skips_what_is_done(self, tmp_path: Path, profile: Profile) -> None:
        """A second run issues nothing new and spends no number."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:5])
        first = run(source, out, profile)
        again = run(source, out, profile)
        assert [row.status for row in again.rows] == ["skipped-already-done"] * 5
        assert [row.sha256 for row in again.rows] == [row.sha256 for row in first.rows]
        assert len(register_entries(out)) == 5

    def test_reissue_renumbers_only_the_corrected_cases_and_only_once(self, tmp_path: Path,
                                                                       profile: Profile) -> None:
        """--reissue: changed rows get new numbers linked to the old ones; a second run changes nothing."""
        out = tmp_path / "out"
        rows = sample_rows()[:5]
        first = run(write_csv(tmp_path / "in.csv", rows), out, profile)
        rows[1]["recipient.name"] = "Mrs Corrected Name"
        rows[3]["issued_on"] = "2025-03-31"
        source = write_csv(tmp_path / "corrected.csv", rows)
        without = run(source, out, profile)
        done, error = "skipped-already-done", "error"
        assert [row.status for row in without.rows] == [done, error, done, error, done]
        assert "issued from other details than this row's" in error_lines(out)[0]["message"]
        assert "use --reissue" in error_lines(out)[0]["message"]
        reissued = run(source, out, profile, reissue=True)
        assert [row.status for row in reissued.rows] == [done, "issued", done, "issued", done]
        assert [row.certificate_number for row in reissued.rows] == [
            first.rows[0].certificate_number, "GM-2025-000006", first.rows[2].certificate_number,
            "GM-2025-000007", first.rows[4].certificate_number]
        assert "Mrs Corrected Name" in docx_text(out / reissued.rows[1].docx.name)
        assert [line["reissue_of"] for line in manifest(out)] == [
            "", first.rows[1].certificate_number, "", first.rows[3].certificate_number, ""]
        with Register(out.parent / "register.sqlite") as reg:
            assert reg.show("GM-2025-000006").reissue_of == first.rows[1].certificate_number
            assert reg.show(first.rows[1].certificate_number).sha256 == first.rows[1].sha256
        again = run(source, out, profile, reissue=True)
        assert [row.status for row in again.rows] == ["skipped-already-done"] * 5
        assert len(register_entries(out)) == 7

    def test_another_day_is_no_change(self, tmp_path: Path, profile: Profile) -> None:
        """Run again months later (deadlines passed, other warnings): nothing is 'changed'."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:3])
        run(source, out, profile)
        later = run_batch(DECLINE, source, out=out, profile=profile, today=date(2026, 11, 26),
                          register_path=out.parent / "register.sqlite", reissue=True)
        assert [row.status for row in later.rows] == ["skipped-already-done"] * 3
        assert len(register_entries(out)) == 3

    def test_profile_details_no_certificate_shows_are_no_change(self, tmp_path: Path,
                                                                profile: Profile) -> None:
        """Where the register lives or where the profile was read from does not make rows 'changed'."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:3])
        run(source, out, profile)
        moved = profile.model_copy(update={"register_file": tmp_path / "elsewhere" / "reg.sqlite",
                                           "source": tmp_path / "cfg" / "profile.toml"})
        again = run(source, out, moved, reissue=True)
        assert [row.status for row in again.rows] == ["skipped-already-done"] * 3
        assert len(register_entries(out)) == 3

    def test_a_profile_field_the_certificate_does_not_print_is_no_change(self, tmp_path: Path,
                                                                         profile: Profile) -> None:
        """A new SENDIASS phone (not on a certificate): a re-run and a --reissue keep every number."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:3])
        first = run(source, out, profile)
        assert profile.sendiass is not None
        phone = "020 7000 9999"
        moved = profile.model_copy(update={
            "sendiass": profile.sendiass.model_copy(update={"phone": phone})})
        case = validate_case(RowConverter(DECLINE.model).convert(sample_rows()[0]).data,
                             DECLINE.model, where="test")
        assert build_context(DECLINE, case, moved, today=TODAY)["sendiass"]["phone"] == phone
        assert_no_change(source, out, moved, first)

    def test_a_profile_field_the_certificate_prints_is_a_change(self, tmp_path: Path,
                                                               profile: Profile) -> None:
        """A new adviser's name (signed on the certificate): a re-run says --reissue; that renumbers."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
        run(source, out, profile)
        service = profile.mediation_service
        renamed = profile.model_copy(update={"mediation_service": service.model_copy(update={
            "adviser": service.adviser.model_copy(update={"name": "Ms Zoë Newname"})})})
        again = run(source, out, renamed)
        assert [row.status for row in again.rows] == ["error", "error"]
        assert "use --reissue" in error_lines(out)[0]["message"]
        reissued = run(source, out, renamed, reissue=True)
        assert [row.status for row in reissued.rows] == ["issued", "issued"]
        assert "Ms Zoë Newname" in docx_text(out / reissued.rows[0].docx.name)
        assert len(register_entries(out)) == 4

    def test_sources_recorded_by_an_earlier_medocs_are_checked_against_the_file(
            self, tmp_path: Path, profile: Profile) -> None:
        """A register whose digests were made another way: the unchanged files decide, no number is spent."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:3])
        first = run(source, out, profile)
        with sqlite3.connect(out.parent / "register.sqlite") as raw:
            raw.execute("UPDATE certificates SET source_sha256 = ?", ("0" * 64,))
        raw.close()
        assert_no_change(source, out, profile, first)

    def test_certificates_issued_before_sources_were_recorded(self, tmp_path: Path,
                                                              profile: Profile) -> None:
        """A schema-1 register (no sources) and files zipped another way: what the files say decides."""
        out = tmp_path / "out"
        rows = sample_rows()[:3]
        first = run(write_csv(tmp_path / "in.csv", rows), out, profile)
        _make_schema_1(out.parent / "register.sqlite", [row.docx for row in first.rows if row.docx])
        rows[1]["recipient.name"] = "Mrs Corrected Name"
        source = write_csv(tmp_path / "corrected.csv", rows)
        without = run(source, out, profile)
        done = "skipped-already-done"
        assert [row.status for row in without.rows] == [done, "error", done]
        assert "use --reissue" in error_lines(out)[0]["message"]
        reissued = run(source, out, profile, reissue=True)
        assert [row.status for row in reissued.rows] == [done, "issued", done]
        assert len(register_entries(out)) == 4
        with Register(out.parent / "register.sqlite") as reg:  # all known now but the superseded one
            assert [entry.number for entry in reg.list() if not entry.source_sha256] == [
                first.rows[1].certificate_number]

    def test_reissue_keeps_a_file_that_is_not_the_latest_certificate(self, tmp_path: Path,
                                                                     profile: Profile) -> None:
        """A hand-edited file at the target is a row error under --reissue, and no number is spent."""
        out = tmp_path / "out"
        rows = sample_rows()[:2]
        first = run(write_csv(tmp_path / "in.csv", rows), out, profile)
        edited = out / first.rows[0].docx.name
        edited.write_bytes(b"edited by hand")
        rows[0]["recipient.name"] = "Mrs Corrected Name"
        result = run(write_csv(tmp_path / "corrected.csv", rows), out, profile, reissue=True)
        assert [row.status for row in result.rows] == ["error", "skipped-already-done"]
        assert "is not certificate GM-2025-000001" in error_lines(out)[0]["message"]
        assert edited.read_bytes() == b"edited by hand"
        assert len(register_entries(out)) == 2

    def test_reserved_number_without_file_is_finished(self, tmp_path: Path, profile: Profile) -> None:
        """A number reserved by a run that died before writing is used, not a new one."""
        out = tmp_path / "out"
        source = write_csv(tmp_path / "in.csv", sample_rows()[:2])
        with Register(out.parent / "register.sqlite") as reg:  # what a killed run leaves behind
            (reserved,) = reg.reserve_many([Reservation(
                kind="decline-certificate", case_ref="GM-2025-0102", prefix="GM", year=2025, parties="x",
                decision_date=date(2025, 1, 15), issued_on=date(2025, 2, 2))])
            assert isinstance(reserved, Entry)
        result = run(source, out, profile)
        assert [row.status for row in result.rows] == ["issued", "issued"]
        assert result.rows[1].certificate_number == reserved.number == "GM-2025-000001"
        assert result.rows[0].certificate_number == "GM-2025-000002"
        assert reserved.number in docx_text(out / "GM-2025-0102-decline-certificate.docx")

    def test_values_cannot_start_a_formula_in_the_reports(self, tmp_path: Path, profile: Profile) -> None:
        """A case_ref '=1+2' and a found value '@SUM(A1)' are neutralised in both CSV files."""
        rows = sample_rows()[:2]
        rows[0]["case_ref"] = "=1+2"
        rows[1]["child.date_of_birth"] = "@SUM(A1)"
        out = tmp_path / "out"
        run(write_csv(tmp_path / "in.csv", rows), out, profile)
        manifest_text = (out / "manifest.csv").read_text(encoding="utf-8-sig")
        errors_text = (out / "errors.csv").read_text(encoding="utf-8-sig")
        assert "\n2,'=1+2,issued," in manifest_text.replace("\r\n", "\n")
        assert ",'@SUM(A1)" in errors_text
        assert "\n=" not in manifest_text.replace("\r\n", "\n")

    def test_large_batch_result_keeps_no_case_data_in_memory(self, tmp_path: Path, profile: Profile) -> None:
        """The result holds no case models: outcomes are read back from disk, in row order."""
        import gc

        from pydantic import BaseModel

        source = write_csv(tmp_path / "in.csv", many_rows(300))
        result = run(source, tmp_path / "out", profile)
        gc.collect()
        assert not [obj for obj in gc.get_objects() if isinstance(obj, BaseModel)
                    and type(obj).__name__ == KINDS["decline-certificate"].model.__name__]
        assert not isinstance(result.rows, list)  # not one object per row held
        assert result.count("issued") == len(result.rows) == 300
        lines = manifest(tmp_path / "out")
        assert [(r.row, r.case_ref, r.certificate_number, r.sha256) for r in result.rows] == [
            (int(line["row"]), line["case_ref"], line["certificate_number"], line["sha256"])
            for line in lines]
        assert result.rows[-1].case_ref == lines[-1]["case_ref"]
        assert [r.case_ref for r in result.rows[:2]] == [line["case_ref"] for line in lines[:2]]

    def test_two_jobs_give_the_same_documents_and_numbers(self, tmp_path: Path, profile: Profile) -> None:
        """--jobs 2 writes byte-identical files with the same unique numbers as --jobs 1."""
        source = write_csv(tmp_path / "in.csv", many_rows(120))
        one = run(source, tmp_path / "one" / "out", profile, jobs=1)
        two = run(source, tmp_path / "two" / "out", profile, jobs=2)
        assert two.count("issued") == 120
        assert [(r.case_ref, r.certificate_number, r.sha256) for r in two.rows] == [
            (r.case_ref, r.certificate_number, r.sha256) for r in one.rows]
        numbers = [number for number, _, _, _ in register_entries(tmp_path / "two" / "out")]
        assert len(set(numbers)) == 120
        for row in two.rows:
            assert row.docx is not None
            assert row.docx.read_bytes() == (tmp_path / "one" / "out" / row.docx.name).read_bytes()

    def test_stale_errors_file_goes_when_all_rows_pass(self, tmp_path: Path, profile: Profile) -> None:
        """errors.csv from a failed run is removed once a run has no errors."""
        out = tmp_path / "out"
        rows = sample_rows()[:2]
        bad = [dict(rows[0], issued_on="31/02/2025"), rows[1]]
        assert run(write_csv(tmp_path / "bad.csv", bad), out, profile).errors_file is not None
        assert run(write_csv(tmp_path / "good.csv", rows), out, profile).errors_file is None
        assert not (out / "errors.csv").exists()

    def test_out_must_be_a_folder(self, tmp_path: Path, profile: Profile) -> None:
        """--out x.docx is refused: a batch writes many files."""
        with pytest.raises(OutputError, match="must be a folder"):
            run(write_csv(tmp_path / "in.csv", sample_rows()[:1]), tmp_path / "x.docx", profile)

    @pytest.mark.needs_soffice
    def test_pdf_for_each_row(self, tmp_path: Path, profile: Profile) -> None:
        """--pdf converts every document with LibreOffice; an existing PDF is a row error."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "GM-2025-0103-decline-certificate.pdf").write_bytes(b"%PDF- not ours")
        result = run(write_csv(tmp_path / "in.csv", sample_rows()[:3]), out, profile, pdf=True, jobs=2)
        assert [row.status for row in result.rows] == ["issued", "issued", "error"]
        assert result.errors[0].field == "(pdf)"
        for row in result.rows[:2]:
            assert row.pdf is not None
            assert row.pdf.read_bytes().startswith(b"%PDF-")
        assert [line["pdf"] for line in manifest(out)][:2] == [
            "GM-2025-0101-decline-certificate.pdf", "GM-2025-0102-decline-certificate.pdf"]

    @pytest.mark.needs_soffice
    def test_a_pdf_older_than_its_reissued_docx_is_made_again(self, tmp_path: Path, profile: Profile) -> None:
        """Reissued without --pdf, then run with --pdf: the stale PDF of the old number is replaced."""
        out = tmp_path / "out"
        rows = sample_rows()[:2]
        first = run(write_csv(tmp_path / "in.csv", rows), out, profile, pdf=True)
        kept = first.rows[1].pdf
        assert kept is not None
        kept_bytes = kept.read_bytes()
        rows[0]["recipient.name"] = "Mrs Corrected Name"
        source = write_csv(tmp_path / "corrected.csv", rows)
        assert run(source, out, profile, reissue=True).rows[0].certificate_number == "GM-2025-000003"
        result = run(source, out, profile, reissue=True, pdf=True)
        assert [row.status for row in result.rows] == ["skipped-already-done"] * 2
        remade = result.rows[0].pdf
        assert remade is not None
        text = subprocess.run(["pdftotext", str(remade), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "GM-2025-000003" in text
        assert "Mrs Corrected Name" in text
        assert kept.read_bytes() == kept_bytes  # the unchanged row's PDF is left alone


def _make_schema_1(register: Path, files: list[Path]) -> None:
    """Make a register and its files look as medocs 0.1 left them: no sources, other deflate."""
    with sqlite3.connect(register) as raw:
        for path in files:
            with zipfile.ZipFile(path) as package:
                parts = [(info, package.read(info)) for info in package.infolist()]
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
                for info, data in parts:
                    package.writestr(info.filename, data)
            raw.execute("UPDATE certificates SET sha256 = ? WHERE output_name = ?",
                        (file_sha256(path), path.name))
        raw.execute("ALTER TABLE certificates DROP COLUMN source_sha256")
        raw.execute("PRAGMA user_version = 1")
    raw.close()


class TestSameAsDocxtpl:
    @pytest.mark.parametrize("kind", ["decline-certificate", "mediation-certificate"])
    def test_compile_once_output_has_docxtpls_text(self, kind: str, tmp_path: Path, profile: Profile) -> None:
        """For each certificate, the batch's file and docxtpl's own render of the context read the same."""
        out = tmp_path / "out"
        rows = sample_rows(kind)[:2]
        result = run(write_csv(tmp_path / "in.csv", rows), out, profile, kind=kind)
        converter = RowConverter(KINDS[kind].model)
        for row, outcome in zip(rows, result.rows, strict=True):
            case = validate_case(converter.convert(row).data, KINDS[kind].model, where="test")
            context = build_context(KINDS[kind], case, profile, today=TODAY,
                                    certificate_number=outcome.certificate_number)
            reference = DocxTemplate(str(template_path(KINDS[kind])))
            reference.render(context, autoescape=True)
            buffer = io.BytesIO()
            reference.save(buffer)
            assert outcome.docx is not None
            assert docx_text(outcome.docx) == docx_text(buffer.getvalue())
            assert outcome.docx.read_bytes() == load_template(template_path(KINDS[kind])).render(context)


class TestHeaderAfterFileFault:
    def test_a_file_fault_is_reported_before_a_header_problem(self, tmp_path: Path, profile: Profile) -> None:
        """An unknown column and a broken record further on: the broken record is named, as before."""
        path = tmp_path / "c.csv"
        path.write_text(f"case_ref,bogus\nA,1\nB,{'x' * 200_000}\n", encoding="utf-8")
        with pytest.raises(CaseValidationError, match="row 3: not valid CSV"):
            run(path, tmp_path / "out", profile)
        assert not (tmp_path / "out").exists()
