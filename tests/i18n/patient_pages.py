"""Every page a patient reaches from the navigation and their own links, for the Spanish
checks (the browser walk and the dates)."""

PAGES = [
    "/today/",
    "/checkin/history/",
    "/questionnaires/",
    "/my-medicines/",
    "/my-medicines/naloxone/",
    "/skills/",
    "/skills/flare-plan/",
    "/skills/flare-plan/edit/",
    "/goals/",
    "/messages/",
    "/messages/new/",
    "/progress/",
    "/group/",
    "/sessions/",
    "/notices/",
    "/notices/settings/",
    "/notices/calendar/",
    "/my/data/",
    "/accounts/password/change/",
    "/help-now/",
    "/crisis/",
]
