"""Forms of the web application, one module per area (like views/): they declare and clean
fields; services do the writing. crispy-forms lays out the ordinary forms."""
