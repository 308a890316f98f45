"""One module per finding kind; ``run_checks`` runs them all (pure)."""
