"""What finished runs left behind, read back: their records, recomposed, compared."""
