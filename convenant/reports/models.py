"""Tables of the yearly reports (see content.py)."""
