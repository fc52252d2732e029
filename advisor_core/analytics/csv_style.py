"""How an advisor's CSV export is headed and encoded.

The machine style (column ids, plain UTF-8) is what downstream tools read and what the
analytics report writes. An advisor working in Chinese gets the same columns, in the same order,
headed in Chinese and written with a UTF-8 byte-order mark, without which Excel on a Chinese
Windows reads the file as GBK and shows the headers as mojibake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class CsvStyle:
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # column id -> header
    byte_order_mark: bool = False

    @property
    def encoding(self) -> str:
        return "utf-8-sig" if self.byte_order_mark else "utf-8"

    def headers(self, columns: Iterable[str]) -> list[str]:
        """The header row for ``columns``: each column's label, or its id when it has none."""
        return [self.labels.get(column, column) for column in columns]


MACHINE_CSV = CsvStyle()
