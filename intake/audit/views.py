"""Pages of this feature."""
