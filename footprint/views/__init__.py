"""Views, one module per concern. Views stay thin: access helper → form → service → redirect."""
