"""Open Badges 3.0 credentials for the course, signed and verified offline with ``eddsa-rdfc-2022``.

A badge is a W3C Verifiable Credential (data model 2.0) of type ``OpenBadgeCredential``, secured
with a Data Integrity proof as the W3C "vc-di-eddsa" specification defines it: the credential and
the proof options are canonicalised with RDFC-1.0 (URDNA2015, N-Quads), each is hashed with
SHA-256, and the issuer's Ed25519 key signs ``sha256(proof config) || sha256(document)``.

Why this way: any Open Badges 3.0 verifier can check these badges, and this module can check them
(and 1EdTech's published test vector) without a network: the JSON-LD contexts are bundled in
``contexts/`` and the issuer is a ``did:key``, which carries its own public key. Nothing here ever
fetches a URL; a credential that needs a context we do not bundle is rejected with that reason.

Canonicalisation silently drops JSON properties that the contexts do not define, and dropped data
is not covered by the signature. So signing refuses such documents, and verifying rejects them,
like the "safe mode" that the Data Integrity specification recommends.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .issuer_key import IssuerKey, IssuerKeyError, public_key_from_multibase, split_did_key
from .language import DEFAULT_LANGUAGE, translator

__all__ = [
    "CONTEXTS_DIR",
    "CREDENTIALS_V2",
    "CRYPTOSUITE",
    "OB_CONTEXT",
    "ContextNotBundledError",
    "OpenBadgeError",
    "SigningError",
    "Verification",
    "build_credential",
    "bundled_contexts",
    "canonical_forms",
    "canonicalize",
    "document_loader",
    "expansion_problems",
    "sign",
    "verify",
    "verify_file",
]

CONTEXTS_DIR = Path(__file__).parent / "contexts"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
#: Tolerated clock difference between the issuing and the checking machine for "not yet valid" checks.
CLOCK_SKEW = timedelta(minutes=5)
#: A vocabulary that no real context uses: terms that expand into it were not defined by the contexts.
_UNDEFINED_VOCAB = "urn:ssr-course:undefined-term:"
_JSONLD_KEYWORDS = frozenset({
    "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index", "@json",
    "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
    "@value", "@version", "@vocab",
})
#: OB 3.0 AchievementType values suitable for a course certificate (the full enumeration is longer).
ACHIEVEMENT_TYPES = frozenset({
    "Achievement", "Assessment", "Award", "Badge", "Certificate", "CertificateOfCompletion", "Certification",
    "Competency", "Course", "LearningProgram", "MicroCredential",
})


class OpenBadgeError(Exception):
    """A badge could not be built, signed or checked; the message says why in plain words."""


class ContextNotBundledError(OpenBadgeError):
    """A credential refers to a JSON-LD context that is not bundled, and nothing is fetched from the network."""


class SigningError(OpenBadgeError, ValueError):
    """The credential cannot be signed as it is (already signed, wrong issuer, undefined terms…)."""


# --------------------------------------------------------------------------------------------
# Offline JSON-LD


@lru_cache(maxsize=1)
def bundled_contexts() -> dict[str, str]:
    """Map of each bundled context URL to its file name in ``contexts/`` (from ``contexts/index.json``)."""
    return json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))


@cache
def _context_text(file_name: str) -> str:
    return (CONTEXTS_DIR / file_name).read_text(encoding="utf-8")


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader that serves only the bundled contexts and never touches the network."""
    file_name = bundled_contexts().get(url)
    if file_name is None:
        raise ContextNotBundledError(
            f"The JSON-LD context {url} is not bundled with ssr-course. This verifier works offline and never "
            "fetches contexts from the network, so it cannot check documents that use this context."
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": json.loads(_context_text(file_name)),  # a fresh copy each time: pyld may keep references
    }


#: Resolved contexts, cached here rather than in pyld's process-wide cache, which other code (with a
#: network loader) could have filled with different content for the same URL.
_RESOLVED_CONTEXTS: dict = {}


def _jsonld_options(**extra: Any) -> dict:
    return {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_RESOLVED_CONTEXTS, document_loader),
        **extra,
    }


def canonicalize(document: dict) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (pyld's URDNA2015), with the bundled contexts only."""
    return jsonld.normalize(copy.deepcopy(document), _jsonld_options(algorithm="URDNA2015", format="application/n-quads"))


def _walk(value: Any, visit) -> None:
    if isinstance(value, dict):
        visit(value)
        for child in value.values():
            _walk(child, visit)
    elif isinstance(value, list):
        for child in value:
            _walk(child, visit)


def expansion_problems(document: dict) -> list[str]:
    """What JSON-LD processing would silently drop from ``document`` (so a signature would not cover it).

    Returns one plain sentence per problem: terms and types the contexts do not define, node ids that
    are not absolute IRIs, and keys that look like JSON-LD keywords but are not. Raises pyld's
    ``JsonLdError`` (or :class:`ContextNotBundledError` inside it) when the contexts cannot be loaded.
    """
    problems: list[str] = []
    context = document.get("@context")
    if context is None:
        return ["It has no @context, so none of its properties are defined as linked data."]

    def unknown_keywords(node: dict) -> None:
        for key in node:
            if key.startswith("@") and key not in _JSONLD_KEYWORDS:
                problems.append(f"The key {key!r} is not a JSON-LD keyword and would be ignored.")

    for key, value in document.items():  # never look inside the @context itself
        if key != "@context":
            _walk(value, unknown_keywords)
    unknown_keywords({k: v for k, v in document.items() if k != "@context"})

    probe = copy.deepcopy(document)
    probe["@context"] = [*(context if isinstance(context, list) else [context]), {"@vocab": _UNDEFINED_VOCAB}]
    expanded = jsonld.expand(probe, _jsonld_options(base=""))
    undefined_terms: list[str] = []
    undefined_types: list[str] = []
    relative_ids: list[str] = []

    def inspect(node: dict) -> None:
        for key in node:
            if key.startswith(_UNDEFINED_VOCAB):
                undefined_terms.append(key[len(_UNDEFINED_VOCAB) :])
        types = node.get("@type")
        for type_ in types if isinstance(types, list) else [types] if isinstance(types, str) else []:
            if type_.startswith(_UNDEFINED_VOCAB):
                undefined_types.append(type_[len(_UNDEFINED_VOCAB) :])
        node_id = node.get("@id")
        if isinstance(node_id, str):
            if node_id.startswith(_UNDEFINED_VOCAB):
                undefined_terms.append(node_id[len(_UNDEFINED_VOCAB) :])
            elif ":" not in node_id:
                relative_ids.append(node_id)

    _walk(expanded, inspect)
    for term in dict.fromkeys(undefined_terms):
        problems.append(f"The property or value {term!r} is not defined by the credential's JSON-LD contexts.")
    for type_ in dict.fromkeys(undefined_types):
        problems.append(f"The type {type_!r} is not defined by the credential's JSON-LD contexts.")
    for node_id in dict.fromkeys(relative_ids):
        problems.append(f"The identifier {node_id!r} is not an absolute IRI (like urn:uuid:… or https://…).")
    return problems


def _describe_jsonld_error(exc: BaseException) -> str:
    """A plain sentence for a pyld failure, naming a missing bundled context when that is the cause."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        err = todo.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, ContextNotBundledError):
            return str(err)
        details = getattr(err, "details", None)
        todo += [err.__cause__, err.__context__]
        if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
            todo.append(details["cause"])
    if isinstance(exc, jsonld.JsonLdError):
        message = exc.args[0] if exc.args else "unknown error"
        code = f" ({exc.code})" if getattr(exc, "code", None) else ""
        return f"Its JSON-LD could not be processed{code}: {message}"
    return f"Its JSON-LD could not be processed: {exc}"


# --------------------------------------------------------------------------------------------
# Dates


_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})?$")


def format_datetime(moment: datetime) -> str:
    """XML Schema dateTimeStamp in UTC to the second (``2025-01-31T09:30:00Z``), the form credentials use."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; give an aware datetime (for example with timezone.utc).")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: Any) -> datetime:
    """Parse an XML Schema dateTime (``Z`` or ±hh:mm; none is read as UTC); ValueError when it is not one."""
    match = _DATETIME.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a date and time like 2025-01-31T09:30:00Z")
    day, clock, fraction, zone = match.groups()
    text = f"{day}T{clock}" + (f".{(fraction + '000000')[:6]}" if fraction else "")
    if zone and zone not in ("Z", "z"):
        text += zone
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------------------------
# Building


def _email_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: 'sha256$' + hex(SHA-256(UTF-8 of identity + salt))."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def _require_text(mapping: dict, key: str, what: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} needs a non-empty {key!r}.")
    return value.strip()


def build_credential(
    *,
    credential_id: str,
    issuer: dict,
    achievement: dict,
    learner_name: str,
    learner_email: str | None,
    issued: datetime,
    valid_until: datetime | None,
    score_percent: float,
    passed: bool,
    salt: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> dict:
    """An unsigned OpenBadgeCredential (VC 2.0 + OB 3.0.3 contexts) for one learner's course result.

    ``language`` (``"en"`` or ``"fr"``) is the language of the badge's text: the achievement's name, description and
    criteria are given in it (the caller chooses them), the score's description is translated through the ``trainer``
    catalogue, and a French badge says so with the achievement's ``inLanguage`` (OB 3.0's LanguageCode, defined by
    the bundled OB 3.0.3 context, so it is signed like every other field). An English badge carries no
    ``inLanguage``: it is exactly what this module issued before there were French badges, so a lost English badge
    is still re-made byte for byte.

    ``issuer``: id (the issuer's did:key), name, url, optional email. ``achievement``: id, name,
    description, criteria_narrative, optional achievement_type (default CertificateOfCompletion).
    The learner's name is stated in plain text; the e-mail only as a salted SHA-256 hash, as OB 3.0
    recommends for identifiers that must stay private (``salt`` is random unless given).
    """
    try:
        parsed_id = uuid.UUID(credential_id[len("urn:uuid:") :]) if credential_id.startswith("urn:uuid:") else None
    except (ValueError, AttributeError):
        parsed_id = None
    if parsed_id is None:
        raise ValueError(f"credential_id must be a urn:uuid: identifier, not {credential_id!r}.")
    issuer_id = _require_text(issuer, "id", "The issuer")
    if not issuer_id.startswith("did:key:"):
        raise ValueError(f"The issuer id must be the issuer key's did:key, not {issuer_id!r}.")
    issuer_name = _require_text(issuer, "name", "The issuer")
    issuer_url = _require_text(issuer, "url", "The issuer")
    achievement_id = _require_text(achievement, "id", "The achievement")
    if ":" not in achievement_id:
        raise ValueError(f"The achievement id must be an absolute IRI (https://… or urn:…), not {achievement_id!r}.")
    achievement_type = achievement.get("achievement_type", "CertificateOfCompletion")
    if achievement_type not in ACHIEVEMENT_TYPES and not str(achievement_type).startswith("ext:"):
        raise ValueError(f"achievement_type {achievement_type!r} is not an Open Badges 3.0 AchievementType.")
    if not isinstance(learner_name, str) or not learner_name.strip():
        raise ValueError("The learner's name is empty.")
    if isinstance(score_percent, bool) or not isinstance(score_percent, (int, float)) or not math.isfinite(score_percent):
        raise ValueError(f"score_percent must be a number, not {score_percent!r}.")
    if not 0 <= score_percent <= 100:
        raise ValueError(f"score_percent must be between 0 and 100, not {score_percent}.")
    valid_from = format_datetime(issued)
    valid_to = format_datetime(valid_until) if valid_until is not None else None  # both raise when naive
    if valid_until is not None and valid_until <= issued:
        raise ValueError("valid_until must be later than issued.")
    tr = translator(language)  # refuses a language the course does not have

    profile: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": issuer_name, "url": issuer_url}
    if issuer.get("email"):
        profile["email"] = _require_text(issuer, "email", "The issuer")

    # A stable id for the score's description, derived from the achievement, so every badge of the
    # same achievement points at the same ResultDescription.
    result_description_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, achievement_id + '#end-of-course-quiz-score')}"
    identifiers: list[dict[str, Any]] = [
        {"type": "IdentityObject", "identityHash": learner_name.strip(), "identityType": "name", "hashed": False},
    ]
    if learner_email:
        email_salt = salt if salt is not None else secrets.token_hex(16)
        identifiers.append({
            "type": "IdentityObject",
            "identityHash": _email_hash(learner_email.strip(), email_salt),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": email_salt,
        })

    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _require_text(achievement, "name", "The achievement"),
        "issuer": profile,
        "validFrom": valid_from,
    }
    if valid_to is not None:
        credential["validUntil"] = valid_to
    credential["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": achievement_type,
            "name": _require_text(achievement, "name", "The achievement"),
            "description": _require_text(achievement, "description", "The achievement"),
            "criteria": {"narrative": _require_text(achievement, "criteria_narrative", "The achievement")},
            "resultDescription": [{
                "id": result_description_id,
                "type": ["ResultDescription"],
                "name": tr.gettext("End-of-course quiz score"),
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
            }],
            **({"inLanguage": language} if language != DEFAULT_LANGUAGE else {}),
        },
        "result": [{
            "type": ["Result"],
            "resultDescription": result_description_id,
            "value": f"{round(float(score_percent), 1):g}",
            "status": "Completed" if passed else "Failed",
        }],
    }
    return credential


# --------------------------------------------------------------------------------------------
# Signing


def _issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def _hash_data(unsecured: dict, proof_options: dict) -> tuple[bytes, str, str]:
    """vc-di-eddsa: (sha256(canonical proof config) || sha256(canonical document), both canonical forms)."""
    config = {k: v for k, v in proof_options.items() if k not in ("proofValue", "@context")}
    config["@context"] = unsecured["@context"]
    canonical_config = canonicalize(config)
    canonical_document = canonicalize(unsecured)
    data = hashlib.sha256(canonical_config.encode("utf-8")).digest() + hashlib.sha256(
        canonical_document.encode("utf-8")
    ).digest()
    return data, canonical_document, canonical_config


def canonical_forms(credential: dict) -> tuple[str, str]:
    """(canonical document, canonical proof config) of a signed credential, as the signature covers them."""
    proof = credential["proof"]
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    _, canonical_document, canonical_config = _hash_data(unsecured, proof)
    return canonical_document, canonical_config


def sign(credential: dict, key: IssuerKey, created: datetime | None = None) -> dict:
    """A copy of ``credential`` with an eddsa-rdfc-2022 DataIntegrityProof made with ``key``.

    Refuses (SigningError) a credential that already has a proof, names another issuer than the
    key's did:key, or holds data the contexts do not define (it would be silently left unsigned).
    """
    if not isinstance(credential, dict):
        raise SigningError("Only a JSON object can be signed.")
    if "proof" in credential:
        raise SigningError("The credential already has a proof; sign the unsigned credential instead.")
    issuer_id = _issuer_id(credential)
    if issuer_id != key.did:
        raise SigningError(f"The credential names {issuer_id!r} as its issuer, but this key is {key.did}.")
    moment = created if created is not None else datetime.now(timezone.utc)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(moment),
        "verificationMethod": key.verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    try:
        problems = expansion_problems({**credential, "proof": proof})
    except Exception as exc:  # pyld raises JsonLdError, and ValueError for some malformed IRIs
        raise SigningError(_describe_jsonld_error(exc)) from None
    if problems:
        raise SigningError("Refusing to sign, because part of the credential would not be signed: " + " ".join(problems))
    data, _, _ = _hash_data(copy.deepcopy(credential), proof)
    signature = key.private_key.sign(data)
    signed = copy.deepcopy(credential)
    signed["proof"] = {**proof, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    return signed


# --------------------------------------------------------------------------------------------
# Verifying


@dataclass
class Verification:
    """The outcome of :func:`verify`: ``ok`` only when there is no reason to reject."""

    ok: bool
    reasons: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for a terminal: the verdict, then each reason (or each passed check)."""
        if self.ok:
            return "VALID\n" + "\n".join(f"  ✔ {c}" for c in self.checks)
        return "NOT VALID\n" + "\n".join(f"  ✘ {r}" for r in self.reasons)


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _expected_key(value: str) -> Ed25519PublicKey:
    """The expected issuer key given as publicKeyMultibase, did:key or did:key verification method."""
    if isinstance(value, str) and value.startswith("did:key:"):
        return public_key_from_multibase(split_did_key(value)[1])
    return public_key_from_multibase(value)


def _resolve_method(method: str, trusted_keys: dict[str, str]) -> tuple[str, Ed25519PublicKey, str]:
    """(controller, public key, how it was resolved) for a verification method, offline only."""
    if method in trusted_keys:
        trusted = public_key_from_multibase(trusted_keys[method])
        return method.split("#", 1)[0], trusted, "a trusted key given to the verifier"
    if method.startswith("did:key:"):
        did, multibase = split_did_key(method)
        return did, public_key_from_multibase(multibase), "did:key"
    raise OpenBadgeError(
        f"The signing key {method} cannot be resolved offline: it is not a did:key, and it is not among the keys "
        "given to the verifier as trusted."
    )


def _check_proof_fields(proof: dict, reasons: list[str], checks: list[str]) -> bool:
    fine = True
    expected = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "proofPurpose": PROOF_PURPOSE}
    for name, want in expected.items():
        if proof.get(name) != want:
            reasons.append(f"Its proof's {name} is {proof.get(name)!r}; this verifier accepts only {want!r}.")
            fine = False
    if not isinstance(proof.get("verificationMethod"), str) or not proof["verificationMethod"]:
        reasons.append("Its proof does not name its verificationMethod (the signing key).")
        fine = False
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        reasons.append("Its proof has no proofValue in multibase base58btc form (starting with 'z').")
        fine = False
    else:
        try:
            signature = base58.b58decode(value[1:])
        except ValueError:
            signature = b""
        if len(signature) != 64:
            reasons.append("Its proofValue is not a valid Ed25519 signature (it does not decode to 64 bytes).")
            fine = False
    if fine:
        checks.append(f"The proof is a {PROOF_TYPE} using {CRYPTOSUITE} for {PROOF_PURPOSE}.")
    return fine


def _check_dates(credential: dict, proof: dict | None, now: datetime, reasons: list[str], checks: list[str]) -> None:
    def read(holder: dict, name: str) -> datetime | None:
        if name not in holder:
            return None
        try:
            return parse_datetime(holder[name])
        except ValueError:
            reasons.append(f"Its {name} value {holder[name]!r} is not a valid date and time.")
            return None

    before = len(reasons)
    for name in ("validFrom", "issuanceDate"):
        start = read(credential, name)
        if start is not None and start > now + CLOCK_SKEW:
            reasons.append(f"It is not valid yet: its {name} is {format_datetime(start)}.")
    for name in ("validUntil", "expirationDate"):
        end = read(credential, name)
        if end is not None and end < now:
            reasons.append(f"It expired on {format_datetime(end)} ({name}).")
    if proof is not None:
        created = read(proof, "created")
        if created is not None and created > now + CLOCK_SKEW:
            reasons.append(f"Its proof says it was created in the future ({format_datetime(created)}).")
        expires = read(proof, "expires")
        if expires is not None and expires < now:
            reasons.append(f"Its proof expired on {format_datetime(expires)}.")
    if len(reasons) == before:
        checks.append(f"It is within its validity period at {format_datetime(now)}.")


def _check_badge_fields(credential: dict, reasons: list[str], checks: list[str]) -> None:
    before = len(reasons)
    context = credential.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first not in (CREDENTIALS_V2, CREDENTIALS_V1):
        reasons.append("Its first @context is not the W3C Verifiable Credentials context.")
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        reasons.append("Its type does not include VerifiableCredential.")
    if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
        reasons.append("Its type does not include OpenBadgeCredential, so it is not an Open Badge.")
    issuer = credential.get("issuer")
    if not isinstance(issuer, dict):
        reasons.append("Its issuer is not a profile with an id and a name.")
    else:
        if not isinstance(issuer.get("id"), str) or not issuer["id"]:
            reasons.append("Its issuer has no id.")
        if not isinstance(issuer.get("name"), str) or not issuer["name"].strip():
            reasons.append("Its issuer has no name.")
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(subject, dict):
        reasons.append("It has no credentialSubject object (whom the badge was awarded to).")
    elif not isinstance(achievement, dict):
        reasons.append("Its credentialSubject has no achievement object.")
    else:
        for name in ("id", "name"):
            if not isinstance(achievement.get(name), str) or not achievement[name].strip():
                reasons.append(f"Its achievement has no {name}.")
        if not isinstance(achievement.get("criteria"), dict):
            reasons.append("Its achievement has no criteria.")
    if len(reasons) == before:
        checks.append("It has the required Open Badges 3.0 fields (issuer id and name; achievement id, name, criteria).")


def _verify_into(
    credential: Any,
    trusted_keys: dict[str, str],
    expected_issuer_key: str | None,
    now: datetime,
    reasons: list[str],
    checks: list[str],
) -> None:
    if not isinstance(credential, dict):
        reasons.append(f"The credential is not a JSON object (it is a {type(credential).__name__}).")
        return
    proof = credential.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if proof is None:
        reasons.append("It has no proof: it is not signed.")
    elif isinstance(proof, list):
        reasons.append(f"It has {len(proof)} proofs; this verifier accepts exactly one.")
        proof = None
    elif not isinstance(proof, dict):
        reasons.append("Its proof is not a JSON object.")
        proof = None
    else:
        checks.append("The credential is a JSON object with a single proof.")

    proof_fields_ok = proof is not None and _check_proof_fields(proof, reasons, checks)

    public_key: Ed25519PublicKey | None = None
    method = proof.get("verificationMethod") if proof is not None else None
    if isinstance(method, str) and method:
        try:
            controller, public_key, how = _resolve_method(method, trusted_keys)
        except (OpenBadgeError, IssuerKeyError) as exc:
            reasons.append(str(exc))
        else:
            checks.append(f"The signing key {method} was resolved offline ({how}).")
            issuer_id = _issuer_id(credential)
            if issuer_id != controller:
                reasons.append(
                    f"The signing key belongs to {controller}, but the credential names {issuer_id!r} as its issuer."
                )
            else:
                checks.append(f"The signing key belongs to the issuer {issuer_id}.")

    if expected_issuer_key is not None:
        try:
            expected = _expected_key(expected_issuer_key)
        except IssuerKeyError as exc:
            reasons.append(f"The expected issuer key given to the verifier is not usable: {exc}")
        else:
            if public_key is not None and _raw(public_key) != _raw(expected):
                reasons.append(
                    "It was signed by a different key than the expected issuer key "
                    f"(expected {expected_issuer_key}, signed with {method})."
                )
            elif public_key is not None:
                checks.append("It was signed with the expected issuer key.")

    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    processable = False
    try:
        problems = expansion_problems(credential)
    except Exception as exc:  # pyld raises JsonLdError, and ValueError for some malformed IRIs
        reasons.append(_describe_jsonld_error(exc))
    else:
        processable = "@context" in credential
        if problems:
            reasons.extend(problems)
            reasons.append("Data that its JSON-LD contexts do not define is not covered by the signature, so it is refused.")
        else:
            checks.append("Every property is defined by the bundled JSON-LD contexts, so the signature covers all of it.")

    if processable and proof_fields_ok and public_key is not None:
        if isinstance(proof.get("@context"), (list, str)):
            proof_context = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
            doc_context = unsecured.get("@context")
            doc_context = doc_context if isinstance(doc_context, list) else [doc_context]
            if doc_context[: len(proof_context)] != proof_context:
                reasons.append("Its proof's @context does not match the start of the credential's @context.")
        try:
            data, _, _ = _hash_data(unsecured, proof)
        except Exception as exc:  # as above: report, never crash
            reasons.append(_describe_jsonld_error(exc))
        else:
            try:
                public_key.verify(base58.b58decode(proof["proofValue"][1:]), data)
            except InvalidSignature:
                reasons.append(
                    "The signature does not match the credential's content: the credential was changed after it was "
                    "signed, or it was not signed with this key."
                )
            else:
                checks.append("The Ed25519 signature over the canonical credential (RDFC-1.0) is valid.")

    _check_dates(credential, proof, now, reasons, checks)
    _check_badge_fields(credential, reasons, checks)


def verify(
    credential: Any,
    *,
    trusted_keys: dict[str, str] | None = None,
    expected_issuer_key: str | None = None,
    now: datetime | None = None,
) -> Verification:
    """Check a signed Open Badges 3.0 credential offline; never raises on bad input.

    ``trusted_keys`` maps verification method URLs that are not did:key (such as 1EdTech's
    https example key) to their publicKeyMultibase. ``expected_issuer_key`` (publicKeyMultibase or
    did:key) additionally requires the badge to be signed with that key: the course's own key.
    """
    reasons: list[str] = []
    checks: list[str] = []
    moment = now if now is not None else datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        _verify_into(credential, dict(trusted_keys or {}), expected_issuer_key, moment, reasons, checks)
    except Exception as exc:  # verification must report, never crash, whatever the input
        reasons.append(f"The credential could not be checked: {type(exc).__name__}: {exc}")
    return Verification(ok=not reasons, reasons=reasons, checks=checks)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object, so readers may disagree on its value")
        result[key] = value
    return result


def verify_file(path: Path | str, **kw: Any) -> Verification:
    """:func:`verify` for a credential file; unreadable files and broken JSON become reasons, not exceptions."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Verification(ok=False, reasons=[f"The file {path} could not be read: {exc.strerror or exc}."])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Verification(ok=False, reasons=[f"The file {path} is not UTF-8 text, so it is not a JSON credential."])
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        return Verification(
            ok=False, reasons=[f"The file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."]
        )
    except (ValueError, RecursionError) as exc:
        return Verification(ok=False, reasons=[f"The file {path} is not usable JSON: {exc}."])
    result = verify(data, **kw)
    result.checks.insert(0, f"The file {path} holds valid JSON.")
    return result
