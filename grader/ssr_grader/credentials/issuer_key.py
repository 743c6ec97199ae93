"""The course issuer's Ed25519 signing key: created once, kept outside any git checkout, loaded to sign badges.

Badges are Open Badges 3.0 credentials signed with an ``eddsa-rdfc-2022`` Data Integrity proof
(see :mod:`ssr_grader.credentials.openbadge`). The issuer is identified by a ``did:key``, which carries the
public key itself, so anyone can check a badge offline without a web server or a key registry.

The private key is a secret: whoever holds it can issue badges in the course's name. So it lives
in the trainer's user configuration folder (or wherever ``SSR_ISSUER_KEY`` points), is written
with mode 0600, and is never created inside a git working tree, where it could be committed.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ENV_VAR",
    "DamagedKeyError",
    "IssuerKey",
    "IssuerKeyError",
    "KeyExistsError",
    "KeyFormatError",
    "MissingKeyError",
    "UnsafeKeyLocationError",
    "create_key",
    "default_key_path",
    "did_key_from_public_key",
    "load_key",
    "multibase_from_public_key",
    "public_key_from_did_key",
    "public_key_from_multibase",
]

#: Environment variable that overrides where the issuer key file is.
ENV_VAR = "SSR_ISSUER_KEY"
#: Multicodec prefix of an Ed25519 public key (varint of 0xed), as used by Multikey and did:key.
ED25519_PUB_PREFIX = b"\xed\x01"
#: What the key file says it is, so a wrong JSON file is recognised as such.
KEY_FILE_FORMAT = "ssr-course issuer key, Ed25519, v1"
CREATE_COMMAND = "ssr-trainer issuer-key create"


class IssuerKeyError(Exception):
    """A problem with the issuer key, explained in plain words for the trainer."""


class MissingKeyError(IssuerKeyError, FileNotFoundError):
    """There is no key file yet: the trainer has to create one first."""


class DamagedKeyError(IssuerKeyError):
    """The key file exists but cannot be used (not JSON, fields missing, keys that do not match)."""


class KeyExistsError(IssuerKeyError, FileExistsError):
    """Creating a key would overwrite the existing one, and with it every badge's issuer identity."""


class UnsafeKeyLocationError(IssuerKeyError):
    """The requested key path is inside a git working tree, where the secret could be committed."""


class KeyFormatError(IssuerKeyError, ValueError):
    """A public key or did:key string is not an Ed25519 Multikey."""


def default_key_path() -> Path:
    """``$SSR_ISSUER_KEY`` if set, else ``issuer-key.json`` in the user's config folder for ssr-course."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    # appauthor=False: on Windows the folder is ...\ssr-course, not ...\ssr-course\ssr-course.
    return Path(platformdirs.user_config_dir("ssr-course", appauthor=False)) / "issuer-key.json"


def multibase_from_public_key(public_key: Ed25519PublicKey) -> str:
    """Multikey form of an Ed25519 public key: 'z' + base58btc(0xed01 + 32 key bytes)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + raw).decode("ascii")


def did_key_from_public_key(public_key: Ed25519PublicKey) -> str:
    """The did:key identifier of an Ed25519 public key."""
    return "did:key:" + multibase_from_public_key(public_key)


def public_key_from_multibase(multibase: str) -> Ed25519PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` (z6Mk…) into an Ed25519 public key.

    Raises :class:`KeyFormatError` with the reason when it is not base58btc, not Ed25519, or the wrong length.
    """
    if not isinstance(multibase, str) or not multibase:
        raise KeyFormatError("The public key is empty or not a string.")
    if not multibase.startswith("z"):
        raise KeyFormatError(
            f"The public key {multibase!r} is not in multibase base58btc form: it should start with 'z' (like z6Mk…)."
        )
    try:
        data = base58.b58decode(multibase[1:])
    except ValueError as exc:
        raise KeyFormatError(f"The public key {multibase!r} is not valid base58: {exc}.") from None
    if not data.startswith(ED25519_PUB_PREFIX):
        raise KeyFormatError(
            f"The public key {multibase!r} is not an Ed25519 key: its multicodec prefix is "
            f"{data[:2].hex() or 'missing'}, not ed01 (Ed25519 keys start with z6Mk)."
        )
    raw = data[len(ED25519_PUB_PREFIX) :]
    if len(raw) != 32:
        raise KeyFormatError(f"The public key {multibase!r} has {len(raw)} key bytes; an Ed25519 key has 32.")
    return Ed25519PublicKey.from_public_bytes(raw)


def split_did_key(did_or_method: str) -> tuple[str, str]:
    """Split ``did:key:<mb>`` or ``did:key:<mb>#<mb>`` into (the DID, the key's multibase).

    A verification method whose fragment names a different key than the DID is refused: in did:key
    the fragment is always the key itself, so anything else is a forgery or a mistake.
    """
    if not isinstance(did_or_method, str) or not did_or_method.startswith("did:key:"):
        raise KeyFormatError(f"{did_or_method!r} is not a did:key identifier (it should start with 'did:key:z6Mk').")
    did, _, fragment = did_or_method.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise KeyFormatError(
            f"The verification method {did_or_method!r} is inconsistent: its fragment must repeat the key {multibase!r}."
        )
    public_key_from_multibase(multibase)  # raises with the reason when it is not an Ed25519 key
    return did, multibase


def public_key_from_did_key(did_or_method: str) -> Ed25519PublicKey:
    """Resolve a did:key (or its verification method ``did:key:z…#z…``) to its Ed25519 public key, offline."""
    return public_key_from_multibase(split_did_key(did_or_method)[1])


@dataclass(frozen=True)
class IssuerKey:
    """The issuer's key pair and the identifiers derived from it."""

    private_key: Ed25519PrivateKey = field(repr=False)
    public_multibase: str
    did: str
    verification_method: str
    path: Path | None = None

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey, path: Path | None = None) -> IssuerKey:
        """Derive the Multikey, did:key and verification method from a private key."""
        mb = multibase_from_public_key(private_key.public_key())
        return cls(private_key=private_key, public_multibase=mb, did=f"did:key:{mb}",
                   verification_method=f"did:key:{mb}#{mb}", path=path)

    @classmethod
    def generate(cls) -> IssuerKey:
        """A fresh key held only in memory (tests and previews; the course key comes from :func:`create_key`)."""
        return cls.from_private_key(Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def _git_worktree_containing(path: Path) -> Path | None:
    """The folder holding ``.git`` above ``path``, if any (a file ``.git`` marks a worktree or submodule)."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return None


def create_key(path: Path | str | None = None) -> Path:
    """Generate the issuer key and write it to ``path`` (default: :func:`default_key_path`); return the path.

    Refuses to overwrite an existing key (badges already issued name its did:key as their issuer) and
    refuses any place inside a git working tree (the secret must never be committed).
    """
    path = Path(path).expanduser() if path is not None else default_key_path()
    path = path.absolute()
    repo = _git_worktree_containing(path)
    if repo is not None:
        raise UnsafeKeyLocationError(
            f"Refusing to create the issuer key at {path}: that folder is inside the git working tree {repo}, "
            "and a private key there could be committed and published. Put it outside any repository: "
            f"leave the default ({default_key_path_hint()}) or set {ENV_VAR} to a path such as "
            "~/.config/ssr-course/issuer-key.json."
        )
    if path.exists():
        raise KeyExistsError(
            f"An issuer key already exists at {path}; it was not overwritten. Badges already issued name this key "
            "as their issuer, so replacing it would make them look as if someone else had issued them. "
            "To really start over, move the old file away yourself first."
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)

    private_key = Ed25519PrivateKey.generate()
    key = IssuerKey.from_private_key(private_key)
    seed = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    content = {
        "format": KEY_FILE_FORMAT,
        "warning": "SECRET: whoever has this file can issue badges in the course's name. Never commit or share it.",
        "privateKeyHex": seed.hex(),
        "publicKeyMultibase": key.public_multibase,
        "did": key.did,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    fd, tmp_name = tempfile.mkstemp(prefix=".issuer-key-", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # mkstemp already uses 0600; made explicit because the file is a secret
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():  # created by someone else meanwhile: still never overwrite
            raise KeyExistsError(f"An issuer key appeared at {path} while this one was being written; it was kept.")
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def default_key_path_hint() -> str:
    """The default key location, for messages (ignores ``SSR_ISSUER_KEY``)."""
    import platformdirs

    return str(Path(platformdirs.user_config_dir("ssr-course", appauthor=False)) / "issuer-key.json")


def load_key(path: Path | str | None = None) -> IssuerKey:
    """Read the issuer key from ``path`` (default: :func:`default_key_path`).

    Raises :class:`MissingKeyError` saying how to create it, or :class:`DamagedKeyError` naming the file.
    """
    path = Path(path).expanduser() if path is not None else default_key_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingKeyError(
            f"The course's issuer key was not found at {path}. Create it once with `{CREATE_COMMAND}` "
            f"(or set {ENV_VAR} to the path of an existing key file)."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DamagedKeyError(f"The issuer key file {path} could not be read: {exc}.") from None

    def damaged(why: str) -> DamagedKeyError:
        return DamagedKeyError(
            f"The issuer key file {path} is damaged: {why}. Restore it from your backup; creating a new key "
            "would give the course a new issuer identity."
        )

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise damaged(f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise damaged("it does not hold a JSON object")
    hex_seed = data.get("privateKeyHex")
    if not isinstance(hex_seed, str):
        raise damaged("the field privateKeyHex is missing")
    try:
        seed = bytes.fromhex(hex_seed)
    except ValueError:
        raise damaged("privateKeyHex is not hexadecimal") from None
    if len(seed) != 32:
        raise damaged(f"privateKeyHex holds {len(seed)} bytes; an Ed25519 private key has 32")
    key = IssuerKey.from_private_key(Ed25519PrivateKey.from_private_bytes(seed), path=path)
    stored_public = data.get("publicKeyMultibase")
    if stored_public is not None and stored_public != key.public_multibase:
        raise damaged("its publicKeyMultibase does not belong to its private key")
    stored_did = data.get("did")
    if stored_did is not None and stored_did != key.did:
        raise damaged("its did does not belong to its private key")
    return key
