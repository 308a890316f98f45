"""What a file really is, by its bytes: encrypted? executable? (pure, bounded)."""

from mailguard.formats.inspect import inspect_file
from mailguard.formats.report import FileReport
from mailguard.formats.sniff import sniff_type

__all__ = ["FileReport", "inspect_file", "sniff_type"]
