"""People named by a byline or an editor line: names only, in page order.

A byline mixes names with what the people did (记者, 通讯员, 文/图, 见习编辑…), where they were (`台北報導`), who
they work for (`新华社记者`, `《财经》综合`), staff codes (`杨倩_NF4425`) and the page's furniture (`出自`,
`我要评论`). Only the names are kept. A Latin name is one name however many words it has, and a Latin name in
brackets after a Chinese one is the same person (`周思博 (Joel Spolsky)`).
"""

from __future__ import annotations

import re

ROLES = (
    "特约记者", "本报记者", "本台记者", "本网记者", "见习记者", "實習記者", "实习记者", "首席记者", "记者", "記者",
    "通讯员", "通訊員", "实习生", "實習生", "见习编辑", "實習編輯", "责任编辑", "責任編輯", "编辑", "編輯", "责编",
    "编译", "編譯", "整理", "撰文", "撰稿", "特约撰稿人", "作者", "口述", "主笔", "摄影", "攝影", "摄像", "攝像",
    "文字", "图文", "圖文", "文图", "文/图", "文／图", "文", "图", "圖", "译", "譯", "翻译", "翻譯", "制图", "製圖",
    "撰", "編集委員", "論説委員", "特派員", "特派员", "By", "by", "BY",
)
_SEP = r"(?:\s*[/／╱:：|｜]\s*|\s+)"
_SHORT_ROLES = [r for r in ROLES if len(r) == 1 or r.lower() == "by"]
_ROLE_PREFIX = re.compile(
    r"^(?:(?:" + "|".join(map(re.escape, sorted(set(ROLES) - set(_SHORT_ROLES), key=len, reverse=True)))
    + r")(?:" + _SEP + r"|(?=\S))|(?:" + "|".join(map(re.escape, _SHORT_ROLES)) + r")" + _SEP + ")")
_ROLE_SUFFIX = re.compile(
    r"(?:\s*[/／╱])?\s*(?:摄影|攝影|摄|攝|报道|報導|报导|整理|供图|供圖|撰文|编译|編譯|综合|綜合|采写|採寫|即時報導"
    r"|採訪報導|采访报道|實習記者|实习记者|记者|記者|通讯员|通訊員)$|(?:\s*[/／╱]\s*|\s+)(?:文|图|圖|译|譯|撰)$")
_DATELINE = re.compile(r"^\S{1,6}(?:报道|報導|报导|電|电)$")
_ORG_PREFIX = re.compile(
    r"^(?:[\u3400-\u9fff]{1,10}?(?:社|报|報|网|網|台|站|中心|频道|頻道|新闻|新聞|日报|晚报|时报|快报|传媒|傳媒|融媒)"
    r"|本报|本報|本台|本网|本網|本刊)(?=(?:特约|见习|实习|首席)?(?:记者|記者|通讯员|通訊員))")
UI_WORDS = frozenset({
    "出自", "来自", "來自", "评论", "評論", "我要评论", "我来说两句", "分享", "收藏", "打印", "列印", "转发", "轉寄",
    "转载", "字号", "字型", "微博", "关注", "訂閱", "订阅", "举报", "檢舉", "复制链接", "大", "中", "小", "阅读", "閱讀",
    "点击", "人参与", "条评论", "更多", "返回", "首页", "发布", "發佈", "来源", "來源", "佚名", "匿名", "本站", "本网",
    "管理员", "admin", "Admin", "网友", "網友", "小编", "小編", "综合", "綜合", "报道", "報導", "整理", "编辑", "責編",
    "robot", "newsroom", "未知", "不详", "原创", "原創", "转帖", "轉帖", "查看", "回复", "回覆", "引用",
    "调查", "調查", "手记", "手記", "了解到", "获悉", "獲悉", "观察", "觀察", "札记", "探访", "探訪", "暗访", "暗訪",
    "采访", "採訪", "已有", "讨论", "討論", "转寄好友", "轉寄好友", "连线", "連線", "追踪", "追蹤", "问答", "問答", "发现", "發現", "注意", "提醒", "表示", "博客", "微信",
})
"""Words a byline area shows that are no name: labels of neighbouring fields, buttons, 佚名 (anonymous)."""
STAFF_CODE = re.compile(r"(?:[_＿\s]+[A-Za-z]{1,4}\d{2,}|(?<=[\u3400-\u9fff])[A-Za-z]{1,4}\d{3,})$")
"""A staff code after an editor's name (`杨倩_NF4425`, `王俞_NB12556`): the CMS account, not the person."""
ONLY_CODE = re.compile(r"^[A-Za-z]{1,4}\d{2,}$")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z.'\-]*(?:\s+[A-Za-z][A-Za-z.'\-]*){0,4}")
_BRACKETED_LATIN = re.compile(r"\s*[(（]\s*([A-Za-z][A-Za-z.'\-]*(?:\s+[A-Za-z][A-Za-z.'\-]*){0,4})\s*[)）]")
_SPLIT = re.compile(r"\s*(?:[、，,；;/／╱|｜&＆]|\s+and\s+|\s+和\s*|\s+)\s*")
HAN = re.compile(r"[\u3400-\u9fff]")
_NOT_NAME = re.compile(r"[\d《》【】\[\]<>＜＞:：=#@%？?！!。\"“”]|https?|www\.|\.com|\.cn")
OUTLET_END = re.compile(r"(?:网|網|报|報|社|台|站|频道|頻道|中心|杂志|雜誌|传媒|傳媒|日报|晚报|时报|周刊|週刊|新闻|新聞)$")


def _protect_latin(value: str) -> tuple[str, list[str]]:
    """Latin names (and a bracketed Latin name after a Chinese one) turned into placeholders, so that splitting
    on spaces cannot cut them; returns the text and the names in order."""
    kept: list[str] = []

    def keep(text: str) -> str:
        kept.append(text)
        return f"\x00{len(kept) - 1}\x00"

    value = _BRACKETED_LATIN.sub(lambda m: keep(f" ({m.group(1)})") , value)
    value = _LATIN_NAME.sub(lambda m: keep(m.group(0)) if m.group(0) not in ROLES else m.group(0), value)
    return value, kept


def _restore(token: str, kept: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], token)


def clean_name(token: str) -> str | None:
    """One name without its role, organisation, staff code and dateline, or None when nothing of a name is left."""
    name = token.strip(" \u3000·・.,，:：[]【】「」『』<>")
    while name and name[-1] in ")）" and name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name[:-1].strip()
    while name and name[0] in "(（" and name.count("(") + name.count("（") > name.count(")") + name.count("）"):
        name = name[1:].strip()
    for _ in range(3):
        before = name
        name = _ORG_PREFIX.sub("", name)
        name = _ROLE_PREFIX.sub("", name).strip()
        name = _ROLE_SUFFIX.sub("", name).strip(" /／╱")
        name = STAFF_CODE.sub("", name).strip()
        if name == before:
            break
    if not name or name in UI_WORDS or name in ROLES or ONLY_CODE.match(name) or _NOT_NAME.search(name):
        return None
    if HAN.search(name):
        plain = re.sub(r"\s*\([A-Za-z .'\-]+\)$", "", name)
        if len(plain) < 2 or len(plain) > 12 or (OUTLET_END.search(plain) and len(plain) > 3):
            return None
        if "·" not in plain and "・" not in plain and len(plain) > 6:
            return None
    elif len(name) < 2 or len(name) > 40:
        return None
    return name


def split_names(value: str | None) -> list[str]:
    """The names of one byline or field, in page order: `李一、王二` `李一 王二` `文/李一 图/王二` are two people,
    `周思博 (Joel Spolsky)` is one, `記者張志雄 張梓嘉 嘉義報導` is two (the last token is where they reported)."""
    if not value:
        return []
    text, kept = _protect_latin(value.strip())
    text = re.sub(r"(?<=[文图圖])\s*[/／╱]\s*", " ", text)  # `文/李一` -> `文 李一`: the role goes with its name
    tokens = [t for t in _SPLIT.split(text) if t]
    if len(tokens) > 1 and _DATELINE.match(_restore(tokens[-1], kept)):
        tokens.pop()
    names: list[str] = []
    for token in tokens:
        name = clean_name(_restore(token, kept))
        if name and name not in names:
            names.append(name)
    return names


def join_names(value: str | list[str] | None) -> str | None:
    """Several people stored in one field, joined by 、 as Chinese bylines do."""
    names = split_names(value) if isinstance(value, str) or value is None else [
        n for v in value for n in split_names(v)]
    return "、".join(dict.fromkeys(names)) if names else None


def editor_name(value: str | None) -> str | None:
    """The editors of a 责任编辑 line, staff codes dropped (`杨倩_NF4425` -> 杨倩); a code alone is no name."""
    return join_names(value)


# --- bylines without a label: `本报记者 邓红阳`, `【台灣醒報記者潘姿羽台北報導】`, `石文南／台北報導`, `（记者 张帆）` ------

_NAME = r"(?:[\u3400-\u9fff]{2,3}|[\u3400-\u9fff]{4}|[\u3400-\u9fff]{1,6}·[\u3400-\u9fff]{1,8})"
_NAMES = _NAME + r"(?:\s*[、，,\s]\s*" + _NAME + r")*?"
_ONE_ROLE = (r"(?:特约记者|特約記者|首席记者|見習記者|见习记者|实习记者|實習記者|记者|記者|通讯员|通訊員|实习生|實習生"
             r"|編集委員|論説委員|特派員|特派员"
             r"|撰文|撰稿|采写|採寫|编译|編譯|文字|文/图|文／图|文/圖|(?:文|图|圖)(?=\s*[/／:：]))")
_REPORTER = _ONE_ROLE + r"(?:\s*[/／]\s*" + _ONE_ROLE + r")*"
"""One role or several (`编译/记者`)."""
_ORG = r"(?P<org>(?:(?!记者|記者|通讯员|通訊員|实习|實習|见习|見習)[\u3400-\u9fffA-Za-z0-9·]){2,12}?(?:\s*[(（]微博[)）])?)"
_PLACE_REPORT = (r"(?:[\u3400-\u9fff]{0,4}?(?:報導|报道|報道|报导)|整理|编译|編譯|即時報導|即时报道|綜合報導|综合报道"
                 r"|採訪報導|采访报道|文/攝|文/摄|文／攝|文／摄)")
_SLASH = r"\s*[╱/／]\s*"
_WHAT = r"(?:\s*[/／]\s*(?:文|图|圖|摄|攝))?"
"""What one of several people did (`記者 李慧婷/文 通訊員 史貝貝/圖`)."""
_BY_ROLE = (r"(?:" + _ORG + r"(?:" + _SLASH + r")?)?(?:本报|本報|本台|本网|本網)?(?P<roles>(?:" + _REPORTER
            + r"\s*[:：/／]?\s*" + _NAMES + _WHAT + r"\s*)+)(?:" + _SLASH + r"|\s*)(?:" + _PLACE_REPORT + r")?")
"""An outlet, then reporters by role: `台灣醒報記者潘姿羽台北報導`, `新华社记者任海军 阳建`, `记者柳德新通讯员彭娟`."""
_BY_PLACE = (r"(?:" + _ORG.replace("?P<org>", "?P<org2>") + _SLASH + r")?(?P<named>" + _NAMES + r")" + _SLASH
             + _PLACE_REPORT)
"""A name with where it was reported: `石文南／台北報導`, `【林媛玲╱新北報導】`."""
_BY_OUTLET = r"(?<=【)" + _ORG.replace("?P<org>", "?P<outlet>") + _SLASH + r"(?P<one>" + _NAME + r")(?=\s*】)"
"""An outlet and a name, which needs its brackets: `【台灣醒報／林歆芳】`."""
BYLINE = re.compile(r"^[【〔\[（(□■◎]?\s*(?:" + _BY_ROLE + "|" + _BY_PLACE + "|" + _BY_OUTLET + r")\s*[】〕\]）)]?$")
_ROLE_SPLIT = re.compile(r"(?:[^\s:：/／]{2,8}(?=记者|記者))?" + _REPORTER + r"\s*[:：/／]?\s*")
"""Where a byline's roles split it into names; an outlet glued to 记者 (`南都记者`) goes with the role."""
_NOT_OUTLETS = frozenset({"本报", "本報", "本台", "本网", "本網", "本刊", "快报", "快報"})
_OUTLET_WORD = re.compile(r"(?:报|報|网|網|社|台|刊|中心|新闻|新聞|传媒|傳媒|时报|時報|日报|日報|晚报|晚報|周刊|週刊)$")


def byline(text: str | None) -> tuple[list[str], str | None] | None:
    """The names (and the outlet, when it names one) of a line that is only a byline, or None.

    `本报记者 邓红阳` -> ([邓红阳], None); `【台灣醒報記者潘姿羽台北報導】` -> ([潘姿羽], 台灣醒報);
    `（福州晚報記者 林安鎮 實習生 黃衛平 文/攝）` -> ([林安鎮, 黃衛平], 福州晚報); `王嘉源／綜合報導` -> ([王嘉源], None).
    A photo credit (`新华社记者廖宇杰摄`) is not a byline: the photographer did not write the article.
    """
    line = (text or "").strip()
    if not 2 <= len(line) <= 60 or PHOTO_CREDIT.search(line):
        return None
    m = BYLINE.match(line)
    if not m:
        return None
    org = m["org"] or m["org2"] or m["outlet"]
    if m["roles"]:
        names = []
        for role, part in zip(["", *_ROLE_SPLIT.findall(m["roles"])], _ROLE_SPLIT.split(m["roles"])):
            # A 通讯员 supplied material and a photographer took the pictures: the project counts them apart.
            if not _CORRESPONDENT.search(role) and not _PHOTO_ROLE.fullmatch(role.strip()):
                names.extend(split_names(_PHOTO_PART.split(part, 1)[0]))
    else:
        names = split_names(m["named"] or m["one"])
    if not names or (m["outlet"] and not _OUTLET_WORD.search(m["outlet"])):
        return None
    if org and (org in _NOT_OUTLETS or not _OUTLET_WORD.search(org.replace("(微博)", "").replace("（微博）", ""))):
        org = None
    return names, (org.replace("(微博)", "").replace("（微博）", "") if org else None)


_CORRESPONDENT = re.compile(r"通讯员|通訊員")
_PHOTO_ROLE = re.compile(r"(?:图|圖|摄|攝|摄影|攝影|摄像|攝像|制图|製圖)\s*[/／╱:：]?")
"""A role that credits pictures alone (`图/李四`): unlike `文/图`, its person did not write the article."""
_PHOTO_PART = re.compile(r"\s+(?:摄影|攝影|摄像|攝像|图片|圖片|制图|製圖)\s*[/／╱:：]?\s*")
"""Where a reporter run goes on to the photographer (`记者 张三 摄影 李四`)."""
PHOTO_CREDIT = re.compile(r"(?<![文/／])(?:摄|攝)\W?$")
"""A credit that ends in 摄 names the photographer (`新华社记者廖宇杰摄`); `文/摄` also wrote the text."""
_BRACKET = re.compile(r"[【〔（(\[][^【】〔〕（）()\[\]]{2,40}[】〕）)\]]")
_LEAD_BRACKET = re.compile(r"^.{0,30}?(?:电|電|讯|訊|消息|报道|報導)\s*(?P<group>[（(][^（）()]{2,40}[）)])")
_LEAD_RUN = re.compile(r"^.{0,12}?(?:讯|訊)\s*(?P<run>" + _REPORTER + r"\s*" + _NAMES + r"\s*(?:报道|報導))[：:]"
                       r"|^(?P<run2>[\u3400-\u9fff]{2,8}?(?:实习|實習|特约|特約|见习|見習)?(?:记者|記者)\s*" + _NAME
                       + r")\s*(?:\d{1,2}月\d{1,2}日)?\s*(?:报道|報導|电|電)")
"""A lead that opens with its reporter: `羊城晚报讯 记者帅鹏坤报道：`, `环球网实习记者胥文琦1月12日报道 据…`."""
_BARE = re.compile(r"^[（(]\s*(?:(?P<org>[\u3400-\u9fffA-Za-z0-9]{2,10}?(?:网|網|报|報|社|台|站|中心))\s+)?"
                   r"(?P<names>[\u3400-\u9fff]{2,3}(?:[\s、][\u3400-\u9fff]{2,3}){0,2})\s*[）)]$")
"""A writer credited by name alone in a dateline's or a closing bracket: `中新网重庆1月17日电 (连肖)`, `…。（张慧玲）`,
`（中国台湾网 王怡然）`."""
_NOT_BARE = frozenset({"完", "待续", "未完", "未完待续", "全文完", "续", "组图", "视频", "專稿", "专稿", "图片", "資料照",
                       "资料图", "快讯", "快訊", "转载", "轉載", "原题", "原題", "有删节", "有刪節", "节选", "節選"})
_TAIL_BRACKET = re.compile(r"(?P<group>[（(][^（）()]{2,30}[）)])\s*$")
_TAIL_RUN = re.compile(r"(?<=[。！？”」])\s*(?P<group>[^。！？，,]{4,30})$")
"""A byline run on after the last sentence: `…寿命最长的中国大熊猫之一。编译/记者 林晨音 尹晓琳`."""


def byline_in(text: str | None, *, lead: bool = False, tail: bool = False) -> tuple[list[str], str | None] | None:
    """A byline inside a longer text: a bracketed group that is one (`人民网北京12月15日电（记者 张帆）`,
    `【台灣醒報記者潘姿羽台北報導】春節期間…`), the reporter run of a lead (`羊城晚报讯 记者帅鹏坤报道：`) with
    ``lead``, or a closing group (`…原因。（记者左娅）`) with ``tail``; None when the text has none."""
    if not text:
        return None
    candidates = []
    if lead:
        m = _LEAD_BRACKET.match(text)
        if m:
            candidates.append(m["group"])
        m = _LEAD_RUN.match(text)
        if m:
            candidates.append(m["run"] or m["run2"])
        first = _BRACKET.match(text.strip())
        if first:
            candidates.append(first.group(0))
    if tail:
        for pattern in (_TAIL_BRACKET, _TAIL_RUN):
            m = pattern.search(text)
            if m:
                candidates.append(m["group"])
    for candidate in candidates:
        found = byline(candidate) or _bare(candidate)
        if found:
            return found
    return None


def _bare(group: str) -> tuple[list[str], str | None] | None:
    m = _BARE.match(group.strip())
    if not m:
        return None
    tokens = m["names"].replace("、", " ").split()
    if any(t in _NOT_BARE or t in UI_WORDS or _OUTLET_WORD.search(t) for t in tokens):
        return None
    names = [n for n in (clean_name(t) for t in tokens) if n]
    return (names, m["org"]) if len(names) == len(tokens) else None


_EDITOR_AFTER = re.compile(r"^[(（【\[]\s*(?P<names>" + _NAMES + r")\s*(?:編輯|编辑|責編|责编)\s*[)）】\]]$")


def editor_after(line: str) -> str | None:
    """The editor of a credit that names the person before the role: `(曹文明 編輯)` (cnyes.com)."""
    m = _EDITOR_AFTER.match(line.strip())
    return join_names(m["names"]) if m else None
