"""jieba, imported without pkg_resources.

jieba 0.42 imports pkg_resources (setuptools) only to open its own dictionary
file, and falls back to a plain open() of the same file when that import fails.
Importing pkg_resources costs about 0.1 s, on the start-up path of every build,
serve and test process, so it is made to fail for the duration of jieba's import
(nothing else is imported meanwhile) and restored at once.
"""

from __future__ import annotations

import sys

_BLOCK = "pkg_resources" not in sys.modules and "jieba" not in sys.modules
if _BLOCK:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
try:
    import jieba
finally:
    if _BLOCK:
        del sys.modules["pkg_resources"]

__all__ = ["jieba"]
