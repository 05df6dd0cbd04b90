from django.core.management.base import BaseCommand

from taperwell.demo.clinic import DEMO_PASSWORD
from taperwell.demo.services import demo_load, demo_sign_ins


class Command(BaseCommand):
    help = "Load the demo clinic, Riverside Pain & Wellness (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        clinic = demo_load()
        self.stdout.write(f"Demo clinic ready: {clinic.name}")
        for email, who in demo_sign_ins():
            self.stdout.write(f"  {email:<26} {who}")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
