"""A crawler over Django's test client, for tests/test_crawl.py.

`crawl` starts from a few paths and follows, breadth first, every same-site link
(`<a href>`, htmx `hx-get`) and every form sent by GET (with the values the form holds),
and records every form sent by POST without sending it. It keeps at most `per_name`
addresses per URL name, so that a list of a hundred objects costs a handful of requests.

`Secrets` holds what one company must never see of another (names, KvK numbers,
supplier names and addresses) and finds it in a page by whole words.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

# Content types read for links and for confidential data; downloads in other formats
# (XLSX, PDF) are requested, never parsed.
TEXT_TYPES = (
    "text/html",
    "text/csv",
    "text/plain",
    "text/calendar",
    "application/json",
)
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Form:
    """A form as a page shows it: where it goes, how, and the values it would send."""

    page: str
    action: str
    method: str
    fields: tuple[tuple[str, str], ...]


class _PageParser(HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if attributes.get("hx-get"):
            self.links.append(attributes["hx-get"])
        if attributes.get("hx-post"):
            self.forms.append(
                {"action": attributes["hx-post"], "method": "post", "fields": []}
            )
        if tag == "form":
            self._form = {
                "action": attributes.get("action", ""),
                "method": (attributes.get("method") or "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None:
            self._field(tag, attributes)

    def _field(self, tag: str, attributes: dict[str, str]) -> None:
        assert self._form is not None
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._form["fields"].append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in attributes:
                self._select_value = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._form["fields"].append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            if self._select_value is not None:
                self._form["fields"].append((self._select, self._select_value))
            self._select = None
        if tag == "form":
            self._form = None


@dataclass
class Visit:
    path: str
    url_name: str
    status: int
    content_type: str
    source: str = ""
    location: str = ""


@dataclass
class Crawl:
    """What one person reached: every request and its answer, the forms sent by POST
    that the pages showed, and the texts of the pages (for the confidentiality check)."""

    visits: list[Visit] = field(default_factory=list)
    post_forms: list[Form] = field(default_factory=list)
    get_forms: int = 0
    texts: dict[str, str] = field(default_factory=dict)
    broken: list[tuple[str, str]] = field(default_factory=list)

    def refused(self) -> list[Visit]:
        return [visit for visit in self.visits if visit.status in (403, 404, 405)]


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _same_site(page: str, href: str) -> str | None:
    """The site path (with query, without fragment) a link on `page` leads to, or None
    for other sites, mail, telephone, scripts, fragments and static files."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    target = urlsplit(urljoin(f"http://testserver{page}", href))
    if target.scheme not in {"http", "https"} or target.netloc != "testserver":
        return None
    if target.path.startswith(settings.STATIC_URL):
        return None
    return target.path + (f"?{target.query}" if target.query else "")


def text_of(response) -> str | None:
    """The body of a text answer (a page, CSV, calendar), or None for other formats."""
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(TEXT_TYPES):
        return None
    streaming = response.streaming
    body = b"".join(response.streaming_content) if streaming else response.content
    return body.decode(response.charset or "utf-8", errors="replace")


def close(response) -> None:
    """Read a file download to its end: the test client then closes it (and its file)
    the way a server does. Never `response.close()` here: outside the client that
    fires request_finished, which closes the database connection of the test."""
    if response.streaming:
        for _chunk in response.streaming_content:
            pass


def crawl(client, starts: Iterable[str], per_name: int) -> Crawl:
    """Follow every link and GET form from `starts`, as the person signed in on
    `client`; at most `per_name` addresses of one URL name."""
    result = Crawl()
    queue: deque[tuple[str, str]] = deque((start, "") for start in starts)
    seen: set[str] = set()
    per_url_name: Counter[str] = Counter()
    while queue:
        path, source = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        name = url_name(path)
        if name is None:
            result.broken.append((source, path))
            continue
        if per_url_name[name] >= per_name:
            continue
        per_url_name[name] += 1
        response = client.get(path)
        visit = Visit(
            path, name, response.status_code, response.get("Content-Type", ""), source
        )
        result.visits.append(visit)
        if response.status_code in REDIRECTS:
            visit.location = response["Location"]
            target = _same_site(path, response["Location"])
            if target is not None:
                queue.append((target, path))
            close(response)
            continue
        text = text_of(response)
        close(response)
        if text is None:
            continue
        result.texts[path] = text
        if response.status_code != 200 or not visit.content_type.startswith(
            "text/html"
        ):
            continue
        parser = _PageParser()
        parser.feed(text)
        for href in parser.links:
            target = _same_site(path, href)
            if target is not None:
                queue.append((target, path))
        for form in parser.forms:
            action = _same_site(path, form["action"] or path)
            if action is None:
                continue
            if form["method"] == "get":
                result.get_forms += 1
                query = urlencode(form["fields"])
                base = action.split("?")[0]
                queue.append((f"{base}?{query}" if query else base, path))
            else:
                result.post_forms.append(
                    Form(path, action, form["method"], tuple(form["fields"]))
                )
    return result


# --- confidentiality -------------------------------------------------------------------

MIN_LENGTH = 5


def _pattern(words: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    """Whole words; names shorter than MIN_LENGTH are left out (too many false hits)."""
    kept = sorted(
        {word.strip() for word in words if len(word.strip()) >= MIN_LENGTH},
        key=len,
        reverse=True,
    )
    if not kept:
        return None
    alternatives = "|".join(re.escape(word) for word in kept)
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)


@dataclass(frozen=True)
class Secrets:
    """What a company's people must not see of other companies, as patterns of whole
    words (None when there is nothing to look for):

    - names: company names and KvK numbers, in any case;
    - suppliers: supplier names and addresses of more than one word, in any case;
    - one_word_suppliers: supplier names of one word (a mine called "Union" or
      "Empire"), with their capital, and not at all when the word is public anyway
      (`public_words`: the name of a country, area or town, shown in every country
      list and on the published list).
    """

    names: re.Pattern[str] | None
    suppliers: re.Pattern[str] | None
    one_word_suppliers: re.Pattern[str] | None

    @classmethod
    def build(
        cls,
        *,
        names: Iterable[str],
        suppliers: Iterable[str],
        public_words: frozenset[str],
    ) -> Secrets:
        suppliers = {supplier.strip() for supplier in suppliers}
        one_word = {
            supplier for supplier in suppliers if re.fullmatch(r"\w+", supplier)
        }
        return cls(
            names=_pattern(names, ignore_case=True),
            suppliers=_pattern(suppliers - one_word, ignore_case=True),
            one_word_suppliers=_pattern(
                {word for word in one_word if word.casefold() not in public_words},
                ignore_case=False,
            ),
        )

    def found(self, text: str, *, parties_public: bool) -> list[str]:
        """The secrets in `text` (HTML is unescaped first). On a page that names
        parties by design, other companies' names are allowed; their suppliers never."""
        text = html.unescape(text)
        patterns = [
            ("supplier", self.suppliers),
            ("supplier", self.one_word_suppliers),
        ]
        if not parties_public:
            patterns.append(("company", self.names))
        hits = set()
        for kind, pattern in patterns:
            if pattern is not None:
                hits |= {
                    f"{kind}: {match.group(0)}" for match in pattern.finditer(text)
                }
        return sorted(hits)
