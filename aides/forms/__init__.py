"""Forms of the aid workflow, one module per stage as in ``aides/views/`` (shared bases in ``base``)."""
