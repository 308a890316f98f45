"""What a file really is, by its bytes: encrypted? executable? (pure, bounded)."""
