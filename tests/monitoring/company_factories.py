"""Factories and helpers for the tests of the company's side of the monitoring tool.

The framework, round and assessment factories come from tests/monitoring/factories.py;
this module adds answers, a framework of any size (for query counts), a profile, files
to upload, and the private storage in a temporary folder.

The small test framework (tests/monitoring/data/framework.yaml) with `PROFILE` (no
recycler, no CAHRA or 3TG sourcing, VSME, 120 FTE): questions 1.1 (single, evidence
required), 1.2 (multi), 1.3 (number), 1.4 (text) and 2.1 (boolean, critical) apply;
2.2 (CAHRA), 2.3 (CSRD, 50-5000 FTE) and 3.1 (recycler) do not.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

import factory
import yaml
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from monitoring.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    PlanOfApproach,
)
from monitoring.services import assessments as services
from tests.governance.factories import UserFactory
from tests.monitoring.factories import (
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
)

PROFILE: dict[str, Any] = {
    "recycler": False,
    "cahra_sourcing": False,
    "sources_3tg": False,
    "csrd_category": "vsme",
    "fte": 120,
}
APPLICABLE = ("1.1", "1.2", "1.3", "1.4", "2.1")
# Submitted on 31 March: the improvement window runs three calendar months, to 30 June.
SUBMITTED_AT = dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC)


def use_fast_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def use_private_storage(monkeypatch, folder) -> FileSystemStorage:
    """Evidence and plans go to `folder` instead of PRIVATE_MEDIA_ROOT (the storage is
    made when the model is imported, so the setting alone cannot move it)."""
    storage = FileSystemStorage(location=str(folder), base_url=None)
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(PlanOfApproach._meta.get_field("file"), "storage", storage)
    return storage


def profiled_assessment(**kwargs: Any) -> Assessment:
    """An assessment in progress whose profile is filled in, with the counts of PROFILE."""
    defaults: dict[str, Any] = {
        "profile": dict(PROFILE),
        "profile_completed_at": timezone.now(),
        "status": AssessmentStatus.IN_PROGRESS,
        "applicable_count": len(APPLICABLE),
    }
    defaults.update(kwargs)
    return AssessmentFactory(**defaults)


def company_person(assessment: Assessment, **kwargs: Any):
    """A person of the assessment's company."""
    return UserFactory(organisation=assessment.organisation, **kwargs)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    question_code = "1.1"
    value = "adopted"
    explanation = ""
    revision = 1


def generated_framework_yaml(questions: int, code: str = "generated") -> str:
    """A framework of two steps with `questions` single-choice questions in all, each
    taking documents, for measuring that a page does not grow with the questions."""
    steps: list[dict[str, Any]] = []
    for step in ("1", "2"):
        count = questions // 2 if step == "1" else questions - questions // 2
        steps.append(
            {
                "code": step,
                "title": {"nl": f"Stap {step}", "en": f"Step {step}"},
                "weight": 1,
                "ngo_visible": False,
                "questions": [
                    {
                        "code": f"{step}.{number}",
                        "text": {"nl": f"Vraag {number}?", "en": f"Question {number}?"},
                        "help": {"nl": "Uitleg.", "en": "Help."},
                        "type": "single",
                        "weight": 1,
                        "evidence": "optional",
                        "advice": {"nl": "Advies.", "en": "Advice."},
                        "options": [
                            {
                                "value": "no",
                                "label": {"nl": "Nee", "en": "No"},
                                "points": 0,
                            },
                            {
                                "value": "yes",
                                "label": {"nl": "Ja", "en": "Yes"},
                                "points": 100,
                            },
                        ],
                    }
                    for number in range(1, count + 1)
                ],
            }
        )
    data = {
        "code": code,
        "version": 1,
        "title": {"nl": "Gegenereerd", "en": "Generated"},
        "levels": [
            {"level": 1, "min": 0, "name": {"nl": "Basis", "en": "Basic"}},
            {"level": 2, "min": 50, "name": {"nl": "Goed", "en": "Good"}},
        ],
        "signal": {
            "green": {"final": 60, "step_min": 40},
            "orange": {"final": 40},
            "insufficient_below": 50,
        },
        "steps": steps,
        "modules": [],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def generated_assessment(questions: int, *, documents: int = 1) -> Assessment:
    """An assessment of a generated framework with every question answered and
    `documents` documents per answer (rows only: the files are never opened)."""
    framework = FrameworkFactory(
        source=generated_framework_yaml(questions, code=f"generated-{questions}")
    )
    assessment = profiled_assessment(round=RoundFactory(framework=framework))
    person = company_person(assessment)
    codes = [q.code for q in framework.parsed.questions]
    answers = Answer.objects.bulk_create(
        Answer(assessment=assessment, question_code=code, value="yes", revision=1)
        for code in codes
    )
    Evidence.objects.bulk_create(
        Evidence(
            answer=answer,
            file=f"evidence/{assessment.pk}/{answer.pk}-{number}",
            original_name=f"bewijs-{number}.pdf",
            content_type="application/pdf",
            size=1000,
            uploaded_by=person,
        )
        for answer in answers
        for number in range(documents)
    )
    return assessment


def stored_evidence(
    assessment: Assessment,
    *,
    code: str = "1.1",
    name: str = "beleidsverklaring.pdf",
    content: bytes | None = None,
    person=None,
) -> Evidence:
    """A document stored with the answer to `code` (the answer is made when missing),
    without going through the service."""
    content = pdf_bytes() if content is None else content
    answer, _ = Answer.objects.get_or_create(
        assessment=assessment, question_code=code, defaults={"revision": 0}
    )
    evidence = Evidence(
        answer=answer,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        uploaded_by=person or company_person(assessment),
    )
    evidence.file.save("upload", ContentFile(content), save=False)
    evidence.save()
    return evidence


def answer(assessment, person, code, value, explanation=""):
    """Save an answer through the service, from its current revision."""
    current = assessment.answers.filter(question_code=code).first()
    return services.answer_save(
        assessment=assessment,
        question_code=code,
        value=value,
        explanation=explanation,
        revision=current.revision if current else 0,
        actor=person,
    )


def green_answers(assessment, person):
    answer(assessment, person, "1.1", "adopted", "Vastgesteld op 1 maart.")
    answer(assessment, person, "1.2", ["labour", "environment", "gender"])
    answer(assessment, person, "2.1", "yes")


def orange_answers(assessment, person):
    """With a CAHRA profile: step 1 scores 100, step 2 (2.1 no, 2.2 yes) 50, so the final
    score is 200/3 = 66.7, but the critical 2.1 blocks green."""
    answer(assessment, person, "1.1", "adopted", "Vastgesteld op 1 maart.")
    answer(assessment, person, "1.2", ["labour", "environment", "gender"])
    answer(assessment, person, "2.1", "no")
    answer(assessment, person, "2.2", "yes")


# --- Files to upload ------------------------------------------------------------------------


def pdf_bytes(size: int = 0) -> bytes:
    """A small valid PDF, padded with a comment to `size` bytes when given."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    if size > len(body):
        body += b"%" + b"x" * (size - len(body) - 2) + b"\n"
    return body


def png_bytes() -> bytes:
    """A one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def exe_bytes() -> bytes:
    """The start of a Windows program (MZ header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
