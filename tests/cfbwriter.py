"""A minimal Compound File Binary (OLE2) writer for tests: legacy .doc/.xls/.ppt/.msi shapes.

olefile reads CFB but cannot create one. This writes version 3 files (512-byte sectors) with
every stream in regular sectors (streams are padded to the 4096-byte mini-stream cutoff, which
readers only see as trailing zeros) and siblings chained through right-sibling links, which
readers accept even though it is not a balanced red-black tree.

    data = make_cfb({"WordDocument": fib, "Macros": {"VBA": {"dir": b"..."}}})
"""

from __future__ import annotations

import struct
import uuid
from typing import Union

Tree = dict[str, Union[bytes, "Tree"]]

_SECTOR = 512
_CUTOFF = 4096
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def make_cfb(tree: Tree, root_clsid: str | None = None) -> bytes:
    """A CFB file with the given storages (dicts) and streams (bytes)."""
    entries: list[dict[str, object]] = [
        {"name": "Root Entry", "type": 5, "child": _NOSTREAM, "right": _NOSTREAM, "data": b""}
    ]
    _add_children(entries, 0, tree)
    sectors: list[bytes] = []
    fat: list[int] = []
    for entry in entries:
        data = entry["data"]
        assert isinstance(data, bytes)
        if entry["type"] != 2:
            entry["start"], entry["size"] = _END, 0
            continue
        data = data.ljust(_CUTOFF, b"\x00")
        entry["start"], entry["size"] = _chain(sectors, fat, data)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory = directory.ljust(-(-len(directory) // _SECTOR) * _SECTOR, b"\x00")
    dir_start, _ = _chain(sectors, fat, directory)
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (_SECTOR // 4):
        fat_count += 1
    fat_first = len(sectors)
    fat += [_FATSECT] * fat_count
    fat += [_FREE] * (fat_count * (_SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    clsid = uuid.UUID(root_clsid).bytes_le if root_clsid else bytes(16)
    entries[0]["clsid"] = clsid
    directory = b"".join(_dir_entry(e) for e in entries)
    directory = directory.ljust(-(-len(directory) // _SECTOR) * _SECTOR, b"\x00")
    for i in range(len(directory) // _SECTOR):
        sectors[dir_start + i] = directory[i * _SECTOR : (i + 1) * _SECTOR]
    difat = [fat_first + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6),
        0, fat_count, dir_start, 0, _CUTOFF, _END, 0, _END, 0,
    ) + struct.pack("<109I", *difat)  # fmt: skip
    return header + b"".join(sectors) + fat_bytes


def _add_children(entries: list[dict[str, object]], parent: int, tree: Tree) -> None:
    previous = None
    for name, value in tree.items():
        index = len(entries)
        is_storage = isinstance(value, dict)
        entries.append(
            {
                "name": name,
                "type": 1 if is_storage else 2,
                "child": _NOSTREAM,
                "right": _NOSTREAM,
                "data": b"" if is_storage else value,
            }
        )
        if previous is None:
            entries[parent]["child"] = index
        else:
            entries[previous]["right"] = index
        previous = index
        if isinstance(value, dict):
            _add_children(entries, index, value)


def _chain(sectors: list[bytes], fat: list[int], data: bytes) -> tuple[int, int]:
    start = len(sectors)
    count = max(1, -(-len(data) // _SECTOR))
    for i in range(count):
        sectors.append(data[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\x00"))
        fat.append(start + i + 1 if i + 1 < count else _END)
    return start, len(data)


def _dir_entry(entry: dict[str, object]) -> bytes:
    name = str(entry["name"]).encode("utf-16-le") + b"\x00\x00"
    clsid = entry.get("clsid", bytes(16))
    assert isinstance(clsid, bytes)
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), entry["type"], 1, _NOSTREAM, entry["right"], entry["child"],
        clsid, 0, 0, 0, entry["start"], entry["size"],
    )  # fmt: skip
