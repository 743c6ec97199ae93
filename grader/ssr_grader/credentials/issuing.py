"""Who gets a certificate and a badge, and issuing each exactly once.

The course promises a certificate "upon the successful completion of the end-of-course quiz and
after participants have filled out the course evaluation form". So a learner qualifies only when
the quiz score is final (no open question waiting for a hand mark) and at or above the pass
mark, *and* the submitted evaluation has every required answer. Everyone else is listed with what
is still missing.

Each learner's certificate and badge are in their language, English or French, as the trainer says: the roster's
``language`` column (kept in the course folder by ``ssr-trainer roster``), or ``--language`` for one run; never
anything the learner hands in. The registry records the language each certificate was issued in, so a lost file
comes back in that language.

Issuing is idempotent: a registry (``issued.json``, written atomically) keeps each learner's
certificate id, credential id and issue time, so a re-run issues nothing twice, keeps ids
stable, and re-creates a lost file byte for byte (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ssr_widgets.loader import describe_errors

from ..course import Course
from ..files import atomic_write_text
from ..reports.evaluations import EvaluationRecord, read_all
from ..reports.export import grade_rows
from .language import DEFAULT_LANGUAGE, LANGUAGE_NAMES, N_, translator

__all__ = ["IssueReport", "IssuerSettings", "Standing", "issue_all", "load_issuer", "standings"]

ISSUER_FILE = "issuer.yml"
REGISTRY = "issued.json"


class IssuerError(ValueError):
    """The issuer settings or the registry cannot be used; the message says which file and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


#: The achievement's texts as the course ships them in issuer.yml. A trainer who keeps them gets their French from
#: the ``trainer`` catalogue; one who writes their own gives the French in issuer.yml (``achievement: fr:``).
DEFAULT_ACHIEVEMENT = {
    "name": N_("Introduction to Security Sector Reform: certificate of completion"),
    "description": N_("Completion of the open course Introduction to Security Sector Reform (SSR): the concept of "
                      "security and SSR, the SSR context, key actors and coordination, and international support to "
                      "SSR processes."),
    "criteria": N_("The learner worked through the course, scored at least {pass_mark} % of the points in the "
                   "end-of-course quiz, and completed the course evaluation."),
}


class AchievementTexts(_Strict):
    """The achievement's texts in one more language (``achievement: fr:`` in issuer.yml)."""

    name: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    criteria: Annotated[str, Field(min_length=1)]


class AchievementSettings(_Strict):
    id: Annotated[str, Field(pattern=r"^(https?|urn):\S+$")]
    name: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    criteria: Annotated[str, Field(min_length=1)]
    fr: AchievementTexts | None = None

    def texts(self, language: str) -> AchievementTexts:
        """Name, description and criteria in ``language``; raises IssuerError when issuer.yml has none in it."""
        english = AchievementTexts(name=self.name, description=self.description, criteria=self.criteria)
        if language == DEFAULT_LANGUAGE:
            return english
        own = getattr(self, language, None)
        if own is not None:
            return own
        if english.model_dump() == DEFAULT_ACHIEVEMENT:  # the course's own texts: translated in the catalogue
            tr = translator(language)
            return AchievementTexts(**{k: tr.gettext(v) for k, v in DEFAULT_ACHIEVEMENT.items()})
        raise IssuerError(f"{ISSUER_FILE}: the achievement's name, description and criteria are your own, and there "
                          f"is no {LANGUAGE_NAMES[language]} version of them for the badge: add it under "
                          f"achievement:, as  {language}:  with name, description and criteria")


class IssuerSettings(_Strict):
    name: Annotated[str, Field(min_length=1)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    email: str | None = None
    verify_url: Annotated[str, Field(pattern=r"^https?://\S*\{id\}\S*$")]
    valid_years: Annotated[int, Field(gt=0, le=50)] | None = None
    public_key: Annotated[str, Field(pattern=r"^z[1-9A-HJ-NP-Za-km-z]+$")] | None = None
    achievement: AchievementSettings

    @model_validator(mode="after")
    def _known_placeholders(self) -> IssuerSettings:
        checked = [("verify_url", self.verify_url, {"id"}),
                   ("achievement.criteria", self.achievement.criteria, {"pass_mark"})]
        if self.achievement.fr is not None:
            checked.append(("achievement.fr.criteria", self.achievement.fr.criteria, {"pass_mark"}))
        for name, text, allowed in checked:
            try:
                used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                raise ValueError(f"{name}: {exc} (write {{{{ and }}}} for a literal brace)") from None
            if used - allowed:
                raise ValueError(f"{name} uses {', '.join(sorted(used - allowed))}; only "
                                 f"{', '.join('{' + a + '}' for a in sorted(allowed))} can be filled in")
        return self


def load_issuer(course: Course) -> IssuerSettings:
    path = course.root / ISSUER_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IssuerError(f"{ISSUER_FILE} not found in {course.root}: copy it from the course's grader/ folder") from None
    except yaml.YAMLError as exc:
        raise IssuerError(f"{ISSUER_FILE}: not valid YAML ({exc})") from None
    try:
        return IssuerSettings.model_validate(data)
    except ValidationError as exc:
        raise IssuerError(str(describe_errors(exc, ISSUER_FILE, lambda loc: ("", loc)))) from None


# ---------------------------------------------------------------------------------- standing
@dataclass(frozen=True)
class Standing:
    """One learner's position against the issuing rule."""

    student: str
    first_name: str
    last_name: str
    email: str
    percent: float | None
    quiz_passed: bool
    quiz_status: str
    evaluation: EvaluationRecord
    name_problem: str | None = None  # why the certificate cannot print the name, if it cannot
    language: str = DEFAULT_LANGUAGE  # the trainer's roster says which (never the learner's own files)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def missing(self) -> list[str]:
        """What still stands between this learner and a certificate, in plain words."""
        out = [] if self.quiz_passed else [self.quiz_status]
        if not self.evaluation.complete:
            out.append(self.evaluation.summary())
        if not self.name:
            out.append("no name in the roster (run ssr-trainer roster with first and last names)")
        elif self.name_problem:
            out.append(f"the certificate cannot print the name: {self.name_problem}")
        return out

    @property
    def eligible(self) -> bool:
        return not self.missing


def standings(course: Course) -> list[Standing]:
    """Every learner in the gradebook with their quiz and evaluation status."""
    from ..intake.roster import learner_languages
    from .certificate import printable_problem

    rows = grade_rows(course)
    try:
        languages = learner_languages(course.root)
    except ValueError as exc:
        raise IssuerError(str(exc)) from None
    evaluations = read_all(course, [r.id for r in rows])
    pass_mark = course.quiz.pass_percent
    out = []
    for r in rows:
        if r.score is None:
            passed, status = False, "quiz not submitted or not graded yet"
        elif r.needs_hand_marking:
            passed, status = False, "quiz waiting for hand-marking of the open question"
        elif r.passed(course.quiz.pass_mark):
            passed, status = True, f"quiz passed ({r.percent:g} %)"
        else:
            passed, status = False, f"quiz below the pass mark ({r.percent:g} % < {pass_mark} %)"
        name = " ".join(p for p in (r.first_name, r.last_name) if p)
        out.append(Standing(r.id, r.first_name, r.last_name, r.email, r.percent, passed, status, evaluations[r.id],
                            printable_problem(name) if name else None, languages.get(r.id, DEFAULT_LANGUAGE)))
    return out


# ---------------------------------------------------------------------------------- issuing
class RegistryEntry(_Strict):
    """What was issued to one learner: enough to make the same files again, byte for byte."""

    certificate_id: Annotated[str, Field(pattern=r"^SSR-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")]
    credential_id: Annotated[str, Field(pattern=r"^urn:uuid:[0-9a-f-]{36}$")]
    issued_at: datetime
    name: Annotated[str, Field(min_length=1)]
    email: str | None
    percent: float
    salt: Annotated[str, Field(min_length=8)]
    replaces: str | None = None  # the certificate id of an earlier, re-issued certificate
    language: Literal["en", "fr"] = "en"  # of the certificate and badge (English for a registry made before French)


def stable_uuid(course: Course, issuer: IssuerSettings, key_did: str, student: str) -> uuid.UUID:
    """The same learner, course and issuer key always give the same id, even if the registry is lost.

    The issuer's key is part of it, so two training centres using the same roster ids never
    issue the same id.
    """
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{key_did}|{issuer.achievement.id}#{course.quiz.assignment}/{student}")


def certificate_id(u: uuid.UUID) -> str:
    """A short id a person can read out or type: ``SSR-3F2A-9C41-07BD`` (the start of the badge's urn:uuid)."""
    h = u.hex.upper()
    return f"SSR-{h[:4]}-{h[4:8]}-{h[8:12]}"


def registry_path(course: Course) -> Path:
    """The record of what was issued. It lives in the course folder whatever ``--output-dir`` is used."""
    return course.root / REGISTRY


def read_registry(course: Course) -> dict[str, RegistryEntry]:
    path = registry_path(course)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return {student: RegistryEntry.model_validate(entry) for student, entry in data.items()}
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError and ValidationError are ValueErrors
        detail = str(exc).splitlines()[0]
        raise IssuerError(f"{path} is damaged ({detail}). It records what was already issued, so nothing is issued "
                          "until it is repaired or restored from a backup.") from None


def _write_registry(course: Course, registry: dict[str, RegistryEntry]) -> None:
    # an English entry is written as before there was a language, so a registry reads the same in older versions
    data = {student: json.loads(entry.model_dump_json(exclude={"language"} if entry.language == "en" else None))
            for student, entry in sorted(registry.items())}
    atomic_write_text(registry_path(course), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def learner_files(out_dir: Path, student: str) -> tuple[Path, Path]:
    folder = out_dir / student
    return folder / "certificate.pdf", folder / "badge.json"


@dataclass
class IssueReport:
    pending: list[str] = field(default_factory=list)  # qualified, to issue (or, in a dry run, would issue)
    issued: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # issued before; files made again, identical
    not_eligible: list[Standing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things a trainer should look at (name changed, no longer qualifies)
    failed: list[tuple[str, str]] = field(default_factory=list)
    french: list[str] = field(default_factory=list)  # of the pending: those whose certificate and badge are French
    out_dir: Path | None = None


def _plus_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February: the day after 28 February
        return moment.replace(year=moment.year + years, month=3, day=1)


def issue_all(course: Course, *, key_path: Path | None = None, out_dir: Path | None = None,
              now: datetime | None = None, dry_run: bool = False, reissue: tuple[str, ...] = (),
              language: str | None = None) -> IssueReport:
    """Issue a certificate PDF and a signed Open Badge to every eligible learner who has none yet.

    ``reissue`` names learners whose certificate is made again with their current roster name and
    language and a new id (for a corrected name or language); the registry records which certificate it replaces.
    Each certificate is in the learner's roster language, or in ``language`` when given (the trainer's choice for
    this run); a lost file is made again in the language it was issued in.
    """
    if language is not None:
        translator(language)  # an unknown language is refused before anything else
    issuer = load_issuer(course)
    out_dir = out_dir or course.root / "issued"
    registry = read_registry(course)
    unknown = set(reissue) - set(registry)
    if unknown:
        raise IssuerError(f"nothing was issued yet to {', '.join(sorted(unknown))}, so there is nothing to re-issue")
    report = IssueReport(out_dir=out_dir)
    todo = []
    for st in standings(course):
        entry = registry.get(st.student)
        if not st.eligible:
            report.not_eligible.append(st)
            if entry:
                report.notes.append(f"{st.student} holds certificate {entry.certificate_id}, but now: "
                                    f"{'; '.join(st.missing)}. Check the marks; a signed badge cannot be taken back.")
            continue
        if entry and entry.name != st.name and st.student not in reissue:
            report.notes.append(f"{st.student}: the roster now says {st.name!r}, the certificate says {entry.name!r}. "
                                f"To correct it:  ssr-trainer issue --reissue {st.student}")
        wanted = language or st.language
        if entry and entry.language != wanted and st.student not in reissue:
            report.notes.append(f"{st.student}: the certificate was issued in {LANGUAGE_NAMES[entry.language]}, "
                                f"the learner's language is now {LANGUAGE_NAMES[wanted]}. To issue it in "
                                f"{LANGUAGE_NAMES[wanted]}:  ssr-trainer issue --reissue {st.student}"
                                + (f" --language {language}" if language else ""))
        if not entry or st.student in reissue:
            try:
                issuer.achievement.texts(wanted)
            except IssuerError as exc:  # said before issuing, in a dry run too
                report.failed.append((st.student, str(exc)))
                continue
        pdf, badge = learner_files(out_dir, st.student)
        if entry and st.student not in reissue and pdf.exists() and badge.exists():
            report.already.append(st.student)
        else:
            todo.append((st, entry))
            report.pending.append(st.student)
            if (wanted if not entry or st.student in reissue else entry.language) == "fr":
                report.french.append(st.student)
    if dry_run or not todo:
        return report

    from .certificate import render_certificate
    from .issuer_key import load_key
    from .openbadge import build_credential, sign

    key = load_key(key_path)  # only now: listing who is missing what needs no key
    if issuer.public_key is None:
        raise IssuerError(f"{ISSUER_FILE} has no public_key yet. Put this line in it, with your training centre's name "
                          f"and web address:  public_key: {key.public_multibase}  (badges are then checked against it)")
    if issuer.public_key != key.public_multibase:
        raise IssuerError(f"the issuer key at {key.path} ({key.public_multibase}) is not the one in {ISSUER_FILE} "
                          f"({issuer.public_key}); badges signed with it would fail verification")
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    for st, entry in todo:
        try:
            if entry is None or st.student in reissue:
                u = stable_uuid(course, issuer, key.did, st.student) if entry is None else uuid.uuid4()
                entry = RegistryEntry(certificate_id=certificate_id(u), credential_id=f"urn:uuid:{u}", issued_at=now,
                                      name=st.name, email=st.email or None, percent=st.percent or 0.0,
                                      salt=secrets.token_hex(8),  # stored: a re-made badge is byte-identical
                                      replaces=entry.certificate_id if entry else None,
                                      language=language or st.language)
            texts = issuer.achievement.texts(entry.language)
            credential = build_credential(
                credential_id=entry.credential_id,
                issuer={"id": key.did, "name": issuer.name, "url": issuer.url,
                        **({"email": issuer.email} if issuer.email else {})},
                achievement={
                    "id": issuer.achievement.id, "name": texts.name, "description": texts.description,
                    "criteria_narrative": texts.criteria.format(pass_mark=course.quiz.pass_percent),
                },
                learner_name=entry.name, learner_email=entry.email, issued=entry.issued_at,
                valid_until=_plus_years(entry.issued_at, issuer.valid_years) if issuer.valid_years else None,
                score_percent=entry.percent, passed=True, salt=entry.salt, language=entry.language,
            )
            signed = sign(credential, key, created=entry.issued_at)
            pdf, badge = learner_files(out_dir, st.student)
            render_certificate(pdf, learner_name=entry.name, course_title=_course_title(entry.language),
                               issued_on=entry.issued_at.date(), certificate_id=entry.certificate_id,
                               issuer_name=issuer.name, verify_url=issuer.verify_url.format(id=entry.certificate_id),
                               language=entry.language)
            atomic_write_text(badge, json.dumps(signed, indent=2, ensure_ascii=False) + "\n")
        except Exception as exc:  # one learner's problem never stops the rest
            report.failed.append((st.student, str(exc)))
            continue
        earlier = registry.get(st.student)
        (report.repaired if earlier == entry else report.issued).append(st.student)
        registry[st.student] = entry
        _write_registry(course, registry)
    return report


def _course_title(language: str) -> str:
    """The course's title in ``language``, from the content and its catalogue (never the kernel's language)."""
    from ssr_widgets.loader import load_course

    return load_course(language=language).title
