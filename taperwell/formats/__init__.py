"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

Only the differences from Django's own locale formats live here.
"""
