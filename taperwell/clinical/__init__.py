"""The clinic's medical knowledge as cited data and small pure functions.

Nothing in this package imports Django or touches HTTP or the database.
"""
