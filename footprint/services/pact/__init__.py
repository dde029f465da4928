"""PACT v3 data exchange (docs/pact.md): mapping (pure: an issued product → ProductFootprint),
publishing (ids, facts from the issued snapshot, who sees what), filters (pure), auth (client
credentials, tokens), events (requests answered, Published), delivery (to clients' endpoints)."""
