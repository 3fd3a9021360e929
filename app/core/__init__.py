"""Shared pieces: errors, clock, audit log, mail, list helpers."""
