"""Voice tools: ``podcast init`` (a commented voices.yaml for a transcript) and
``podcast audition`` (a short sample of every speaker)."""
