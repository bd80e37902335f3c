"""Pain history and check-in pages."""
