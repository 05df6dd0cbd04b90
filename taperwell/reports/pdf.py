"""The visit summary as a PDF: the HTML template rendered by WeasyPrint, charts inline as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from taperwell.reports.summary import Summary


def summary_html(summary: Summary, *, shared_by_patient: bool = False) -> str:
    return render_to_string(
        "reports/visit_summary.html",
        {
            "s": summary,
            "show": dict.fromkeys(summary.sections, True),
            "made": timezone.now(),
            "shared_by_patient": shared_by_patient,
        },
    )


def summary_pdf(summary: Summary, *, shared_by_patient: bool = False) -> bytes:
    """The care team's visit summary."""
    return _pdf(summary_html(summary, shared_by_patient=shared_by_patient))


def patient_summary_html(summary: Summary) -> str:
    from django.utils.translation import get_language

    from taperwell.core.crisis import crisis_help

    return render_to_string(
        "reports/patient_summary.html",
        {
            "s": summary,
            "show": dict.fromkeys(summary.sections, True),
            "made": timezone.now(),
            "crisis_text": crisis_help(summary.patient.clinic, language=get_language())["text"],
            "next_step_text": _next_step_words(summary, language=get_language()),
        },
    )


def _next_step_words(summary: Summary, *, language: str) -> str:
    """The next step in the reader's language, worded again from its doses (and the step
    before it, which decides what the words say has stopped)."""
    from taperwell.tapering.wording import steps_in_language

    if not summary.next_step:
        return ""
    documents = [*summary.steps_so_far, *summary.upcoming_steps]
    worded = steps_in_language({"steps": documents}, language=language)["steps"]
    return str(worded[len(summary.steps_so_far)].get("text", ""))


def patient_summary_pdf(summary: Summary) -> bytes:
    """The patient's own summary in plain words: no flags, no care-team notes, no rule codes."""
    return _pdf(patient_summary_html(summary))


# Tagged PDF for screen readers. WeasyPrint 61+ writes PDF/UA-1 (tags, language, title);
# an older WeasyPrint writes an untagged PDF rather than failing.
PDF_VARIANT = "pdf/ua-1"


def _pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the PDF views need.
    from weasyprint import HTML
    from weasyprint.pdf import VARIANTS

    options = {"pdf_variant": PDF_VARIANT} if PDF_VARIANT in VARIANTS else {}
    return HTML(string=html, base_url=None).write_pdf(**options)
