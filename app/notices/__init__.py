"""Notices to owners and the board: written once, published now or at a set time, delivered
through ``app.delivery`` with a record per recipient and method."""
