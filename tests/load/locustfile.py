"""The load scenario of `make load`: the four kinds of people of the platform at once,
and a minimal view that measures what a request costs without the platform's own work.

- Company people open their questionnaire, save answers the way the page does (one
  answer at a time, posted by htmx with the answer's revision and the CSRF token), and
  upload their production-location list, check it and confirm it.
- The secretariat browses its overviews and review pages.
- NGO people open the results they have been granted insight into.
- Kerngroep members open the meeting page and download the meeting packs (PDF).

Everybody signs in through the real sign-in form once, in `on_start`. Pages are found
by following the links of the pages before them, as a person would, not from ids known
in advance. Request names say the kind of page, never the URL, so the figures group per
page kind. A page that answers with the sign-in form or the wrong status counts as a
failure.

Read by locust (tests/load/run.py starts it, with the repository on PYTHONPATH); it
imports nothing of Django. Environment: LOAD_UPLOADS (the folder with the upload files
of tests/load/seed.py), LOAD_COMPANIES (how many load companies there are), LOAD_THINK
(the pause between actions) and LOAD_SAMPLES (a CSV file that receives every request's
time, name, milliseconds and failure, from which the runner computes exact
percentiles).
"""

from __future__ import annotations

import itertools
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, constant_throughput, events, task

from tests.load.pages import PAGES

PASSWORD = "Convenant-demo-2025"
COMPANIES = int(os.environ.get("LOAD_COMPANIES", "40"))
UPLOADS = Path(os.environ.get("LOAD_UPLOADS", "var/load/run/uploads"))
SAMPLES = os.environ.get("LOAD_SAMPLES", "")
# Seconds a person pauses between two actions, at least and at most: reading a page, or
# typing an answer before it is saved. LOAD_THINK="1,4" pushes harder.
THINK_SECONDS = tuple(
    float(part) for part in os.environ.get("LOAD_THINK", "2,10").split(",", 1)
)
MINIMAL_URL = "/load/minimal/"
SIGN_IN_URL = "/accounts/login/"

SECRETARIAT = ("secretariaat@convenant.test",)
NGOS = ("ngo@convenant.test",)
KERNGROEP = (
    "kerngroep@convenant.test",
    "voorzitter@convenant.test",
    "kerngroep-vakbond@convenant.test",
    "kerngroep-ngo@convenant.test",
    "kerngroep-bedrijf@convenant.test",
)

_samples: list[tuple[float, str, float, bool, str]] = []


@events.request.add_listener
def _sample(
    request_type, name, response_time, exception, context, start_time=None, **kwargs
):
    phase = (context or {}).get("phase", "work")
    _samples.append(
        (start_time or 0.0, name, response_time, exception is not None, phase)
    )


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    if SAMPLES:
        with open(SAMPLES, "w", encoding="utf-8") as out:
            out.writelines(
                f"{at:.3f},{name},{ms:.2f},{int(failed)},{phase}\n"
                for at, name, ms, failed, phase in _samples
            )


def ids(pattern: str, text: str) -> list[str]:
    """The distinct first groups of `pattern` in `text`, in order."""
    return list(dict.fromkeys(re.findall(pattern, text)))


class Fields(HTMLParser):
    """The inputs and text areas of a page, and the htmx answer fieldsets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: list[dict[str, str]] = []
        self.answers: list[tuple[str, str]] = []  # (save URL, field prefix)
        self._textarea: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "fieldset" and "hx-post" in attributes and "hx-params" in attributes:
            first = attributes["hx-params"].split(",")[0]
            self.answers.append((attributes["hx-post"], first.removesuffix("-answer")))
        elif tag == "input":
            self.inputs.append(attributes)
        elif tag == "textarea":
            self._textarea = {**attributes, "type": "textarea", "value": ""}
            self.inputs.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def named(self, name: str) -> list[dict[str, str]]:
        return [field for field in self.inputs if field.get("name") == name]

    def value(self, name: str) -> str:
        found = self.named(name)
        return found[0].get("value", "") if found else ""


def parse(text: str) -> Fields:
    fields = Fields()
    fields.feed(text)
    return fields


class Person(HttpUser):
    """Somebody who signs in once and then works, pausing between actions (reading a
    page, choosing or typing an answer) for THINK_SECONDS. Of fifty people 24 are
    company people, 10 secretariat, 8 NGO and 7 Kerngroep (the weights), besides the
    one client of the minimal view."""

    abstract = True
    wait_time = between(*THINK_SECONDS)
    accounts: tuple[str, ...] = ()
    starting = True
    _numbers = itertools.count()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._numbers = itertools.count()  # each kind of person counts its accounts

    def account(self) -> str:
        return self.accounts[next(self._numbers) % len(self.accounts)]

    def context(self) -> dict:
        """Requests made while signing in and finding the way ("start") are told apart
        from the work that follows ("work")."""
        return {"phase": "start" if self.starting else "work"}

    def on_start(self) -> None:
        self.email = self.account()
        self.sign_in(self.email)
        self.discover()
        self.starting = False

    def discover(self) -> None:
        """Open the pages that lead to the ones the person works on."""

    def sign_in(self, email: str) -> None:
        form = self.page(SIGN_IN_URL, "sign in: form", signed_in=False)
        with self.client.post(
            SIGN_IN_URL,
            data={
                "login": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": parse(form).value("csrfmiddlewaretoken"),
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or location.startswith(SIGN_IN_URL):
                response.failure(f"{email} was not signed in ({response.status_code})")

    def page(self, url: str, name: str, *, signed_in: bool = True, **kwargs) -> str:
        """GET a page; a status other than 200, or the sign-in page where a signed-in
        page was asked for, counts as a failure. Returns the text ("" on failure)."""
        assert name in PAGES, name
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            if signed_in and SIGN_IN_URL in response.url:
                response.failure("sent to the sign-in page")
                return ""
            return response.text

    def pdf(self, url: str, name: str) -> None:
        """GET a PDF; anything else (such as the page saying the pack is out of date)
        counts as a failure."""
        assert name in PAGES, name
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif response.headers.get("Content-Type") != "application/pdf":
                response.failure(f"not a PDF: {response.headers.get('Content-Type')}")

    def csrf_token(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, url: str, name: str, *, expect: int = 302, **kwargs):
        """POST without following the redirect; another status counts as a failure.
        Returns the response."""
        assert name in PAGES, name
        with self.client.post(
            url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"status {response.status_code}")
            return response


class CompanyPerson(Person):
    """A company's admin: each simulated person has a company of its own, so that
    nobody saves over somebody else's answers."""

    weight = 24
    accounts = tuple(
        f"load-bedrijf-{number:02d}@convenant.test"
        for number in range(1, COMPANIES + 1)
    )

    def discover(self) -> None:
        self.number = int(self.email.split("-")[2].split("@")[0])
        assessments = self.page("/monitoring/assessments/", "company: assessments")
        found = ids(r"/monitoring/assessments/(\d+)/", assessments)
        self.assessment = found[0] if found else None
        first = self.page(
            f"/monitoring/assessments/{self.assessment}/steps/1/", "company: step"
        )
        self.steps = ids(
            rf"/monitoring/assessments/{self.assessment}/steps/([\w.-]+)/", first
        ) or ["1"]
        index = self.page("/ketenkaart/", "company: locations")
        years = ids(r"/ketenkaart/lists/(\d{4})/", index)
        self.year = max(years) if years else None

    @task(6)
    def fill_in(self) -> None:
        """Open a step and answer a few of its questions, one save per answer."""
        if self.assessment is None:
            return
        step = random.choice(self.steps)
        text = self.page(
            f"/monitoring/assessments/{self.assessment}/steps/{step}/", "company: step"
        )
        fields = parse(text)
        chosen = random.sample(fields.answers, min(3, len(fields.answers)))
        for url, prefix in chosen:
            data = self.answer(fields, prefix)
            if data is None:
                continue
            self.post(
                url,
                "company: save answer",
                expect=200,
                data=data,
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf_token()},
            )
            self.wait()

    def answer(self, fields: Fields, prefix: str) -> dict | None:
        """What a person types or chooses for the question with this prefix."""
        name = f"{prefix}-answer"
        widgets = fields.named(name)
        if not widgets:
            return None
        kind = widgets[0].get("type", "text")
        value: str | list[str]
        if kind in {"radio", "checkbox"}:
            options = [widget["value"] for widget in widgets]
            value = random.choice(options)
            if kind == "checkbox":
                value = random.sample(options, random.randint(1, len(options)))
        elif kind == "textarea":
            value = "Vastgelegd in het inkoopbeleid; zie het jaarverslag."
        else:
            value = str(random.randint(1, 90))
        return {
            name: value,
            f"{prefix}-explanation": "Besproken in het managementoverleg.",
            f"{prefix}-revision": fields.value(f"{prefix}-revision"),
            f"{prefix}-digest": fields.value(f"{prefix}-digest"),
            f"{prefix}-overwrite": "",
        }

    @task(1)
    def assessments(self) -> None:
        self.page("/monitoring/assessments/", "company: assessments")

    @task(1)
    def review(self) -> None:
        if self.assessment is not None:
            self.page(
                f"/monitoring/assessments/{self.assessment}/review/", "company: review"
            )

    @task(2)
    def locations(self) -> None:
        if self.year is not None:
            self.page(f"/ketenkaart/lists/{self.year}/", "company: location list")

    @task(1)
    def upload_locations(self) -> None:
        """Upload this year's list as CSV, read the check, confirm it."""
        if self.year is None:
            return
        url = f"/ketenkaart/lists/{self.year}/import/"
        form = parse(self.page(url, "company: upload form"))
        self.wait()
        path = UPLOADS / f"locaties-{self.number:02d}.csv"
        response = self.post(
            url,
            "company: upload locations",
            data={"csrfmiddlewaretoken": form.value("csrfmiddlewaretoken")},
            files={"file": (path.name, path.read_bytes(), "text/csv")},
        )
        found = ids(r"/ketenkaart/imports/(\d+)/", response.headers.get("Location", ""))
        if not found:
            return
        check = self.page(f"/ketenkaart/imports/{found[0]}/", "company: import check")
        confirm = f"/ketenkaart/imports/{found[0]}/confirm/"
        if confirm not in check:
            return
        self.wait()
        self.post(
            confirm,
            "company: confirm import",
            data={"csrfmiddlewaretoken": parse(check).value("csrfmiddlewaretoken")},
        )
        self.page(f"/ketenkaart/lists/{self.year}/", "company: location list")


class SecretariatPerson(Person):
    """The secretariat, browsing overviews and reviewing."""

    weight = 10
    accounts = SECRETARIAT

    def discover(self) -> None:
        self.organisations = ids(
            r"/organisations/(\d+)/",
            self.page("/organisations/", "secretariat: organisations"),
        )
        self.rounds = ids(
            r"/monitoring/rounds/(\d+)/",
            self.page("/monitoring/rounds/", "secretariat: rounds"),
        )
        self.assessments: list[str] = []
        for round_id in self.rounds:
            self.assessments += ids(
                r"/monitoring/assessments/(\d+)/",
                self.page(f"/monitoring/rounds/{round_id}/", "secretariat: round"),
            )
        self.lists = re.findall(
            r"/ketenkaart/companies/(\d+)/(\d{4})/",
            self.page("/ketenkaart/companies/", "secretariat: location lists"),
        )

    @task(2)
    def dashboard(self) -> None:
        self.page("/", "dashboard")

    @task(3)
    def organisations(self) -> None:
        self.page("/organisations/", "secretariat: organisations")

    @task(2)
    def organisation(self) -> None:
        if self.organisations:
            pk = random.choice(self.organisations)
            self.page(f"/organisations/{pk}/", "secretariat: organisation")

    @task(3)
    def overview(self) -> None:
        self.page("/monitoring/overview/", "secretariat: monitoring overview")

    @task(2)
    def round(self) -> None:
        if self.rounds:
            pk = random.choice(self.rounds)
            self.page(f"/monitoring/rounds/{pk}/", "secretariat: round")

    @task(3)
    def review(self) -> None:
        if self.assessments:
            pk = random.choice(self.assessments)
            self.page(
                f"/monitoring/assessments/{pk}/secretariat-review/",
                "secretariat: assessment review",
            )

    @task(1)
    def plans(self) -> None:
        self.page("/monitoring/plans/overview/", "secretariat: plans overview")

    @task(2)
    def location_lists(self) -> None:
        self.page("/ketenkaart/companies/", "secretariat: location lists")

    @task(2)
    def company_list(self) -> None:
        if self.lists:
            pk, year = random.choice(self.lists)
            self.page(
                f"/ketenkaart/companies/{pk}/{year}/",
                "secretariat: company location list",
            )

    @task(2)
    def audit_log(self) -> None:
        self.page("/audit-log/", "secretariat: audit log")


class NgoPerson(Person):
    """An NGO's person, reading the results it has been granted insight into."""

    weight = 8
    accounts = NGOS

    def discover(self) -> None:
        self.companies = ids(
            r"/monitoring/insight/companies/(\d+)/",
            self.page("/monitoring/insight/", "ngo: insight"),
        )

    @task(1)
    def dashboard(self) -> None:
        self.page("/", "dashboard")

    @task(2)
    def insight(self) -> None:
        self.page("/monitoring/insight/", "ngo: insight")

    @task(4)
    def company(self) -> None:
        if self.companies:
            pk = random.choice(self.companies)
            self.page(f"/monitoring/insight/companies/{pk}/", "ngo: insight company")


class KerngroepMember(Person):
    """A Kerngroep member preparing a meeting: its page and its packs."""

    weight = 7
    accounts = KERNGROEP

    def discover(self) -> None:
        meetings = ids(
            r"/meetings/(\d+)/", self.page("/meetings/", "kerngroep: meetings")
        )
        self.meetings = meetings
        self.packs = [
            pk
            for pk in meetings[:5]
            if f"/meetings/{pk}/pack/download/"
            in self.page(f"/meetings/{pk}/pack/", "kerngroep: pack page")
        ]

    @task(1)
    def dashboard(self) -> None:
        self.page("/", "dashboard")

    @task(2)
    def meeting_list(self) -> None:
        self.page("/meetings/", "kerngroep: meetings")

    @task(4)
    def meeting(self) -> None:
        if self.meetings:
            pk = random.choice(self.meetings[:5])
            self.page(f"/meetings/{pk}/", "kerngroep: meeting")

    @task(2)
    def pack(self) -> None:
        if self.packs:
            pk = random.choice(self.packs)
            self.page(f"/meetings/{pk}/pack/", "kerngroep: pack page")
            self.pdf(f"/meetings/{pk}/pack/download/", "kerngroep: pack PDF")

    @task(1)
    def outline_pack(self) -> None:
        if self.packs:
            pk = random.choice(self.packs)
            self.pdf(
                f"/meetings/{pk}/outline-pack/download/", "kerngroep: outline pack PDF"
            )


class MinimalViewClient(HttpUser):
    """Asks for the minimal view twice a second: what a request costs through gunicorn
    and the middleware without the platform's own work, under the same load."""

    fixed_count = 1
    wait_time = constant_throughput(2)

    @task
    def minimal(self) -> None:
        self.client.get(MINIMAL_URL, name="minimal view")
