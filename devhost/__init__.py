"""Development host: serves the FunctionApp over HTTP and runs its queue and timer triggers."""
