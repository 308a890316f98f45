"""One module per finding kind; ``settings.build_checks`` builds them once per policy and
runs them all on a message (pure)."""
