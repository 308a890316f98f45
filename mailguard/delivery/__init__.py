"""Getting accepted mail out: queue workers, transports (SMTP, Maildir), retries, bounces."""
