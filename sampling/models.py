"""The sample library and collection tasks (sampling)."""
