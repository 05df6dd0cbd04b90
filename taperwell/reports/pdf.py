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
    # Imported here: WeasyPrint loads Pango at import, which only the PDF views need.
    from weasyprint import HTML

    html = summary_html(summary, shared_by_patient=shared_by_patient)
    return HTML(string=html, base_url=None).write_pdf()
