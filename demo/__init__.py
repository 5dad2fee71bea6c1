"""Demo and benchmark data for development: installed only outside production (lawzana/settings.py)."""
