"""Load test users: patients check in, answer a questionnaire and write to the care team while
clinicians use the triage dashboard, timelines and outcomes. Run by `make load`
(benchmarks/load.py), which makes the signed-in sessions and passes them in LOAD_SESSIONS.

Every answer is checked: a form that comes back instead of the expected redirect is a failure,
as is any 5xx.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid

from locust import HttpUser, between, task

SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"]).read())  # noqa: SIM115
_patients = itertools.cycle(SESSIONS["patients"])
_clinicians = itertools.cycle(SESSIONS["clinicians"])


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    first_page = "/"

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", self.session_key())
        self.client.get(self.first_page, name=self.first_page)  # sets the CSRF cookie

    def session_key(self) -> str:
        raise NotImplementedError

    def post_form(self, url: str, data: dict[str, str], expect: str, name: str) -> None:
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        with self.client.post(
            url, data=data, allow_redirects=False, name=name, catch_response=True
        ) as response:
            where = response.headers.get("Location", "")
            if response.status_code == 302 and where.startswith(expect):
                response.success()
            else:
                response.failure(f"{response.status_code} {where or 'form shown again'}")


class Patient(SignedIn):
    weight = 4
    first_page = "/checkin/"

    def session_key(self) -> str:
        return next(_patients)

    @task(4)
    def today(self) -> None:
        self.client.get("/today/")

    @task(3)
    def check_in(self) -> None:
        self.client.get("/checkin/")
        self.post_form(
            "/checkin/",
            {
                "idempotency_key": str(uuid.uuid4()),
                "pain": str(random.randint(2, 7)),  # noqa: S311
                "sleep": "6",
                "mood": str(random.randint(3, 8)),  # noqa: S311
                "withdrawal": "2",
                "craving": "1",
                "prn_doses": "0",
                "self_harm": "no",
                "overdose": "no",
                "naloxone_used": "no",
                "not_prescribed_opioids": "no",
                "activity": "",
                "activity_text": "",
                "note": "",
            },
            # The screen that answers the check-in (its words follow what was said).
            expect="/checkin/saved/",
            name="/checkin/ (POST)",
        )

    @task(1)
    def questionnaire(self) -> None:
        self.client.get("/questionnaires/peg/")
        self.post_form(
            "/questionnaires/peg/",
            {
                "idempotency_key": str(uuid.uuid4()),
                "item_1": str(random.randint(3, 7)),  # noqa: S311
                "item_2": "5",
                "item_3": "4",
            },
            expect="/questionnaires/",
            name="/questionnaires/peg/ (POST)",
        )

    @task(1)
    def message(self) -> None:
        self.client.get("/messages/")
        self.post_form(
            "/messages/new/",
            {"subject": "A question about my plan", "body": "Can we talk at my next visit?"},
            expect="/messages/",
            name="/messages/new/ (POST)",
        )


class Clinician(SignedIn):
    weight = 1
    first_page = "/clinic/triage/"

    def session_key(self) -> str:
        return next(_clinicians)

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/clinic/triage/")

    @task(1)
    def whole_clinic(self) -> None:
        self.client.get("/clinic/triage/?scope=all", name="/clinic/triage/?scope=all")

    @task(2)
    def timeline(self) -> None:
        public_id = random.choice(SESSIONS["patient_ids"])  # noqa: S311
        self.client.get(
            f"/clinic/patients/{public_id}/timeline/", name="/clinic/patients/[id]/timeline/"
        )

    @task(1)
    def outcomes(self) -> None:
        self.client.get("/clinic/outcomes/")
