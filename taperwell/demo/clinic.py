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
    # Reads taperwell in Spanish (her preferred language); not sure yet about tapering.
    ("rosa@example.org", "Rosa Delgado", "Rosa", None, "np@example.org"),
]

# email: (date of birth, the clinic's record number (MRN), phone, preferred language).
# Made up: 555-01xx numbers are reserved for fiction.
IDENTITY = {
    "maria@example.org": ("1964-03-18", "RPW-100231", "(555) 010-0142", "en"),
    "james@example.org": ("1958-11-02", "RPW-100244", "(555) 010-0157", "en"),
    "linda@example.org": ("1971-06-25", "RPW-100259", "(555) 010-0163", "en"),
    "robert@example.org": ("1955-01-09", "RPW-100262", "(555) 010-0178", "en"),
    "dorothy@example.org": ("1949-09-30", "RPW-100270", "(555) 010-0181", "en"),
    "samuel@example.org": ("1968-04-14", "RPW-100288", "(555) 010-0196", "en"),
    "george@example.org": ("1952-12-05", "RPW-100293", "(555) 010-0119", "en"),
    "rosa@example.org": ("1966-08-12", "RPW-100305", "(555) 010-0124", "es"),
}

# Patients invited but not yet signed in, so the invitations page has something to show.
INVITED = [("Helen Wright", "helen@example.org")]
