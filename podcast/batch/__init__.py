"""`podcast batch`: a folder or manifest of transcripts rendered as one job, on this
machine (a pool of worker processes that each keep their engines) or on a Dask
cluster (a task per episode, the files sent back to the client)."""
