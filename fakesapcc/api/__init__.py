"""The HTTP layer: one blueprint per API family."""
