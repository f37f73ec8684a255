"""``medocs check`` and ``medocs fields``: what a template may use and whether it is right."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medocs.batch.columns import batch_columns
from medocs.cli.common import (
    KIND,
)
from medocs.cli.output import echo
from medocs.documents.checking import check_template, describe_fields, renamed_fields
from medocs.documents.kinds import copied_template_changes, document_kind, example_context


@click.command()
@click.argument("template", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", required=True, type=KIND, help="The document kind the template is for.")
def check(template: Path, kind: str) -> None:
    """Check a template: unknown fields, syntax errors, missing statutory items.

    Every problem is listed with where it is; exit status 1 if there is any.

    \b
    Example:
      medocs check my-letterhead/decision-letter.docx --kind decision-letter
    """
    doc_kind = document_kind(kind)
    problems = check_template(template, example=example_context(kind), required=doc_kind.required)
    for line in copied_template_changes(doc_kind, template.parent, template=template):
        echo(line)
    for line in renamed_fields(template, example=example_context(kind)):
        echo(f"{template}: warning: {line}")
    for problem in problems:
        echo(f"{template}: {problem}")
    if problems:
        echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    echo(f"{template}: OK for {kind}")


@click.command()
@click.argument("kind", type=KIND)
def fields(kind: str) -> None:
    """List the fields a template of KIND may use, with an example of each.

    Also lists the batch columns of KIND: the dotted names a batch file's header row uses.

    \b
    Example:
      medocs fields decline-certificate
    """
    for path, hint in describe_fields(example_context(kind)):
        echo(f"{path}  {hint}")
    echo(f"\nBatch columns (the header row of a .csv or .xlsx for 'medocs batch {kind}'; "
               "N numbers the items of a list from 1):")
    for column in batch_columns(document_kind(kind).model):
        echo(f"{column.name}  {column.hint}" + (f"  ({column.meaning})" if column.meaning else ""))
