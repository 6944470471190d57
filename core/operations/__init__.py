"""Face operations: Detect, Verify, Identify, Find Similar and Group, and the request parts they share."""
