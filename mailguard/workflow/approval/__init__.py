"""Hold, delay and second-person approval: tokens, decisions, routing and the sweeper."""
