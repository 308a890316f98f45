"""What a file really is, by its bytes: encrypted? executable? (pure, bounded)."""

from mailguard.inspection.formats.inspect import inspect_file
from mailguard.inspection.formats.report import FileReport
from mailguard.inspection.formats.sniff import sniff_type

__all__ = ["FileReport", "inspect_file", "sniff_type"]
