"""An LMS download read safely: members read into memory with limits, never extracted as the archive says.

An archive is hostile input. Names inside it are only ever *parsed* (the LMS's part names the
learner); files are never written under those names, so ``../`` or absolute paths go nowhere.
Symbolic links, devices, encrypted members and archives inside the archive are listed, never
opened. Sizes are checked against limits while reading (a member's declared size may lie), so a
zip bomb stops at the limit with a message naming it. A member name that is not valid UTF-8
although the archive says it is (which makes Python's ``zipfile`` refuse the whole archive) is
read from a patched copy instead, where such names are decoded as CP437.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ArchiveError", "Limits", "Member", "Skipped", "display_name", "read_archive"]

NESTED = (".zip", ".7z", ".rar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst", ".jar", ".cab", ".iso")


@dataclass(frozen=True)
class Limits:
    """How much one download may hold. Defaults fit a cohort of thousands with room to spare."""

    member_bytes: int = 10 * 1024 * 1024  # one uploaded file (the quiz is ~100 kB)
    total_bytes: int = 2 * 1024 ** 3  # everything read from one archive
    members: int = 50_000


class ArchiveError(ValueError):
    """The archive as a whole cannot be read; the message names it and says why."""


@dataclass(frozen=True)
class Member:
    name: str  # the member's path inside the archive, as the LMS wrote it
    data: bytes
    modified: tuple[int, ...]  # the zip entry's date and time (y, m, d, h, min, s)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


def display_name(name: str, limit: int = 160) -> str:
    """A name that is safe to print: control characters and undecodable bytes shown escaped, long names cut."""
    try:
        raw = name.encode("utf-8", "surrogateescape")  # undecodable bytes of a file name come back as they were
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "backslashreplace")
    shown = raw.decode("utf-8", "backslashreplace")
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in shown)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """The archive, and for names that are not valid UTF-8, their true bytes (as ``surrogateescape`` text)."""
    try:
        return zipfile.ZipFile(path), {}
    except UnicodeDecodeError:
        data, renamed = _without_bad_utf8_flags(path.read_bytes())
        return zipfile.ZipFile(io.BytesIO(data)), renamed
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"{display_name(path.name)} is not a zip file that can be read ({exc})") from None


def _without_bad_utf8_flags(data: bytes) -> tuple[bytes, dict[str, str]]:
    """A copy where entries whose names claim UTF-8 but are not have that flag cleared (central and local headers)."""
    buf = bytearray(data)
    renamed: dict[str, str] = {}
    end = buf.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(buf):
        raise ArchiveError("the archive's directory is damaged")
    count, _size, offset = struct.unpack("<HII", bytes(buf[end + 10:end + 20]))
    pos = offset
    for _ in range(count):
        if buf[pos:pos + 4] != b"PK\x01\x02":
            raise ArchiveError("the archive's directory is damaged")
        flags, = struct.unpack("<H", bytes(buf[pos + 8:pos + 10]))
        n, m, k = struct.unpack("<HHH", bytes(buf[pos + 28:pos + 34]))
        local, = struct.unpack("<I", bytes(buf[pos + 42:pos + 46]))
        name = bytes(buf[pos + 46:pos + 46 + n])
        if flags & 0x800:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                renamed[name.decode("cp437")] = name.decode("utf-8", "surrogateescape")
                struct.pack_into("<H", buf, pos + 8, flags & ~0x800)
                if buf[local:local + 4] == b"PK\x03\x04":
                    lflags, = struct.unpack("<H", bytes(buf[local + 6:local + 8]))
                    struct.pack_into("<H", buf, local + 6, lflags & ~0x800)
        pos += 46 + n + m + k
    return bytes(buf), renamed


def read_archive(path: Path, limits: Limits | None = None) -> Iterator[Member | Skipped]:
    """Every member of the download: its bytes (a :class:`Member`) or why it was not read (:class:`Skipped`)."""
    limits = limits or Limits()
    zf, renamed = _open(path)
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.members:
            raise ArchiveError(f"{display_name(path.name)} holds {len(infos):,} files; the limit is {limits.members:,}")
        total = 0
        for info in infos:
            name = renamed.get(info.filename, info.filename)
            mode = info.external_attr >> 16
            if info.is_dir() or name.endswith("/"):
                continue
            if name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1] in (".DS_Store", "Thumbs.db"):
                continue  # a desktop's own files, added when a trainer re-zips a folder
            if mode and stat.S_ISLNK(mode):
                yield Skipped(name, "a symbolic link, not a file: not read")
                continue
            if mode and not stat.S_ISREG(mode) and stat.S_IFMT(mode):
                yield Skipped(name, "not a regular file: not read")
                continue
            if info.flag_bits & 0x1:
                yield Skipped(name, "encrypted: not read")
                continue
            if name.lower().endswith(NESTED):
                yield Skipped(name, "an archive inside the download: listed, never opened; "
                                    "ask the learner to upload the notebook itself")
                continue
            if info.file_size > limits.member_bytes:
                yield Skipped(name, f"too large ({info.file_size / 1e6:.1f} MB; the limit is "
                                    f"{limits.member_bytes / 1e6:.0f} MB): not read")
                continue
            if total + info.file_size > limits.total_bytes:
                yield Skipped(name, f"the download passed its limit of {limits.total_bytes / 1e9:.1f} GB: not read")
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(limits.member_bytes + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                yield Skipped(name, f"damaged in the archive ({exc}): not read")
                continue
            if len(data) > limits.member_bytes:
                yield Skipped(name, f"larger than it claims (over {limits.member_bytes / 1e6:.0f} MB): not read")
                continue
            if data[:4] == b"PK\x03\x04":
                yield Skipped(name, "an archive inside the download: listed, never opened; "
                                    "ask the learner to upload the notebook itself")
                continue
            total += len(data)
            yield Member(name, data, tuple(info.date_time))
