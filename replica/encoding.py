"""How a page's text becomes bytes and headers, including issue 3's encoding faults.

The portal's newer templates are UTF-8; its legacy channel declares ``gb2312`` and really sends GBK. With faults on,
a few pages lie about this in the ways real servers do. The names below are what ``faults`` in the truth records:

- ``header_utf8_on_gbk``: a GBK page whose HTTP header says ``charset=utf-8`` (header beats meta, so a naive
  client decodes it as UTF-8);
- ``meta_gb2312_on_utf8``: a UTF-8 page whose only declaration is a ``<meta>`` saying gb2312;
- ``mixed_ssi``: a UTF-8 page whose related-news block and footer are a GBK server-side include;
- ``gbk_only_chars``: a GBK page with characters outside GB2312 (堃, 喆, 镕), which Python's ``gb2312`` codec rejects.
"""

from __future__ import annotations

from replica.model import Entry

FAULTS_UTF8 = ("meta_gb2312_on_utf8", "mixed_ssi")
FAULTS_GBK = ("header_utf8_on_gbk", "gbk_only_chars")

META_UTF8 = '<meta charset="utf-8">'
META_GB2312 = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


def charset_meta(entry: Entry | None, encoding: str = "utf-8") -> str:
    if entry is not None and "meta_gb2312_on_utf8" in entry.faults:
        return META_GB2312
    return META_GB2312 if encoding == "gbk" else META_UTF8


def content_type(entry: Entry | None, encoding: str = "utf-8", bare_header: bool = False) -> str:
    """The HTTP Content-Type. GBK pages send gb2312 or no charset at all (``bare_header``), as old servers do."""
    faults = entry.faults if entry is not None else ()
    if "header_utf8_on_gbk" in faults:
        return "text/html; charset=utf-8"
    if "meta_gb2312_on_utf8" in faults:
        return "text/html"
    if encoding == "gbk":
        return "text/html" if bare_header else "text/html; charset=gb2312"
    return "text/html; charset=utf-8"


def encode(main: str, tail: str, entry: Entry | None, encoding: str = "utf-8") -> bytes:
    """Bytes of a page in two parts: ``tail`` is the server-side include (related news, footer)."""
    tail_encoding = "gbk" if entry is not None and "mixed_ssi" in entry.faults else encoding
    return main.encode(encoding) + tail.encode(tail_encoding)
