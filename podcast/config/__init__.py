"""voices.yaml: the typed settings (``model``), reading and checking the file (``load``),
and a voice for every speaker (``cast``)."""
