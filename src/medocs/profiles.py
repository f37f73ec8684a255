"""Organisation profiles: the LA, the mediation service and the advice services, from TOML.

A profile holds what stays the same from letter to letter: names, addresses, contact details,
the officer who signs, the certificate number prefix and where the register lives.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from medocs.errors import ProfileError
from medocs.models import field_problems

__all__ = ["FALLBACK_FONTS", "Contact", "Letterhead", "LocalAuthority", "MediationService", "Officer",
           "Profile", "enlarge_profile", "letter_addressees", "load_profile"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Prefix = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,10}$")]


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, populate_by_name=True
    )


class Contact(_Model):
    """An organisation or person people can get in touch with."""

    name: Text
    phone: Text | None = None
    email: Text | None = None
    website: Text | None = None
    address: tuple[Text, ...] = ()


class Officer(_Model):
    """A named person: the officer who signs, or the LA's mediation contact (reg 32(f))."""

    name: Text
    job_title: Text
    phone: Text
    email: Text
    salutation: Text | None = None  # how letters greet them ("Ms Adeyemi"); default: the name


class LocalAuthority(_Model):
    """The local authority that makes the decision."""

    name: Text
    service: Text = "Special Educational Needs Service"
    address: tuple[Text, ...] = Field(min_length=1)
    phone: Text
    email: Text
    website: Text
    officer: Officer
    mediation_contact: Officer
    other_formats_phone: Text | None = None


# Fonts LibreOffice's Debian packages bring (fonts-liberation, fonts-dejavu, fonts-crosextra-*):
# a letterhead font the PDF machine lacks is replaced by its fallback, which must be here.
FALLBACK_FONTS = ("Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif", "Carlito",
                  "Caladea")
Colour = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#?[0-9A-Fa-f]{6}$")]


class Letterhead(_Model):
    """An organisation's letterhead, used by medocs's own templates (no template to maintain).

    ``[letterhead]`` is the local authority's (its decision letters); the mediation service's
    certificates and agreements use ``[mediation_service.letterhead]``, so a council's logo
    never appears on the independent service's certificate. The contact lines replace the
    letterhead's address, telephone, email and website lines.
    """

    logo: Path | None = None  # PNG or JPEG; relative to the profile's folder
    address: tuple[Text, ...] = ()
    phone: Text | None = None
    email: Text | None = None
    website: Text | None = None
    accent_colour: Colour | None = None  # "#RRGGBB"
    font: Text | None = None
    fallback_font: Literal[FALLBACK_FONTS] = "Liberation Sans"  # type: ignore[valid-type]


class MediationService(_Model):
    """The independent mediation service and its mediation adviser (CFA s.56(2), (3))."""

    name: Text
    address: tuple[Text, ...] = ()
    phone: Text
    email: Text
    website: Text
    adviser: Officer
    certificate_prefix: Prefix = "MED"
    letterhead: Letterhead | None = None  # the service's own, for its certificates and agreements
    # Who issues a certificate after mediation: sources differ (RULES.md T15), so the service says.
    certificate_issuer: Literal["mediator", "mediation adviser"] = "mediator"
    # The councils the service works with; a case names its own (issue 12 item 9).
    councils: tuple[Text, ...] = ()


class Profile(_Model):
    """Everything about the organisations that a document needs besides the case."""

    la: LocalAuthority
    mediation_service: MediationService
    sendiass: Contact
    disagreement_resolution: Contact
    icb: Contact | None = None
    # "register" is the TOML key; the attribute name avoids BaseModel's own "register".
    register_file: Path | None = Field(default=None, alias="register")
    letterhead: Letterhead | None = None
    source: Path | None = Field(default=None, exclude=True)
    # Set per run (render/batch/pack --large-print), never in the file: 16 pt documents.
    large_print: bool = Field(default=False, exclude=True)


def load_profile(path: Path) -> Profile:
    """Read and validate a TOML organisation profile.

    Args:
        path: the profile file.

    Returns:
        The profile; a relative ``register`` path is taken relative to the profile's folder.

    Raises:
        ProfileError: naming the file and, for a wrong value, the dotted key.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{path}: cannot read the profile ({exc.strerror})"
        raise ProfileError(msg) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"{path}: not valid TOML ({exc})"
        raise ProfileError(msg) from exc
    try:
        profile = Profile.model_validate({**data, "source": path})
    except ValidationError as exc:
        problems = [
            f"key '{key}': {message}" + (f" (got {found})" if found else "")
            for key, message, found in field_problems(exc)
        ]
        msg = f"{path}: " + "; ".join(problems)
        raise ProfileError(msg) from exc
    if profile.register_file is not None and not profile.register_file.is_absolute():
        profile = profile.model_copy(update={"register_file": path.parent / profile.register_file})
    return _with_logo_paths(path, profile)


def _with_logo_paths(path: Path, profile: Profile) -> Profile:
    """Resolve the letterhead logos against the profile's folder and check each one."""
    letterhead = profile.letterhead
    if letterhead is not None and letterhead.logo is not None:
        logo = path.parent / letterhead.logo
        _check_logo(path, "letterhead.logo", logo)
        profile = profile.model_copy(update={"letterhead": letterhead.model_copy(update={"logo": logo})})
    service = profile.mediation_service
    if service.letterhead is not None and service.letterhead.logo is not None:
        logo = path.parent / service.letterhead.logo
        _check_logo(path, "mediation_service.letterhead.logo", logo)
        own = service.model_copy(update={"letterhead": service.letterhead.model_copy(update={"logo": logo})})
        profile = profile.model_copy(update={"mediation_service": own})
    return profile


def enlarge_profile(profile: Profile | None, large_print: bool = True) -> Profile | None:
    """The profile whose documents are in large print (16 pt), for families who ask for it.

    Args:
        profile: the organisation profile (None: nothing to set it on).
        large_print: False returns ``profile`` unchanged.

    Returns:
        A copy of ``profile`` with ``large_print`` set, or ``profile`` itself.

    Raises:
        ProfileError: large print asked for without a profile.
    """
    if not large_print:
        return profile
    if profile is None:
        msg = "--large-print needs an organisation profile (--profile FILE)"
        raise ProfileError(msg)
    return profile.model_copy(update={"large_print": True})


def _check_logo(path: Path, key: str, logo: Path) -> None:
    """Refuse a letterhead logo that is missing or not a PNG or JPEG, naming the field."""
    try:
        head = logo.read_bytes()[:8]
    except OSError as exc:
        msg = f"{path}: key '{key}': cannot read the logo {logo} ({exc.strerror or exc})"
        raise ProfileError(msg) from exc
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8")):
        msg = f"{path}: key '{key}': {logo} is not a PNG or JPEG image"
        raise ProfileError(msg)


def letter_addressees(profile: Profile, *, la_officer: bool = False) -> dict[str, Any]:
    """The LA, the mediation adviser (and the ICB) as an advocate's letter addresses them.

    Args:
        profile: the organisation profile.
        la_officer: write to the LA's officer (an agreed action), not its mediation contact.

    Returns:
        ``la`` and ``adviser`` (organisation, name, job title, salutation, address, email) and
        ``la_name``, as case data.
    """
    la, service = profile.la, profile.mediation_service
    person = la.officer if la_officer else la.mediation_contact
    # A profile's section is complete: its named person is greeted as the profile says, else
    # by their full name.
    la_section = {"organisation": la.name, "name": person.name, "job_title": person.job_title,
                  "salutation": person.salutation or person.name, "address": list(la.address),
                  "email": person.email}
    adviser = {"organisation": service.name, "name": service.adviser.name,
               "job_title": service.adviser.job_title,
               "salutation": service.adviser.salutation or service.adviser.name,
               "address": list(service.address), "email": service.adviser.email}
    found: dict[str, Any] = {"la": la_section, "adviser": adviser, "la_name": la.name}
    if profile.icb is not None and profile.icb.email:
        # The ICB, for a letter about an action it owes (issue 12 item 11).
        found["icb"] = {"organisation": profile.icb.name, "address": list(profile.icb.address),
                        "email": profile.icb.email}
    return found
