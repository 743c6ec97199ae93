"""Open Badges 3.0 credentials with an eddsa-rdfc-2022 proof: the issuer key, signing and offline verification.

The interoperability anchor is 1EdTech's published test vector ("Linked Data Proof Test Vector for
Open Badges 3.0", GitHub 1EdTech/openbadges-specification, ob_v3p0/impl/linked-data-proof-ob.md,
commit 47fa8253413f39715714647947ff4a992258298a), stored as
tests/fixtures/1edtech_ob3_signed_vector.json: our canonical forms must hash to its published
hashes, and our verifier must accept it and reject any change to it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import socket
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ssr_grader.credentials import issuer_key as ik
from ssr_grader.credentials import openbadge as ob
from ssr_grader.credentials.issuer_key import IssuerKey

FIXTURES = Path(__file__).parent / "fixtures"
VECTOR_FILE = FIXTURES / "1edtech_ob3_signed_vector.json"
VECTOR_PUBLIC_HEX = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
VECTOR_PRIVATE_SEED_HEX = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"  # published test key
VECTOR_MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
VECTOR_VM = f"https://example.edu/issuers/565049#{VECTOR_MULTIBASE}"
VECTOR_DOCUMENT_HASH = "d994aebd5e53f4af4495dbe9e1155410bae683811107c26acf83671075c163b3"
VECTOR_PROOF_HASH = "3cf3c265b6c8ebb29b4d5ea310b87d2f31c79b633eff8af561d2e8c97a85c8cb"
VECTOR_SIGNATURE_HEX = (
    "17a898a91832fa58bd66433e18dc8256522bcf84382994c395c23c26cba71ff8"
    "060a2587390e5ed20c4decec45c0c0c9eec1f7d2d1ce91e1ffc992983a74a300"
)
VECTOR_PROOF_NQUADS = (
    '_:c14n0 <http://purl.org/dc/terms/created> "2010-01-01T19:23:24Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n'
    "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .\n"
    '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022" .\n'
    "_:c14n0 <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> .\n"
    f"_:c14n0 <https://w3id.org/security#verificationMethod> <{VECTOR_VM}> .\n"
)
TRUSTED = {VECTOR_VM: VECTOR_MULTIBASE}

#: SHA-256 of each bundled context file, as listed in grader/ssr_grader/contexts/SOURCES.md.
CONTEXT_SHA256 = {
    "credentials-v2.jsonld": "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    "credentials-v1.jsonld": "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
    "data-integrity-v1.jsonld": "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    "data-integrity-v2.jsonld": "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    "multikey-v1.jsonld": "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
    "ob-v3p0-context-3.0.3.json": "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2",
    "ob-v3p0-context-3.0.2.json": "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
    "ob-v3p0-context-3.0.1.json": "af095468326d3449160509b26ca71576e6321d13c85b0369cfe3b654c9a48fba",
    "ob-v3p0-context-3.0.0.json": "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
}
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _no_real_issuer_key(tmp_path, monkeypatch):
    """Never read or create the trainer's real issuer key."""
    monkeypatch.setenv("SSR_ISSUER_KEY", str(tmp_path / "env-issuer-key.json"))


@pytest.fixture
def vector() -> dict:
    return json.loads(VECTOR_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def key(tmp_path) -> IssuerKey:
    return ik.load_key(ik.create_key(tmp_path / "keys" / "issuer-key.json"))


def make_credential(issuer: IssuerKey, **overrides) -> dict:
    args = {
        "credential_id": "urn:uuid:6f1c0a52-5a4e-4d8e-9a53-0d7e3e0c2b11",
        "issuer": {"id": issuer.did, "name": "SSR Open Course", "url": "https://example.org/ssr-course",
                   "email": "trainer@example.org"},
        "achievement": {
            "id": "https://example.org/ssr-course/achievements/introduction",
            "name": "Introduction to Security Sector Reform",
            "description": "Completed the introductory course on security sector reform.",
            "criteria_narrative": "Work through all sections and score at least 70% in the end-of-course quiz.",
        },
        "learner_name": "Amina Diallo",
        "learner_email": "amina@example.org",
        "issued": NOW - timedelta(days=1),
        "valid_until": NOW + timedelta(days=365),
        "score_percent": 84.62,
        "passed": True,
    }
    args.update(overrides)
    return ob.build_credential(**args)


def signed_credential(issuer: IssuerKey, **overrides) -> dict:
    return ob.sign(make_credential(issuer, **overrides), issuer, created=NOW - timedelta(days=1))


def assert_rejected(result: ob.Verification, *needles: str) -> None:
    assert not result.ok
    assert result.reasons
    text = " ".join(result.reasons)
    for needle in needles:
        assert needle in text, (needle, result.reasons)


# --------------------------------------------------------------------------------------------
# Bundled contexts and the offline loader


def test_bundled_contexts_are_the_recorded_files():
    index = ob.bundled_contexts()
    needed = {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
        "https://w3id.org/security/data-integrity/v1",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
    }
    assert needed <= set(index)
    assert set(index.values()) == set(CONTEXT_SHA256)
    sources = (ob.CONTEXTS_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name, digest in CONTEXT_SHA256.items():
        data = (ob.CONTEXTS_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{name} differs from the recorded public file"
        assert name in sources and digest in sources
        assert "@context" in json.loads(data)


def test_loader_serves_bundled_contexts_and_refuses_others():
    doc = ob.document_loader("https://www.w3.org/ns/credentials/v2")
    assert doc["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    assert "VerifiableCredential" in doc["document"]["@context"]
    with pytest.raises(ob.ContextNotBundledError, match="offline"):
        ob.document_loader("https://example.org/contexts/unknown.jsonld")


# --------------------------------------------------------------------------------------------
# 1EdTech's published test vector


def test_vector_canonical_forms_reproduce_the_published_hashes(vector):
    document, proof_config = ob.canonical_forms(vector)
    assert hashlib.sha256(document.encode()).hexdigest() == VECTOR_DOCUMENT_HASH
    assert hashlib.sha256(proof_config.encode()).hexdigest() == VECTOR_PROOF_HASH
    assert proof_config == VECTOR_PROOF_NQUADS


def test_vector_signature_is_reproduced_with_the_published_key(vector):
    """Ed25519 is deterministic: the published private key must give the published signature over our hashes."""
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR_PRIVATE_SEED_HEX))
    key = IssuerKey.from_private_key(private)
    assert key.public_multibase == VECTOR_MULTIBASE
    assert ik.multibase_from_public_key(ik.public_key_from_multibase(VECTOR_MULTIBASE)) == VECTOR_MULTIBASE
    assert ik.public_key_from_multibase(VECTOR_MULTIBASE).public_bytes_raw().hex() == VECTOR_PUBLIC_HEX
    document, proof_config = ob.canonical_forms(vector)
    data = hashlib.sha256(proof_config.encode()).digest() + hashlib.sha256(document.encode()).digest()
    signature = private.sign(data)
    assert signature.hex() == VECTOR_SIGNATURE_HEX
    assert "z" + base58.b58encode(signature).decode() == vector["proof"]["proofValue"]


def test_vector_verifies_with_its_trusted_key(vector):
    result = ob.verify(vector, trusted_keys=TRUSTED)
    assert result.ok, result.reasons
    assert result.reasons == []
    assert any("signature" in c for c in result.checks)


def test_vector_https_key_is_not_resolved_without_being_trusted(vector):
    assert_rejected(ob.verify(vector), "cannot be resolved offline")


def _set(doc: dict, path: tuple, value) -> dict:
    doc = copy.deepcopy(doc)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def _one_char_changed(text: str) -> str:
    i = len(text) // 2
    return text[:i] + ("2" if text[i] != "2" else "3") + text[i + 1 :]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Teamwork Badge!"),
        (("credentialSubject", "achievement", "criteria", "narrative"), "Anyone who asks gets this badge."),
        (("credentialSubject", "achievement", "name"), "Leadership"),
        (("credentialSubject", "id"), "did:example:someone-else"),
        (("issuer", "name"), "Another Corp"),
        (("issuanceDate",), "2011-01-01T00:00:00Z"),
        (("proof", "created"), "2010-01-01T19:23:25Z"),
    ],
)
def test_vector_with_one_value_changed_is_rejected(vector, path, value):
    assert_rejected(ob.verify(_set(vector, path, value), trusted_keys=TRUSTED), "signature does not match")


def test_vector_with_one_proof_value_character_changed_is_rejected(vector):
    changed = _set(vector, ("proof", "proofValue"), _one_char_changed(vector["proof"]["proofValue"]))
    assert_rejected(ob.verify(changed, trusted_keys=TRUSTED))


def test_vector_with_an_added_undefined_property_is_rejected(vector):
    """JSON-LD drops undefined terms before signing, so the signature alone would not notice them."""
    changed = _set(vector, ("credentialSubject", "achievement", "level"), "Expert")
    result = ob.verify(changed, trusted_keys=TRUSTED)
    assert_rejected(result, "'level'", "not defined")
    assert not any("signature does not match" in r for r in result.reasons)  # the signature itself still holds


# --------------------------------------------------------------------------------------------
# Our own badges: build, sign, verify


def test_built_credential_expands_without_dropped_terms(key):
    credential = make_credential(key)
    assert ob.expansion_problems(credential) == []
    # Every value in the JSON appears in the canonical N-Quads, so nothing was silently dropped.
    nquads = ob.canonicalize(credential)
    leaves: list[str] = []

    def collect(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("@context", "type"):
                    collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, bool):
            leaves.append(str(node).lower())
        else:
            leaves.append(str(node))

    collect(credential)
    assert leaves
    for leaf in leaves:
        assert leaf in nquads, f"{leaf!r} is missing from the canonical form"
    for term in ("OpenBadgeCredential", "AchievementSubject", "IdentityObject", "ResultDescription", "#Result>"):
        assert term in nquads


def test_built_credential_follows_the_ob3_model(key):
    credential = make_credential(key, salt="f0e1d2c3")
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2", ob.OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == key.did and credential["issuer"]["type"] == ["Profile"]
    subject = credential["credentialSubject"]
    name_id, email_id = subject["identifier"]
    assert name_id == {"type": "IdentityObject", "identityHash": "Amina Diallo", "identityType": "name", "hashed": False}
    assert email_id["hashed"] is True and email_id["identityType"] == "emailAddress" and email_id["salt"] == "f0e1d2c3"
    assert email_id["identityHash"] == "sha256$" + hashlib.sha256(b"amina@example.orgf0e1d2c3").hexdigest()
    assert "amina@example.org" not in json.dumps(credential)
    description = subject["achievement"]["resultDescription"][0]
    assert description["resultType"] == "Percent" and description["name"] == "End-of-course quiz score"
    assert subject["result"] == [
        {"type": ["Result"], "resultDescription": description["id"], "value": "84.6", "status": "Completed"}
    ]
    assert make_credential(key, passed=False)["credentialSubject"]["result"][0]["status"] == "Failed"


@pytest.mark.parametrize(
    "overrides",
    [
        {"credential_id": "http://example.org/1"},
        {"issued": datetime(2025, 1, 1)},  # no time zone
        {"valid_until": datetime(2099, 1, 1)},  # no time zone
        {"score_percent": 101},
        {"valid_until": NOW - timedelta(days=30)},  # before issued
        {"learner_name": " "},
    ],
)
def test_build_refuses_bad_input(key, overrides):
    with pytest.raises(ValueError):
        make_credential(key, **overrides)


def test_round_trip_sign_serialise_verify(key, tmp_path):
    signed = signed_credential(key)
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod" and proof["verificationMethod"] == key.verification_method
    assert proof["proofValue"].startswith("z") and len(base58.b58decode(proof["proofValue"][1:])) == 64

    result = ob.verify(signed, expected_issuer_key=key.public_multibase)
    assert result.ok, result.reasons
    assert any("the expected issuer key" in c for c in result.checks)

    reparsed = json.loads(json.dumps(signed, indent=2, ensure_ascii=False))
    assert ob.verify(reparsed, expected_issuer_key=key.did).ok
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed, indent=2, ensure_ascii=False), encoding="utf-8")
    result = ob.verify_file(path, expected_issuer_key=key.public_multibase)
    assert result.ok, result.reasons


def test_sign_refuses_what_it_cannot_sign_fully(key):
    credential = make_credential(key)
    with pytest.raises(ob.SigningError, match="'nickname'"):
        ob.sign({**credential, "nickname": "Ami"}, key)
    with pytest.raises(ob.SigningError, match="already has a proof"):
        ob.sign(ob.sign(credential, key), key)
    with pytest.raises(ob.SigningError, match="issuer"):
        ob.sign(credential, IssuerKey.generate())


def _string_positions(text: str, credential: dict) -> list[int]:
    """One byte in the middle of every string value, found in the serialised text."""
    values: list[str] = []

    def collect(node):
        if isinstance(node, dict):
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str):
            values.append(node)

    collect(credential)
    positions = set()
    for value in values:
        encoded = json.dumps(value)[1:-1]
        start = text.find(f'"{encoded}"')
        if start >= 0 and encoded:
            positions.add(start + 1 + len(encoded) // 2)
    return sorted(positions)


def test_flipping_any_single_byte_is_never_accepted(key, tmp_path):
    signed = signed_credential(key)
    text = json.dumps(signed, indent=2)
    data = text.encode("utf-8")
    assert ob.verify_file(_write(tmp_path / "good.json", data), expected_issuer_key=key.did).ok
    positions = _string_positions(text, signed) + list(range(0, len(data), 97))
    assert len(positions) > 40
    for pos in positions:
        tampered = bytearray(data)
        tampered[pos] ^= 0x01
        result = ob.verify_file(_write(tmp_path / "tampered.json", bytes(tampered)), expected_issuer_key=key.did)
        assert not result.ok, f"byte {pos} ({data[pos : pos + 1]!r}) flipped and still accepted"
        assert result.reasons


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_signed_by_another_key_is_rejected(tmp_path):
    key_a = ik.load_key(ik.create_key(tmp_path / "a" / "issuer-key.json"))
    key_b = ik.load_key(ik.create_key(tmp_path / "b" / "issuer-key.json"))
    by_b = signed_credential(key_b)
    assert ob.verify(by_b).ok  # a valid badge in itself…
    result = ob.verify(by_b, expected_issuer_key=key_a.public_multibase)
    assert_rejected(result, "different key than the expected issuer key")


def test_swapped_issuer_is_rejected(key):
    other = IssuerKey.generate()
    signed = signed_credential(key)
    swapped = _set(signed, ("issuer", "id"), other.did)
    assert_rejected(ob.verify(swapped), "signing key belongs to", other.did)


def test_expired_badge_is_rejected(key):
    signed = signed_credential(key, issued=NOW - timedelta(days=400), valid_until=NOW - timedelta(days=35))
    assert_rejected(ob.verify(signed), "expired on")
    fresh = signed_credential(key)
    assert_rejected(ob.verify(fresh, now=NOW + timedelta(days=400)), "expired on")


def test_badge_not_yet_valid_is_rejected(key):
    signed = signed_credential(key, issued=NOW + timedelta(days=2), valid_until=None)
    assert_rejected(ob.verify(signed), "not valid yet")


def test_unknown_context_is_rejected_without_any_network_access(key, monkeypatch):
    attempts: list[object] = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during an offline verification")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)

    signed = signed_credential(key)
    unknown = "https://example.org/contexts/extra-terms.jsonld"
    changed = _set(signed, ("@context",), [*signed["@context"], unknown])
    result = ob.verify(changed)
    assert_rejected(result, unknown, "offline")
    assert ob.verify(signed).ok
    assert attempts == []


_SOME_KEY = IssuerKey.from_private_key(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
_PLAUSIBLE_PROOF = {
    "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
    "created": "2024-01-01T00:00:00Z", "verificationMethod": _SOME_KEY.verification_method,
    "proofValue": "z" + base58.b58encode(bytes(64)).decode(),
}


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "a string",
        [],
        42,
        {},
        {"proof": 5},
        {"proof": [{}, {}]},
        {"@context": 5, "proof": {"type": 1, "verificationMethod": ["x"]}},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": ["x"], "credentialSubject": "y",
         "validFrom": "yesterday", "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                             "proofPurpose": "assertionMethod", "verificationMethod": "did:key:zzz",
                                             "proofValue": "z0OIl"}},
        {"@context": {"@version": 2}, "type": "OpenBadgeCredential", "proof": {"verificationMethod": "did:key:z6Mk#x"}},
        {"name": "no context", "proof": _PLAUSIBLE_PROOF},
        {"@context": ["https;//www.w3.org/ns/credentials/v2"], "name": "bad context IRI", "proof": _PLAUSIBLE_PROOF},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "@id": 5, "proof": _PLAUSIBLE_PROOF},
    ],
)
def test_malformed_input_gives_reasons_and_never_raises(bad):
    result = ob.verify(bad)
    assert not result.ok and result.reasons
    assert all(isinstance(r, str) and r for r in result.reasons)
    assert not any("could not be checked" in r for r in result.reasons), result.reasons  # each case has its own reason


def test_verify_file_reports_unreadable_and_broken_files(tmp_path, vector):
    assert_rejected(ob.verify_file(tmp_path / "missing.json"), "could not be read")
    assert_rejected(ob.verify_file(_write(tmp_path / "a.json", b"{not json")), "not valid JSON", "line 1")
    assert_rejected(ob.verify_file(_write(tmp_path / "b.json", b"\xff\xfe\x00garbage")), "not UTF-8")
    duplicated = b'{"name": "A", "name": "B"}'
    assert_rejected(ob.verify_file(_write(tmp_path / "c.json", duplicated)), "appears twice")
    good = _write(tmp_path / "vector.json", VECTOR_FILE.read_bytes())
    assert ob.verify_file(good, trusted_keys=TRUSTED).ok


# --------------------------------------------------------------------------------------------
# The issuer key file


def test_default_key_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SSR_ISSUER_KEY", str(tmp_path / "elsewhere.json"))
    assert ik.default_key_path() == tmp_path / "elsewhere.json"
    monkeypatch.delenv("SSR_ISSUER_KEY")
    assert ik.default_key_path().name == "issuer-key.json"
    assert "ssr-course" in str(ik.default_key_path())


def test_missing_key_names_the_path_and_the_command(tmp_path):
    path = tmp_path / "nowhere" / "issuer-key.json"
    with pytest.raises(ik.MissingKeyError) as info:
        ik.load_key(path)
    assert isinstance(info.value, ik.IssuerKeyError)
    assert str(path) in str(info.value) and "ssr-trainer issuer-key create" in str(info.value)
    with pytest.raises(ik.MissingKeyError, match=r"env-issuer-key\.json"):  # the default path, from SSR_ISSUER_KEY
        ik.load_key()


def test_create_key_writes_a_private_file_and_refuses_to_overwrite(tmp_path):
    path = ik.create_key(tmp_path / "config" / "issuer-key.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    key = ik.load_key(path)
    assert data["publicKeyMultibase"] == key.public_multibase and key.public_multibase.startswith("z6Mk")
    assert data["did"] == key.did == f"did:key:{key.public_multibase}"
    assert key.verification_method == f"{key.did}#{key.public_multibase}"
    assert ik.public_key_from_did_key(key.verification_method).public_bytes_raw() == key.public_key.public_bytes_raw()
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    before = path.read_bytes()
    with pytest.raises(ik.KeyExistsError, match="already exists"):
        ik.create_key(path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["issuer-key.json"]  # no temporary file left behind


def test_create_key_uses_the_environment_path(tmp_path):
    path = ik.create_key()
    assert path == tmp_path / "env-issuer-key.json"
    assert ik.load_key().did == ik.load_key(path).did


def test_create_key_refuses_a_git_working_tree(tmp_path):
    repo = tmp_path / "course-repo"
    (repo / ".git").mkdir(parents=True)
    target = repo / "grader" / "issuer-key.json"
    with pytest.raises(ik.UnsafeKeyLocationError) as info:
        ik.create_key(target)
    message = str(info.value)
    assert "git" in message and str(repo) in message and "SSR_ISSUER_KEY" in message
    assert not target.exists()


def test_damaged_key_file_is_named(tmp_path):
    path = tmp_path / "issuer-key.json"
    for content in ("{broken", "[]", '{"privateKeyHex": "zz"}', '{"privateKeyHex": "00"}'):
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ik.DamagedKeyError, match=str(path).replace("\\", "\\\\")):
            ik.load_key(path)
    good = ik.create_key(tmp_path / "good" / "issuer-key.json")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["publicKeyMultibase"] = VECTOR_MULTIBASE
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ik.DamagedKeyError, match="does not belong"):
        ik.load_key(path)


def test_public_key_helpers_explain_wrong_input():
    with pytest.raises(ik.KeyFormatError, match="base58btc"):
        ik.public_key_from_multibase("u" + VECTOR_MULTIBASE[1:])
    secp256k1 = "z" + base58.b58encode(b"\xe7\x01" + bytes(33)).decode()
    with pytest.raises(ik.KeyFormatError, match="not an Ed25519 key"):
        ik.public_key_from_multibase(secp256k1)
    with pytest.raises(ik.KeyFormatError, match="did:key"):
        ik.public_key_from_did_key("did:web:example.org")
    with pytest.raises(ik.KeyFormatError, match="fragment"):
        ik.public_key_from_did_key(f"did:key:{VECTOR_MULTIBASE}#z6MkOther")
    assert ik.public_key_from_did_key(f"did:key:{VECTOR_MULTIBASE}").public_bytes_raw().hex() == VECTOR_PUBLIC_HEX


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_key_folder_is_created_private(tmp_path):
    path = ik.create_key(tmp_path / "new-folder" / "issuer-key.json")
    assert path.parent.stat().st_mode & 0o077 == 0
