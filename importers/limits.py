"""Reading import files safely: size limits, and zip archives without zip-slip or zip bombs.

Every import reads its input through these helpers, so a hostile or broken file is refused
with a clear Dutch ``ImportRejected`` before anything else looks at it. Nothing here extracts
to disk: members are read into memory, each with a hard limit on what is actually inflated.

    data = read_limited_bytes(path, MAX_CSV_BYTES)
    for member in safe_zip_members(path, max_total_bytes=..., max_members=..., max_ratio=...):
        text = read_zip_member(path, member, max_bytes=...)
"""
from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from socialekaart.shared.errors import ImportRejected

MB = 1024 * 1024
MAX_CSV_BYTES = 20 * MB
MAX_GEOJSON_BYTES = 512 * MB  # the unsimplified CBS buurtkaart of all of the Netherlands fits
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_TOTAL_BYTES = 1024 * MB
MAX_ZIP_RATIO = 200  # real GeoJSON and CSV compress 5-20 times; bombs a thousand times and more
SMALL_MEMBER = MB  # below this a high ratio is harmless (a file of spaces)
_CHUNK = 1024 * 1024


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size} bytes"


def _regular_file(path: Path) -> int:
    """The size of a regular file; ImportRejected for a missing file, a folder, a device or a pipe."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportRejected(f"Het bestand {path.name} bestaat niet.") from None
    except OSError as exc:
        raise ImportRejected(f"Het bestand {path.name} kan niet gelezen worden: {exc.strerror}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejected(f"{path.name} is geen gewoon bestand.")
    return info.st_size


def read_limited_bytes(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of a regular file, refused when larger than ``max_bytes``.

    The limit holds while reading too, so a file that grows cannot make us read more.
    """
    path = Path(path)
    size = _regular_file(path)
    if size > max_bytes:
        raise ImportRejected(f"Het bestand {path.name} is te groot ({_size_text(size)}); "
                             f"de grens is {_size_text(max_bytes)}.")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ImportRejected(f"Het bestand {path.name} kan niet gelezen worden: {exc.strerror}.") from None
    if len(data) > max_bytes:
        raise ImportRejected(f"Het bestand {path.name} is te groot; de grens is {_size_text(max_bytes)}.")
    return data


@dataclass(frozen=True)
class ZipMember:
    name: str  # the path inside the archive, checked and normalised ("data/buurt.geojson")
    size: int  # declared uncompressed size
    compressed_size: int


def _checked_name(raw: str, archive: str) -> str:
    """The member path, or ImportRejected when it could escape a target folder (zip-slip)."""
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if (not name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts
            or "\x00" in name):
        raise ImportRejected(f"Het zip-bestand {archive} bevat een onveilig pad ({raw[:80]!r}); "
                             "het wordt niet gelezen.")
    return str(PurePosixPath(*[p for p in parts if p not in ("", ".")]))


def safe_zip_members(path: Path | str, max_total_bytes: int = MAX_ZIP_TOTAL_BYTES,
                     max_members: int = MAX_ZIP_MEMBERS, max_ratio: float = MAX_ZIP_RATIO) -> list[ZipMember]:
    """The files in a zip archive, after checking the whole archive.

    Refused as a whole: not a zip, too many members, a path that climbs out (``../``, absolute
    or drive paths), symbolic links, encrypted members, duplicate names, a total unpacked size
    above ``max_total_bytes``, or a member that inflates more than ``max_ratio`` times.
    Directories are left out of the answer.
    """
    path = Path(path)
    archive = path.name
    _regular_file(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ImportRejected(f"{archive} is geen geldig zip-bestand.") from None
    if len(infos) > max_members:
        raise ImportRejected(f"Het zip-bestand {archive} bevat te veel bestanden ({len(infos)}); "
                             f"de grens is {max_members}.")
    members: list[ZipMember] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = _checked_name(info.filename, archive)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ImportRejected(f"Het zip-bestand {archive} bevat een symbolische link ({name}); "
                                 "het wordt niet gelezen.")
        if info.flag_bits & 0x1:
            raise ImportRejected(f"Het zip-bestand {archive} is versleuteld ({name}); dat kunnen we niet lezen.")
        if info.is_dir():
            continue
        if name in seen:
            raise ImportRejected(f"Het zip-bestand {archive} bevat {name} twee keer.")
        seen.add(name)
        total += info.file_size
        if total > max_total_bytes:
            raise ImportRejected(f"Het zip-bestand {archive} pakt uit tot meer dan {_size_text(max_total_bytes)}; "
                                 "het wordt niet gelezen.")
        if info.file_size > SMALL_MEMBER and info.file_size > max_ratio * max(info.compress_size, 1):
            raise ImportRejected(f"Het zip-bestand {archive} lijkt een zip-bom: {name} wordt bij uitpakken "
                                 f"{info.file_size // max(info.compress_size, 1)} keer zo groot.")
        members.append(ZipMember(name, info.file_size, info.compress_size))
    return members


def read_zip_member(path: Path | str, member: ZipMember | str, max_bytes: int) -> bytes:
    """The unpacked bytes of one member, stopping as soon as more than ``max_bytes`` come out.

    Call ``safe_zip_members`` first; this also holds when the archive lies about sizes.
    """
    path = Path(path)
    name = member.name if isinstance(member, ZipMember) else member
    limit = min(max_bytes, member.size) if isinstance(member, ZipMember) else max_bytes
    chunks: list[bytes] = []
    size = 0
    try:
        with zipfile.ZipFile(path) as zf:
            info = next((i for i in zf.infolist() if _checked_name(i.filename, path.name) == name), None)
            if info is None:
                raise ImportRejected(f"Het zip-bestand {path.name} bevat geen {name}.")
            with zf.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise ImportRejected(f"{name} in {path.name} is bij uitpakken groter dan "
                                             f"{_size_text(limit)}; het wordt niet gelezen.")
                    chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise ImportRejected(f"{name} in {path.name} is beschadigd en kan niet uitgepakt worden.") from None
    return b"".join(chunks)
