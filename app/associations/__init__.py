"""Associations, their units and the people in them."""
