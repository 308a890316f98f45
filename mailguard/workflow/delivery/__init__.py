"""Getting accepted mail out: queue workers, per-recipient outcomes, retries and bounces."""
