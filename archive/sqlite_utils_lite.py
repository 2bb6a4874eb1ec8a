"""sqlite-utils, imported without pandas and numpy.

When pandas is installed (as it is wherever analysts work), ``import sqlite_utils`` imports it and numpy, about
1.5 s, only to map their scalar types (``numpy.int64``, ``pandas.Timestamp``) to column types. The archive never
stores such values, and every command that opens it (``search``, ``show``, ``stats``) would start that much
slower. So sqlite-utils is imported here with the two marked absent, unless they were imported already, in which
case nothing is saved and nothing is changed. Import ``Database`` and ``Migrations`` from this module, never from
sqlite_utils directly, so that this import happens first.
"""

from __future__ import annotations

import sys

_SKIPPED = ("pandas", "numpy")

if any(name in sys.modules for name in _SKIPPED):
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations
else:
    for _name in _SKIPPED:
        sys.modules[_name] = None  # type: ignore[assignment]  # makes `import pandas` raise ImportError
    try:
        from sqlite_utils import Database
        from sqlite_utils.migrations import Migrations
    finally:
        for _name in _SKIPPED:
            del sys.modules[_name]

__all__ = ["Database", "Migrations"]
