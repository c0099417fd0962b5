"""Making the episode's segments: a pool of engine processes (``pool``) and the cache
of clips and segments (``store``)."""
