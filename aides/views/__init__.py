"""Pages of the aid workflow, one module per stage (demandes, analyse, programmes, séances, évaluations)."""
