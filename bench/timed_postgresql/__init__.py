"""Django's PostgreSQL backend with a clock on ``COMMIT`` for ``bench/chat.py``'s servers
(``base.py``)."""
