"""The platform's PostgreSQL database backend (``ENGINE``, set by ``config/env.py``)."""
