"""The aid workflow (demandes d'aide, analyses, programmes, séances, évaluations) lands here."""
