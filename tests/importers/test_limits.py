"""Safe reading: size limits and zip archives (zip-slip, symlinks, bombs). No store needed."""
from __future__ import annotations

import stat
import zipfile

import pytest

from importers.limits import ZipMember, read_limited_bytes, read_zip_member, safe_zip_members
from socialekaart.shared.errors import ImportRejected


def make_zip(path, members: dict[str, bytes], *, symlink: str | None = None):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == symlink:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return path


def mark_encrypted(path):
    """Set the 'encrypted' flag of the (only) member in its local and central headers."""
    data = bytearray(path.read_bytes())
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    return path


def test_read_limited_bytes_reads_a_small_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"naam\n")
    assert read_limited_bytes(path, 100) == b"naam\n"


def test_read_limited_bytes_refuses_a_large_file(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(ImportRejected) as caught:
        read_limited_bytes(path, 1024)
    assert caught.value.message == "Het bestand groot.csv is te groot (2048 bytes); de grens is 1024 bytes."


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "nergens.csv", "Het bestand nergens.csv bestaat niet."),
    (lambda p: p, "is geen gewoon bestand."),
])
def test_read_limited_bytes_refuses_what_is_no_file(tmp_path, make, message):
    with pytest.raises(ImportRejected) as caught:
        read_limited_bytes(make(tmp_path), 1024)
    assert caught.value.message.endswith(message)


def test_safe_zip_members_lists_files_and_reads_them(tmp_path):
    archive = make_zip(tmp_path / "ok.zip", {"data/buurt.geojson": b"{}", "./leesmij.txt": b"hallo"})
    members = safe_zip_members(archive)
    assert [m.name for m in members] == ["data/buurt.geojson", "leesmij.txt"]
    assert read_zip_member(archive, members[1], max_bytes=100) == b"hallo"


@pytest.mark.parametrize("name", ["../buiten.geojson", "data/../../etc/passwd", "/etc/passwd", "C:/windows/x.json",
                                  "..\\buiten.json"])
def test_zip_slip_paths_are_refused(tmp_path, name):
    archive = make_zip(tmp_path / "slip.zip", {"goed.geojson": b"{}", name: b"{}"})
    with pytest.raises(ImportRejected) as caught:
        safe_zip_members(archive)
    assert "onveilig pad" in caught.value.message


def test_symlinks_are_refused(tmp_path):
    archive = make_zip(tmp_path / "link.zip", {"link.geojson": b"/etc/passwd"}, symlink="link.geojson")
    with pytest.raises(ImportRejected, match="symbolische link"):
        safe_zip_members(archive)


def test_encrypted_members_are_refused(tmp_path):
    archive = mark_encrypted(make_zip(tmp_path / "geheim.zip", {"a.geojson": b"{}"}))
    with pytest.raises(ImportRejected, match="versleuteld"):
        safe_zip_members(archive)


def test_a_zip_bomb_is_refused_before_inflating(tmp_path):
    archive = make_zip(tmp_path / "bom.zip", {"buurt.geojson": b"\0" * (20 * 1024 * 1024)})
    assert archive.stat().st_size < 100_000
    with pytest.raises(ImportRejected, match="zip-bom"):
        safe_zip_members(archive)


def test_total_size_and_member_count_are_limited(tmp_path):
    archive = make_zip(tmp_path / "veel.zip", {f"f{i}.json": b"{}" * 100 for i in range(5)})
    with pytest.raises(ImportRejected, match="te veel bestanden"):
        safe_zip_members(archive, max_members=4)
    with pytest.raises(ImportRejected, match="pakt uit tot meer dan"):
        safe_zip_members(archive, max_total_bytes=500)


def test_duplicate_names_are_refused(tmp_path):
    path = tmp_path / "dubbel.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.json", b"1")
        with pytest.warns(UserWarning):
            zf.writestr("a.json", b"2")
    with pytest.raises(ImportRejected, match="twee keer"):
        safe_zip_members(path)


def test_read_zip_member_stops_at_the_real_size_even_when_the_header_lies(tmp_path):
    archive = make_zip(tmp_path / "leugen.zip", {"a.json": b"x" * 5000})
    with pytest.raises(ImportRejected, match="groter dan"):
        read_zip_member(archive, ZipMember("a.json", size=10, compressed_size=10), max_bytes=10_000)
    with pytest.raises(ImportRejected, match="groter dan"):
        read_zip_member(archive, "a.json", max_bytes=1000)


def test_not_a_zip(tmp_path):
    path = tmp_path / "nep.zip"
    path.write_bytes(b"dit is geen zip")
    with pytest.raises(ImportRejected) as caught:
        safe_zip_members(path)
    assert caught.value.message == "nep.zip is geen geldig zip-bestand."
