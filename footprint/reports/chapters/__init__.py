"""One module per chapter of the report; `reports/context.py` assembles them."""
