"""Chat between customers and their job centre, in real time."""
