"""Models of this feature."""
