"""The demo clinic, "Riverside Pain & Wellness": its people, described as data."""

from __future__ import annotations

DEMO_PASSWORD = "taperwell-demo"  # noqa: S105 - printed on purpose; demo only

CLINIC = {
    "slug": "riverside",
    "name": "Riverside Pain & Wellness",
    "time_zone": "America/New_York",
    "jurisdiction": "OH",
    "phone": "(555) 010-2030",
}

# email, full name, role, title
STAFF = [
    ("admin@example.org", "Alex Moreno", "admin", "Clinic administrator"),
    ("clinician@example.org", "Dr. Priya Shah", "clinician", "Pain physician"),
    ("np@example.org", "Jordan Lee", "clinician", "Nurse practitioner"),
    ("counsellor@example.org", "Sam Okafor", "bh_clinician", "Psychologist, runs the weekly group"),
    ("frontdesk@example.org", "Casey Nguyen", "staff", "Front desk"),
]

# email, full name, preferred name, wants to taper, primary clinician email
PATIENTS = [
    ("maria@example.org", "Maria Alvarez", "Maria", True, "clinician@example.org"),
    ("james@example.org", "James Carter", "Jim", True, "clinician@example.org"),
    ("linda@example.org", "Linda Johnson", "Linda", None, "clinician@example.org"),
    ("robert@example.org", "Robert Williams", "Bob", True, "np@example.org"),
    ("dorothy@example.org", "Dorothy Brown", "Dot", False, "np@example.org"),
    ("samuel@example.org", "Samuel Davis", "Sam", True, "clinician@example.org"),
    # Finished his taper three weeks ago: maintenance, weekly check-ins.
    ("george@example.org", "George Miller", "George", True, "np@example.org"),
]

# Patients invited but not yet signed in, so the invitations page has something to show.
INVITED = [("Helen Wright", "helen@example.org")]
