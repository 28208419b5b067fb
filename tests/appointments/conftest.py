"""Appointments fixtures (``appt_type``, ``advisor``) live in tests/conftest.py,
shared with the browser tests."""
