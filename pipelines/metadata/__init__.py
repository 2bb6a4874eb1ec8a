"""Article metadata: publication and update times, people, the source, the title and the section.

One concept per module:

- ``dates``: date forms as pages write them (`2005-04-05 06:40更新`, `本贴由大卫于2005年8月12日16:12:21`, full-width
  digits, two-digit years, `03:55 pm`), with the role the words around them give (published, updated);
- ``published``: which of a page's dates is the article's, by where it stands and what it says, from the header
  area, JSON-LD, meta tags, script variables, ``<time>`` and the URL;
- ``labels``: ``label：value`` runs (`发布时间：… 来源：… 责任编辑：…`) in header lines, bylines and closing lines;
- ``people``: names only from bylines and editor lines (no roles, no UI words, no staff codes);
- ``latin_byline``: the `By …` byline of English and other Latin-script pages; ``korean_byline``: `홍길동 기자`;
- ``declared``: the authors a page states for machines (JSON-LD ``author``, author meta tags), when its text
  names nobody;
- ``json_ld``: a page's JSON-LD blocks, parsed once for dates and authors;
- ``sources``: the 来源 outlet and nothing else;
- ``titles``: headline without site suffix, section from the breadcrumb.

Dates are only ever taken from labelled or header text, machine-readable declarations and the URL, never from the
first date that happens to appear on the page.
"""

from pipelines.metadata.dates import Mention, iso_datetime, mentions, parse_datetime, tzinfo, updated_datetime, url_date, url_year
from pipelines.metadata.labels import LABELS, Label, date_line, header_value, label_value, parse_labels
from pipelines.metadata.people import PHOTO_CREDIT, byline, byline_in, clean_name, editor_after, editor_name, join_names, split_names
from pipelines.metadata.published import Dates, Page, choose_dates, meta_datetime
from pipelines.metadata.sources import agency_tag, clean_source, unlabelled_source
from pipelines.metadata.titles import clean_title, headline, section_from_crumbs

__all__ = [
    "LABELS", "PHOTO_CREDIT", "Dates", "agency_tag", "Label", "Mention", "Page", "byline", "byline_in", "choose_dates", "date_line", "clean_name", "clean_source", "clean_title",
    "editor_after", "editor_name", "header_value", "headline", "iso_datetime", "join_names", "label_value", "mentions", "meta_datetime",
    "parse_datetime", "parse_labels", "section_from_crumbs", "split_names", "tzinfo", "unlabelled_source",
    "updated_datetime", "url_date", "url_year",
]
