"""Evidence of a study's data: files (storage.py, the type from the content: sniffing.py)."""
