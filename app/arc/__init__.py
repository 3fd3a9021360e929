"""Architectural review: owners ask, the reviewing body decides in writing, denials are appealed."""
