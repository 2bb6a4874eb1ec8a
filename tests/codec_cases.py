"""Byte cases for the decoder built from real text: each text of tests/cases/decode/texts.json encoded in every
codec Python has that can hold it, grouped by encoding family. The tests and `bench.charsets` share them.

`UNLABELLED` are the codecs a page may come in without a label that detection is expected to find: the WHATWG
encodings, the Unicode forms and the common DOS, Mac and national code pages. The rest (EBCDIC, UTF-7, rare code
pages) are expected only when labelled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

TEXTS = Path(__file__).parent / "cases" / "decode" / "texts.json"

#: Every text codec Python has, by family (bytes-to-bytes codecs, escapes, idna and punycode left out).
FAMILIES: dict[str, tuple[str, ...]] = {
    "unicode": ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
                "utf-7"),
    "chinese": ("gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950"),
    "japanese": ("shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213",
                 "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"),
    "korean": ("euc_kr", "cp949", "johab", "iso2022_kr"),
    "latin": ("cp1252", "iso8859-1", "iso8859-15", "cp1250", "iso8859-2", "cp1254", "iso8859-9", "cp1257",
              "iso8859-13", "iso8859-3", "iso8859-4", "iso8859-10", "iso8859-14", "iso8859-16", "cp1258", "mac-roman",
              "mac-latin2", "mac-iceland", "mac-croatian", "mac-romanian", "mac-turkish", "cp437", "cp850", "cp852",
              "cp857", "cp858", "cp860", "cp861", "cp863", "cp865", "cp775", "hp-roman8", "palmos"),
    "cyrillic": ("cp1251", "koi8-r", "koi8-u", "koi8-t", "iso8859-5", "cp866", "cp855", "cp1125", "mac-cyrillic",
                 "kz1048", "ptcp154"),
    "greek": ("cp1253", "iso8859-7", "cp737", "cp869", "mac-greek", "cp875"),
    "hebrew": ("cp1255", "iso8859-8", "cp862", "cp856", "cp424"),
    "arabic": ("cp1256", "iso8859-6", "cp720", "cp864", "mac-arabic", "mac-farsi", "cp1006"),
    "thai": ("cp874", "tis-620", "iso8859-11"),
    "ebcdic": ("cp037", "cp500", "cp1140", "cp273", "cp1026"),
}

UNLABELLED = frozenset({
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
    "gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950",
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "euc_kr", "cp949", "johab", "iso2022_kr",
    "cp1252", "iso8859-1", "iso8859-15", "cp1250", "iso8859-2", "cp1254", "iso8859-9", "cp1257", "iso8859-13",
    "mac-roman", "cp437", "cp850",
    "cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic",
    "cp1253", "iso8859-7", "cp1255", "iso8859-8", "cp1256", "iso8859-6", "cp874", "tis-620",
})


#: The family a language is naturally written in, beside Unicode (Latin-script languages: "latin").
SCRIPT_FAMILY = {"Russian": "cyrillic", "Ukrainian": "cyrillic", "Bulgarian": "cyrillic", "Serbian": "cyrillic",
                 "Kazakh": "cyrillic", "Greek": "greek", "Hebrew": "hebrew", "Arabic": "arabic", "Farsi": "arabic",
                 "Thai": "thai", "Japanese": "japanese", "Korean": "korean", "Chinese (Simplified)": "chinese",
                 "Chinese (Traditional)": "chinese"}


@dataclass(frozen=True)
class Case:
    language: str
    source: str
    codec: str
    family: str
    text: str
    data: bytes

    @property
    def natural(self) -> bool:
        """Whether the codec is one the language is written in (not, say, Russian in Shift_JIS's Cyrillic row)."""
        return self.family in ("unicode", SCRIPT_FAMILY.get(self.language, "latin"))

    @property
    def name(self) -> str:
        return f"{self.language}/{self.source}/{self.codec}"


def texts() -> list[dict]:
    return json.loads(TEXTS.read_text(encoding="utf-8"))["texts"]


def cases(unlabelled_only: bool = False) -> list[Case]:
    """Every (text, codec) pair where the codec holds the text and writes something other than ASCII for it; with
    `unlabelled_only`, the natural pairs of the codecs detection is expected to find."""
    found = []
    for family, codecs in FAMILIES.items():
        for codec in codecs:
            if unlabelled_only and codec not in UNLABELLED:
                continue
            for item in texts():
                try:
                    data = item["text"].encode(codec)
                except UnicodeEncodeError:
                    continue
                if data.isascii() and codec not in ("utf-7", "hz") and not codec.startswith("iso2022"):
                    continue
                found.append(Case(item["language"], item["source"], codec, family, item["text"], data))
    return [case for case in found if case.natural] if unlabelled_only else found
