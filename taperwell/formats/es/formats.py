"""Spanish as read in US clinics: Mexican (es-MX) formats, so 7.5 mg keeps its decimal point.

Django's plain "es" writes 7,5 — a comma that a patient reading US labels and prescriptions
could take for "7 and 5". Dates read "21 de diciembre de 2026".
"""

from django.conf.locale.es_MX.formats import *  # noqa: F403
