"""Dates as pages write them, read into ISO 8601 in the site's zone, with what the words around them say.

Chinese pages write one date many ways (`2005-04-05 06:40更新`, `发布时间 2005/05/17 22:11:42`,
`本贴由大卫于2005年8月12日16:12:21`, `２０２０年１月２日`, `05年9月15日`, `2012.01.12 03:55 pm`), and the words
around a date say what it is: 发布/发表 before it, or 更新 after it. ``mentions`` finds every date of a text with
that *role*; choosing among them (which date is the article's) is ``pipelines.metadata.published``'s job.

``tz`` is the site's zone: a date without an offset is in it, and one with an offset (`Z`, `+09:00`, `EDT`) is
converted to it. ``tz=None`` says the site's zone is unknown (a foreign page without a profile): a date without an
offset is then in China's (+08:00, the default), and one with an offset keeps the offset it states, so the day stays
the one its readers saw (CNN's `2023-11-06T20:03:00Z` is the 6th, not the 7th in Beijing).

Digits are normalised from full width first, by a one-to-one translation, so positions in the normalised text are
positions in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

WIDE = str.maketrans("０１２３４５６７８９：－／．٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789:-/." + "0123456789" * 2)
"""Full-width digits and separators, and Arabic-Indic and Persian digits, to ASCII, one character for one."""

_MONTH_NAMES = {
    "english": ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december"),
    "french": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"),
    "german": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
               "november", "dezember"),
    "spanish": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                "noviembre", "diciembre"),
    "italian": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                "ottobre", "novembre", "dicembre"),
    "portuguese": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                   "outubro", "novembro", "dezembro"),
    "dutch": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"),
    "swedish": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                "november", "december"),
    "russian": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                "ноября", "декабря"),
    "polish": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
               "października", "listopada", "grudnia"),
    "turkish": ("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım",
                "aralık"),
    "indonesian": ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
                   "oktober", "november", "desember"),
    "greek": ("ιανουαρίου", "φεβρουαρίου", "μαρτίου", "απριλίου", "μαΐου", "ιουνίου", "ιουλίου", "αυγούστου",
              "σεπτεμβρίου", "οκτωβρίου", "νοεμβρίου", "δεκεμβρίου"),
    "arabic": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
               "ديسمبر"),
    "levantine": ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
                  "تشرين الثاني", "كانون الأول"),
}
"""Month names of the languages the generic extractor meets most after Chinese (`3. Januar 2019`, `26 juin 2019`,
`26 de junio de 2019`, `28 августа 2013`, `28 آب/اغسطس 2013`, where an Arabic page names the month both ways);
English also by its three-letter abbreviations. The Slavic and Greek ones are the genitive a date is written in."""
_MONTHS = {name: number for names in _MONTH_NAMES.values() for number, name in enumerate(names, 1)}
_MONTHS.update({name[:3]: number for number, name in enumerate(_MONTH_NAMES["english"], 1)})
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _month(name: str) -> int | None:
    """The number of a month name as a page writes it (any case; `EKİM`, whose İ lower-cases to two characters)."""
    folded = name.lower().replace("i\u0307", "i")
    return _MONTHS.get(folded) or _MONTHS.get(folded.replace("i", "ı"))


ZONE_NAMES = {"GMT": 0, "UTC": 0, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
              "AKST": -9, "AKDT": -8, "HST": -10, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2,
              "EEST": 3, "MSK": 3, "HKT": 8, "SGT": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12,
              "NZDT": 13}
"""Zone abbreviations after a time (`3:53 PM EDT`, `0203 GMT`), in hours from UTC. Not the ambiguous ones: ``CST`` is
China's on Chinese pages and Central Time on American ones, ``IST`` India's, Ireland's or Israel's."""

_TIME_CORE = (r"(?P<ap1>上午|下午|晚上|凌晨|中午|午前|午後|오전|오후)?\s*(?P<H>[0-2]?\d)\s*[:：时時点點]\s*(?P<M>[0-5]\d)\s*分?"
              r"(?:\s*[:：]\s*(?P<S>[0-5]\d)|\s*(?P<S2>[0-5]\d)\s*秒)?(?:\.\d+)?"
              r"(?:\s*(?P<ap2>[aApP]\.?[mM]\.?)(?![a-zA-Z]))?"
              r"(?P<tz>\s*(?:Z|(?:GMT|UTC)?\s*[+-][01]?\d(?::?[0-5]\d)?"
              r"|(?P<zone>" + "|".join(ZONE_NAMES) + r")(?![A-Za-z]))"
              r"(?![\d:]))?")
_WEEKDAY = r"(?:\s*[(（]?(?:星期|周|週|禮拜|礼拜)[一二三四五六日天][)）]?)?"
"""`2012年1月12日 星期四 08:30`: a weekday between the date and its time."""
_TIME = _WEEKDAY + r"(?:[\sT]*" + _TIME_CORE + ")?"
_FULL = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.年년])\s*(?P<m>[01]?\d)\s*[-/.月월]\s*(?P<d>[0-3]?\d)(?![\d])\s*[日일]?"
    + _TIME)
_TWO_DIGIT = re.compile(r"(?<![\d.])(?P<y>\d{2})\s*年\s*(?P<m>[01]?\d)\s*月\s*(?P<d>[0-3]?\d)\s*日" + _TIME)
_TWO_DIGIT_DASHED = re.compile(r"(?<![\d.\-/])(?P<y>\d{2})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?![\d\-])" + _TIME)
_DAY_FIRST = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME)
_ENGLISH = re.compile(
    r"(?i:\b(?P<mn>" + _MONTH_NAME + r")\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2}))(?!\d)"
    r"(?:,?\s*(?:at\s+)?" + _TIME_CORE + ")?")
_ENGLISH_DAY_FIRST = re.compile(
    r"(?<!\d)(?P<d>[0-3]?\d)(?:\.|er|º)?\s+(?:de\s+)?(?i:(?P<mn>" + _MONTH_NAME + r"))(?:/[^\W\d_]+)?\.?,?\s+"
    r"(?:de\s+)?"
    r"(?P<y>(?:19|20)\d{2})(?!\d)" + r"(?:,?\s*(?:at|um|à|a las|alle|às|om)?\s*" + _TIME_CORE + r"(?:\s*Uhr)?)?")
_YEAR_LAST = re.compile(r"(?<![\d/.\-])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d{2})(?![\d/])" + _TIME)
"""`5/5/2020`, `01/23/2021`, `23/01/2021`: day first when the first number cannot be a month, month first when the
second cannot, and month first (as American pages write it) when either could; Chinese pages put the year first."""
_SHORT = re.compile(r"(?<![\d\-/.年])(?P<m>[01]?\d)\s*[-/月]\s*(?P<d>[0-3]?\d)(?:\s*日\s*|\s+)" + _TIME_CORE)
"""`10-22 10:30`, `1月12日 08:05`: a month and a day *with a time* (a bare `1-12` is too often something else)."""

PUBLISHED_WORDS = ("发布时间", "發佈時間", "发布日期", "發布日期", "发布于", "發佈於", "發表於", "发表于", "发表时间",
                   "發表時間", "发稿时间", "發稿時間", "出版日期", "出版时间", "刊登日期", "上传时间", "发布", "發佈",
                   "发表", "發表", "刊出", "Posted on", "Posted", "posted @", "posted on", "posted", "Published on",
                   "Published", "published", "Veröffentlicht am", "Veröffentlicht", "Publié le", "Publié",
                   "Publicado el", "Publicado", "Pubblicato il", "Pubblicato", "Gepubliceerd op", "Gepubliceerd",
                   "Опубликовано", "Opublikowano", "Yayınlanma", "Diterbitkan", "تاريخ النشر", "نشر في", "公開日",
                   "公開", "配信", "掲載", "입력", "등록", "게재")
UPDATED_WORDS = ("最后更新时间", "最後更新時間", "最后更新", "最後更新", "更新时间", "更新時間", "更新于", "更新於",
                 "修改时间", "修改時間", "修改于", "编辑于", "最后编辑", "最後編輯", "Last updated", "Updated on",
                 "Updated", "updated", "Modified", "Aktualisiert am", "Aktualisiert", "Mis à jour le", "Mis à jour",
                 "Actualizado el", "Actualizado", "Aggiornato il", "Aggiornato", "Bijgewerkt op", "Bijgewerkt", "更新",
                 "修改", "Обновлено", "Zaktualizowano", "Güncelleme", "Diperbarui", "آخر تحديث", "수정", "업데이트")
NEUTRAL_WORDS = ("时间", "時間", "日期", "Date", "date")
OTHER_WORDS = ("注册时间", "註冊時間", "注册日期", "注册", "註冊", "登录时间", "最后登录", "最後登錄", "上次登录", "加入时间",
               "入会时间", "生日", "出生日期", "出生", "截止日期", "截止时间", "截止", "有效期至", "有效期", "到期",
               "活动时间", "活動時間", "开始时间", "结束时间", "会议时间", "开奖时间", "考试时间", "报名时间", "营业时间")
"""Words that say a date is something else than the article's (a member's sign-up, a deadline, an event)."""
_BEFORE = re.compile(
    "(?:(?P<other>" + "|".join(map(re.escape, sorted(OTHER_WORDS, key=len, reverse=True))) + ")"
    "|(?P<up>" + "|".join(map(re.escape, sorted(UPDATED_WORDS, key=len, reverse=True))) + ")"
    "|(?P<pub>" + "|".join(map(re.escape, sorted(PUBLISHED_WORDS, key=len, reverse=True))) + ")"
    "|(?P<neutral>" + "|".join(map(re.escape, NEUTRAL_WORDS)) + r")|(?P<by>由\S{1,12}?于|于|於|@))"
    r"\s*[:：︰]?\s*[\[【(（]?\s*$")
_AFTER = re.compile(r"^\s*[\]】)）]?\s*(?:(?P<up>更新|修改|编辑|編輯|updated)|(?P<pub>发布|發佈|发表|發表|首发|出版|刊出))"
                    r"(?!时间|時間|日期|于|於|\s*[:：]|\s*\d)")
"""A word right after a date that says what it was (`06:40更新`), unless it is the label of the next one
(`公開日 2018/6/19 5:50 更新 2018/6/20`)."""
_LOOK_BEHIND = 16
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Mention:
    """One date in a text: where it is, what it says (ISO 8601), whether it had a time and a year, and its role:
    ``published``, ``updated``, ``other`` (a sign-up date, a deadline: never the article's) or ``None`` when no word
    says; ``labelled`` when a word said anything at all."""

    start: int
    end: int
    iso: str
    has_time: bool
    role: str | None
    labelled: bool

    @property
    def day(self) -> str:
        return self.iso[:10]


def tzinfo(offset: str | None) -> timezone:
    """A fixed zone from a profile's `+08:00` (China has one zone and no daylight saving time); None is +08:00."""
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", (offset or "+08:00").strip())
    if not m:
        return timezone(timedelta(hours=8))
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    return timezone(-delta if m.group(1) == "-" else delta)


def _hour(h: int, m: re.Match) -> int:
    marker = (m["ap1"] or m["ap2"] or "").lower().replace(".", "")
    if marker in ("pm", "下午", "晚上", "午後", "오후") and h < 12:
        return h + 12
    if marker in ("am", "凌晨", "午前", "오전") and h == 12:
        return 0
    return h


def _build(y: int, mo: int, d: int, m: re.Match, zone: timezone, convert: bool) -> datetime | None:
    has_time = m["H"] is not None
    try:
        h = _hour(int(m["H"]), m) if has_time else 0
        value = datetime(y, mo, d, h, int(m["M"] or 0) if has_time else 0,
                         int(m["S"] or m["S2"] or 0) if has_time else 0, tzinfo=zone)
    except ValueError:
        return None
    if has_time and m["tz"] and m["tz"].strip():
        if m["zone"]:
            stated = timezone(timedelta(hours=ZONE_NAMES[m["zone"]]))
        else:
            explicit = m["tz"].strip().replace("GMT", "").replace("UTC", "").strip()
            stated = timezone.utc if explicit == "Z" else tzinfo(explicit)
        value = value.replace(tzinfo=stated)
        if convert:
            value = value.astimezone(zone)
    return value


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?", re.I)
MONTH_FIRST = frozenset({"en", "zh", "ja", "ko", "fil", "tl"})
"""Languages whose pages write a slashed date month first (or year first, where the order never comes up)."""
DAY_FIRST_ENGLISH = frozenset({"gb", "au", "nz", "ie", "in", "za", "ng", "ke", "sg", "my", "pk"})


def day_first_page(html: str | None) -> bool:
    """Whether the page's ``<html lang>`` says its slashed dates put the day first: every language but those of
    ``MONTH_FIRST``, and English outside the United States where the region says so (`en-GB`)."""
    found = _HTML_LANG.search(html[:5000]) if html else None
    if found is None:
        return False
    language, region = found.group(1).lower(), (found.group(2) or "").lower()
    return language not in MONTH_FIRST or (language == "en" and region in DAY_FIRST_ENGLISH)


def _two_digit_year(y: int) -> int:
    return 2000 + y if y < 70 else 1900 + y


def _role(text: str, start: int, end: int) -> tuple[str | None, bool]:
    before = _BEFORE.search(text[max(0, start - _LOOK_BEHIND):start])
    after = _AFTER.match(text[end:end + 6])
    if before and before["other"]:
        return "other", True
    for found in (after, before):
        if found and found.groupdict().get("up"):
            return "updated", True
    if (before and (before["pub"] or before["by"])) or (after and after["pub"]):
        return "published", True
    return None, bool(before and before["neutral"])


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def mentions(text: str | None, *, year: int | None = None, today: date | None = None,
             tz: str | None = "+08:00", day_first: bool = False) -> list[Mention]:
    """Every date of ``text`` in order, with its role (see ``Mention``).

    A date without a year (`10-22 10:30`) takes ``year`` (from the URL), else the latest year that does not put it
    in the future of ``today`` (the crawl date). A two-digit year counts only where the text says it is one
    (`05年9月15日`, or `05-09-15 11:46` after a 发表于-like word). A date without a time gets 00:00. ``day_first``
    reads an ambiguous `08/01/2014` as the 8th of January, as a Spanish or British page means it (see
    ``day_first_page``); otherwise it is the American 1st of August.
    """
    if not text:
        return []
    plain = text.translate(WIDE)
    if not _DIGIT.search(plain):  # every form has a digit: most texts are ruled out by one search
        return []
    zone, convert = tzinfo(tz), tz is not None
    found: list[tuple[int, int, datetime, bool]] = []
    spans: list[tuple[int, int]] = []

    def add(m: re.Match, y: int, mo: int, d: int) -> None:
        if _overlaps(spans, m.start(), m.end()):
            return
        value = _build(y, mo, d, m, zone, convert)
        if value is not None:
            spans.append((m.start(), m.end()))
            found.append((m.start(), m.end(), value, m["H"] is not None))

    for m in _FULL.finditer(plain):
        add(m, int(m["y"]), int(m["m"]), int(m["d"]))
    for pattern in (_ENGLISH, _ENGLISH_DAY_FIRST):
        for m in pattern.finditer(plain):
            month = _month(m["mn"])
            if month:
                add(m, int(m["y"]), month, int(m["d"]))
    for m in _DAY_FIRST.finditer(plain):
        add(m, int(m["y"]), int(m["m"]), int(m["d"]))
    for m in _YEAR_LAST.finditer(plain):
        first, second = int(m["a"]), int(m["b"])
        add(m, int(m["y"]), *((second, first) if first > 12 or (day_first and second <= 12) else (first, second)))
    for m in _TWO_DIGIT.finditer(plain):
        add(m, _two_digit_year(int(m["y"])), int(m["m"]), int(m["d"]))
    for m in _TWO_DIGIT_DASHED.finditer(plain):
        if _role(plain, m.start(), m.end())[0] in ("published", "updated"):
            add(m, _two_digit_year(int(m["y"])), int(m["m"]), int(m["d"]))
    now = today or datetime.now(zone).date()
    for m in _SHORT.finditer(plain):
        guess = year or now.year
        if _overlaps(spans, m.start(), m.end()):
            continue
        value = _build(guess, int(m["m"]), int(m["d"]), m, zone, convert)
        if value is not None and year is None and value.date() > now + timedelta(days=1):
            value = _build(guess - 1, int(m["m"]), int(m["d"]), m, zone, convert)
        if value is not None:
            spans.append((m.start(), m.end()))
            found.append((m.start(), m.end(), value, True))
    out = []
    for start, end, value, has_time in sorted(found, key=lambda f: f[0]):
        role, labelled = _role(plain, start, end)
        out.append(Mention(start, end, value.isoformat(), has_time, role, labelled))
    return out


def parse_datetime(text: str | None, *, year: int | None = None, today: date | None = None,
                   tz: str | None = "+08:00") -> str | None:
    """The publication time a header text states, as ISO 8601 in the site's zone, or None.

    A date that a word marks as the publication (`发布时间：…`) wins over an earlier unmarked one; an update
    (`… 更新`) is taken only when the text states no other date.
    """
    found = mentions(text, year=year, today=today, tz=tz)
    if not found:
        return None
    for role in ("published", None, "updated"):
        for mention in found:
            if mention.role == role:
                return mention.iso
    return None


def updated_datetime(text: str | None, *, year: int | None = None, tz: str | None = "+08:00") -> str | None:
    """The update time a header text states (`最后更新：…`, `… 更新`), or None."""
    return next((m.iso for m in mentions(text, year=year, tz=tz) if m.role == "updated"), None)


def iso_datetime(value: str | int | float | None, *, tz: str | None = "+08:00") -> str | None:
    """A machine-readable time (ISO 8601 with or without an offset, Unix seconds or milliseconds, or any form
    ``mentions`` reads) in the site's zone; an explicit offset is honoured (converted, or kept when ``tz`` is
    None: see the module), a missing one is the site's."""
    if value is None:
        return None
    zone = tzinfo(tz)
    text = str(value).strip()
    if re.fullmatch(r"\d{10}(?:\d{3})?(?:\.\d+)?", text):
        seconds = float(text) / (1000 if len(text.split(".")[0]) == 13 else 1)
        if not 631152000 <= seconds <= 4102444800:  # 1990 .. 2100: an id or a counter, not a time
            return None
        return datetime.fromtimestamp(int(seconds), zone).isoformat()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1) if "T" not in text
                                        else text.replace("Z", "+00:00"))
    except ValueError:
        found = mentions(text, tz=tz)
        return found[0].iso if found else None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    elif tz is not None:
        parsed = parsed.astimezone(zone)
    return parsed.replace(microsecond=0).isoformat()


_URL_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<s1>[-/_]?)(?P<m>[01]\d)(?P=s1)(?P<d>[0-3]\d)(?!\d)")
_URL_DATE_SPLIT = re.compile(r"/(?P<y>(?:19|20)\d{2})(?:[-_]?(?P<m>[01]\d)/|/(?P<m2>[01]\d))(?P<d>[0-3]\d)(?:/|\d{2,}|[-_]|\.)")
_URL_YEAR = re.compile(r"/(?P<y>(?:19|20)\d{2})(?:[-/_]?[01]\d)?/")


def url_date(url: str | None, *, tz: str | None = "+08:00") -> str | None:
    """The publication day a URL carries (`/a/705/20201022/…`, `/2018-03/11/content_…`, `/2016/0902/…`), at 00:00."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for pattern in (_URL_DATE_SPLIT, _URL_DATE):
        for m in pattern.finditer(path):
            try:
                month = m["m"] or m.groupdict().get("m2")
                return datetime(int(m["y"]), int(month), int(m["d"]), tzinfo=tzinfo(tz)).isoformat()
            except ValueError:
                continue
    return None


def url_year(url: str | None) -> int | None:
    """The publication year a URL carries (`/a/705/20201022/…`, `/hotnews/2016/0902/…`), for `10-22 10:30`."""
    if not url:
        return None
    m = _URL_DATE.search(url) or _URL_YEAR.search(url)
    return int(m.group("y")) if m else None


def is_date_only(text: str) -> bool:
    """Whether a text is one date and nothing else (`2016年09月02日 10:30`)."""
    found = mentions(text.strip())
    return len(found) == 1 and found[0].start == 0 and found[0].end >= len(text.strip())


def has_date(text: str) -> bool:
    """Whether a text states a full date (with its year)."""
    return _FULL.search(text.translate(WIDE)) is not None
