"""Who gets a certificate and a badge, and issuing each exactly once.

The course promises a certificate "upon the successful completion of the end-of-course quiz and
after participants have filled out the course evaluation form". So a learner qualifies only when
the quiz score is final (no open question waiting for a hand mark) and at or above the pass
mark, *and* the submitted evaluation has every required answer. Everyone else is listed with what
is still missing.

Issuing is idempotent: a registry (``issued.json``, written atomically) keeps each learner's
certificate id, credential id and issue time, so a re-run issues nothing twice, keeps ids
stable, and re-creates a lost file byte for byte (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ssr_widgets.loader import describe_errors

from .course import Course
from .evaluations import EvaluationRecord, read_all
from .export import grade_rows
from .files import atomic_write_bytes, atomic_write_text

__all__ = ["IssueReport", "IssuerSettings", "Standing", "issue_all", "load_issuer", "standings"]

ISSUER_FILE = "issuer.yml"
REGISTRY = "issued.json"


class IssuerError(ValueError):
    """The issuer settings or the registry cannot be used; the message says which file and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class AchievementSettings(_Strict):
    id: Annotated[str, Field(pattern=r"^(https?|urn):\S+$")]
    name: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    criteria: Annotated[str, Field(min_length=1)]


class IssuerSettings(_Strict):
    name: Annotated[str, Field(min_length=1)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    email: str | None = None
    verify_url: Annotated[str, Field(pattern=r"^https?://\S*\{id\}\S*$")]
    valid_years: Annotated[int, Field(gt=0, le=50)] | None = None
    public_key: Annotated[str, Field(pattern=r"^z[1-9A-HJ-NP-Za-km-z]+$")] | None = None
    achievement: AchievementSettings


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
        return out

    @property
    def eligible(self) -> bool:
        return not self.missing


def standings(course: Course) -> list[Standing]:
    """Every learner in the gradebook with their quiz and evaluation status."""
    rows = grade_rows(course)
    evaluations = read_all(course, [r.id for r in rows])
    out = []
    for r in rows:
        pass_mark = round(course.quiz.pass_mark * 100)
        if r.score is None:
            passed, status = False, "quiz not submitted or not graded yet"
        elif r.needs_hand_marking:
            passed, status = False, "quiz waiting for hand-marking of the open question"
        elif r.passed(course.quiz.pass_mark):
            passed, status = True, f"quiz passed ({r.percent:g} %)"
        else:
            passed, status = False, f"quiz below the pass mark ({r.percent:g} % < {pass_mark} %)"
        out.append(Standing(r.id, r.first_name, r.last_name, r.email, r.percent, passed, status, evaluations[r.id]))
    return out


# ---------------------------------------------------------------------------------- issuing
def stable_uuid(course: Course, issuer: IssuerSettings, student: str) -> uuid.UUID:
    """The same learner in the same course always gets the same id, even if the registry is lost."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{issuer.achievement.id}#{course.quiz.assignment}/{student}")


def certificate_id(u: uuid.UUID) -> str:
    """A short id a person can read out or type: ``SSR-3F2A-9C41-07BD``."""
    h = u.hex.upper()
    return f"SSR-{h[:4]}-{h[4:8]}-{h[8:12]}"


@dataclass
class IssueReport:
    pending: list[str] = field(default_factory=list)  # qualified, to issue (or, in a dry run, would issue)
    issued: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    not_eligible: list[Standing] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    out_dir: Path | None = None


def _read_registry(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IssuerError(f"{path} is damaged ({exc}). It records what was already issued, so nothing is issued "
                          "until it is repaired or restored from a backup.") from None
    if not isinstance(data, dict):
        raise IssuerError(f"{path} is damaged (expected a JSON object)")
    return data


def learner_files(out_dir: Path, student: str) -> tuple[Path, Path]:
    folder = out_dir / student
    return folder / "certificate.pdf", folder / "badge.json"


def issue_all(course: Course, *, key_path: Path | None = None, out_dir: Path | None = None,
              now: datetime | None = None, dry_run: bool = False) -> IssueReport:
    """Issue a certificate PDF and a signed Open Badge to every eligible learner who has none yet."""
    from .certificate import render_certificate

    issuer = load_issuer(course)
    out_dir = out_dir or course.root / "issued"
    registry_path = out_dir / REGISTRY
    registry = _read_registry(registry_path)
    report = IssueReport(out_dir=out_dir)
    todo = []
    for st in standings(course):
        if not st.eligible:
            report.not_eligible.append(st)
            continue
        entry = registry.get(st.student)
        pdf, badge = learner_files(out_dir, st.student)
        if entry and pdf.exists() and badge.exists():
            report.already.append(st.student)
        else:
            todo.append((st, entry))
            report.pending.append(st.student)
    if dry_run or not todo:
        return report

    from .issuer_key import load_key
    from .openbadge import build_credential, sign

    key = load_key(key_path)  # only now: listing who is missing what needs no key
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    for st, entry in todo:
        try:
            if entry is None:
                u = stable_uuid(course, issuer, st.student)
                entry = {"certificate_id": certificate_id(u), "credential_id": f"urn:uuid:{u}",
                         "issued_at": now.isoformat().replace("+00:00", "Z"), "name": st.name,
                         "email": st.email or None, "percent": st.percent,
                         "salt": secrets.token_hex(8)}  # stored, so a re-created badge is byte-identical
            issued_at = datetime.fromisoformat(entry["issued_at"].replace("Z", "+00:00"))
            valid_until = None
            if issuer.valid_years:
                valid_until = issued_at.replace(year=issued_at.year + issuer.valid_years)
            achievement = {
                "id": issuer.achievement.id, "name": issuer.achievement.name,
                "description": issuer.achievement.description,
                "criteria_narrative": issuer.achievement.criteria.format(pass_mark=round(course.quiz.pass_mark * 100)),
            }
            credential = build_credential(
                credential_id=entry["credential_id"],
                issuer={"id": key.did, "name": issuer.name, "url": issuer.url,
                        **({"email": issuer.email} if issuer.email else {})},
                achievement=achievement, learner_name=entry["name"], learner_email=entry["email"],
                issued=issued_at, valid_until=valid_until, score_percent=entry["percent"], passed=True,
                salt=entry["salt"],
            )
            signed = sign(credential, key, created=issued_at)
            pdf, badge = learner_files(out_dir, st.student)
            render_certificate(pdf, learner_name=entry["name"], course_title=_course_title(), issued_on=issued_at.date(),
                               certificate_id=entry["certificate_id"], issuer_name=issuer.name,
                               verify_url=issuer.verify_url.format(id=entry["certificate_id"]))
            atomic_write_text(badge, json.dumps(signed, indent=2, ensure_ascii=False) + "\n")
        except Exception as exc:  # one learner's problem (e.g. a name the font cannot print) never stops the rest
            report.failed.append((st.student, str(exc)))
            continue
        (report.repaired if st.student in registry else report.issued).append(st.student)
        registry[st.student] = entry
        atomic_write_bytes(registry_path, (json.dumps(registry, indent=2, ensure_ascii=False) + "\n").encode())
    return report


def _course_title() -> str:
    from ssr_widgets.loader import load_course

    return load_course().title
