"""Count the `?` a mirror's GBK encoder wrote for characters that GBK cannot hold.

A mirror re-encodes the page in GBK, and its encoder writes `?` for what GBK lacks (`・`, `•`, `™`, a no-break
space, an emoji). Those characters are lost for good, and nothing tells which one stood there; the text is left
alone and the loss is counted. In a width-folded mirror copy a question mark `？` also became `?`, so a `?` counts
as lost only where no question can end: at the start of a line, or closing a clause that holds no question word.
Called only for documents that show the mirror artifact.
"""

from __future__ import annotations

import re

from pipelines.repair.phantoms import SITE

_QUESTION = re.compile(
    "吗|嗎|呢|吧|么|麼|什|甚|怎|谁|誰|哪|几|幾|多[少远遠久大长長高深]|何|是否|能否|可否|是不是|有没有|有沒有|难道|難道"
    "|岂|豈|咋|啥|否|不是|还是|還是"
)
_CLAUSE_END = re.compile(r"[。！!？?；;\n]")


def count_lost_marks(text: str) -> int:
    """How many `?` in a mirror copy stand for a character lost in its GBK encoding.

    >>> count_lost_marks("约翰?史密斯来到重庆。你去哪里?")
    1
    """
    phantoms = [m.span() for m in SITE.finditer(text)]
    lost = 0
    clause_start = scanned = 0  # one pass: each `?` continues the clause scan where the previous one stopped
    for match in re.finditer(r"\?", text):
        i = match.start()
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, scanned, i)), default=clause_start)
        scanned = i
        if any(start <= i < end for start, end in phantoms):
            continue  # a phantom: counted by the phantom recovery
        if i == 0 or text[i - 1] == "\n":
            lost += 1
            continue
        if not _QUESTION.search(text, clause_start, i):
            lost += 1
    return lost
